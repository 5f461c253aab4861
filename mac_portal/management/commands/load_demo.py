"""`manage.py load_demo`: load the demo MAC (idempotent; safe to run on every start)."""

import time

from django.core.management.base import BaseCommand

from mac_portal.demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load a believable MAC: the seed's five centers, the phone line and the web portal, entities, "
        "procedures, counters, hours and closures. Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        counts = demo_load()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                "Demo MAC loaded in {elapsed:.1f} s: {service_points} service points ({in_person_centers} in person), "
                "{entities} entities, {procedures} procedures, {requirements} requirements, {offerings} offerings, "
                "{counters} counters, {opening_hours} opening hours, {closures} upcoming closures, "
                "{schedules} appointment "
                "schedules "
                "({created} created, {updated} updated, {removed} removed).".format(elapsed=elapsed, **counts)
            )
        )
