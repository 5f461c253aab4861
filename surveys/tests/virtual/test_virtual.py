"""The virtual channel: a booking or a cancellation is a service act, recorded once as an Attention at the web
portal's service point, surveyed like any other; the confirmation page asks for the survey (through the page hook:
appointments never imports surveys)."""

import pytest

from appointments.models import Appointment
from appointments.services import appointment_cancel
from appointments.signals import BOOK, CANCEL
from appointments.tests.pages import BOOK_URL, form_to, review_page
from appointments.tests.utils import slot_at
from attention.models import Attention
from attention.services import attention_record_virtual
from attention.signals import attention_finished
from attention.tasks import virtual_attention_record
from centers.tests.factories import CenterFactory
from procedures.constants import Channel
from surveys.constants import Delivery
from surveys.models import Invitation
from surveys.tokens import invitation_token_parse

from ..factories import link_token


@pytest.fixture
def portal(db):
    return CenterFactory(name="Plataforma virtual MAC", slug="plataforma-virtual-mac", channel=Channel.VIRTUAL)


def _book(client, schedule, procedure, center, captured, **citizen):
    slot = slot_at(schedule, 2026, 12, 1, 8, 30)
    review = review_page(client, procedure, center, slot, **citizen)
    with captured(execute=True):
        booked = form_to(review, BOOK_URL).submit(client, button="Confirmar y reservar")
    assert booked.status_code == 303
    return booked, Appointment.objects.get(document_number="10117410")


def test_a_booking_is_the_virtual_channels_attention_and_invites_once(
    client, schedule, procedure, center, portal, surveys, django_capture_on_commit_callbacks
):
    booked, appointment = _book(
        client, schedule, procedure, center, django_capture_on_commit_callbacks, survey_consent="on"
    )
    assert appointment.survey_consent is True
    attention = Attention.objects.get(appointment=appointment, channel=Channel.VIRTUAL)
    assert attention.center == portal and attention.outcome == "resolved"
    assert attention.import_key == f"appointment:{appointment.pk}:book"
    invitation = Invitation.objects.get(attention=attention)
    assert invitation.delivery == Delivery.EMAIL and invitation.survey.channel == Channel.VIRTUAL

    # The task run again (a broker redelivery) records nothing new and sends no second signal.
    sent = []
    attention_finished.connect(
        lambda sender, attention_id, **kw: sent.append(attention_id), weak=False, dispatch_uid="test_virtual_sent"
    )
    try:
        assert virtual_attention_record.delay(appointment.pk, BOOK).get() == attention.pk
    finally:
        attention_finished.disconnect(dispatch_uid="test_virtual_sent")
    assert sent == [] and Attention.objects.filter(appointment=appointment).count() == 1

    # The confirmation page asks for the virtual survey, with the same invitation's link.
    page = client.get(booked["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "¿Cómo fue reservar en línea?" in html
    assert invitation_token_parse(link_token(html)) == (invitation.pk, invitation.nonce)


def test_a_cancellation_is_another_attention(
    client, schedule, procedure, center, portal, surveys, django_capture_on_commit_callbacks
):
    _booked, appointment = _book(client, schedule, procedure, center, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=appointment)
    keys = set(Attention.objects.filter(appointment=appointment).values_list("import_key", flat=True))
    assert keys == {f"appointment:{appointment.pk}:book", f"appointment:{appointment.pk}:cancel"}
    # Without consent to a survey: nobody is invited by message.
    assert not Invitation.objects.exclude(delivery=Delivery.ONSITE).exists()


def test_nothing_is_recorded_without_a_virtual_service_point(
    client, schedule, procedure, center, surveys, django_capture_on_commit_callbacks
):
    booked, appointment = _book(client, schedule, procedure, center, django_capture_on_commit_callbacks)
    assert not Attention.objects.exists()
    assert attention_record_virtual(appointment_id=appointment.pk, action=CANCEL) is None  # not cancelled
    assert attention_record_virtual(appointment_id=appointment.pk, action="other") is None
    page = client.get(booked["Location"])
    assert page.status_code == 200 and "/encuesta/" not in page.content.decode()
