"""The session engine: cached_db (read from the cache, written through to the database) that keeps working while
the cache (Redis) does not answer. Django's cached_db survives a failed cache read and a failed save, but not the
cache write after a read from the database, nor `exists` (asked when a new session key is drawn) or `delete`: a Redis
outage would be a 500 on every page that reads or opens a session. Here they fall back to the database.

Saving a changed session is one UPDATE statement, sent as it is: Django wraps it in a transaction of its own, which
costs two more round trips (BEGIN, COMMIT) for nothing — one statement is atomic by itself. Creating a session keeps
Django's way (its transaction turns a clashing key into CreateError without spoiling an outer one)."""

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import DatabaseError, router

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDbSessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:  # noqa: BLE001 - the cache failed: the database has every session
            logger.warning("Session cache unavailable; reading the database")
            return DbSessionStore.load(self)

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create)
        obj = self.create_model_instance(self._get_session())  # type: ignore[attr-defined]
        try:
            obj.save(force_update=True, using=router.db_for_write(self.model, instance=obj))
        except DatabaseError as exc:  # the row is gone (expired, flushed): as Django's save
            raise UpdateError from exc
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the database has the session; the cached copy is refreshed next time
            logger.exception("Error saving to cache (%s)", self._cache)  # type: ignore[attr-defined]
        return None

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
            self._cache.delete(self.cache_key_prefix + key)  # type: ignore[attr-defined]  # set by cached_db
        except Exception:  # noqa: BLE001 - a stale cached copy expires with the session
            logger.warning("Session cache unavailable; the cached copy of a deleted session expires on its own")
