"""The API's one exception handler: every error of every endpoint answers `{"code", "detail", "errors"?,
"retry_after"?}` (documented once in `common.api.schema`).

- DomainError (services, selectors): its code, message, field errors, status and Retry-After;
- DRF and Django validation errors: 400 `invalid` with the messages per field in `errors`;
- DRF's other exceptions (parse errors, 401/403, 404, 405, 406, 415, throttling): their status, with DRF's
  code (`parse_error`, `not_found`, `method_not_allowed`, `unsupported_media_type`, `throttled`…);
- Django's Http404, PermissionDenied and RequestDataTooBig: 404 `not_found`, 403 `permission_denied`, 413 `too_large`.
Anything else is a bug and stays a 500 (logged by Django).
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from common.errors import DomainError, InvalidInput, NotFound, TooLarge


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


def field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested validation detail as {field: [messages]}; nested fields are joined with dots."""
    if not isinstance(detail, dict):
        return {"non_field_errors": _messages(detail)}
    errors: dict[str, list[str]] = {}
    for key, value in detail.items():
        if isinstance(value, dict):
            for inner, messages in field_errors(value).items():
                errors[f"{key}.{inner}"] = messages
        else:
            errors[str(key)] = _messages(value)
    return errors


def domain_error_from(exc: Exception) -> DomainError | None:
    """The DomainError that stands for `exc` (None for an exception that is a bug)."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return InvalidInput(field_errors=field_errors(detail))
    if isinstance(exc, exceptions.ValidationError):
        return InvalidInput(field_errors=field_errors(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return NotFound()
    if isinstance(exc, RequestDataTooBig):
        return TooLarge()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        error = DomainError(_messages(exc.detail)[0] if exc.detail else exc.default_detail)
        error.code = str(exc.default_code)
        error.status = exc.status_code
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            error.retry_after = max(int(exc.wait), 1)
        return error
    return None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    error = domain_error_from(exc)
    if error is None:
        return None
    headers = dict(error.headers)
    if isinstance(exc, exceptions.APIException) and (auth := getattr(exc, "auth_header", None)):
        headers["WWW-Authenticate"] = auth
    return Response(error.as_dict(), status=error.status, headers=headers)
