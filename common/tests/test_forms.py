"""common.forms.Form: each instance's fields are what Django's deep copy of the class's fields would give."""

import copy

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from common.forms import Form, field_copy
from common.tests.utils import assert_fields_copied_as_django, same_copy


class SampleForm(Form):
    """Every kind of field the copy treats on its own, and some it leaves to Django."""

    name = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    kind = forms.ChoiceField(choices=[("a", gettext_lazy("A")), ("b", "B")])
    flags = forms.MultipleChoiceField(choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False)
    grouped = forms.ChoiceField(choices=[("Group", [("a", "A"), ("b", "B")])])
    when = forms.SplitDateTimeField(required=False)
    agree = forms.BooleanField(required=False)


def test_a_form_gets_the_fields_djangos_deep_copy_would_give():
    assert_fields_copied_as_django(SampleForm)


def test_an_instance_changes_its_own_fields_only():
    first = SampleForm()
    first.fields["kind"].choices = [("c", "C")]
    first.fields["flags"].widget.choices.append(("y", "Y"))
    first.fields["name"].widget.attrs["aria-invalid"] = "true"
    first.fields["name"].error_messages["required"] = "changed"
    first.fields["name"].validators.append(lambda value: None)

    for form in (SampleForm(), SampleForm):
        fields = form.base_fields if isinstance(form, type) else form.fields
        assert [value for value, _label in fields["kind"].choices] == ["a", "b"]
        assert fields["flags"].widget.choices == [("x", "X")]
        assert fields["name"].widget.attrs == {"autocomplete": "name", "maxlength": "30"}
        assert fields["name"].error_messages["required"] != "changed"
        assert len(fields["name"].validators) == len(SampleForm.base_fields["name"].validators)
    assert first.fields["kind"].widget.choices == [("c", "C")]  # the field's setter reached its widget


@pytest.mark.parametrize(
    "field",
    [
        forms.ChoiceField(choices=[("Group", [("a", "A"), ("b", "B")])]),  # grouped: a list inside a pair
        forms.MultipleChoiceField(choices=[("a", gettext_lazy("A"))], widget=forms.CheckboxSelectMultiple),
        forms.SplitDateTimeField(),  # a MultiValueField and a MultiWidget: Django's own copies
        forms.DateField(widget=forms.SelectDateWidget),
    ],
    ids=["grouped-choices", "lazy-labels", "multi-value", "select-date"],
)
def test_other_fields_are_copied_as_django_copies_them(field):
    same_copy(field_copy(field), copy.deepcopy(field), field, type(field).__name__)


def test_grouped_choices_are_copied_deeply():
    field = forms.ChoiceField(choices=[("Group", [("a", "A"), ("b", "B")])])

    field_copy(field).choices[0][1].append(("c", "C"))

    assert field.choices == [("Group", [("a", "A"), ("b", "B")])]
