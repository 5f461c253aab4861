"""Project-wide pytest fixtures."""

import pytest

from centers.models import Language


@pytest.fixture(autouse=True)
def _spanish(settings):
    """Tests read what a Peruvian citizen reads."""
    settings.LANGUAGE_CODE = "es-pe"


@pytest.fixture(scope="session", autouse=True)
def _migrated_languages(django_db_setup, django_db_blocker):
    """The languages centers' data migration creates, read before any transactional test can flush them."""
    with django_db_blocker.unblock():
        return list(Language.objects.values())


@pytest.fixture(scope="module")
def restore_migrated_rows(_migrated_languages, django_db_blocker):
    """For modules of transactional tests: their flush also deletes rows made by data migrations (languages);
    put them back afterwards, so later tests and the next --reuse-db run still find them."""
    yield
    with django_db_blocker.unblock():
        Language.objects.bulk_create([Language(**row) for row in _migrated_languages], ignore_conflicts=True)
