"""The back-office for service points: pages load with bounded queries; opening hours are validated."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centers.models import Center, Counter, Offering, OpeningHours
from centers.tests.factories import CenterFactory, ClosureFactory, CounterFactory, OfferingFactory
from procedures.tests.factories import EntityFactory, ProcedureFactory
from procedures.tests.test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def center():
    center = CenterFactory(code="MAC-LN", name="MAC Lima Norte", slug="lima-norte", region="Lima", hours=True)
    ClosureFactory(center=center, date=dt.date(2026, 12, 24), reason="Inventario")
    procedure = ProcedureFactory(name="Duplicado de DNI")
    OfferingFactory(center=center, procedure=procedure, hours=[(0, "09:00", "13:00")])
    CounterFactory(center=center, entity=procedure.entity, procedures=[procedure], languages=["es", "qu"])
    return center


def hours_of(center):
    return sorted(
        (h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}")
        for h in OpeningHours.objects.filter(center=center, offering__isnull=True)
    )


@pytest.mark.parametrize("model", ["center", "offering", "counter", "language"])
def test_changelist_add_and_change_pages_load(admin_client, center, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:centers_{model}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(f"admin:centers_{model}_add"))
    assert response.status_code == 200
    obj = response.context["adminform"].form._meta.model.objects.first()
    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse(f"admin:centers_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_center_changelist_search_and_channel_filter(admin_client, center):
    CenterFactory(code="LINEA", name="Línea MAC", slug="linea", channel="telefonico", region="")
    url = reverse("admin:centers_center_changelist")
    assert [c.code for c in admin_client.get(url, {"channel__exact": "telefonico"}).context["cl"].result_list] == [
        "LINEA"
    ]
    assert [c.code for c in admin_client.get(url, {"q": "norte"}).context["cl"].result_list] == ["MAC-LN"]
    assert [c.code for c in admin_client.get(url, {"region": "Lima"}).context["cl"].result_list] == ["MAC-LN"]


def test_center_change_page_queries_do_not_grow_with_offerings_and_counters(admin_client, center):
    url = reverse("admin:centers_center_change", args=[center.pk])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    count_queries()  # warm up the per-process caches (content types)
    before = count_queries()
    for index in range(12):
        procedure = ProcedureFactory()
        OfferingFactory(center=center, procedure=procedure)
        CounterFactory(center=center, entity=procedure.entity, label=f"X-{index}")
    assert count_queries() == before


def test_center_add_with_hours_closures_and_offerings(admin_client):
    procedure = ProcedureFactory(name="Certificado de antecedentes policiales")
    data = form_data(admin_client.get(reverse("admin:centers_center_add")))
    data.update(
        {
            "code": "MAC-PI",
            "name": "MAC Piura",
            "slug": "piura",
            "channel": "presencial",
            "ubigeo": "200101",
            "opening_hours-TOTAL_FORMS": "2",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "08:30",
            "opening_hours-0-closes": "13:00",
            "opening_hours-1-weekday": "0",
            "opening_hours-1-opens": "14:00",
            "opening_hours-1-closes": "18:00",
            "closures-0-date": "2026-12-24",
            "closures-0-reason": "Inventario anual",
            "offerings-0-procedure": str(procedure.pk),
            "offerings-0-is_active": "on",
        }
    )
    response = admin_client.post(reverse("admin:centers_center_add"), data)
    assert response.status_code == 302, response.context["errors"]
    center = Center.objects.get(code="MAC-PI")
    assert hours_of(center) == [(0, "08:30", "13:00"), (0, "14:00", "18:00")]
    assert center.closures.get().reason == "Inventario anual"
    assert list(center.procedures.all()) == [procedure]


def test_overlapping_hours_show_an_error_and_save_nothing(admin_client, center):
    url = reverse("admin:centers_center_change", args=[center.pk])
    data = form_data(admin_client.get(url))
    before = hours_of(center)
    total = int(data["opening_hours-TOTAL_FORMS"])  # the existing rows plus one empty row
    last = total - 1
    data.update(
        {
            "name": "MAC Lima Norte (renombrado)",
            f"opening_hours-{last}-weekday": "0",  # Monday already has 08:30–20:30
            f"opening_hours-{last}-opens": "19:00",
            f"opening_hours-{last}-closes": "21:00",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "08:30–20:30" in page and "19:00–21:00" in page  # the message names both ranges
    center.refresh_from_db()
    assert center.name == "MAC Lima Norte"
    assert hours_of(center) == before


def test_opening_after_closing_is_a_form_error_not_a_database_error(admin_client):
    data = form_data(admin_client.get(reverse("admin:centers_center_add")))
    data.update(
        {
            "code": "MAC-X",
            "name": "MAC X",
            "slug": "mac-x",
            "channel": "presencial",
            "opening_hours-0-weekday": "2",
            "opening_hours-0-opens": "18:00",
            "opening_hours-0-closes": "08:00",
        }
    )
    response = admin_client.post(reverse("admin:centers_center_add"), data)
    assert response.status_code == 200
    hours_formset = next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.model is OpeningHours
    )
    (message,) = hours_formset.forms[0].errors["closes"]
    assert "18:00" in message and "08:00" in message  # names both times, unlike the database constraint
    assert not Center.objects.filter(code="MAC-X").exists()


def test_deleting_a_row_lets_the_new_one_in(admin_client, center):
    url = reverse("admin:centers_center_change", args=[center.pk])
    data = form_data(admin_client.get(url))
    monday = next(
        key.removesuffix("-weekday")
        for key, value in data.items()
        if key.startswith("opening_hours-") and key.endswith("-weekday") and value == "0"
    )
    last = int(data["opening_hours-TOTAL_FORMS"]) - 1
    data[f"{monday}-DELETE"] = "on"
    data.update(
        {
            f"opening_hours-{last}-weekday": "0",
            f"opening_hours-{last}-opens": "10:00",
            f"opening_hours-{last}-closes": "16:00",
        }
    )
    assert admin_client.post(url, data).status_code == 302
    assert (0, "10:00", "16:00") in hours_of(center)
    assert (0, "08:30", "20:30") not in hours_of(center)


def test_desk_hours_of_an_offering_are_validated_and_belong_to_its_center(admin_client, center):
    offering = Offering.objects.get(center=center)
    url = reverse("admin:centers_offering_change", args=[offering.pk])
    data = form_data(admin_client.get(url))
    last = int(data["opening_hours-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"opening_hours-{last}-weekday": "0",
            f"opening_hours-{last}-opens": "12:00",
            f"opening_hours-{last}-closes": "15:00",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200  # overlaps Monday 09:00–13:00
    assert offering.opening_hours.count() == 1

    data[f"opening_hours-{last}-opens"] = "14:00"
    assert admin_client.post(url, data).status_code == 302
    desk = OpeningHours.objects.filter(offering=offering).order_by("opens")
    assert [(h.center_id, f"{h.opens:%H:%M}") for h in desk] == [(center.pk, "09:00"), (center.pk, "14:00")]
    assert len(hours_of(center)) == 6  # the center-wide week is untouched


def test_counter_procedures_and_languages(admin_client, center):
    entity = EntityFactory(acronym="SUNAT")
    procedure = ProcedureFactory(entity=entity)
    data = form_data(admin_client.get(reverse("admin:centers_counter_add")))
    data.update(
        {
            "center": str(center.pk),
            "label": "V-20",
            "entity": str(entity.pk),
            "procedures": [str(procedure.pk)],
            "languages": [
                str(language_pk) for language_pk in center.counters.get().languages.values_list("pk", flat=True)
            ],
            "is_active": "on",
        }
    )
    assert admin_client.post(reverse("admin:centers_counter_add"), data).status_code == 302
    counter = Counter.objects.get(label="V-20")
    assert list(counter.procedures.all()) == [procedure]
    assert {language.code for language in counter.languages.all()} == {"es", "qu"}
