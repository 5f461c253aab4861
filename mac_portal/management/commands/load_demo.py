"""`manage.py load_demo`: load the demo MAC (idempotent; safe to run on every start)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from mac_portal.demo.attention import DEMO_PASSWORD, demo_devices_load, demo_morning_load, demo_staff_load
from mac_portal.demo.complaints import demo_complaints_load
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
        self.attention_demo()

    def attention_demo(self) -> None:
        """Demo staff, devices and a morning at Lima Norte: known passwords, so only with DEBUG on."""
        if not settings.DEBUG:
            self.stdout.write("Demo staff, devices and tickets skipped: DEBUG is off (their passwords are public).")
            return
        logins = demo_staff_load()
        devices = demo_devices_load()
        issued = demo_morning_load()
        self.stdout.write(f"Demo staff (DEMO ONLY, password for all: {DEMO_PASSWORD}), admin at /admin/:")
        for login in logins:
            self.stdout.write(f"  {login.username:<28} {login.role:<22} {login.center}")
        self.stdout.write("Demo devices (open once on the device to authorise it):")
        for center, kind, address in devices:
            self.stdout.write(f"  {center.name:<28} {kind:<7} {address}")
        if issued:
            self.stdout.write(f"A morning of {issued} tickets loaded at Centro MAC Lima Norte.")
        if complaints := demo_complaints_load():
            self.stdout.write(
                f"{complaints} demo complaints filed at Centro MAC Lima Norte (some answered, one past its deadline): "
                "/admin/complaints/complaint/ as lima-norte.supervisor."
            )
