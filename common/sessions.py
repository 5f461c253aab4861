"""The session engine: cached_db (read from the cache, written through to the database) that keeps working while
the cache (Redis) does not answer. Django's cached_db survives a failed cache read and a failed save, but not the
cache write after a read from the database, nor `exists` (asked when a new session key is drawn) or `delete`: a Redis
outage would be a 500 on every page that reads or opens a session. Here they fall back to the database.

Saving a changed session is one UPDATE statement, sent as it is: Django wraps it in a transaction of its own, which
costs two more round trips (BEGIN, COMMIT) for nothing — one statement is atomic by itself. That UPDATE is built once
and runs as a prepared statement (common.prepared): the ORM composed it anew on every request that changed the session
(a booking changes it twice). Creating a session keeps Django's way (its transaction turns a clashing key into
CreateError without spoiling an outer one)."""

import functools
import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import connections, router
from django.db.models import Model

from common.prepared import execute_prepared, quoted_column

logger = logging.getLogger("django.contrib.sessions")


@functools.cache
def _update_sql(model: type[Model], alias: str) -> str:
    """UPDATE of a session row's data and expiry by its key (Django's session model or a subclass of its base)."""
    connection = connections[alias]
    data, expiry, key = (
        quoted_column(model, name, connection=connection) for name in ("session_data", "expire_date", "session_key")
    )
    return f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {data} = %s, {expiry} = %s WHERE {key} = %s"


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
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        # The expiry as the field stores it on this database (a naive UTC text on SQLite, as the ORM writes it).
        expiry = self.model._meta.get_field("expire_date").get_db_prep_value(self.get_expiry_date(), connection)
        params = [self.encode(self._get_session()), expiry, self.session_key]  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            execute_prepared(cursor, _update_sql(self.model, alias), params, connection=connection)
            if cursor.rowcount != 1:  # the row is gone (expired, flushed): as Django's forced update
                raise UpdateError
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
