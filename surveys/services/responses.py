"""Answering a survey: once per invitation, before it expires, every question on the 1–7 scale; no contact data."""

import datetime as dt
import hmac
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import SCALE
from ..errors import AlreadyAnswered, InvalidAnswers, InvitationExpired, UnknownInvitation
from ..models import Answer, Invitation, Response
from ..tokens import invitation_token_parse

__all__ = ["invitation_check", "response_submit"]


def invitation_check(*, invitation: Invitation | None, nonce: str, now: dt.datetime) -> Invitation:
    """The invitation when the token's nonce is its own, it is not answered and not expired; else the domain error."""
    if invitation is None or not hmac.compare_digest(invitation.nonce.encode(), nonce.encode()):
        raise UnknownInvitation()
    if invitation.responded_at is not None:
        raise AlreadyAnswered()
    if invitation.expires_at <= now:
        raise InvitationExpired()
    return invitation


def _valid_score(value: object) -> int | None:
    try:
        score = int(str(value))
    except ValueError:
        return None
    return score if score in SCALE else None


def response_submit(
    *,
    token: str,
    answers: Mapping[int, tuple[object, object]],
    comment: str = "",
    now: dt.datetime | None = None,
) -> Response:
    """Store the answers of the invitation behind `token` (question id -> (expectation, perception), each 1–7).

    Raises UnknownInvitation, InvitationExpired, AlreadyAnswered (a second submission, even a simultaneous one: the
    invitation row is locked) or InvalidAnswers with one error per question (field "q<id>")."""
    now = now or timezone.now()
    parsed = invitation_token_parse(token)
    if parsed is None:
        raise UnknownInvitation()
    invitation_id, nonce = parsed
    with transaction.atomic():
        invitation = invitation_check(
            invitation=Invitation.objects.select_for_update().filter(pk=invitation_id).first(), nonce=nonce, now=now
        )
        questions = list(invitation.survey.questions.all())
        rows, errors = [], {}
        for question in questions:
            expectation, perception = answers.get(question.pk, (None, None))
            e, p = _valid_score(expectation), _valid_score(perception)
            if e is None or p is None:
                errors[f"q{question.pk}"] = [_("Choose a number from 1 to 7 for what you expected and what you got.")]
                continue
            rows.append(Answer(question=question, dimension=question.dimension, expectation=e, perception=p))
        comment = (comment or "").strip()
        if len(comment) > 1000:
            errors["comment"] = [_("Please keep the comment under 1000 characters.")]
        elif "\x00" in comment:
            errors["comment"] = [_("The comment contains characters that cannot be stored. Please type it again.")]
        if errors:
            raise InvalidAnswers(field_errors=errors)
        response = Response.objects.create(
            invitation=invitation,
            survey=invitation.survey,
            attention_id=invitation.attention_id,
            comment=comment,
            submitted_at=now,
        )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
        invitation.responded_at = now
        invitation.save(update_fields=["responded_at"])
        # Answered before its message went out: the message is not needed any more.
        Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True, sending_at__isnull=True).exclude(
            due_at__isnull=True
        ).update(skipped_at=now, last_error="answered")
    return response
