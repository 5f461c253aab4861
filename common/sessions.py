"""The session engine: cached_db (read from the cache, written through to the database) that keeps working while
the cache (Redis) does not answer. Django's cached_db survives a failed cache read and a failed save, but not the
cache write after a read from the database, nor `exists` (asked when a new session key is drawn) or `delete`: a Redis
outage would be a 500 on every page that reads or opens a session. Here they fall back to the database."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDbSessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:  # noqa: BLE001 - the cache failed: the database has every session
            logger.warning("Session cache unavailable; reading the database")
            return DbSessionStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:  # noqa: BLE001 - the cache failed: the database has every session
            logger.warning("Session cache unavailable; checking the database")
            return DbSessionStore.exists(self, session_key)

    def delete(self, session_key=None):
        DbSessionStore.delete(self, session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:  # noqa: BLE001 - a stale cached copy expires with the session
            logger.warning("Session cache unavailable; the cached copy of a deleted session expires on its own")
