"""`{% memo "name" value… %}…{% endmemo %}`: a template fragment kept in this process for a minute, per language and
the values given ({% load fragments %}).

For the parts of every page that are the same for thousands of requests: the header, the footer, the booking
steps, the summary of a booking's choices. Rendering them with Django's templates cost about 2 ms of CPU on each
booking page (benchmarks/booking_cpu.py --path full); a kept fragment costs a dictionary look-up.

Unlike Django's `{% cache %}` tag:
- nothing leaves the process (no pickling, no round trip to Redis), and the fragments are forgotten with the
  catalog's memos (common.memo: a catalog edit forgets them at once in the process that makes it, the others within
  a minute; a page stored in the shared cache is built after every memo is forgotten);
- a CSRF token inside a fragment is never kept: the fragment is rendered with a placeholder in its place
  (common.pagecache.CSRF_PLACEHOLDER), and each response gets its own masked token;
- the values are part of the key by content: strings, numbers, dates, lazy translations, and lists, tuples and
  dicts of these. Anything else (a model instance, whose content a key would not show) is refused with a
  TemplateSyntaxError: name its fields instead (`path.procedure.pk`).

Everything the fragment shows must come from the values named, the language, or rows edited so rarely that a
minute's delay is the catalog's trade (procedure and center names, the phone line). Nothing about the visitor.
"""

import datetime as dt
import decimal
from collections.abc import Hashable

from django import template
from django.utils.functional import Promise
from django.utils.translation import get_language

from common.memo import ProcessMemo
from common.pagecache import CSRF_PLACEHOLDER

register = template.Library()

# A fragment is a few kilobytes; a script asking for many different pages (the language form's `next` holds the path)
# starts the table again past 2,000 of them.
FRAGMENT_MEMO = ProcessMemo(seconds=60, max_entries=2_000)

# Longer values (a long query string) are rendered, not kept.
_LONGEST_KEPT_TEXT = 400

_PLAIN = (str, int, float, bool, decimal.Decimal, dt.date, dt.time, type(None))


def _key_part(value) -> Hashable:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, list | tuple):
        return tuple(_key_part(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _key_part(item)) for key, item in value.items())
    raise template.TemplateSyntaxError(
        f"{{% memo %}} keys by content: {type(value).__name__} is not a plain value (name its fields instead)"
    )


class MemoNode(template.Node):
    def __init__(self, name: str, values: list[template.base.FilterExpression], nodelist: template.NodeList):
        self.name = name
        self.values = values
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        token = context.get("csrf_token")
        parts = tuple(_key_part(value.resolve(context)) for value in self.values)
        if any(isinstance(part, str) and len(part) > _LONGEST_KEPT_TEXT for part in parts):
            return self.nodelist.render(context)
        html = FRAGMENT_MEMO.get((self.name, get_language(), parts), lambda: self._render(context))
        if CSRF_PLACEHOLDER in html:
            if not token or str(token) == "NOTPROVIDED":  # rendered without its request: as Django renders it
                return self.nodelist.render(context)
            html = html.replace(CSRF_PLACEHOLDER, str(token))
        return html

    def _render(self, context: template.Context) -> str:
        with context.push(csrf_token=CSRF_PLACEHOLDER):
            return self.nodelist.render(context)


@register.tag("memo")
def memo_tag(parser: template.base.Parser, token: template.base.Token) -> MemoNode:
    """{% memo "name" value… %}…{% endmemo %}: see the module's docstring."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% memo %} needs a quoted name first: {% memo "name" value… %}')
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)
