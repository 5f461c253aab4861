"""Races with real concurrent PostgreSQL connections (one per thread, committed data): two staff answering one
complaint at once record one answer; two workers sending due messages at once send each message once."""

import threading

import pytest
from django.core import mail
from django.db import connection

from complaints import services, tasks
from complaints.errors import AlreadyAnswered
from complaints.models import Complaint, ComplaintMessage

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("restore_migrated_rows"),
]

RACERS = 6


def race(work) -> list[str]:
    """Run `work(n)` in RACERS threads released together; returns what each ended with."""
    gate = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            gate.wait()
            result = work(n)
        except Exception as exc:  # noqa: BLE001 - reported in the assertion, never hidden
            result = type(exc).__name__
        finally:
            connection.close()
        with lock:
            outcomes.append(str(result))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_staff_answering_at_once_record_one_answer(complaint_input, monkeypatch):
    monkeypatch.setattr(tasks.complaint_message_send, "delay", lambda *args, **kwargs: None)
    complaint = services.complaint_file(data=complaint_input(phone=""))

    def answer(n: int) -> str:
        try:
            services.complaint_answer(
                complaint_id=complaint.pk, answer=f"Respuesta número {n} de la entidad al reclamo."
            )
        except AlreadyAnswered:
            return "already"
        return "answered"

    outcomes = race(answer)
    assert sorted(outcomes) == ["already"] * (RACERS - 1) + ["answered"]
    complaint = Complaint.objects.get()
    assert complaint.status == "answered"
    assert ComplaintMessage.objects.filter(kind="answer").count() == 1


def test_workers_sending_at_once_send_each_message_once(complaint_input, monkeypatch):
    monkeypatch.setattr(tasks.complaint_message_send, "delay", lambda *args, **kwargs: None)
    for n in range(10):
        services.complaint_file(data=complaint_input(email=f"vecino{n}@example.com", phone=""))
    outcomes = race(lambda n: services.messages_send_due())
    assert sum(int(count) for count in outcomes) == 10
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"vecino{n}@example.com" for n in range(10))
    assert not ComplaintMessage.objects.filter(sent_at__isnull=True).exists()
