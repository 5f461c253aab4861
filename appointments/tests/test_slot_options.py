"""The slot step's list of times ({% slot_options %}) gives the markup of the template loop it replaced."""

import datetime as dt
import re

from django.template import Context, Template
from django.utils import translation

from appointments.selectors import SlotOption

# The loop includes/step_slot.html had before the tag (kept here as the reference).
LOOP = """{% load i18n booking %}{% for slot in slots %}
<li class="slot-option{% if not slot.free %} slot-full{% endif %}">
  <input class="form-check-input" type="radio" name="slot" id="slot-{{ slot.slot_id }}" value="{{ slot.slot_id }}"\
{% if not slot.free %} disabled{% endif %}>
  <label class="form-check-label" for="slot-{{ slot.slot_id }}">
    <span class="slot-time">{{ slot.starts_at|lima_time }}–{{ slot.ends_at|lima_time }}</span>
    <span class="slot-free">{% if slot.free %}{% blocktranslate trimmed count counter=slot.free %}{{ counter }} place \
free{% plural %}{{ counter }} places free{% endblocktranslate %}{% else %}{% translate "Full" %}{% endif %}</span>
  </label>
</li>
{% endfor %}"""
TAG = "{% load booking %}{% slot_options slots %}"


def _times(count: int) -> list[SlotOption]:
    start = dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)  # 08:00 in Lima
    return [
        SlotOption(
            slot_id=1000 + n,
            starts_at=start + dt.timedelta(minutes=10 * n),
            ends_at=start + dt.timedelta(minutes=10 * (n + 1)),
            free=n % 4,  # full, one place, several
        )
        for n in range(count)
    ]


def _markup(source: str, slots: list[SlotOption]) -> str:
    html = Template(source).render(Context({"slots": slots}))
    return re.sub(r">\s+<", "><", html).strip()


def test_the_tag_gives_the_loops_markup_in_spanish_and_english():
    slots = _times(90)
    for language in ("es-pe", "en"):
        with translation.override(language):
            assert _markup(TAG, slots) == _markup(LOOP, slots)
    with translation.override("es-pe"):
        html = _markup(TAG, slots)
    assert html.count("<li ") == 90
    assert '<span class="slot-time">08:00–08:10</span><span class="slot-free">Lleno</span>' in html
    assert 'id="slot-1000" value="1000" disabled>' in html
    assert "1 cupo libre" in html and "3 cupos libres" in html


def test_no_times_give_an_empty_list():
    assert _markup(TAG, []) == ""
