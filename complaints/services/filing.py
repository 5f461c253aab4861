"""Filing a complaint: every input checked (with the booking's own citizen validation), the attachment recognised
by content and stored under a random name, a tracking code, the answer deadline and the acknowledgement rows."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from appointments.errors import InvalidBooking
from appointments.formatting import lima_date
from appointments.services import Citizen, citizen_clean, code_generate
from centers.models import Center, Offering
from procedures.models import Entity

from ..attachments import attachment_name_clean, attachment_sniff, attachment_storage, attachment_stored_name
from ..constants import ComplaintCategory, MessageKind
from ..errors import InvalidComplaint
from ..models import Complaint
from .deadlines import complaint_due_date
from .messages import messages_plan

__all__ = [
    "DESCRIPTION_LIMITS",
    "REQUEST_LIMITS",
    "Attachment",
    "ComplaintInput",
    "attachment_check",
    "complaint_clean",
    "complaint_file",
]

DESCRIPTION_LIMITS = (20, 4000)
REQUEST_LIMITS = (5, 2000)


@dataclass(frozen=True)
class ComplaintInput:
    """What the filing form or API collects (raw; complaint_file validates it all)."""

    entity_id: int | None
    center_id: int | None
    category: str
    description: str
    request: str
    document_type: str
    document_number: str
    full_name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Attachment:
    content_type: str
    size: int
    name: str


def _text(value: str, *, limits: tuple[int, int], missing: str, short: str) -> tuple[str, str]:
    """(cleaned text, error message or "")."""
    text = "\n".join(line.rstrip() for line in (value or "").strip().splitlines())
    if not text:
        return "", missing
    low, high = limits
    if len(text) < low:
        return "", short % {"count": low}
    if len(text) > high:
        return "", _("Write at most %(limit)d characters (you wrote %(count)d).") % {"limit": high, "count": len(text)}
    return text, ""


def complaint_clean(*, data: ComplaintInput) -> dict:
    """The validated, normalized fields of a complaint; InvalidComplaint with per-field errors otherwise."""
    errors: dict[str, list[str]] = {}
    center = Center.objects.filter(pk=data.center_id, is_active=True).first() if data.center_id else None
    if center is None:
        errors["center"] = [_("Choose the service point where you were attended.")]
    entity = Entity.objects.filter(pk=data.entity_id).first() if data.entity_id else None
    if entity is None:
        errors["entity"] = [_("Choose the entity your complaint is about.")]
    elif (
        center is not None
        and not Offering.objects.filter(center=center, procedure__entity=entity, is_active=True).exists()
    ):
        errors["entity"] = [
            _("%(entity)s does not serve at %(center)s. Check the entity and the service point.")
            % {"entity": entity.short_name, "center": center.name}
        ]
    if data.category not in ComplaintCategory.values:
        errors["category"] = [_("Choose what your complaint is about.")]
    description, problem = _text(
        data.description,
        limits=DESCRIPTION_LIMITS,
        missing=_("Tell us what happened."),
        short=_("Tell us a little more about what happened (at least %(count)d characters)."),
    )
    if problem:
        errors["description"] = [problem]
    request, problem = _text(
        data.request,
        limits=REQUEST_LIMITS,
        missing=_("Tell us what you ask for."),
        short=_("Write at least %(count)d characters."),
    )
    if problem:
        errors["request"] = [problem]
    citizen = None
    try:
        citizen = citizen_clean(
            citizen=Citizen(
                document_type=data.document_type,
                document_number=data.document_number,
                full_name=data.full_name,
                email=data.email,
                phone=data.phone,
            )
        )
    except InvalidBooking as exc:
        errors.update(exc.field_errors)
    if errors or citizen is None or center is None or entity is None:
        raise InvalidComplaint(field_errors=errors)
    return {
        "entity": entity,
        "center": center,
        "channel": center.channel,
        "category": data.category,
        "description": description,
        "request": request,
        "document_type": citizen.document_type,
        "document_number": citizen.document_number,
        "full_name": citizen.full_name,
        "email": citizen.email,
        "phone": citizen.phone,
    }


def _max_bytes() -> int:
    return int(getattr(settings, "COMPLAINTS_ATTACHMENT_MAX_BYTES", 2 * 1024 * 1024))


def attachment_check(*, upload: UploadedFile) -> Attachment:
    """The attachment's recognised type and size; InvalidComplaint (field "attachment") when it is refused."""
    size = int(upload.size or 0)
    limit = _max_bytes()
    if size == 0:
        raise InvalidComplaint(field_errors={"attachment": [_("The file is empty. Attach another one or none.")]})
    if size > limit:
        megabytes = max(limit // (1024 * 1024), 1)
        raise InvalidComplaint(
            field_errors={
                "attachment": [
                    ngettext(
                        "The file is too large: attach one of at most %(count)d MB.",
                        "The file is too large: attach one of at most %(count)d MB.",
                        megabytes,
                    )
                    % {"count": megabytes}
                ]
            }
        )
    upload.seek(0)
    content_type = attachment_sniff(upload.read(16))
    upload.seek(0)
    if not content_type:
        raise InvalidComplaint(
            field_errors={"attachment": [_("Attach a PDF document or a JPG or PNG picture (no other kinds of file).")]}
        )
    return Attachment(content_type=content_type, size=size, name=attachment_name_clean(upload.name or ""))


def _unique_code() -> str:
    while True:
        code = code_generate()
        if not Complaint.objects.filter(code=code).exists():
            return code


def complaint_file(
    *, data: ComplaintInput, upload: UploadedFile | None = None, now: dt.datetime | None = None
) -> Complaint:
    """File a complaint: validated, its attachment stored, its deadline set, its acknowledgement planned (sent after
    commit to the e-mail and/or mobile given). Nothing is stored when anything is refused."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    fields: dict = {}
    try:
        fields = complaint_clean(data=data)
    except InvalidComplaint as exc:
        errors.update(exc.field_errors)
    attachment = None
    if upload is not None:
        try:
            attachment = attachment_check(upload=upload)
        except InvalidComplaint as exc:
            errors.update(exc.field_errors)
    if errors:
        raise InvalidComplaint(field_errors=errors)
    stored = ""
    if attachment is not None and upload is not None:
        stored = attachment_storage().save(attachment_stored_name(attachment.content_type), upload)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                code=_unique_code(),
                filed_at=now,
                due_on=complaint_due_date(center_id=fields["center"].pk, filed_on=lima_date(now)),
                attachment=stored,
                attachment_name=attachment.name if attachment else "",
                attachment_type=attachment.content_type if attachment else "",
                attachment_size=attachment.size if attachment else None,
                **fields,
            )
            messages_plan(complaint=complaint, kind=MessageKind.ACKNOWLEDGEMENT, now=now)
    except BaseException:
        if stored:
            attachment_storage().delete(stored)
        raise
    return complaint
