"""The error shape in the OpenAPI schema, declared once: the `Error` component, responses built on it, and a
post-processing hook that gives every operation a `default` response with that shape."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_("Stable machine-readable code: invalid, not_found, rate_limited, slot_full, parse_error, …")
    )
    detail = serializers.CharField(help_text=_("What went wrong, in the language of the request."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Messages per invalid field or parameter."),
    )
    retry_after = serializers.IntegerField(
        required=False, help_text=_("Seconds to wait before trying again (also sent as Retry-After).")
    )

    class Meta:
        ref_name = "Error"


def error_response(description, *codes: str) -> OpenApiResponse:
    """A documented error answer with an example per code."""
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description,
        examples=[OpenApiExample(code, value={"code": code, "detail": "…"}) for code in codes],
    )


BAD_REQUEST_RESPONSE = OpenApiResponse(
    response=ErrorSerializer,
    description=_("A parameter is invalid; `errors` names it."),
    examples=[
        OpenApiExample(
            "Unknown channel",
            value={
                "code": "invalid",
                "detail": "Please check the data you entered.",
                "errors": {"channel": ['"fax" is not a valid choice.']},
            },
        )
    ],
)
NOT_FOUND_RESPONSE = error_response(_("Nothing has this identifier, or the page is past the last one."), "not_found")


def add_default_error_response(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: every operation's `default` response is the Error shape."""
    reference = {"$ref": "#/components/schemas/Error"}
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if "Error" not in schemas:
        return result
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(
                    "default",
                    {
                        "description": "Any other error, in the one error shape.",
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
