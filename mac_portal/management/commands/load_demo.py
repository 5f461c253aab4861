"""`manage.py load_demo`: load the demo MAC (idempotent; safe to run on every start)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from mac_portal.demo.attention import DEMO_PASSWORD, demo_devices_load, demo_morning_load, demo_staff_load
from mac_portal.demo.calls import demo_calls_load
from mac_portal.demo.complaints import demo_complaints_load
from mac_portal.demo.loader import demo_load
from mac_portal.demo.surveys import demo_responses_load, demo_tablets_load
from surveys.services import survey_defaults_create


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
        surveys = survey_defaults_create()
        self.stdout.write(f"Satisfaction surveys: {len(surveys)} channel surveys created (edit them in the admin).")
        self.attention_demo()
        self.surveys_demo()

    def attention_demo(self) -> None:
        """Demo staff, devices, a morning at Lima Norte and calls on the phone line: known passwords, so only with
        DEBUG on."""
        if not settings.DEBUG:
            self.stdout.write("Demo staff, devices and tickets skipped: DEBUG is off (their passwords are public).")
            return
        logins = demo_staff_load()
        devices = demo_devices_load()
        issued = demo_morning_load()
        calls = demo_calls_load()
        self.stdout.write(f"Demo staff (DEMO ONLY, password for all: {DEMO_PASSWORD}), admin at /admin/:")
        for login in logins:
            self.stdout.write(f"  {login.username:<28} {login.role:<22} {login.center}")
        self.stdout.write("Demo devices (open once on the device to authorise it):")
        for center, kind, address in devices:
            self.stdout.write(f"  {center.name:<28} {kind:<7} {address}")
        if issued:
            self.stdout.write(f"A morning of {issued} tickets loaded at Centro MAC Lima Norte.")
        if calls:
            self.stdout.write(f"{calls} calls of today logged on the phone line (telefonico.operador).")
        self.stdout.write("Remote tickets (citizens join from a phone): /fila/<center>/, e.g. /fila/mac-lima-norte/")
        if complaints := demo_complaints_load():
            self.stdout.write(
                f"{complaints} demo complaints filed at Centro MAC Lima Norte (some answered, one past its deadline): "
                "/admin/complaints/complaint/ as lima-norte.supervisor."
            )

    def surveys_demo(self) -> None:
        """Survey tablets and four weeks of answers (fabricated attentions): only with DEBUG on."""
        if not settings.DEBUG:
            return
        self.stdout.write("Demo survey tablets (open once on the tablet, then choose its counter):")
        for center, address in demo_tablets_load():
            self.stdout.write(f"  {center.name:<28} {address}")
        if created := demo_responses_load():
            self.stdout.write(f"{created} demo survey responses (four weeks): see /admin/surveys/resultsscreen/.")
