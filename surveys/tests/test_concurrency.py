"""Invitations raced with real concurrent PostgreSQL connections (committed data, one thread each)."""

import threading

import pytest

from attention.tests.conftest import at
from surveys.models import Invitation
from surveys.services import invitation_create, survey_defaults_create

from .factories import booked_appointment, serve

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]


def test_a_second_invitation_for_a_contact_waits_for_the_first_and_sees_it(floor):
    """Deterministic: while one worker holds a contact's lock (and is creating its invitation), another worker
    inviting the same contact waits on the lock (seen in pg_locks), then finds the first invitation and invites
    nobody."""
    from django.db import connection, transaction

    from surveys.services.invitations import _contact_lock
    from surveys.tokens import contact_hash

    survey_defaults_create()
    first = serve(floor, appointment=booked_appointment(floor, n=1, email="rosa@example.pe", phone=""))
    second = serve(
        floor,
        appointment=booked_appointment(floor, n=2, email="rosa@example.pe", phone="", starts=at(10, 30)),
        finished=at(10, 40),
    )
    held, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def holder() -> None:
        with transaction.atomic():
            _contact_lock([contact_hash("rosa@example.pe")])
            held.set()
            release.wait(30)
            outcome["first"] = invitation_create(attention_id=first.pk, now=at(12))

    def contender() -> None:
        held.wait(30)
        outcome["second"] = invitation_create(attention_id=second.pk, now=at(12))

    threads = [threading.Thread(target=lambda f=f: _closing(f)) for f in (holder, contender)]
    for thread in threads:
        thread.start()
    waiting = False
    for _poll in range(20_000):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                waiting = True
                break
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert waiting, "the second worker never waited for the contact's lock"
    assert outcome["first"] is not None and outcome["second"] is None
    assert Invitation.objects.count() == 1


def _closing(target) -> None:
    from django.db import connection

    try:
        target()
    finally:
        connection.close()
