import pytest
from django.core.exceptions import ValidationError

from appointments.constants import DocumentType
from appointments.validators import (
    code_display,
    code_normalize,
    document_number_normalize,
    email_normalize,
    full_name_normalize,
    phone_normalize,
)


@pytest.mark.parametrize(
    ("document_type", "raw", "expected"),
    [
        (DocumentType.DNI, "10117410", "10117410"),
        (DocumentType.DNI, " 10117410-2 ", "10117410"),  # valid check digit, stored as the 8 digits
        (DocumentType.DNI, "10.117.410", "10117410"),
        (DocumentType.RUC, "20512333797", "20512333797"),
        (DocumentType.CE, "001234567", "001234567"),
        (DocumentType.CE, "e-1234567", "E1234567"),
        (DocumentType.PASSPORT, "ab 123 456", "AB123456"),
    ],
)
def test_valid_documents_are_normalized(document_type, raw, expected):
    assert document_number_normalize(document_type=document_type, number=raw) == expected


@pytest.mark.parametrize(
    ("document_type", "raw", "message_part"),
    [
        (DocumentType.DNI, "10117410-3", "carácter de verificación"),
        (DocumentType.DNI, "1234567", "8 dígitos"),
        (DocumentType.DNI, "1234567A", "8 dígitos"),
        (DocumentType.RUC, "20512333798", "RUC"),
        (DocumentType.RUC, "123", "RUC"),
        (DocumentType.CE, "ABCDEFGH", "carné de extranjería"),
        (DocumentType.PASSPORT, "AB1", "pasaporte"),
        (DocumentType.DNI, "", "número de documento"),
        ("licencia", "12345678", "tipo de documento"),
    ],
)
def test_invalid_documents_get_a_spanish_message(document_type, raw, message_part):
    with pytest.raises(ValidationError) as info:
        document_number_normalize(document_type=document_type, number=raw)
    assert message_part in info.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("987654321", "+51987654321"), ("987 654 321", "+51987654321"), ("+51 987-654-321", "+51987654321"), ("", "")],
)
def test_mobile_numbers_become_e164(raw, expected):
    assert phone_normalize(raw) == expected


@pytest.mark.parametrize("raw", ["(01) 200-1000", "12345", "no tengo", "9" * 40])
def test_landlines_and_garbage_are_refused(raw):
    with pytest.raises(ValidationError) as info:
        phone_normalize(raw)
    assert "celular" in info.value.messages[0] or "largo" in info.value.messages[0]


def test_email_domain_is_lowered_and_bad_addresses_refused():
    assert email_normalize(" Rosa.Quispe@Example.PE ") == "Rosa.Quispe@example.pe"
    with pytest.raises(ValidationError):
        email_normalize("rosa@")


def test_names_are_tidied_and_checked():
    assert full_name_normalize("  María   José  O'Neill ") == "María José O'Neill"
    assert full_name_normalize("Ñusta Huamán-Pérez") == "Ñusta Huamán-Pérez"
    for bad in ["Jo", "R2D2 Robot", "<script>", "a" * 151]:
        with pytest.raises(ValidationError):
            full_name_normalize(bad)


def test_codes_are_read_forgivingly():
    assert code_normalize("7kq4m-2xh9p") == "7KQ4M2XH9P"
    assert code_normalize("7KQ4M 2XHOP") == "7KQ4M2XH0P"  # O read as zero
    assert code_normalize("7KQ4M2XH9") == ""
    assert code_normalize("7KQ4M2XH9U") == ""  # U is not in the alphabet
    assert code_display("7KQ4M2XH9P") == "7KQ4M-2XH9P"
