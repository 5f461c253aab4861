import pytest

from appointments import sms
from attention.tests.factories import floor_create
from surveys.services import survey_defaults_create


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    settings.SMS_BACKEND = "appointments.sms.LocmemBackend"
    settings.SURVEYS_SAMPLING_SHARE = 1.0
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def surveys(db):
    """The default survey of each channel (in person: the seed's eight dimensions)."""
    return {survey.channel: survey for survey in survey_defaults_create()}


@pytest.fixture
def floor(db):
    return floor_create()
