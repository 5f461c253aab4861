"""The whole loop: an attention finishes -> an invitation is created -> sent once by the beat (even run twice) ->
answered by its link -> the indicators reflect it."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.core import mail
from django.urls import reverse

from attention.tests.conftest import at
from surveys import handlers, tasks
from surveys.constants import Delivery
from surveys.models import Answer, Invitation, Response
from surveys.selectors import satisfaction_by_dimension

from .factories import booked_appointment, last_email_token, serve

DAY = dt.date(2026, 12, 1)


def _answers(survey, expectation: int, perception: int) -> dict[str, str]:
    data = {}
    for question in survey.questions.all():
        data[f"q{question.pk}_e"] = str(expectation)
        data[f"q{question.pk}_p"] = str(perception)
    return data


def test_only_a_finish_with_an_appointment_enqueues_the_invitation_task(
    floor, surveys, monkeypatch, django_capture_on_commit_callbacks
):
    """A walk-in has no contact to invite: its finish (the counters' hot path) publishes nothing to the broker."""
    queued = []
    monkeypatch.setattr(handlers.invitation_create, "delay_on_commit", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        serve(floor, finished=at(10, 10))
    assert queued == []
    appointment = booked_appointment(floor)
    with django_capture_on_commit_callbacks(execute=True):
        attention = serve(floor, appointment=appointment, finished=at(10, 30))
    assert queued == [(attention.pk,)]


def test_finish_invite_send_once_answer_and_count(client, floor, surveys, django_capture_on_commit_callbacks):
    appointment = booked_appointment(floor)
    with django_capture_on_commit_callbacks(execute=True):
        attention = serve(floor, appointment=appointment, finished=at(10, 10))

    invitation = Invitation.objects.get(attention=attention)
    assert invitation.delivery == Delivery.EMAIL
    assert invitation.due_at == at(11, 10)  # one hour after it finished
    assert invitation.expires_at == at(11, 10) + dt.timedelta(days=7)
    assert invitation.email_hash and invitation.phone_hash
    assert appointment.email not in str(Invitation.objects.filter(pk=invitation.pk).values().get())

    with time_machine.travel(at(11, 0), tick=False):
        assert tasks.invitations_send_due.delay().get() == 0  # not due yet
    with time_machine.travel(at(11, 11), tick=False):
        assert tasks.invitations_send_due.delay().get() == 1
        assert tasks.invitations_send_due.delay().get() == 0  # the beat runs again: nothing is sent twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [appointment.email]
    assert message.extra_headers["Message-ID"] == f"<survey-invitation-{invitation.pk}@mac.gob.pe>"
    assert "Encuesta" in message.subject or "encuesta" in message.subject
    assert "/baja/" in message.body  # the opt-out link
    token = last_email_token()

    with time_machine.travel(at(15), tick=False):
        page = client.get(reverse("surveys:respond", kwargs={"token": token}))
        assert page.status_code == 200
        assert "La amabilidad del asesor en la ventanilla" in page.content.decode()
        answered = client.post(
            reverse("surveys:respond", kwargs={"token": token}),
            _answers(surveys["presencial"], 5, 6) | {"comment": "Muy rápido"},
        )
        assert answered.status_code == 303 and answered["Location"] == reverse("surveys:thanks")
        again = client.post(reverse("surveys:respond", kwargs={"token": token}), _answers(surveys["presencial"], 1, 1))
    assert again.status_code == 409
    assert "Ya respondió esta encuesta" in again.content.decode()

    response = Response.objects.get()
    assert response.attention == attention and response.comment == "Muy rápido"
    assert Answer.objects.filter(response=response).count() == 8
    # Stored without contact data: no field of the response or its answers names the citizen.
    stored = str(Response.objects.values().get()) + str(list(Answer.objects.values()))
    for personal in (appointment.email, appointment.phone, appointment.full_name, appointment.document_number):
        assert personal not in stored

    rows = {row["dimension"]: row for row in satisfaction_by_dimension(start=DAY, end=DAY)}
    assert rows["agent_courtesy"] == {
        "dimension": "agent_courtesy",
        "dimension_label": "Amabilidad del asesor de ventanilla",
        "invitations": 1,
        "responses": 1,
        "response_rate": Decimal("1.00"),
        "mean_expectation": Decimal("5.00"),
        "mean_perception": Decimal("6.00"),
        "gap": Decimal("1.00"),
        "share_satisfied": Decimal("1.00"),
    }


def test_an_answer_before_the_message_makes_the_message_unneeded(
    client, floor, surveys, django_capture_on_commit_callbacks
):
    """The ticket's QR (or the counter's tablet) gets the same invitation: answered there, no e-mail follows."""
    from attention.links import ticket_status_path

    appointment = booked_appointment(floor)
    with django_capture_on_commit_callbacks(execute=True):
        attention = serve(floor, appointment=appointment)
    with time_machine.travel(at(10, 12), tick=False):
        page = client.get(ticket_status_path(attention.ticket))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Cuéntenos cómo le fue" in html
        from .factories import link_token

        token = link_token(html)
        posted = client.post(reverse("surveys:respond", kwargs={"token": token}), _answers(surveys["presencial"], 4, 4))
        assert posted.status_code == 303
    with time_machine.travel(at(11, 11), tick=False):
        assert tasks.invitations_send_due.delay().get() == 0
    assert mail.outbox == []
    invitation = Invitation.objects.get(attention=attention)
    assert invitation.responded_at is not None and invitation.skipped_at is not None
