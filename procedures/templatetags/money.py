"""Template filter for money in Peruvian soles: {{ fee|soles }} → "S/ 1,234.50"."""

from django import template

from procedures.formatting import soles

register = template.Library()
register.filter("soles", soles)
