"""common.templatetags.fragments: `{% memo %}` keeps a fragment per process, per language and the values named —
never a CSRF token, never a value it cannot key by content."""

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

from common.memo import memos_forget
from common.pagecache import CSRF_PLACEHOLDER
from common.templatetags.fragments import FRAGMENT_MEMO

KEPT = Template('{% load fragments %}{% memo "test-kept" key %}{{ key }}:{{ shown }}{% endmemo %}')
WITH_FORM = Template('{% load fragments %}{% memo "test-form" %}<form>{% csrf_token %}</form>{% endmemo %}')


@pytest.fixture(autouse=True)
def _forgotten():
    memos_forget()
    yield
    memos_forget()


def test_a_fragment_is_kept_per_values_and_language():
    assert KEPT.render(Context({"key": 1, "shown": "first"})) == "1:first"
    assert KEPT.render(Context({"key": 1, "shown": "second"})) == "1:first"  # same key: the kept fragment
    assert KEPT.render(Context({"key": 2, "shown": "second"})) == "2:second"
    with translation.override("en"):
        assert KEPT.render(Context({"key": 1, "shown": "third"})) == "1:third"  # another language, its own fragment
    memos_forget()
    assert KEPT.render(Context({"key": 1, "shown": "fourth"})) == "1:fourth"


def test_values_are_keyed_by_content_and_objects_are_refused():
    template = Template('{% load fragments %}{% memo "test-content" steps %}{{ shown }}{% endmemo %}')
    steps = [{"key": "slot", "current": True}, {"key": "details", "current": False}]
    assert template.render(Context({"steps": steps, "shown": "a"})) == "a"
    same = [{"key": "slot", "current": True}, {"key": "details", "current": False}]  # equal, not the same objects
    assert template.render(Context({"steps": same, "shown": "b"})) == "a"
    moved = [{"key": "slot", "current": False}, {"key": "details", "current": True}]
    assert template.render(Context({"steps": moved, "shown": "c"})) == "c"

    with pytest.raises(TemplateSyntaxError, match="not a plain value"):
        template.render(Context({"steps": object(), "shown": "d"}))
    with pytest.raises(TemplateSyntaxError, match="quoted name"):
        Template("{% load fragments %}{% memo name %}{% endmemo %}")


def test_a_long_value_is_rendered_each_time_and_not_kept():
    """A script's long query strings do not fill the table."""
    long = "x" * 500
    assert KEPT.render(Context({"key": long, "shown": "first"})) == f"{long}:first"
    assert KEPT.render(Context({"key": long, "shown": "second"})) == f"{long}:second"
    assert not any(key[0] == "test-kept" for key in FRAGMENT_MEMO._values)


def test_each_response_gets_its_own_csrf_token_and_none_is_kept():
    factory = RequestFactory()
    first, second = factory.get("/"), factory.get("/")
    html_first = WITH_FORM.render(RequestContext(first, {}))
    html_second = WITH_FORM.render(RequestContext(second, {}))

    tokens = []
    for request, html in ((first, html_first), (second, html_second)):
        assert CSRF_PLACEHOLDER not in html
        token = html.split('value="', 1)[1].split('"', 1)[0]
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]  # this request's own secret
        tokens.append(token)
    assert tokens[0] != tokens[1]
    kept = [value for key, (_at, value) in FRAGMENT_MEMO._values.items() if key[0] == "test-form"]
    assert kept == [f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"></form>']
    # Without a request there is no token to give: rendered as Django renders it, never with the placeholder.
    assert WITH_FORM.render(Context({})) == "<form></form>"
