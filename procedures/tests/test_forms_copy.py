"""The procedures forms built on common.forms.Form: each instance gets the fields Django's deep copy would give."""

import inspect

from common.forms import Form
from common.tests.utils import assert_fields_copied_as_django
from procedures import forms


def test_every_form_gets_the_fields_djangos_deep_copy_would_give():
    classes = [
        cls for _name, cls in inspect.getmembers(forms, inspect.isclass) if issubclass(cls, Form) and cls is not Form
    ]
    assert classes
    for cls in classes:
        assert_fields_copied_as_django(cls)
