"""Project-wide pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _spanish(settings):
    """Tests read what a Peruvian citizen reads."""
    settings.LANGUAGE_CODE = "es-pe"
