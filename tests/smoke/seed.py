"""Seeds the smoke test's scratch database: one center offering one procedure, with a schedule of bookable slots.

Run by tests/smoke/test_production_topology.py as `python -m tests.smoke.seed` in the topology's environment
(production settings, the scratch DATABASE_URL); prints {"procedure": slug, "slots": [ids]} as JSON.
"""

import datetime as dt
import json

import django


def main() -> None:
    django.setup()
    from django.utils import timezone

    from appointments.models import Slot
    from appointments.services import slots_generate
    from appointments.tests.factories import ScheduleFactory
    from procedures.tests.factories import ProcedureFactory

    procedure = ProcedureFactory(name="Duplicado de DNI", requirements=["Foto"])
    schedule = ScheduleFactory(
        procedures=[procedure],
        capacity=5,
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        rules=[(weekday, "08:00", "18:00") for weekday in range(7)],
    )
    slots_generate(schedule=schedule)
    now = timezone.now()
    slots = list(
        Slot.objects.filter(schedule=schedule, book_from__lte=now, book_until__gt=now + dt.timedelta(hours=1))
        .order_by("starts_at")
        .values_list("pk", flat=True)[:8]
    )
    print(json.dumps({"procedure": procedure.slug, "slots": slots}))


if __name__ == "__main__":
    main()
