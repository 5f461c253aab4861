import pytest
import time_machine

from appointments.tests.factories import lima

from .factories import line_create, operator_create


def at(hour: int, minute: int = 0, second: int = 0):
    """Tuesday 1 December 2026 in Lima."""
    return lima(2026, 12, 1, hour, minute, second)


@pytest.fixture
def phone(db):
    with time_machine.travel(at(9), tick=False):
        return line_create()


@pytest.fixture
def operator(phone):
    return operator_create(phone.line, username="operadora")


@pytest.fixture
def frozen():
    with time_machine.travel(at(10), tick=False) as traveller:
        yield traveller
