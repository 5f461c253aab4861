"""Helpers shared by the tests of every app."""

import copy
import inspect
import secrets

from django import forms

from common.forms import Form


def new_address() -> str:
    """A client address no other test (or earlier run) has used: rate-limit counters live in the shared
    cache (Redis) for up to an hour, and the cache is never flushed (other test workers use it)."""
    return "10.{}.{}.{}".format(*secrets.token_bytes(3))


# A Redis cache on a port where nothing listens (with short timeouts): what the application sees when Redis is down.
DEAD_REDIS_CACHES = {
    "default": {
        "BACKEND": "common.redis_cache.RedisCache",  # the settings' backend
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def same_copy(ours, django, original, path: str) -> None:
    """`ours` has the class and attributes of `django` (Django's deep copy of `original`), and wherever Django's copy
    holds an object of its own (not the original's), so does ours, with the same value."""
    assert type(ours) is type(django), path
    assert ours is not original, path
    assert vars(ours).keys() == vars(django).keys(), path
    for name, value in vars(django).items():
        mine, theirs = vars(ours)[name], vars(original)[name]
        if isinstance(value, forms.Widget | forms.Field):
            same_copy(mine, value, theirs, f"{path}.{name}")
            continue
        if isinstance(value, list | tuple) and any(isinstance(item, forms.Widget | forms.Field) for item in value):
            assert type(mine) is type(value) and len(mine) == len(value), f"{path}.{name}"
            for index, item in enumerate(value):
                same_copy(mine[index], item, theirs[index], f"{path}.{name}[{index}]")
            continue
        if value is theirs:
            assert mine is theirs, f"{path}.{name}: Django keeps the original's object"
            continue
        assert mine is not theirs, f"{path}.{name}: Django's copy has its own, ours shares the original's"
        assert mine == value, f"{path}.{name}"


def assert_fields_copied_as_django(form_class) -> None:
    """A common.forms.Form's instances get the fields that Django's deep copy of the class's fields would give."""
    ours = copy.deepcopy(form_class.base_fields)
    django = {name: copy.deepcopy(field) for name, field in form_class.base_fields.items()}
    assert type(ours) is dict and ours.keys() == django.keys()
    for name, field in form_class.base_fields.items():
        same_copy(ours[name], django[name], field, f"{form_class.__name__}.{name}")


def assert_module_forms_copied_as_django(module) -> None:
    """assert_fields_copied_as_django for every common.forms.Form of `module` (there must be one)."""
    members = inspect.getmembers(module, inspect.isclass)
    classes = [cls for _name, cls in members if issubclass(cls, Form) and cls is not Form]
    assert classes
    for cls in classes:
        assert_fields_copied_as_django(cls)
