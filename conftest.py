"""Project-wide pytest fixtures."""

import secrets

import pytest
from django.db import connection

from centers.models import Language
from common.tests.utils import new_address


@pytest.fixture(autouse=True)
def _spanish(settings):
    """Tests read what a Peruvian citizen reads."""
    settings.LANGUAGE_CODE = "es-pe"


@pytest.fixture(scope="session", autouse=True)
def _migrated_languages(django_db_setup, django_db_blocker):
    """The languages centers' data migration creates, read before any transactional test can flush them.
    (pytest-django sets up no test database when no collected test needs one: then there is nothing to read.)"""
    if not connection.settings_dict["NAME"].startswith("test_"):
        return []
    with django_db_blocker.unblock():
        return list(Language.objects.values())


@pytest.fixture(scope="module")
def restore_migrated_rows(_migrated_languages, django_db_blocker):
    """For modules of transactional tests: their flush also deletes rows made by data migrations (languages);
    put them back afterwards, so later tests and the next --reuse-db run still find them."""
    yield
    with django_db_blocker.unblock():
        Language.objects.bulk_create([Language(**row) for row in _migrated_languages], ignore_conflicts=True)


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts rate limits apart from every other test, worker and earlier run, without flushing the
    shared cache (Redis): counters are keyed by this namespace."""
    settings.RATE_LIMIT_NAMESPACE = secrets.token_hex(8)


@pytest.fixture
def address() -> str:
    """A client address no other test has used."""
    return new_address()


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test starts with no cached catalog page and bumps versions only for itself: the shared cache (Redis)
    outlives the rolled-back rows of earlier tests and is shared by the parallel workers."""
    settings.CACHE_NAMESPACE = secrets.token_hex(8)
