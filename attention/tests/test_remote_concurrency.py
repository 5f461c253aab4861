"""The one-open-remote-ticket rule raced with real concurrent PostgreSQL connections: citizens (or a script) joining
at the same instant with one mobile number, or one document, get exactly one ticket."""

import threading

import pytest
from django.db import connection

from ..errors import RemoteTicketOpen
from ..models import Ticket
from .conftest import at
from .factories import DNIS, remote_enable, remote_join

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

JOINERS = 8


def _race(floor, variants: list[dict]) -> tuple[list[int], list[str]]:
    gate = threading.Barrier(len(variants))
    joined: list[int] = []
    refused: list[str] = []
    lock = threading.Lock()

    def join(overrides: dict) -> None:
        try:
            gate.wait()
            ticket = remote_join(center=floor.center, procedure=floor.dni, at=at(10), **overrides)
            with lock:
                joined.append(ticket.pk)
        except RemoteTicketOpen as exc:
            with lock:
                refused.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(variant,)) for variant in variants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return joined, refused


@pytest.mark.parametrize("shared", ["phone", "document"])
def test_joining_at_once_with_one_phone_or_document_gives_one_ticket(floor, shared):
    remote_enable(center=floor.center, procedure=floor.dni)
    if shared == "phone":
        variants = [{"document_number": DNIS[n], "phone": "987650000"} for n in range(JOINERS)]
    else:
        variants = [{"document_number": DNIS[0], "phone": f"98765{n:04d}"} for n in range(JOINERS)]
    joined, refused = _race(floor, variants)
    assert len(joined) == 1 and refused == ["remote_ticket_open"] * (JOINERS - 1)
    assert list(Ticket.objects.values_list("pk", flat=True)) == joined
    # No number was lost either: the refused joins rolled their ticket number back.
    assert Ticket.objects.get().number == 1
