"""Money in Peruvian soles, as citizens read it: "S/ 1,234.50"."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def soles(value: Decimal | int | str | None) -> str:
    """Format an amount in PEN, es-PE style ("S/ 1,234.50"); empty for a missing or non-numeric value."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite():
        return ""
    return f"S/ {amount:,.2f}"
