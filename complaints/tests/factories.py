"""Factories and builders of the complaints tests."""

import datetime as dt

import factory

from centers.tests.factories import CenterFactory
from complaints.constants import ComplaintCategory
from complaints.models import Complaint
from procedures.tests.factories import EntityFactory


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A filed complaint (rows made directly, for selectors and admin tests; filing itself goes through services)."""

    class Meta:
        model = Complaint

    code = factory.Sequence(lambda n: f"{n:010d}")
    entity = factory.SubFactory(EntityFactory)
    center = factory.SubFactory(CenterFactory)
    channel = "presencial"
    category = ComplaintCategory.WAITING
    description = "Esperé tres horas y nadie me atendió en la ventanilla."
    request = "Que mejoren la atención."
    document_type = "dni"
    document_number = "10117410"
    full_name = "Rosa Quispe Mamani"
    email = "rosa@example.com"
    phone = ""
    filed_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC))
    due_on = dt.date(2026, 12, 15)
