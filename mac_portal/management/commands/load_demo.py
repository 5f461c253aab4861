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
        self.stdout.write(
            "Admin: create a user with `manage.py createsuperuser`, then log in at /admin/. At the first login the "
            "admin asks for two-step verification: scan the QR code it shows with an authenticator app (FreeOTP, "
            "Aegis, Google Authenticator…), type the app's code and keep the backup codes. Lost phone: "
            "`manage.py staff_otp_reset <username>`."
        )
