"""Every string a citizen or clerk reads has its Spanish translation, and none is a guess (fuzzy)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(
    path
    for path in ROOT.glob("**/locale/es/LC_MESSAGES/django.po")
    if not {".venv", "node_modules", "staticfiles"} & set(path.relative_to(ROOT).parts)
)


def test_every_app_with_strings_has_a_spanish_catalog():
    apps = {path.relative_to(ROOT).parts[0] for path in CATALOGS}
    assert {"procedures", "centers", "appointments", "surveys", "locale"} <= apps


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_catalog_is_complete(catalog):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) is needed: install the 'gettext' package."
    result = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), f"{catalog}: {statistics}"
