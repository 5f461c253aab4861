"""No personal data in the logs: e-mail addresses, phone and document numbers and booking codes are masked in every
record, whatever logger wrote it."""

import logging

import pytest

from common.logging import PersonalDataFilter, mask


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("SMTP refused rosa.quispe@example.pe", "rosa.quispe", "@example.pe"),
        ("SMS to +51987654321: your code", "987654321", "+*********21"),
        ("call 987-654-321", "987-654", "21"),
        ("SMS to 987 654 321", "987 654", "21"),
        ("DNI 40000007 not found", "40000007", "DNI"),
        ("RUC 20131312955", "20131312955", "RUC"),
        ("Booking 7KQ4M-2XH9P confirmed", "7KQ4M-2XH9P", "confirmed"),
        ("code 7KQ4M2XH9P", "7KQ4M2XH9P", "code"),
    ],
)
def test_personal_data_is_masked(text, hidden, kept):
    masked = mask(text)
    assert hidden not in masked and kept in masked


@pytest.mark.parametrize(
    "text",
    [
        "Schedule 12 regenerated in 0.25 s",
        "GET /citas/nueva/ 200",
        "Retention purge: PurgeResult(appointments_anonymized=1000, notifications_deleted=3)",
        "HTTPSERVER CONNECTION",
        "2026-11-29 10:00",
    ],
)
def test_ordinary_log_lines_are_left_alone(text):
    assert mask(text) == text


def test_the_filter_masks_arguments_and_exceptions(caplog):
    logger = logging.getLogger("mac.test")
    logger.addFilter(PersonalDataFilter())
    try:
        try:
            raise ValueError("recipient rosa@example.pe refused")
        except ValueError:
            logger.exception("Notification %s failed for %s (%s)", 12, "rosa@example.pe", "987654321")
    finally:
        logger.filters.clear()
    record = caplog.records[-1]
    rendered = logging.Formatter().format(record)
    assert "rosa@" not in rendered and "987654321" not in rendered
    assert "Notification 12 failed" in rendered and "ValueError" in rendered


def test_the_logging_settings_install_the_filter_on_every_handler(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("personal_data" in handler.get("filters", []) for handler in handlers.values())
