"""Template filters for booking pages and messages: {% load booking %}."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

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
    CPU with the loop, 5–7 ms with this: benchmarks/booking_cpu.py --path full). The markup is the loop's, item for
    item (appointments/tests/test_slot_options.py)."""
    full = escape(gettext("Full"))
    free_texts: dict[int, str] = {}
    items = []
    for slot in slots:
        free = slot.free
        if free and (text := free_texts.get(free)) is None:
            text = free_texts[free] = escape(
                ngettext("%(counter)s place free", "%(counter)s places free", free) % {"counter": free}
            )
        slot_id = int(slot.slot_id)
        items.append(
            f'<li class="slot-option{"" if free else " slot-full"}">'
            f'<input class="form-check-input" type="radio" name="slot" id="slot-{slot_id}" value="{slot_id}"'
            f"{'' if free else ' disabled'}>"
            f'<label class="form-check-label" for="slot-{slot_id}">'
            f'<span class="slot-time">{escape(formatting.time_display(slot.starts_at))}–'
            f"{escape(formatting.time_display(slot.ends_at))}</span>"
            f'<span class="slot-free">{text if free else full}</span></label></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is an int or escaped
