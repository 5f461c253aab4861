"""Template filters for booking pages and messages: {% load booking %}."""

from django import template

from appointments import formatting
from appointments.validators import code_display

register = template.Library()

register.filter("lima_when", formatting.when_display)
register.filter("lima_day", formatting.day_display)
register.filter("lima_time", formatting.time_display)
register.filter("fee", formatting.fee_display)
register.filter("booking_code", code_display)
