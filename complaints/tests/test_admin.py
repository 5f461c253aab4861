"""Staff screens: each center's supervisors see and answer their complaints only; overdue ones stand out; every view
of personal data is recorded; attachments are downloaded only through the admin."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centers.constants import StaffRole
from centers.models import PersonalDataAccess
from centers.tests.factories import staff_user_create
from complaints import services
from complaints.models import Complaint
from conftest import verified_client

from .utils import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaints(frozen, complaint_input, other_center, entity):
    upload = SimpleUploadedFile("constancia.pdf", PDF, content_type="application/pdf")
    mine = services.complaint_file(data=complaint_input(full_name="Vecina de Lima Norte"), upload=upload)
    theirs = services.complaint_file(
        data=complaint_input(center_id=other_center.pk, full_name="Vecina del Callao"),
        upload=SimpleUploadedFile("otra.pdf", PDF, content_type="application/pdf"),
    )
    mail.outbox.clear()
    return {"mine": mine, "theirs": theirs}


@pytest.fixture
def supervisor(client, center):
    user = staff_user_create(role=StaffRole.SUPERVISOR, center=center)
    verified_client(user, client)
    client.user = user
    return client


def url(name: str, complaint: Complaint | None = None) -> str:
    args = [complaint.pk] if complaint is not None else []
    return reverse(f"admin:complaints_complaint_{name}", args=args)


def test_list_shows_only_the_users_center_and_records_the_view(supervisor, complaints):
    response = supervisor.get(url("changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert complaints["mine"].code_display in html
    assert complaints["theirs"].code_display not in html and "Callao" not in html
    assert PersonalDataAccess.objects.filter(user=supervisor.user, object_id=str(complaints["mine"].pk)).exists()
    assert not PersonalDataAccess.objects.filter(object_id=str(complaints["theirs"].pk)).exists()
    # A search by the other center's document finds nothing of theirs either.
    html = supervisor.get(url("changelist") + "?q=10117410").content.decode()
    assert complaints["theirs"].code_display not in html


def test_another_centers_complaint_is_unreachable(supervisor, complaints):
    theirs = complaints["theirs"]
    change = supervisor.get(url("change", theirs))
    assert change.status_code == 302 or change.status_code == 404
    assert "Vecina del Callao" not in supervisor.get(change.url).content.decode() if change.status_code == 302 else True
    assert supervisor.get(url("answer", theirs)).status_code == 404
    assert (
        supervisor.post(url("answer", theirs), {"answer": "Una respuesta que no debe quedar grabada."}).status_code
        == 404
    )
    assert supervisor.get(url("attachment", theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "filed"


def test_staff_without_the_role_cannot_see_complaints(client, center, complaints):
    verified_client(staff_user_create(role=StaffRole.COUNTER_AGENT, center=center), client)
    assert client.get(url("changelist")).status_code == 403
    assert client.get(url("answer", complaints["mine"])).status_code == 403
    assert client.get(url("attachment", complaints["mine"])).status_code == 403
    analyst = staff_user_create(role=StaffRole.ANALYST)
    analyst_client = verified_client(analyst)
    assert analyst_client.get(url("changelist")).status_code == 403


def test_supervisor_answers_and_the_citizen_is_notified_once(
    supervisor, complaints, django_capture_on_commit_callbacks
):
    mine = complaints["mine"]
    page = supervisor.get(url("change", mine))
    assert page.status_code == 200 and url("answer", mine) in page.content.decode()
    form = supervisor.get(url("answer", mine))
    assert form.status_code == 200 and "Vecina de Lima Norte" in form.content.decode()
    short = supervisor.post(url("answer", mine), {"answer": "Ok"})
    assert short.status_code == 400 and "al menos 20 caracteres" in short.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = supervisor.post(
            url("answer", mine), {"answer": "Hemos hablado con el orientador; le pedimos disculpas."}
        )
    assert done.status_code == 302 and done.url == url("change", mine)
    mine.refresh_from_db()
    assert mine.status == "answered" and mine.answered_by == supervisor.user
    assert len(mail.outbox) == 1 and "le pedimos disculpas" in mail.outbox[0].body
    again = supervisor.post(url("answer", mine), {"answer": "Otra respuesta distinta que no debe reemplazarla."})
    assert again.status_code == 302
    mine.refresh_from_db()
    assert "le pedimos disculpas" in mine.answer and len(mail.outbox) == 1
    assert PersonalDataAccess.objects.filter(user=supervisor.user, object_id=str(mine.pk), reason="answer").exists()


def test_overdue_complaints_are_highlighted_and_counted(supervisor, complaints, frozen):
    frozen.move_to(dt.datetime(2027, 1, 11, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))))  # past 8 January
    verified_client(supervisor.user, supervisor)  # a fresh login: staff sessions end after 8 hours
    html = supervisor.get(url("changelist")).content.decode()
    assert "complaint-overdue" in html and "vencido" in html
    assert "1 reclamo pasó su plazo de respuesta." in html
    filtered = supervisor.get(url("changelist") + "?deadline=overdue").content.decode()
    assert complaints["mine"].code_display in filtered


def test_attachment_download_is_private_logged_and_never_rendered(supervisor, complaints):
    mine = complaints["mine"]
    response = supervisor.get(url("attachment", mine))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].startswith("attachment;")
        and "constancia.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PersonalDataAccess.objects.filter(object_id=str(mine.pk), reason="attachment").exists()
    # No public URL serves it.
    assert supervisor.get("/media/" + mine.attachment.name).status_code == 404
    assert supervisor.get("/static/" + mine.attachment.name).status_code == 404
