"""Small helpers for pages that show a DomainError."""

from django.http import HttpResponse

from .errors import DomainError


def with_error_headers(response: HttpResponse, error: DomainError) -> HttpResponse:
    """The error's extra headers (Retry-After: when trying again makes sense) on a page that shows it."""
    for header, value in error.headers.items():
        response[header] = value
    return response
