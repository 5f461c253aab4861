import re
import zlib

import pytest

from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client

from .utils import attention_create, lima, summary_refresh


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated (font names live in compressed object streams)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.fixture
def data(world):
    for day in range(1, 4):
        attention_create(center=world.north, procedure=world.dni, issued=lima(2016, 3, day, 9), wait=10)
    attention_create(center=world.north, procedure=world.company, issued=lima(2016, 5, 1, 10), wait=5)
    attention_create(center=world.callao, procedure=world.record, issued=lima(2016, 7, 2, 10), wait=12)
    summary_refresh()
    return world


def test_supervisor_reads_their_centers_bulletin_and_pdf(data):
    client = verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=data.north))
    page = client.get("/reportes/boletin/mac-lima-norte/2016/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Centro MAC Lima Norte: boletín anual 2016" in html
    assert "Duplicado de DNI" in html and "<svg" in html and "Constitución de empresa" in html
    pdf = client.get("/reportes/boletin/mac-lima-norte/2016/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = pdf.content
    assert body.startswith(b"%PDF") and b"+DejaVu-Sans" in _inflated(body)  # the vendored font, embedded (a subset)
    assert b"/FontFile2" in _inflated(body)
    # another center's bulletin: 404, as for an unknown one
    assert client.get("/reportes/boletin/mac-callao/2016/").status_code == 404
    assert client.get("/reportes/boletin/mac-callao/2016/pdf/").status_code == 404
    assert client.get("/reportes/boletin/nowhere/2016/").status_code == 404


def test_analyst_reads_any_bulletin_and_others_are_refused(data):
    analyst = verified_client(staff_user_create(role=StaffRole.ANALYST))
    assert analyst.get("/reportes/boletin/mac-callao/2016/").status_code == 200
    greeter = verified_client(staff_user_create(role=StaffRole.GREETER, center=data.north))
    assert greeter.get("/reportes/boletin/mac-lima-norte/2016/").status_code == 403
