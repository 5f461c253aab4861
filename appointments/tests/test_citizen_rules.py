"""One rule for the citizen's data: the booking form and the API reject the same inputs with the same messages,
because both delegate to services.citizen_clean."""

import pytest
from rest_framework.test import APIClient

from appointments.constants import CONSENT_VERSION
from appointments.forms import CitizenForm
from appointments.selectors import language_choices
from appointments.tests.factories import ScheduleFactory, slot_create
from appointments.tests.utils import SLOT_START
from common.tests.utils import new_address

pytestmark = pytest.mark.django_db

VALID = {
    "document_type": "dni",
    "document_number": "40000001",
    "full_name": "Rosa María Quispe",
    "email": "rosa@example.pe",
    "phone": "987654321",
}

BAD_INPUTS = [
    {"document_type": "fax"},
    {"document_number": "1234"},
    {"document_type": "ruc", "document_number": "20123456788"},
    {"full_name": "Al"},
    {"full_name": "Rosa <script>"},
    {"email": "rosa@"},
    {"phone": "(01) 311-2222"},
    {"phone": "12"},
    {"email": "", "phone": ""},
    {"preferred_language": "klingon"},
    {"priority_need": "vip"},
    {"age_band": "30-44"},  # statistics data without its consent
    {"gender": "female"},
    {"segmentation_consent": True, "gender": "x"},
    {"segmentation_consent": True, "age_band": "150+"},
]


def form_errors(data: dict) -> dict[str, list[str]]:
    posted = {key: ("on" if value is True else value) for key, value in data.items() if value is not False}
    form = CitizenForm({**posted, "consent": "on"}, languages=language_choices())
    assert not form.is_valid()
    return {field: list(messages) for field, messages in form.errors.items()}


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda bad: ",".join(f"{k}={v}" for k, v in bad.items()))
def test_the_form_and_the_api_reject_the_same_input_with_the_same_messages(frozen, procedure, bad):
    slot = slot_create(schedule=ScheduleFactory(procedures=[procedure]), starts_at=SLOT_START)
    data = {**VALID, **bad}

    response = APIClient(REMOTE_ADDR=new_address()).post(
        "/api/v1/appointments/",
        {**data, "procedure": procedure.slug, "slot": slot.pk, "consent_version": CONSENT_VERSION},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == form_errors(data)
    assert all(message and "{" not in message for messages in body["errors"].values() for message in messages)


def test_valid_data_passes_both(frozen, procedure):
    assert CitizenForm({**VALID, "consent": "on"}, languages=language_choices()).is_valid()
