"""API errors: DRF's handler, plus domain errors and Django validation errors as 400 with a clear message.

Also the documented shapes of those errors, for the OpenAPI schema of every endpoint.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))


BAD_REQUEST_RESPONSE = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each invalid parameter's name with its messages.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description=_("A query parameter is invalid; the body names it."),
    examples=[OpenApiExample("Unknown channel", value={"channel": ['"fax" is not a valid choice.']})],
)
NOT_FOUND_RESPONSE = OpenApiResponse(
    response=ErrorDetailSerializer, description=_("Nothing has this slug, or the page is past the last one.")
)
