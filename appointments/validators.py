"""Validation and normalization of citizen data, shared by services, forms and serializers.

Each function returns the normalized value or raises django.core.exceptions.ValidationError with a
translatable Spanish message. Choices made (see also DOMAIN.md):
- DNI: 8 digits, optionally followed by the check character printed on the card (a digit or a letter,
  verified with stdnum.pe.cui when present). Stored as the 8 digits only, so "10117410" and
  "10117410-2" are the same document for the limits.
- RUC: 11 digits with its mod-11 check digit (stdnum.pe.ruc).
- Carné de extranjería: 8 to 12 letters or digits with at least 6 digits. Current cards have 9 digits;
  older ones carry letters or fewer digits, and a citizen with a real card must not be turned away.
- Passport: 5 to 20 letters or digits (spaces and dashes dropped).
- Phone: a mobile number, Peruvian by default (9 digits starting with 9) or international with "+",
  validated with `phonenumbers` and returned in E.164 (+51987654321).
"""

import hmac
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.pe import cui, ruc

from .constants import CODE_ALPHABET, CODE_LENGTH, DocumentType

FULL_NAME_MAX = 150
_SEPARATORS = re.compile(r"[\s.\-_/]+")
_NAME_ALLOWED = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def document_number_normalize(*, document_type: str, number: str) -> str:
    """The canonical form of a document number for its type; ValidationError when it is not valid."""
    value = _compact(number)
    if not value:
        raise ValidationError(_("Enter your document number."), code="required")
    if len(value) > 20:
        raise ValidationError(_("The document number is too long."), code="invalid_document")
    if document_type == DocumentType.DNI:
        try:
            return cui.validate(value)[:8]
        except StdnumValidationError as exc:
            if len(value) == 9 and value[:8].isdigit():
                raise ValidationError(
                    _("The check character does not match this DNI. Check the last character on your card."),
                    code="invalid_document",
                ) from exc
            raise ValidationError(
                _("A DNI has 8 digits (and optionally the check character printed on the card)."),
                code="invalid_document",
            ) from exc
    if document_type == DocumentType.RUC:
        try:
            return ruc.validate(value)
        except StdnumValidationError as exc:
            raise ValidationError(
                _("This is not a valid RUC: it has 11 digits and starts with 10, 15, 16, 17 or 20."),
                code="invalid_document",
            ) from exc
    if document_type == DocumentType.CE:
        if re.fullmatch(r"[A-Z0-9]{8,12}", value) and sum(ch.isdigit() for ch in value) >= 6:
            return value
        raise ValidationError(
            _("A foreigner's card number has 9 digits (older cards: 8 to 12 letters and digits)."),
            code="invalid_document",
        )
    if document_type == DocumentType.PASSPORT:
        if re.fullmatch(r"[A-Z0-9]{5,20}", value):
            return value
        raise ValidationError(_("A passport number has 5 to 20 letters and digits."), code="invalid_document")
    raise ValidationError(_("Choose a type of document."), code="invalid_document_type")


def document_number_matches(*, document_type: str | None, stored: str | None, given: str) -> bool:
    """Whether `given` (as typed) is the `stored` document number of a record of `document_type`; the same work
    (one normalization, one constant-time comparison) whether there is a record (stored) or not (None)."""
    try:
        typed = document_number_normalize(document_type=document_type or DocumentType.DNI, number=given or "")
    except ValidationError:
        typed = ""
    reference = stored if stored is not None else "\x00" * 8
    return stored is not None and hmac.compare_digest(typed.encode(), reference.encode())


def phone_normalize(value: str) -> str:
    """A mobile number in E.164 (Peru by default); ValidationError when it cannot receive SMS."""
    raw = (value or "").strip()
    if not raw:
        return ""
    if len(raw) > 30:
        raise ValidationError(_("The phone number is too long."), code="invalid_phone")
    try:
        parsed = phonenumbers.parse(raw, "PE")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a mobile number, for example 987 654 321."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Enter a mobile number, for example 987 654 321."), code="invalid_phone")
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("This looks like a landline. Enter a mobile number so we can send you text messages."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email_normalize(value: str) -> str:
    """A trimmed e-mail address with a lower-case domain; ValidationError when it is not an address."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValidationError(_("Enter an e-mail address such as name@example.com."), code="invalid_email") from exc
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def full_name_normalize(value: str) -> str:
    """A person's name with single spaces; letters, spaces, apostrophes, dots and dashes only."""
    value = " ".join((value or "").split())
    if len(value) < 3:
        raise ValidationError(_("Enter your full name."), code="invalid_name")
    if len(value) > FULL_NAME_MAX:
        raise ValidationError(_("The name is too long."), code="invalid_name")
    if not _NAME_ALLOWED.match(value):
        raise ValidationError(_("A name has letters, spaces and apostrophes only."), code="invalid_name")
    return value


def code_normalize(value: str) -> str:
    """A booking code as typed (spaces, dashes, lower case, O for 0, I/L for 1) in canonical form; "" if impossible."""
    value = _compact(value).translate(str.maketrans("OIL", "011"))
    if len(value) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in value):
        return ""
    return value


def code_display(code: str) -> str:
    """A code as shown to people: two groups of five (7KQ4M-2XH9P)."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code
