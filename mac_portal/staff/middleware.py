"""Staff sessions: shorter than citizens', and two-factor verified before any admin page."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .otp import staff_otp_has_device, staff_otp_required

SESSION_STARTED_KEY = "staff_session_started"


def staff_session_start(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in receiver (connected in mac_portal.apps): a staff session's maximum length counts from login."""
    if user.is_staff and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = int(time.time())


class StaffSessionMiddleware:
    """For an authenticated staff member (after AuthenticationMiddleware and django-otp's OTPMiddleware):

    - the session ends STAFF_SESSION_SECONDS after login, or after STAFF_SESSION_IDLE_SECONDS without a request
      (`set_expiry` on every request; citizens' sessions keep SESSION_COOKIE_AGE);
    - a staff member who must use two-factor (`otp.staff_otp_required`) and has not verified this session is sent
      from any admin page to the verification page, or to enrolment when they have no device yet.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            if self._expired(request):
                logout(request)
            elif redirect := self._two_factor_redirect(request):
                return redirect
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> bool:
        now = int(time.time())
        started = request.session.setdefault(SESSION_STARTED_KEY, now)
        remaining = started + settings.STAFF_SESSION_SECONDS - now
        if remaining <= 0:
            return True
        request.session.set_expiry(min(settings.STAFF_SESSION_IDLE_SECONDS, remaining))
        return False

    @staticmethod
    def _two_factor_redirect(request: HttpRequest) -> HttpResponse | None:
        admin_root = reverse("admin:index")
        exempt = (reverse("staff:otp-verify"), reverse("staff:otp-enrol"), reverse("admin:logout"))
        if not request.path.startswith(admin_root) or request.path in exempt:
            return None
        user = request.user
        if not staff_otp_required(user) or user.is_verified():
            return None
        target = "staff:otp-verify" if staff_otp_has_device(user) else "staff:otp-enrol"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
