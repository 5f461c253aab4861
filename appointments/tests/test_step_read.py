"""appointments.forms.step_read reads the wizard's position as Django's form fields would (the form it replaced is
kept here as the reference): the same values, and the same parameters refused."""

import datetime as dt
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from appointments.forms import SLUG_MAX, step_read


class ReferenceStepForm(forms.Form):
    procedure = forms.SlugField(required=False, max_length=SLUG_MAX)
    center = forms.SlugField(required=False, max_length=SLUG_MAX)
    month = forms.CharField(required=False, max_length=7)
    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    slot = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        match = re.match(r"^(\d{4})-(\d{2})$", value)
        if not match or not (1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2999):
            raise ValidationError("bad month")
        return dt.date(int(match[1]), int(match[2]), 1)


SLUGS = [
    "",
    " ",
    "centro-mac-lima-norte",
    " centro-mac-lima-norte\n",
    "Centro_MAC-1",
    "centro mac",
    "centro/mac",
    "ñandú",
    "a\x00b",
    "a" * SLUG_MAX,
    "a" * (SLUG_MAX + 1),
    "-",
    "x;DROP",
]
MONTHS = [
    "",
    "  ",
    "2026-03",
    " 2026-03 ",
    "2026-3",
    "2026-13",
    "2026-00",
    "1999-12",
    "3000-01",
    "2026-03-01",
    "２０２６-03",
    "abcd-ef",
    "2026-03\n",
    "2026_03",
    "\x00",
]
DAYS = [
    "",
    " ",
    "2026-03-11",
    " 2026-03-11 ",
    "2026-3-1",
    "2026-02-30",
    "11/03/2026",
    "2026-03-11T08:00",
    "0000-01-01",
    "9999-12-31",
    "2026-03-11\x00",
    "x",
]
SLOTS = [
    "",
    " ",
    "1",
    "0",
    "-1",
    " 52605 ",
    "52605.0",
    "52605.00 ",
    "52605.5",
    "5e3",
    "1_000",
    "٣",
    "2147483647",
    "2147483648",
    "9" * 5000,
    "abc",
    "0x10",
    "+7",
    "1\x00",
]


def _answers(query: QueryDict) -> tuple[dict, frozenset[str]]:
    form = ReferenceStepForm(query)
    form.is_valid()
    return form.cleaned_data, frozenset(form.errors)


@pytest.mark.parametrize(
    "name, values", [("procedure", SLUGS), ("center", SLUGS), ("month", MONTHS), ("day", DAYS), ("slot", SLOTS)]
)
def test_each_parameter_reads_as_the_form_field_did(name, values):
    for value in values:
        query = QueryDict(mutable=True)
        query[name] = value
        assert step_read(query) == _answers(query), f"{name}={value!r}"


def test_missing_parameters_and_a_whole_query_read_as_the_form_did():
    assert step_read(QueryDict()) == _answers(QueryDict())
    assert step_read(QueryDict()) == ({"procedure": "", "center": "", "month": None, "day": None, "slot": None}, set())
    whole = QueryDict("procedure=dni-duplicado&center=centro-mac-lima-norte&day=2026-03-11&slot=52605&slot=7&x=1")
    assert step_read(whole) == _answers(whole)  # the last of a repeated parameter, as a form takes it
    assert step_read(whole)[0]["slot"] == 7
    bad = QueryDict("procedure=a b&center=ok&month=2026-13&day=x&slot=0")
    assert step_read(bad) == _answers(bad)
    assert step_read(bad)[1] == {"procedure", "month", "day", "slot"}
