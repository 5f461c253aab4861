"""The static files storage of production: WhiteNoise's compressed manifest storage, with each file's URL kept in the
process once it is known.

A `{% static %}` of the manifest storage looks the hashed name up and rebuilds the URL every time (urldefrag,
urlsplit, urljoin, unquote: about 20 µs each; a page of the booking has seven, an admin page dozens). The manifest
is read when the process starts and does not change while it runs (a deployment starts new processes), so the same
name always gives the same URL: the first answer is kept. With DEBUG (unhashed names) or `force`, and for a name the
manifest lacks (ValueError, as before), nothing is kept.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Names come from templates and code, not from visitors; the bound only keeps a mistake from growing without end.
MAX_KEPT_URLS = 2_000


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        url = self._kept_urls.get(name)
        if url is None:
            url = super().url(name)
            if len(self._kept_urls) < MAX_KEPT_URLS:
                self._kept_urls[name] = url
        return url
