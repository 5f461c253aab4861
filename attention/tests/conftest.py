import pytest
import time_machine

from appointments.tests.factories import lima

from .factories import floor_create

# Tuesday 1 December 2026 in Lima: the day the floor works in these tests.
DAY_OPENS = lima(2026, 12, 1, 8, 30)


def at(hour: int, minute: int = 0, second: int = 0):
    return lima(2026, 12, 1, hour, minute, second)


@pytest.fixture
def floor(db):
    return floor_create()


@pytest.fixture
def frozen():
    """Time stands still at 10:00 on the floor's day."""
    with time_machine.travel(at(10), tick=False) as traveller:
        yield traveller
