"""The API's one authentication: Django's session (the admin's login, with its lockout and two-factor).

HTTP Basic is not merely left out: a request that sends Basic credentials is refused (403) without checking them,
so the API is no password-guessing door and a client sending them learns at once that they are not used.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions
from rest_framework.request import Request


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (with its CSRF check), refusing HTTP Basic credentials."""

    def authenticate(self, request: Request):
        scheme = authentication.get_authorization_header(request).split(b" ", 1)[0].lower()
        if scheme == b"basic":
            raise exceptions.AuthenticationFailed(_("HTTP Basic authentication is not accepted."))
        return super().authenticate(request)


class SessionAuthenticationScheme(SessionScheme):
    """Documents it in the OpenAPI schema as DRF's session authentication (the cookie)."""

    target_class = "common.api.authentication.SessionAuthentication"
