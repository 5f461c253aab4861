"""Filing, acknowledging, answering and notifying, through the services (real PostgreSQL, Celery eager)."""

import datetime as dt
import os

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.constants import ComplaintStatus, MessageKind
from complaints.errors import AlreadyAnswered, InvalidComplaint
from complaints.models import Complaint, ComplaintMessage

from .utils import ELF, EXE, HTML, JPEG, PDF, PNG, SVG, ZIP

pytestmark = pytest.mark.django_db


def _file(complaint_input, django_capture_on_commit_callbacks, upload=None, **changes) -> Complaint:
    with django_capture_on_commit_callbacks(execute=True):
        return services.complaint_file(data=complaint_input(**changes), upload=upload)


def test_filing_stores_the_complaint_with_code_deadline_and_channel(frozen, complaint_input, center, entity):
    complaint = services.complaint_file(data=complaint_input(document_number="10117410-2", phone="987 654 321"))
    complaint.refresh_from_db()
    assert len(complaint.code) == 10 and complaint.code.isalnum() and complaint.code.upper() == complaint.code
    assert complaint.status == ComplaintStatus.FILED
    assert complaint.center == center and complaint.entity == entity and complaint.channel == "presencial"
    assert complaint.document_number == "10117410"  # normalized by the booking's own validator
    assert complaint.phone == "+51987654321"
    assert complaint.due_on == dt.date(2027, 1, 8)  # 30 working days after Monday 23 November 2026
    assert complaint.filed_at == frozen_now()


def frozen_now():
    from django.utils import timezone

    return timezone.now()


