# Shared by scripts/run and scripts/test: a Python >= 3.12 virtualenv (.venv) with requirements.txt installed,
# and the translations compiled. Sourced, not run. Leaves $PY pointing at the virtualenv's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# A minimal PATH (CI, env -i) may lack the sbin directories where runuser, useradd and friends live.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_install() {  # Debian packages, only where we may (root with apt-get); quiet unless it fails.
  can_apt || return 1
  say "installing Debian packages: $*"
  local log
  log="$(mktemp)"
  if { [ -f /tmp/.mac-portal-apt-updated ] || { apt-get update -qq && touch /tmp/.mac-portal-apt-updated; }; } >"$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >>"$log" 2>&1; then
    rm -f "$log"
  else
    tail -n 20 "$log" >&2
    rm -f "$log"
    return 1
  fi
}

# A usable base interpreter: Python >= 3.12 that can build a virtualenv with pip.
python_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {  # $PYTHON first, then python3.X on PATH, then pyenv and system installs, newest first
  local candidate
  for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate" \
      && { command -v "$candidate"; return; }
  done
  while read -r candidate; do
    [ -x "$candidate" ] && python_ok "$candidate" && { echo "$candidate"; return; }
  done < <(
    shopt -s nullglob
    printf '%s\n' "${PYENV_ROOT:-${HOME:-/root}/.pyenv}"/versions/3.*/bin/python3 /root/.pyenv/versions/3.*/bin/python3 \
      /usr/local/bin/python3.* /usr/bin/python3.* /opt/python*/bin/python3 | grep -E '[0-9]$' | sort -Vr -u
  )
  return 1
}

if [ ! -x .venv/bin/python ] || ! "$ROOT/.venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  BASE_PY="$(find_python)" || die "Python 3.12 or newer (with venv and ensurepip) is needed and none was found: install it (e.g. with pyenv) or point PYTHON at it, then run again."
  say "creating .venv with $BASE_PY"
  rm -rf .venv
  "$BASE_PY" -m venv .venv
fi
PY="$ROOT/.venv/bin/python"

# Install requirements.txt when it changed since the last install (a hash stamp inside the virtualenv).
stamp=".venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing requirements.txt into .venv"
  pip_log="$(mktemp)"
  "$PY" -m pip install -q --disable-pip-version-check --no-input -r requirements.txt >"$pip_log" 2>&1 \
    || { grep -v '^WARNING: Location' "$pip_log" | tail -n 30 >&2; rm -f "$pip_log"
         die "pip could not install requirements.txt (see above): check the access to PyPI and run again."; }
  rm -f "$pip_log"
  echo "$want" >"$stamp"
fi

if ! command -v msgfmt >/dev/null 2>&1; then
  apt_install gettext \
    || die "GNU gettext (msgfmt) is needed to compile the translations: install the Debian package 'gettext' and run again."
fi
"$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=staticfiles -v 0
