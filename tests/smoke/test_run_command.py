"""The README's first command on its embedded defaults: `scripts/run` migrates a SQLite database and loads the demo
(`manage.py load_demo`, which also runs a morning of tickets at Lima Norte through the counters' services) with the
development settings, no Redis and Celery eager. The suite otherwise runs on PostgreSQL, where the counters' hot
paths take PostgreSQL-only SQL; this runs the same steps as the run command, on SQLite, in a scratch directory, and
then calls and finishes a ticket there and books an appointment through the API (attention.services and
appointments' booking service and selectors: their portable paths).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.smoke

CALL_AND_FINISH = """
from django.contrib.auth import get_user_model

from attention.models import CounterSession
from attention.services import attention_finish, counter_open, ticket_call_next, ticket_issue
from centers.constants import StaffRole
from centers.models import Center, Counter
from centers.services import staff_membership_grant

center = Center.objects.get(slug="mac-lima-norte")
in_use = CounterSession.objects.exclude(status="closed").values("counter_id")
counter = Counter.objects.filter(center=center, is_active=True, procedures__isnull=False).exclude(pk__in=in_use).first()
assert counter is not None, "no free counter at Lima Norte"
issued = ticket_issue(center=center, procedure=counter.procedures.first())
agent = get_user_model().objects.create_user("sqlite-smoke", is_staff=True)
staff_membership_grant(user=agent, center=center, role=StaffRole.COUNTER_AGENT)
session = counter_open(counter=counter, agent=agent)
ticket = ticket_call_next(session=session)
assert ticket is not None and ticket.status == "called", (issued, ticket)
attention = attention_finish(ticket=ticket, session=session, outcome="resolved")
assert attention.finished_at is not None and attention.ticket_id == ticket.pk
print("called and finished", ticket.prefix, ticket.number)
"""

BOOK_THROUGH_THE_API = """
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from appointments.constants import CONSENT_VERSION
from appointments.models import Appointment, Slot

slot = (
    Slot.objects.filter(starts_at__gt=timezone.now() + timezone.timedelta(days=1), booked__lt=F("capacity"))
    .select_related("schedule")
    .order_by("starts_at")
    .first()
)
assert slot is not None, "the demo has no bookable slot"
body = {
    "procedure": slot.schedule.procedures.first().slug,
    "slot": slot.pk,
    "document_type": "dni",
    "document_number": "40000001",
    "full_name": "Rosa María Quispe",
    "email": "rosa@example.pe",
    "phone": "987654321",
    "consent_version": CONSENT_VERSION,
}
response = APIClient(HTTP_HOST="127.0.0.1").post("/api/v1/appointments/", body, format="json")
assert response.status_code == 201, (response.status_code, response.content[:2000])
booked = Appointment.objects.get(slot=slot, document_number="40000001")
assert booked.notifications.exists(), "no confirmation planned"
print("booked", response.json()["code"], len(response.json()["requirements"]), "requirements")
"""


def test_the_run_command_loads_the_demo_on_sqlite(tmp_path):
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mac_portal.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
        return done.stdout

    manage("migrate", "--noinput", "-v", "0")
    assert "Demo MAC loaded" in manage("load_demo")
    assert "called and finished" in manage("shell", "-c", CALL_AND_FINISH)
    assert "booked" in manage("shell", "-c", BOOK_THROUGH_THE_API)  # the booking service and the API's answer