def test_acknowledgement_is_sent_once_by_email_and_sms_with_a_copy(
    frozen, complaint_input, django_capture_on_commit_callbacks, sms_outbox
):
    complaint = _file(complaint_input, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.com"]
    assert complaint.code_display in message.subject
    assert "Esperé tres horas con mi turno" in message.body  # a copy of what was filed
    assert "Que respeten el orden de los turnos." in message.body
    assert "Tiempo de espera" in message.body
    assert "/reclamos/consulta/" in message.body
    assert message.extra_headers["Message-ID"].startswith("<complaint-message-")
    assert len(sms_outbox) == 1 and complaint.code_display in sms_outbox[0].body

    # The beat and the single-message task run again: nothing goes out twice.
    assert services.messages_send_due() == 0
    for row in ComplaintMessage.objects.all():
        assert services.message_send(message_id=row.pk) is False
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1
    assert set(ComplaintMessage.objects.values_list("kind", "channel")) == {
        (MessageKind.ACKNOWLEDGEMENT, "email"),
        (MessageKind.ACKNOWLEDGEMENT, "sms"),
    }
    assert not ComplaintMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_lost_task_is_sent_by_the_beat_once(frozen, complaint_input, monkeypatch):
    from complaints import tasks

    monkeypatch.setattr(tasks.complaint_message_send, "delay", lambda *args, **kwargs: None)
    services.complaint_file(data=complaint_input(phone=""))
    assert mail.outbox == []
    assert services.messages_send_due() == 1
    assert services.messages_send_due() == 0
    assert len(mail.outbox) == 1


def test_a_refused_message_is_retried_later(frozen, complaint_input, monkeypatch):
    from complaints import tasks
    from complaints.services import messages

    monkeypatch.setattr(tasks.complaint_message_send, "delay", lambda *args, **kwargs: None)
    services.complaint_file(data=complaint_input(phone=""))

    def refuse(message):
        raise ConnectionError("smtp down for rosa@example.com")

    monkeypatch.setattr(messages, "_provider_send", refuse)
    assert services.messages_send_due() == 0
    row = ComplaintMessage.objects.get()
    assert row.sent_at is None and row.sending_at is None and row.attempts == 1
    assert "rosa@example.com" not in row.last_error  # no personal data kept in the error
    monkeypatch.undo()
    frozen.shift(dt.timedelta(minutes=3))
    assert services.messages_send_due() == 1
    assert len(mail.outbox) == 1


def test_answer_is_recorded_and_notified_once(frozen, complaint_input, django_capture_on_commit_callbacks, sms_outbox):
    complaint = _file(complaint_input, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.complaint_answer(
            complaint_id=complaint.pk, answer="Lamentamos la demora; reforzamos la ventanilla de DNI desde hoy."
        )
    assert answered.status == ComplaintStatus.ANSWERED and answered.answered_at is not None
    assert len(mail.outbox) == 1
    assert "Respuesta" in mail.outbox[0].subject
    assert "reforzamos la ventanilla" in mail.outbox[0].body
    assert len(sms_outbox) == 1
    assert services.messages_send_due() == 0
    assert len(mail.outbox) == 1

    with pytest.raises(AlreadyAnswered):
        services.complaint_answer(complaint_id=complaint.pk, answer="Una segunda respuesta que no debe quedar.")
    complaint.refresh_from_db()
    assert "reforzamos" in complaint.answer


@pytest.mark.parametrize("answer", ["", "   ", "Muy corto"])
def test_an_empty_or_short_answer_is_refused(frozen, complaint_input, answer):
    complaint = services.complaint_file(data=complaint_input())
    with pytest.raises(InvalidComplaint) as caught:
        services.complaint_answer(complaint_id=complaint.pk, answer=answer)
    assert "respuesta" in caught.value.field_errors["answer"][0]
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.FILED


INVALID_INPUTS = [
    ({"center_id": None}, "center", "punto de atención"),
    ({"center_id": 999_999}, "center", "punto de atención"),
    ({"entity_id": None}, "entity", "entidad"),
    ({"category": "rudeness"}, "category", "Elija"),
    ({"description": ""}, "description", "Cuéntenos qué pasó"),
    ({"description": "Mal"}, "description", "al menos 20"),
    ({"description": "x" * 4001}, "description", "como máximo 4000"),
    ({"request": ""}, "request", "qué solicita"),
    ({"request": "y" * 2001}, "request", "como máximo 2000"),
    ({"document_type": "cedula"}, "document_type", "tipo de documento"),
    ({"document_number": "1234"}, "document_number", "DNI"),
    ({"document_number": "10117410-7"}, "document_number", "carácter de verificación"),
    ({"full_name": "R2D2"}, "full_name", "letras"),
    ({"email": "rosa@", "phone": ""}, "email", "correo"),
    ({"email": "", "phone": "014567890"}, "phone", "celular"),
    ({"email": "", "phone": ""}, "email", "correo electrónico o un celular"),
]


@pytest.mark.parametrize(("changes", "field", "words"), INVALID_INPUTS)
def test_every_input_is_validated_in_spanish(complaint_input, changes, field, words):
    with pytest.raises(InvalidComplaint) as caught:
        services.complaint_file(data=complaint_input(**changes))
    assert field in caught.value.field_errors, caught.value.field_errors
    assert words in " ".join(caught.value.field_errors[field])
    assert not Complaint.objects.exists()


def test_entity_must_serve_at_the_service_point(complaint_input):
    from procedures.tests.factories import EntityFactory

    sunarp = EntityFactory(name="Superintendencia Nacional de los Registros Públicos", acronym="SUNARP")
    with pytest.raises(InvalidComplaint) as caught:
        services.complaint_file(data=complaint_input(entity_id=sunarp.pk))
    assert "SUNARP no atiende en Centro MAC Lima Norte" in caught.value.field_errors["entity"][0]


@pytest.mark.parametrize(
    ("content", "name", "kind", "extension"),
    [
        (PDF, "constancia.pdf", "application/pdf", "pdf"),
        (PNG, "foto.png", "image/png", "png"),
        (JPEG, "foto.JPG", "image/jpeg", "jpg"),
    ],
)
def test_accepted_attachments_are_stored_under_a_random_name(settings, complaint_input, content, name, kind, extension):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    complaint = services.complaint_file(data=complaint_input(), upload=upload)
    stored = complaint.attachment.name
    assert "/" not in stored and stored.endswith(f".{extension}") and len(stored) == 32 + 1 + len(extension)
    assert complaint.attachment_type == kind and complaint.attachment_name == name
    path = os.path.join(settings.COMPLAINTS_ATTACHMENTS_DIR, stored)
    with open(path, "rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (EXE, "factura.pdf"),  # a Windows executable renamed
        (ELF, "foto.png"),  # a Linux executable renamed
        (HTML, "pagina.pdf"),
        (SVG, "imagen.png"),
        (ZIP, "documentos.pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "script.pdf"),
    ],
)
def test_attachments_are_recognised_by_content_not_by_name(settings, complaint_input, content, name):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(InvalidComplaint) as caught:
        services.complaint_file(data=complaint_input(), upload=upload)
    assert "PDF" in caught.value.field_errors["attachment"][0]
    assert not Complaint.objects.exists()
    assert not os.path.exists(settings.COMPLAINTS_ATTACHMENTS_DIR) or not os.listdir(
        settings.COMPLAINTS_ATTACHMENTS_DIR
    )


def test_attachment_size_is_limited(settings, complaint_input):
    settings.COMPLAINTS_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("grande.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    with pytest.raises(InvalidComplaint) as caught:
        services.complaint_file(data=complaint_input(), upload=big)
    assert "como máximo 1 MB" in caught.value.field_errors["attachment"][0]
    empty = SimpleUploadedFile("vacio.pdf", b"", content_type="application/pdf")
    with pytest.raises(InvalidComplaint) as caught:
        services.complaint_file(data=complaint_input(), upload=empty)
    assert "vacío" in caught.value.field_errors["attachment"][0]


def test_a_path_in_the_file_name_never_reaches_the_disk(settings, tmp_path, complaint_input):
    upload = SimpleUploadedFile("../../../../tmp/evil/../../etc/cron.d/x.pdf", PDF, content_type="application/pdf")
    complaint = services.complaint_file(data=complaint_input(), upload=upload)
    assert complaint.attachment_name == "x.pdf"
    assert os.listdir(settings.COMPLAINTS_ATTACHMENTS_DIR) == [complaint.attachment.name]
    assert not (tmp_path / "evil").exists()
    windows = SimpleUploadedFile("..\\..\\Windows\\system32\\a b<c>.png", PNG, content_type="image/png")
    assert services.complaint_file(data=complaint_input(), upload=windows).attachment_name == "a b_c_.png"


def test_a_refused_filing_leaves_no_file(settings, complaint_input):
    upload = SimpleUploadedFile("constancia.pdf", PDF, content_type="application/pdf")
    with pytest.raises(InvalidComplaint):
        services.complaint_file(data=complaint_input(full_name=""), upload=upload)
    assert not os.path.exists(settings.COMPLAINTS_ATTACHMENTS_DIR) or not os.listdir(
        settings.COMPLAINTS_ATTACHMENTS_DIR
    )


def test_authenticate_by_code_and_document_and_lock(complaint_input):
    from common.ratelimit import CodeLocked
    from complaints.errors import ComplaintNotFound

    complaint = services.complaint_file(data=complaint_input())
    assert (
        services.complaint_authenticate(code=complaint.code_display.lower(), document_number="10117410-2") == complaint
    )
    for _attempt in range(5):
        with pytest.raises(ComplaintNotFound):
            services.complaint_authenticate(code=complaint.code, document_number="44556677")
    with pytest.raises(CodeLocked):
        services.complaint_authenticate(code=complaint.code, document_number="10117410")
    with pytest.raises(ComplaintNotFound):
        services.complaint_authenticate(code="ZZZZZZZZZZ", document_number="10117410")
