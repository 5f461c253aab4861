"""The citizen data of a booking: collected raw by forms and the API, validated and normalized here (one rule
for both, so a form and the API reject the same inputs with the same messages)."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from centers.models import Language

from ..constants import AgeBand, DocumentType, Gender, PriorityNeed
from ..errors import InvalidBooking
from ..validators import document_number_normalize, email_normalize, full_name_normalize, phone_normalize

__all__ = ["Citizen", "CleanCitizen", "citizen_clean"]


@dataclass(frozen=True)
class Citizen:
    """The citizen data a booking form or API request collects (raw; appointment_book validates it)."""

    document_type: str
    document_number: str
    full_name: str
    email: str = ""
    phone: str = ""
    preferred_language: str = ""  # centers.Language code ("es", "qu", "ay", "lsp"…) or ""
    priority_need: str = PriorityNeed.NONE
    segmentation_consent: bool = False
    survey_consent: bool = False
    age_band: str = ""
    gender: str = ""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Citizen":
        """The citizen fields of validated form or serializer data (other keys are ignored)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass(frozen=True)
class CleanCitizen:
    document_type: str
    document_number: str
    full_name: str
    email: str
    phone: str
    preferred_language_id: int | None
    priority_need: str
    segmentation_consent: bool
    age_band: str
    gender: str
    survey_consent: bool = False


def citizen_clean(*, citizen: Citizen) -> CleanCitizen:
    """Validate and normalize citizen data; InvalidBooking with `field_errors` (per Citizen field) otherwise."""
    errors: dict[str, list[str]] = {}

    def check(name: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
            return ""

    if citizen.document_type not in DocumentType.values:
        errors["document_type"] = [_("Choose a type of document.")]
        number = ""
    else:
        number = check(
            "document_number",
            document_number_normalize,
            document_type=citizen.document_type,
            number=citizen.document_number,
        )
    full_name = check("full_name", full_name_normalize, citizen.full_name)
    email = check("email", email_normalize, citizen.email)
    phone = check("phone", phone_normalize, citizen.phone)
    if not errors.get("email") and not errors.get("phone") and not email and not phone:
        errors["email"] = [_("Give an e-mail address or a mobile number so we can send you the confirmation.")]
    language_id = None
    if citizen.preferred_language:
        language_id = Language.objects.filter(code=citizen.preferred_language).values_list("pk", flat=True).first()
        if language_id is None:
            errors["preferred_language"] = [_("Choose a language from the list.")]
    if citizen.priority_need not in PriorityNeed.values:
        errors["priority_need"] = [_("Choose an option from the list.")]
    age_band, gender = citizen.age_band, citizen.gender
    if age_band and age_band not in AgeBand.values:
        errors["age_band"] = [_("Choose an option from the list.")]
    if gender and gender not in Gender.values:
        errors["gender"] = [_("Choose an option from the list.")]
    if not citizen.segmentation_consent and (age_band or gender):
        # Ley 29733: statistics data only with consent; refused, never silently dropped.
        errors["segmentation_consent"] = [
            _("Tick this box if you allow us to use your age band and gender, or leave both empty.")
        ]
    if errors:
        raise InvalidBooking(field_errors=errors)
    return CleanCitizen(
        document_type=citizen.document_type,
        document_number=number,
        full_name=full_name,
        email=email,
        phone=phone,
        preferred_language_id=language_id,
        priority_need=citizen.priority_need,
        segmentation_consent=bool(age_band or gender),
        age_band=age_band,
        gender=gender,
        survey_consent=bool(citizen.survey_consent),
    )
