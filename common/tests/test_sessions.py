"""common.sessions: a changed session is saved with one prepared UPDATE, and reads back the same from the database."""

import datetime as dt

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import cache

from common.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_changed_session_is_one_update_and_reads_back_from_the_database(django_assert_num_queries):
    session = SessionStore()
    session["drafts"] = ["a"]
    session.create()
    for drafts in (["a", "b"], ["a", "b", "c"]):
        session = SessionStore(session.session_key)
        session["drafts"] = drafts
        with django_assert_num_queries(1):
            session.save()
        # From the database, not the cached copy. Only this session's key: clearing the whole cache (FLUSHDB) emptied
        # it under the parallel workers' tests too (a booking's draft gone between its two POSTs).
        cache.delete(session.cache_key)
        assert SessionStore(session.session_key)["drafts"] == drafts
    row = Session.objects.get(session_key=session.session_key)
    assert session.decode(row.session_data)["drafts"] == ["a", "b", "c"]
    assert abs(row.expire_date - session.get_expiry_date()) < dt.timedelta(seconds=5)


def test_saving_a_session_whose_row_is_gone_is_an_update_error():
    session = SessionStore()
    session["drafts"] = ["a"]
    session.create()
    Session.objects.filter(session_key=session.session_key).delete()
    session["drafts"] = ["a", "b"]
    with pytest.raises(UpdateError):
        session.save()
