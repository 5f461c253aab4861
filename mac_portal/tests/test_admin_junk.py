"""Junk a browser never sends, on every staff screen that could take it, whatever app registered it
(common.admin.StaffAdminMixin): an impossible date in a change list's date drill-down (`date_hierarchy`) is the admin's
"wrong filter" redirect; a value naming no row in an autocomplete is the form's error. Never a 500."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
IMPOSSIBLE = [
    {"year": HUGE},  # OverflowError building the date
    {"year": "9999"},  # the year after it is out of range
    {"year": "9999", "month": "12"},  # the month after it too
    {"year": "9999", "month": "12", "day": "31"},  # and the day after it
    {"year": "2026", "month": HUGE},
    {"year": "2026", "month": "12", "day": HUGE},
    {"year": "2026", "month": "13"},  # Django's own ValueError
    {"year": "dos mil"},
]


def _drilled() -> list[tuple[str, str]]:
    return sorted(
        (reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    )


def test_the_drilled_change_lists_are_found():
    urls = [url for url, _field in _drilled()]
    assert "/admin/attention/attention/" in urls and "/admin/calls/call/" in urls
    assert "/admin/appointments/slot/" in urls and "/admin/axes/accessattempt/" in urls and len(urls) >= 10


@pytest.mark.parametrize("parts", IMPOSSIBLE, ids=lambda parts: "-".join(parts.values())[:24])
def test_an_impossible_date_is_a_wrong_filter_on_every_change_list(admin_client, parts):
    for url, field in _drilled():
        response = admin_client.get(url, {f"{field}__{part}": value for part, value in parts.items()})
        assert (response.status_code, response.get("Location")) == (302, f"{url}?e=1"), url


def test_a_real_date_still_drills_down(admin_client):
    for url, field in _drilled():
        for parts in ({"year": "2026"}, {"year": "2026", "month": "12", "day": "31"}, {"year": "1", "month": "1"}):
            response = admin_client.get(url, {f"{field}__{part}": value for part, value in parts.items()})
            assert response.status_code == 200, (url, parts)


def _autocompleted() -> list[tuple[str, list[str], list[str]]]:
    """(add page, the form's autocomplete fields, its inlines') of every registered admin that has any."""
    found = []
    for model, model_admin in admin.site._registry.items():
        inline_fields = [name for inline in model_admin.inlines for name in inline.autocomplete_fields]
        if model_admin.autocomplete_fields or inline_fields:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            found.append((url, list(model_admin.autocomplete_fields), inline_fields))
    return sorted(found)


MANAGEMENT = re.compile(r'name="([\w-]+)-TOTAL_FORMS"')


def test_the_autocompleted_forms_are_found():
    urls = [url for url, _fields, _inline_fields in _autocompleted()]
    assert {"/admin/centers/center/add/", "/admin/centers/counter/add/", "/admin/centers/staffmembership/add/"} <= set(
        urls
    )
    assert "/admin/procedures/procedure/add/" in urls and "/admin/appointments/schedule/add/" in urls


@pytest.mark.parametrize("junk", ["abc", "1.5", "9" * 30, "-"])
def test_an_autocomplete_value_naming_no_row_is_the_forms_error(admin_client, junk):
    for url, fields, inline_fields in _autocompleted():
        data = dict.fromkeys(fields, junk)
        for prefix in MANAGEMENT.findall(admin_client.get(url).content.decode()):
            data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
            data |= {f"{prefix}-0-{name}": junk for name in inline_fields}
        response = admin_client.post(url, data)
        assert response.status_code == 200, url
        assert 'class="errornote"' in response.content.decode(), url
