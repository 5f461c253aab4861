"""The booking pages' fixtures (a browser, a procedure booked at Lima Norte on weekday mornings, frozen time)."""

from appointments.tests.conftest import frozen  # noqa: F401
from appointments.tests.views.conftest import center, client, procedure, schedule  # noqa: F401
