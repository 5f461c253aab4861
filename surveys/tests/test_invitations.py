"""Who is invited, and how the message goes out: consent, sampling, one per contact per N days, opt-out forever,
retries with backoff, expiry."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from appointments import sms
from attention.constants import Outcome
from attention.tests.conftest import at
from surveys.constants import Delivery
from surveys.models import CenterSampling, Invitation, OptOut
from surveys.services import invitation_create, invitations_send_due
from surveys.tokens import contact_hash, sampling_draw

from .factories import booked_appointment, last_email_token, serve


def _served(floor, n=1, finished=None, **citizen):
    appointment = booked_appointment(floor, n=n, **citizen)
    return serve(floor, appointment=appointment, finished=finished)


def test_invitation_needs_consent_and_a_contact(floor, surveys):
    assert invitation_create(attention_id=_served(floor, n=1, survey_consent=False).pk) is None
    walk_in = serve(floor, finished=at(10, 20))
    assert invitation_create(attention_id=walk_in.pk) is None


def test_invitation_is_created_once_for_an_attention(floor, surveys):
    attention = _served(floor)
    first = invitation_create(attention_id=attention.pk)
    again = invitation_create(attention_id=attention.pk)
    assert first is not None and again == first
    assert Invitation.objects.count() == 1


def test_a_referral_or_an_unknown_attention_is_not_surveyed(floor, surveys):
    assert invitation_create(attention_id=999_999) is None
    appointment = booked_appointment(floor)
    not_resolved = serve(floor, appointment=appointment, outcome=Outcome.NOT_RESOLVED)
    assert invitation_create(attention_id=not_resolved.pk) is not None  # not resolved: still asked


def test_sms_when_there_is_no_email(floor, surveys):
    attention = _served(floor, email="")
    invitation = invitation_create(attention_id=attention.pk)
    assert invitation.delivery == Delivery.SMS and invitation.email_hash == ""
    with time_machine.travel(invitation.due_at, tick=False):
        assert invitations_send_due() == 1
    assert len(sms.outbox) == 1
    assert sms.outbox[0].idempotency_key == f"survey-invitation-{invitation.pk}"
    assert "/encuesta/" in sms.outbox[0].body


def test_sampling_share_per_center_is_a_fixed_draw(floor, surveys):
    attention = _served(floor)
    draw = sampling_draw(attention_id=attention.pk)
    assert 0 <= draw < 1 and draw == sampling_draw(attention_id=attention.pk)
    CenterSampling.objects.create(center=floor.center, share=Decimal("0"))
    assert invitation_create(attention_id=attention.pk) is None
    CenterSampling.objects.filter(center=floor.center).update(share=Decimal(str(draw)).quantize(Decimal("0.001")))
    expected = draw < float(Decimal(str(draw)).quantize(Decimal("0.001")))
    assert (invitation_create(attention_id=attention.pk) is not None) is expected
    CenterSampling.objects.filter(center=floor.center).update(share=Decimal("1"))
    assert invitation_create(attention_id=attention.pk) is not None


def test_sampling_invites_about_the_configured_share(floor, surveys):
    """Over many attentions the share drawn is close to the configured one (keyed hash: uniform)."""
    draws = [sampling_draw(attention_id=pk) for pk in range(1, 4001)]
    assert abs(sum(d < 0.25 for d in draws) / len(draws) - 0.25) < 0.03


def test_one_invitation_per_contact_per_interval(floor, surveys, settings):
    settings.SURVEYS_CONTACT_INTERVAL_DAYS = 30
    first = _served(floor, n=1)
    assert invitation_create(attention_id=first.pk, now=at(10, 10)) is not None
    # The same person (same e-mail, another appointment) served again a little later: not invited again.
    second = _served(floor, n=2, email="ciudadano1@example.pe", phone="", finished=at(10, 40))
    assert invitation_create(attention_id=second.pk, now=at(10, 40)) is None
    # Someone else is invited as usual.
    other = _served(floor, n=3, phone="", finished=at(10, 50))
    assert invitation_create(attention_id=other.pk, now=at(10, 50)) is not None
    # 31 days later the first person may be invited again (the rule counts from the last invitation).
    Invitation.objects.filter(attention=first).update(created_at=at(10, 10) - dt.timedelta(days=31))
    assert invitation_create(attention_id=second.pk, now=at(10, 40)) is not None


def test_opt_out_is_honoured_forever(client, floor, surveys):
    attention = _served(floor)
    invitation = invitation_create(attention_id=attention.pk)
    with time_machine.travel(invitation.due_at, tick=False):
        invitations_send_due()
    token = last_email_token()
    page = client.get(reverse("surveys:opt_out", kwargs={"token": token}))
    assert page.status_code == 200 and "No invitarme más" in page.content.decode()
    done = client.post(reverse("surveys:opt_out", kwargs={"token": token}))
    assert done.status_code == 200 and "no volveremos a invitarle" in done.content.decode()
    assert set(OptOut.objects.values_list("contact_hash", flat=True)) == {
        contact_hash("ciudadano1@example.pe"),
        contact_hash("+51987654321"),
    }
    # No address is kept, only keyed hashes.
    assert "ciudadano1" not in str(list(OptOut.objects.values()))
    # Years later, and whatever the interval rule says, the same e-mail is never invited again.
    later = _served(floor, n=5, email="CIUDADANO1@example.pe", phone="", finished=at(11))
    Invitation.objects.update(created_at=at(10) - dt.timedelta(days=3650))
    assert invitation_create(attention_id=later.pk) is None


def test_opt_out_drops_pending_invitations(floor, surveys):
    from surveys.services import invitation_opt_out

    invitation = invitation_create(attention_id=_served(floor).pk)
    assert invitation_opt_out(invitation=invitation) == 1
    with time_machine.travel(invitation.due_at, tick=False):
        assert invitations_send_due() == 0
    assert mail.outbox == []


def test_a_refused_message_is_retried_with_backoff_then_given_up(floor, surveys, settings):
    settings.SMS_BACKEND = "surveys.tests.test_invitations.FailingBackend"
    settings.SURVEYS_INVITATION_MAX_ATTEMPTS = 2
    invitation = invitation_create(attention_id=_served(floor, email="").pk)
    due = invitation.due_at
    with time_machine.travel(due, tick=False):
        assert invitations_send_due() == 0
    invitation.refresh_from_db()
    assert invitation.attempts == 1 and invitation.sent_at is None and invitation.sending_at is None
    assert invitation.due_at == due + dt.timedelta(minutes=2) and "SmsError" in invitation.last_error
    assert "987" not in invitation.last_error  # masked: no number in the error
    with time_machine.travel(invitation.due_at, tick=False):
        assert invitations_send_due() == 0
    invitation.refresh_from_db()
    assert invitation.skipped_at is not None and invitation.attempts == 2


def test_an_expired_invitation_is_not_sent(floor, surveys):
    invitation = invitation_create(attention_id=_served(floor).pk)
    with time_machine.travel(invitation.expires_at + dt.timedelta(minutes=1), tick=False):
        assert invitations_send_due() == 0
    invitation.refresh_from_db()
    assert invitation.last_error == "expired" and mail.outbox == []


def test_a_crash_after_handing_over_resends_with_the_same_key(floor, surveys, settings, caplog):
    """A worker killed between the provider call and `sent_at` leaves `sending_at`: after the lease the message goes
    again with the same Message-ID, and a warning says it may be a duplicate."""
    invitation = invitation_create(attention_id=_served(floor).pk)
    Invitation.objects.filter(pk=invitation.pk).update(
        claimed_at=invitation.due_at, claim_token="00000000-0000-0000-0000-000000000001", sending_at=invitation.due_at
    )
    with time_machine.travel(invitation.due_at + dt.timedelta(minutes=5), tick=False):
        assert invitations_send_due() == 0  # still leased
    with time_machine.travel(invitation.due_at + dt.timedelta(minutes=11), tick=False):
        assert invitations_send_due() == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<survey-invitation-{invitation.pk}@")
    assert "may have gone out already" in caplog.text


class FailingBackend(sms.BaseSmsBackend):
    def send_messages(self, messages):
        raise sms.SmsError("gateway refused +51987654321")


@pytest.fixture(autouse=True)
def _no_delay(settings):
    settings.SURVEYS_INVITATION_DELAY_MINUTES = 60


def test_contact_hashes_are_forgotten_once_the_interval_rule_no_longer_needs_them(floor, surveys, settings):
    from surveys import tasks

    settings.SURVEYS_CONTACT_INTERVAL_DAYS = 30
    invitation = invitation_create(attention_id=_served(floor).pk, now=at(10, 10))
    with time_machine.travel(at(10, 10) + dt.timedelta(days=29), tick=False):
        assert tasks.invitations_forget_contacts.delay().get() == 0
    with time_machine.travel(at(10, 10) + dt.timedelta(days=31), tick=False):
        assert tasks.invitations_forget_contacts.delay().get() == 1
    invitation.refresh_from_db()
    assert invitation.email_hash == "" and invitation.phone_hash == ""
