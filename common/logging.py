"""No personal data in logs (Ley 29733): `mask` hides e-mail addresses, phone and document numbers and booking
codes in a text; `PersonalDataFilter` applies it to every log record (installed on the handlers in settings)."""

import logging
import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# Runs of 8 or more digits, optionally with a leading + and single spaces between them — DNI (8), CE (9), RUC (11),
# mobile numbers (9, or +51 and 9) — and numbers written 987-654-321 (dates such as 2026-11-29 are left alone).
_DIGITS = re.compile(r"(?<![\w.])(?:\+?\d(?: ?\d){7,}|\d{3}-\d{3}-\d{3,4})(?![\w.])")
# Booking codes: 10 Crockford base32 characters (with an optional dash after 5), at least one letter and one digit.
_CODE = re.compile(
    r"(?<![\w-])(?=[0-9A-Z-]*\d)(?=[0-9A-Z-]*[A-HJKMNP-TV-Z])[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}(?![\w-])"
)


def _digits(match: re.Match) -> str:
    text = match.group(0)
    digits = [ch for ch in text if ch.isdigit()]
    return ("+" if text.startswith("+") else "") + "*" * (len(digits) - 2) + "".join(digits[-2:])


def mask(text: str) -> str:
    """The text with e-mail local parts, long digit runs (all but their last two digits) and booking codes
    hidden."""
    text = _EMAIL.sub(lambda m: f"***@{m.group(2)}", text)
    text = _CODE.sub("**********", text)
    return _DIGITS.sub(_digits, text)


class PersonalDataFilter(logging.Filter):
    """Masks the rendered message of every record (its arguments included) and the text of its exception."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is rather than lost
            return True
        record.msg, record.args = mask(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
