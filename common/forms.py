"""`Form`: Django's form, whose fields are copied for each instance without the copy module's generic protocol.

Every Django form deep-copies its class's fields when it is built (BaseForm.__init__), so that an instance may change
its own fields. The copy goes through `copy.deepcopy` and the fields' and widgets' `__deepcopy__`, each a `copy.copy`
(`__reduce_ex__`, `copyreg`, `_reconstruct`) and a deep copy of every choice list: 0.13 ms of CPU for the booking's
citizen form, about 3 % of a booking through the pages (benchmarks/README.md). Here the same copies are made directly:

- a field or widget whose class copies itself as Django's Field, ChoiceField, Widget and ChoiceWidget do (the same
  `__deepcopy__`, no `__slots__`, `__copy__`, `__reduce__` or state methods of its own) gets those methods' result,
  attribute for attribute: a new object with the same attributes, its own `attrs`, `error_messages`, `validators`
  and choice lists;
- a choice list of flat (value, label) pairs of strings, numbers and lazy translations is copied as a list: a deep
  copy would give the same pairs back (they are immutable), and a widget's `choices` setter equal pairs;
- anything else (a MultiValueField, a widget with its own copy, grouped choices) is deep-copied as Django does.

common/tests/test_forms.py checks the copies against Django's deep copy; each app's tests do it for its forms that use
this class (common.tests.utils.assert_fields_copied_as_django).
"""

import copy
from typing import Any

from django import forms
from django.forms.fields import ChoiceField, Field
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.widgets import ChoiceWidget, Widget
from django.utils.functional import Promise

_ATOMS = (str, int, float, bool, type(None), Promise)
_PLAIN: dict[type, bool] = {}


def _plain(cls: type) -> bool:
    """Whether copy.copy of an instance of `cls` is a new instance with the same `__dict__` (and nothing else)."""
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = (
            getattr(cls, "__copy__", None) is None
            and cls.__reduce_ex__ is object.__reduce_ex__
            and cls.__reduce__ is object.__reduce__
            and cls.__getstate__ is object.__getstate__
            and getattr(cls, "__setstate__", None) is None
            and all("__slots__" not in vars(klass) for klass in cls.__mro__[:-1])
        )
    return plain


def _shallow(obj: Any) -> Any:
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _flat(choices: Any) -> bool:
    """Whether `choices` is a list of (value, label) pairs of immutable values (no groups, no iterator)."""
    if type(choices) is not list:
        return False
    for choice in choices:
        if type(choice) is not tuple:
            return False
        for part in choice:
            if not isinstance(part, _ATOMS):
                return False
    return True


def _widget_copy(widget: Widget, memo: dict) -> Widget:
    cls = type(widget)
    if cls.__deepcopy__ not in (Widget.__deepcopy__, ChoiceWidget.__deepcopy__) or not _plain(cls):
        return copy.deepcopy(widget, memo)
    new = _shallow(widget)
    new.attrs = widget.attrs.copy()
    if cls.__deepcopy__ is ChoiceWidget.__deepcopy__:
        choices = widget._choices  # type: ignore[attr-defined]
        if _flat(choices):  # the `choices` setter would normalize them into equal pairs
            new._choices = list(choices)
        else:
            new.choices = copy.copy(widget.choices)  # type: ignore[attr-defined]
    memo[id(widget)] = new
    return new


def field_copy(field: Field, memo: dict | None = None) -> Field:
    """What `copy.deepcopy(field)` gives, made directly when the field's class allows it (see the module)."""
    memo = {} if memo is None else memo
    cls = type(field)
    if cls.__deepcopy__ not in (Field.__deepcopy__, ChoiceField.__deepcopy__) or not _plain(cls):
        return copy.deepcopy(field, memo)
    new = _shallow(field)
    memo[id(field)] = new
    new.widget = _widget_copy(field.widget, memo)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if cls.__deepcopy__ is ChoiceField.__deepcopy__:
        choices = field._choices  # type: ignore[attr-defined]
        new._choices = list(choices) if _flat(choices) else copy.deepcopy(choices, memo)
    return new


class _Fields(dict):
    """A form class's `base_fields`, whose deep copy (each form instance's `fields`) copies with field_copy."""

    def __deepcopy__(self, memo: dict) -> dict:
        return {name: field_copy(field, memo) for name, field in self.items()}


class _FieldsMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _Fields(new_class.base_fields)  # type: ignore[attr-defined]
        return new_class


class Form(forms.BaseForm, metaclass=_FieldsMetaclass):
    """django.forms.Form, with its fields copied for each instance by field_copy."""
