import pytest

from .utils import ReportWorld, world_create


@pytest.fixture
def world(db) -> ReportWorld:
    return world_create()
