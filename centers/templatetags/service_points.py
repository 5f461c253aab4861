"""Template helpers for service points: the phone line number and relative opening days."""

import datetime as dt
from urllib.parse import urlencode

from django import template
from django.db import DatabaseError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext

from centers.selectors import phone_line_number

register = template.Library()


@register.simple_tag(takes_context=True)
def phone_line(context: template.Context) -> str:
    """The MAC phone line number, looked up once per request (layout footer and help texts share it)."""
    request = context.get("request")
    cached = getattr(request, "_mac_phone_line", None)
    if cached is not None:
        return cached
    try:
        number = phone_line_number()
    except DatabaseError:
        # The footer must not turn a page (e.g. the 404 page while the database is down) into a 500.
        number = ""
    if request is not None:
        request._mac_phone_line = number
    return number


@register.filter
def days_from_today(value: dt.datetime | None) -> int | None:
    """Whole days between today (Lima) and an aware datetime: 0 today, 1 tomorrow…; None for no value."""
    if value is None:
        return None
    return (timezone.localtime(value).date() - timezone.localdate()).days


@register.filter
def is_today(weekday: int) -> bool:
    """Whether a weekday number (0 = Monday, like date.weekday()) is today's in Lima."""
    return weekday == timezone.localdate().weekday()


@register.filter
def tel_href(number: str) -> str:
    """A phone number as a tel: URI ("(01) 200-1000" -> "tel:012001000")."""
    return "tel:" + "".join(ch for ch in str(number) if ch.isdigit() or ch == "+")


@register.filter
def opening_day(value: dt.datetime) -> str:
    """The date of a next opening for the middle of a sentence: "jueves 10 de diciembre" / "Thursday, December 10"."""
    text = date_format(timezone.localtime(value), pgettext("date format of the next opening", "l, F j"))
    # Spanish writes weekday names in lower case; Django's Spanish names are capitalised.
    return text[:1].lower() + text[1:] if (get_language() or "").startswith("es") else text


@register.filter
def map_url(center) -> str:
    """A plain link to the center on OpenStreetMap (no embedded third-party map): its coordinates when known,
    else a search of its address; "" when there is neither."""
    if center.latitude is not None and center.longitude is not None:
        lat, lon = f"{center.latitude:.6f}", f"{center.longitude:.6f}"
        return f"https://www.openstreetmap.org/?{urlencode({'mlat': lat, 'mlon': lon})}#map=18/{lat}/{lon}"
    place = ", ".join(part for part in (center.address, center.district, center.province, center.region) if part)
    return f"https://www.openstreetmap.org/search?{urlencode({'query': place + ', Perú'})}" if center.address else ""
