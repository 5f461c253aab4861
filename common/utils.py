"""Small helpers shared by every app."""

from django.conf import settings


def setting_int(name: str, default: int) -> int:
    """An integer setting, with the default the settings module also uses (for settings a test may delete)."""
    return int(getattr(settings, name, default))
