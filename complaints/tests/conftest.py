import pytest
import time_machine

from appointments import sms
from centers.tests.factories import CenterFactory, OfferingFactory
from complaints.services import ComplaintInput
from procedures.tests.factories import EntityFactory, ProcedureFactory

from .utils import NOW


@pytest.fixture(autouse=True)
def _private_attachments(settings, tmp_path):
    """Attachments of each test in a directory of its own."""
    settings.COMPLAINTS_ATTACHMENTS_DIR = str(tmp_path / "attachments")
    settings.SMS_BACKEND = "appointments.sms.LocmemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def sms_outbox():
    return sms.outbox


@pytest.fixture
def frozen():
    """Monday 23 November 2026, 10:00 Lima."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def entity(db):
    return EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC")


@pytest.fixture
def center(db, entity):
    center = CenterFactory(name="Centro MAC Lima Norte")
    OfferingFactory(center=center, procedure=ProcedureFactory(entity=entity, name="Duplicado de DNI"))
    return center


@pytest.fixture
def other_center(db, entity):
    center = CenterFactory(name="Centro MAC Callao")
    OfferingFactory(center=center, procedure=ProcedureFactory(entity=entity, name="Rectificación de DNI"))
    return center


@pytest.fixture
def complaint_input(center, entity):
    def build(**changes) -> ComplaintInput:
        values = {
            "entity_id": entity.pk,
            "center_id": center.pk,
            "category": "waiting",
            "description": "Esperé tres horas con mi turno y nadie me llamó a la ventanilla.",
            "request": "Que respeten el orden de los turnos.",
            "document_type": "dni",
            "document_number": "10117410",
            "full_name": "Rosa Quispe Mamani",
            "email": "rosa@example.com",
            "phone": "987654321",
        }
        values.update(changes)
        return ComplaintInput(**values)

    return build
