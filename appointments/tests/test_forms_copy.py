"""The appointments forms built on common.forms.Form: each instance gets the fields Django's deep copy would give."""

from appointments import forms
from common.tests.utils import assert_module_forms_copied_as_django


def test_every_form_gets_the_fields_djangos_deep_copy_would_give():
    assert_module_forms_copied_as_django(forms)
