"""Every staff change list with a date drill-down (`date_hierarchy`) answers an impossible date with the admin's
"wrong filter" redirect, never a 500 (common.admin.GuardedChangeList), whatever app registered it."""

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
