"""Template filters for booking pages and messages: {% load booking %}."""

import datetime as dt
import functools

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from appointments import formatting
from appointments.validators import code_display

register = template.Library()

register.filter("lima_when", formatting.when_display)
register.filter("lima_day", formatting.day_display)
register.filter("lima_time", formatting.time_display)
register.filter("fee", formatting.fee_display)
register.filter("booking_code", code_display)


@register.simple_tag
def slot_options(slots) -> str:
    """The day's times as the slot step's list items, one `<li>` each (includes/step_slot.html).

    Built here rather than with a template loop: a day holds up to a hundred times, and this list is rendered on
    every "that time was just taken" answer, the busiest error page of a popular day (that answer took 10–11 ms of
    CPU with the loop, 5–7 ms with this: benchmarks/booking_cpu.py --path full). Each item is kept once built (per
    slot, times, free places and language: a booking changes one item of the day). The markup is the loop's, item
    for item (appointments/tests/test_slot_options.py)."""
    language = get_language()
    return mark_safe(  # noqa: S308 - _slot_option escapes every value that is not an int
        "".join(_slot_option(int(slot.slot_id), slot.starts_at, slot.ends_at, slot.free, language) for slot in slots)
    )


@functools.lru_cache(maxsize=8192)
def _slot_option(slot_id: int, starts_at: dt.datetime, ends_at: dt.datetime, free: int, language: str | None) -> str:
    """One time of the list (`language`, the active one, is there for the key)."""
    if free:
        text = ngettext("%(counter)s place free", "%(counter)s places free", free) % {"counter": free}
    else:
        text = gettext("Full")
    return (
        f'<li class="slot-option{"" if free else " slot-full"}">'
        f'<input class="form-check-input" type="radio" name="slot" id="slot-{slot_id}" value="{slot_id}"'
        f"{'' if free else ' disabled'}>"
        f'<label class="form-check-label" for="slot-{slot_id}">'
        f'<span class="slot-time">{escape(formatting.time_display(starts_at))}–'
        f"{escape(formatting.time_display(ends_at))}</span>"
        f'<span class="slot-free">{escape(text)}</span></label></li>'
    )
