"""Page-number pagination whose bad `page` / `page_size` values are a 400 naming the parameter, never a 500."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

_DIGITS = re.compile(r"[0-9]+")
# Beyond this a number is only "very large": a page past the last one, or a page size above the maximum.
_LARGE = 10**9


def _positive_int(value: str, *, parameter: str) -> int:
    if not _DIGITS.fullmatch(value) or not value.strip("0"):
        raise ValidationError({parameter: [_("Must be a whole number of at least 1.")]})
    return int(value) if len(value) < 10 else _LARGE


class StandardPagination(PageNumberPagination):
    """`page` past the last page stays DRF's 404 "Invalid page."; malformed values are a 400."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = _("Page number, starting at 1.")
    page_size_query_description = _("Items per page: at most 100, 20 when not given.")

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        return min(_positive_int(value, parameter=self.page_size_query_param), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        value = request.query_params.get(self.page_query_param)
        if value and value not in self.last_page_strings:
            _positive_int(value, parameter=self.page_query_param)
        return super().paginate_queryset(queryset, request, view)
