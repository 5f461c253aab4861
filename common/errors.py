"""The one domain error type of the project (the pattern of zulip's JsonableError).

A service or selector raises a DomainError subclass when a rule the user can break is broken: it carries a
stable `code` (what clients switch on), a lazy translated `message` (what people read, in their language),
optional `field_errors` (per input field), its HTTP `status` and `retry_after` (seconds; sent as Retry-After).
The API renders it through `common.api.exceptions.exception_handler` as
`{"code", "detail", "errors"?, "retry_after"?}`; pages show `message` (and put `field_errors` on their form)
with `status` and `headers`.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every rule a user can break; never a programming error."""

    code: str = "invalid"
    status: int = 400
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        field_errors: dict[str, list[str]] | None = None,
        retry_after: int = 0,
    ):
        self.message = message if message is not None else self.default_message
        self.field_errors = {key: [str(m) for m in value] for key, value in (field_errors or {}).items()}
        self.retry_after = max(int(retry_after), 0)  # seconds until trying again makes sense; 0 if n/a
        super().__init__(str(self.message))

    @property
    def headers(self) -> dict[str, str]:
        """Extra HTTP headers of the answer (Retry-After for rate limits and cooldowns)."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}

    def as_dict(self) -> dict:
        """The documented JSON body of an error."""
        body: dict = {"code": self.code, "detail": str(self.message)}
        if self.field_errors:
            body["errors"] = self.field_errors
        if self.retry_after:
            body["retry_after"] = self.retry_after
        return body


class InvalidInput(DomainError):
    """Bad input: a parameter or field that does not pass validation."""

    code = "invalid"
    status = 400
    default_message = _("Please check the data you entered.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many attempts from your connection. Please try again later.")


class TooLarge(DomainError):
    code = "too_large"
    status = 413
    default_message = _("The request is too large.")
