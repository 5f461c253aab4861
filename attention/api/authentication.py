"""Device tokens for the API: a kiosk or a display panel sends `Authorization: Device <token>`."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from ..selectors import device_authenticate

KEYWORD = "Device"


class DeviceTokenAuthentication(BaseAuthentication):
    """request.user is anonymous and request.auth the DeviceToken (its center and kind say what it may do)."""

    def authenticate(self, request):
        header = get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{KEYWORD} "):
            return None
        token = header.removeprefix(f"{KEYWORD} ").strip()
        device = next(
            (found for kind in ("kiosk", "screen") if (found := device_authenticate(token=token, kind=kind))), None
        )
        if device is None:
            raise exceptions.AuthenticationFailed(_("Unknown or inactive device token."))
        return AnonymousUser(), device

    def authenticate_header(self, request) -> str:
        return KEYWORD


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "attention.api.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Device <token>`: a kiosk's or waiting-room screen's token, for one center.",
        }
