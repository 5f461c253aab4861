"""The setup stays honest: README, .env.example, docker-compose.yml and CI agree with the settings and the code.

docker-compose.yml cannot run on the development machines, so these checks are what keeps it in step.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILES = sorted((ROOT / "mac_portal" / "settings").glob("*.py"))
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
APP_SERVICES = ("migrate", "web", "worker", "beat")


def settings_variables() -> set[str]:
    names = {name for path in SETTINGS_FILES for name in ENV_READ.findall(path.read_text())}
    return names | {"DJANGO_SETTINGS_MODULE"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_settings_read_the_documented_variables():
    names = settings_variables()
    # The issue's own list must be among them, or the table below would be checking nothing.
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_HOST"} <= names


def test_every_settings_variable_is_in_env_example_and_readme():
    env_example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", env_example, flags=re.MULTILINE))
    missing_example = sorted(settings_variables() - documented)
    missing_readme = sorted(name for name in settings_variables() if f"`{name}`" not in readme)
    assert not missing_example, f".env.example lacks {missing_example}"
    assert not missing_readme, f"README.md's configuration table lacks {missing_readme}"


def test_readme_starts_with_the_run_and_test_commands_and_ci_runs_the_test_command():
    opening = "\n".join((ROOT / "README.md").read_text().splitlines()[:25])
    assert "./scripts/run" in opening and "./scripts/test" in opening
    ci_commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert any(re.search(r"(^|\s)\./scripts/test(\s|$)", line) for line in ci_commands), ci_commands


def test_compose_has_the_production_topology(compose):
    services = compose["services"]
    assert set(services) >= {"web", "worker", "beat", "db", "redis", "migrate"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    web = " ".join(services["web"]["command"])
    assert web.startswith("gunicorn mac_portal.wsgi:application")
    assert " ".join(services["worker"]["command"]).startswith("celery -A mac_portal worker")
    assert " ".join(services["beat"]["command"]).startswith("celery -A mac_portal beat")
    assert " ".join(services["migrate"]["command"]) == "python manage.py migrate --noinput"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    # Only the reverse proxy is published; the application behind it trusts exactly one proxy.
    assert [name for name, service in services.items() if service.get("ports")] == ["proxy"]
    assert "web:8000" in (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"^TRUSTED_PROXY_COUNT=1$", (ROOT / ".env.example").read_text(), flags=re.MULTILINE)
    assert resolve("/healthz").url_name == "healthz"


def test_compose_environment_is_what_the_settings_read(compose):
    known = settings_variables()
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "mac_portal.settings.production"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert set(environment) <= known, f"{name} sets variables no setting reads: {set(environment) - known}"
        assert compose["services"][name]["env_file"] == ".env"


def test_beat_schedule_names_registered_tasks():
    from mac_portal.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), f"beat would send unknown tasks: {scheduled - set(app.tasks)}"
