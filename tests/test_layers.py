"""The layer contract (pyproject.toml [tool.importlinter], run by scripts/test) fails when an app imports a higher
layer or when modules of an app import each other in a circle: shown on a copy of the code with one such import."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def source_copy(tmp_path_factory) -> Path:
    """The project's Python packages and pyproject.toml, without tests, migrations or data."""
    target = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", target)
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    for package in packages:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("tests", "migrations", "locale", "templates", "static", "__pycache__"),
        )
    return target


def lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=path, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_contracts_hold_on_the_code_as_it_is(source_copy):
    result = lint(source_copy)
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("procedures/_probe.py", "import appointments.models\n", "Layers"),  # a lower app reaching up
        ("common/_probe.py", "import centers.selectors\n", "Layers"),  # the ground floor importing an app
        ("centers/_probe.py", "import mac_portal.urls\n", "Layers"),  # an app importing the wiring
        ("appointments/_probe.py", "import appointments.views\n", "No import circle"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(source_copy, module, line, broken):
    probe = source_copy / module
    probe.write_text(line)
    if broken == "No import circle":  # close the circle: views -> probe -> views
        views = source_copy / "appointments" / "views" / "__init__.py"
        original = views.read_text()
        views.write_text(original + "\nfrom appointments import _probe  # noqa\n")
    try:
        result = lint(source_copy)
    finally:
        probe.unlink()
        if broken == "No import circle":
            views.write_text(original)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
