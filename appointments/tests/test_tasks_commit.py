"""What a booking publishes after a real commit (a transactional test: the service's own commit runs the callbacks)."""

import base64
import json

import pytest

from appointments.models import Slot
from appointments.services import slots_generate
from appointments.tests.factories import ScheduleFactory, appointment_create
from appointments.tests.utils import SLOT_START

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_migrated_rows")]


def test_a_booking_publishes_one_message_for_its_confirmation_and_its_attention_record(frozen, procedure, redis_broker):
    client, queue, before = redis_broker
    schedule = ScheduleFactory(procedures=[procedure], rules=[(1, "08:30", "09:30")])
    slots_generate(schedule=schedule)

    appointment_create(slot=Slot.objects.get(schedule=schedule, starts_at=SLOT_START), n=1)

    assert client.llen(queue) - before == 1
    message = json.loads(client.lindex(queue, 0))
    assert message["headers"]["task"] == "common.tasks.run_tasks"
    calls = json.loads(base64.b64decode(message["body"]))[0][0]
    assert {name for name, _args, _kwargs in calls} == {
        "appointments.tasks.notification_send",  # the confirmation, due now
        "attention.tasks.virtual_attention_record",  # the virtual channel's service act (attention listens)
    }
