import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from attention.models import Attention
from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client

from .test_imports import BAD, GOOD, HEADER

URL = "/admin/reports/report/"


def _upload(client, text: str, **extra):
    return client.post(URL, {"file": SimpleUploadedFile("h.csv", text.encode()), **extra})


@pytest.fixture
def administrator(world):
    return verified_client(staff_user_create(role=StaffRole.ADMINISTRATOR))


def test_administrator_imports_a_file(administrator):
    response = _upload(administrator, HEADER + GOOD)
    assert response.status_code == 302
    assert Attention.objects.count() == 3
    assert "3 importadas" in administrator.get(URL).content.decode()


def test_bad_rows_import_nothing_and_are_listed_by_line(administrator):
    response = _upload(administrator, HEADER + GOOD + BAD)
    assert response.status_code == 400
    page = response.content.decode()
    assert "6 filas no válidas" in page and "<td>5</td>" in page and "MAC-NOWHERE" in page
    assert Attention.objects.count() == 0
    response = _upload(administrator, HEADER + GOOD + BAD, skip_invalid="on")
    assert Attention.objects.count() == 3 and "<td>10</td>" in response.content.decode()


def test_not_utf8_is_a_message_not_a_500(administrator):
    assert _upload(administrator, "").status_code == 400
    response = administrator.post(URL, {"file": SimpleUploadedFile("h.csv", HEADER.encode() + b"\xff\xfe\x00bad\n")})
    assert response.status_code == 400


@pytest.mark.parametrize("role", [StaffRole.ANALYST, StaffRole.SUPERVISOR])
def test_readers_may_not_import(world, role):
    client = verified_client(staff_user_create(role=role, center=None if role == StaffRole.ANALYST else world.north))
    assert client.get(URL).status_code == 403
    assert _upload(client, HEADER + GOOD).status_code == 403
    assert Attention.objects.count() == 0
