"""The citizen pages: file (with an attachment), see the tracking code, look up the status; limits and lock-outs."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import services
from complaints.models import Complaint

from .utils import EXE, PDF

pytestmark = pytest.mark.django_db

NEW = "/reclamos/"
LOOKUP = "/reclamos/consulta/"


@pytest.fixture
def form_data(center, entity):
    return {
        "center": str(center.pk),
        "entity": str(entity.pk),
        "category": "treatment",
        "description": "El orientador me habló de mala manera cuando pregunté por mi turno.",
        "request": "Una disculpa y que capaciten al personal.",
        "document_type": "dni",
        "document_number": "10117410",
        "full_name": "Rosa Quispe Mamani",
        "email": "rosa@example.com",
        "phone": "",
        "consent": "on",
    }


def test_the_form_lists_service_points_by_channel_and_entities(client, center, entity, address):
    response = client.get(NEW, REMOTE_ADDR=address)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Libro de Reclamaciones" in html and 'enctype="multipart/form-data"' in html
    assert "Centro MAC Lima Norte" in html and "RENIEC" in html and "Tiempo de espera" in html
    assert '<optgroup label="Presencial">' in html


def test_filing_redirects_to_the_tracking_code_and_sends_the_acknowledgement(
    client, form_data, address, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("constancia.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, {**form_data, "attachment": upload}, REMOTE_ADDR=address)
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/reclamos/presentado/{complaint.code}/"
    assert complaint.attachment_name == "constancia.pdf" and complaint.category == "treatment"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert complaint.code_display in page.content.decode()
    assert len(mail.outbox) == 1 and "El orientador me habló de mala manera" in mail.outbox[0].body
    # Another browser does not see the code page: it gets the look-up form.
    other = Client().get(response["Location"])
    assert other.status_code == 302 and other["Location"] == LOOKUP


def test_invalid_input_comes_back_with_spanish_messages_and_the_text_kept(client, form_data, address):
    data = {**form_data, "document_number": "123", "description": "Mal", "email": "", "consent": ""}
    upload = SimpleUploadedFile("factura.pdf", EXE, content_type="application/pdf")
    response = client.post(NEW, {**data, "attachment": upload}, REMOTE_ADDR=address)
    assert response.status_code == 400
    html = response.content.decode()
    assert "El DNI tiene 8 dígitos" in html
    assert "al menos 20 caracteres" in html
    assert "Indique un correo electrónico o un celular" in html
    assert "Acepte el uso de sus datos" in html
    assert "Adjunte un documento PDF o una imagen JPG o PNG" in html
    assert "Una disculpa y que capaciten al personal." in html  # nothing typed is lost
    assert not Complaint.objects.exists()


def test_garbage_choices_are_refused_kindly(client, form_data, address):
    response = client.post(
        NEW, {**form_data, "center": "abc", "entity": "-1", "category": "<script>"}, REMOTE_ADDR=address
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Elija el punto de atención donde lo atendieron." in html
    assert "Elija la entidad a la que se refiere su reclamo." in html
    assert "Elija sobre qué es su reclamo." in html


def test_filing_is_rate_limited_per_address(client, settings, form_data, address):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaint": (2, 3600)}
    for _attempt in range(2):
        assert client.post(NEW, form_data, REMOTE_ADDR=address).status_code == 303
    response = client.post(NEW, form_data, REMOTE_ADDR=address)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Demasiados intentos" in html or "Puede intentarlo de nuevo" in html
    assert "El orientador me habló de mala manera" in html  # the text comes back
    assert Complaint.objects.count() == 2
    # Another address still files.
    assert client.post(NEW, form_data, REMOTE_ADDR="10.250.1.1").status_code == 303


def test_lookup_shows_status_and_answer(client, complaint_input, address):
    complaint = services.complaint_file(data=complaint_input())
    response = client.post(
        LOOKUP, {"code": complaint.code_display.lower(), "document_number": "10117410"}, REMOTE_ADDR=address
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Recibido, pendiente de respuesta" in html and "Tiempo de espera" in html
    assert "Rosa" not in html  # no personal data on the status page
    services.complaint_answer(complaint_id=complaint.pk, answer="Reforzamos la ventanilla de DNI desde hoy lunes.")
    html = client.post(LOOKUP, {"code": complaint.code, "document_number": "10117410"}, REMOTE_ADDR=address).content
    assert "Reforzamos la ventanilla" in html.decode() and "Respondido" in html.decode()


def test_lookup_wrong_document_and_unknown_code_answer_alike_then_lock(client, complaint_input, address):
    complaint = services.complaint_file(data=complaint_input())
    wrong = client.post(LOOKUP, {"code": complaint.code, "document_number": "44556677"}, REMOTE_ADDR=address)
    unknown = client.post(LOOKUP, {"code": "ZZZZZ-ZZZZZ", "document_number": "10117410"}, REMOTE_ADDR=address)
    assert wrong.status_code == unknown.status_code == 404
    assert "Ningún reclamo coincide" in wrong.content.decode() and "Ningún reclamo coincide" in unknown.content.decode()
    for _attempt in range(4):
        client.post(LOOKUP, {"code": complaint.code, "document_number": "44556677"}, REMOTE_ADDR=address)
    locked = client.post(LOOKUP, {"code": complaint.code, "document_number": "10117410"}, REMOTE_ADDR="10.251.1.1")
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_lookup_validates_the_code_and_is_rate_limited(client, settings, address):
    bad = client.post(LOOKUP, {"code": "abc", "document_number": ""}, REMOTE_ADDR=address)
    assert bad.status_code == 400
    assert "10 letras y números" in bad.content.decode() and "Ingrese su número de documento." in bad.content.decode()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup": (2, 600)}
    for _attempt in range(2):
        client.post(LOOKUP, {"code": "ZZZZZZZZZZ", "document_number": "1"}, REMOTE_ADDR=address)
    limited = client.post(LOOKUP, {"code": "ZZZZZZZZZZ", "document_number": "1"}, REMOTE_ADDR=address)
    assert limited.status_code == 429 and "Puede intentarlo de nuevo" in limited.content.decode()
