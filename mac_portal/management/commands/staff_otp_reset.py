"""`manage.py staff_otp_reset <username>`: recovery of a staff member who lost their phone and backup codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mac_portal.staff.otp import staff_otp_devices_reset


class Command(BaseCommand):
    help = (
        "Remove every two-step verification device (authenticator app, backup codes) of a staff user: their "
        "sessions stop being verified, and at their next login they enrol a new authenticator. Check who is asking "
        "before running it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc
        removed = staff_otp_devices_reset(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} two-step verification device(s) of {username}: "
                "at the next login to /admin/ they set up a new authenticator app."
            )
        )
