# Shared by scripts/run and scripts/test: a Python >= 3.12 virtualenv with requirements.txt, and msgfmt.
# Sourced, not run. Leaves $PY pointing at the virtualenv's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
apt_install() {
  can_apt || return 1
  say "installing Debian packages: $*"
  if [ ! -f /tmp/.mac-portal-apt-updated ]; then apt-get update -qq >/dev/null && touch /tmp/.mac-portal-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

python_ok() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate" && { command -v "$candidate"; return; }
  done
  for candidate in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    [ -x "$candidate" ] && python_ok "$candidate" && { echo "$candidate"; return; }
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
  BASE_PY="$(find_python)" || { apt_install python3 python3-venv && BASE_PY="$(find_python)"; } \
    || die "Python 3.12 or newer is needed: install it (Debian: apt-get install python3 python3-venv) and run again."
  say "creating .venv with $BASE_PY"
  rm -rf .venv
  "$BASE_PY" -m venv .venv
fi
PY="$ROOT/.venv/bin/python"

stamp=".venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing requirements.txt"
  "$PY" -m pip install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi

if ! command -v msgfmt >/dev/null 2>&1; then
  apt_install gettext || die "GNU gettext (msgfmt) is needed to compile translations: install the 'gettext' package."
fi
"$PY" manage.py compilemessages --ignore=.venv -v 0
