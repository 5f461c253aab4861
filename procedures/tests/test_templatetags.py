from decimal import Decimal

import pytest

from procedures.templatetags.money import soles


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("5.40"), "S/ 5.40"),
        (Decimal("5.4"), "S/ 5.40"),
        (Decimal("1234.5"), "S/ 1,234.50"),
        (Decimal("1234567.891"), "S/ 1,234,567.89"),
        (Decimal("0.005"), "S/ 0.01"),  # half up, as cashiers round
        (Decimal("0"), "S/ 0.00"),
        (16, "S/ 16.00"),
        ("50.50", "S/ 50.50"),
        (None, ""),
        ("", ""),
        ("abc", ""),
        (Decimal("NaN"), ""),
    ],
)
def test_soles_formats_pen_the_peruvian_way(value, shown):
    assert soles(value) == shown
