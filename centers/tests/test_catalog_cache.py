"""The cached catalog pages: rendered once per query and catalog version, never served stale after an edit."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from centers.constants import Channel
from centers.models import Center
from centers.tests.factories import CenterFactory, OfferingFactory
from common.pagecache import CSRF_PLACEHOLDER, namespace_bump
from procedures.services import CATALOG_CACHE, CATALOG_MEMO
from procedures.tests.factories import EntityFactory, ProcedureFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("procedures:list")


@pytest.fixture
def procedure(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entity = EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC")
        procedure = ProcedureFactory(entity=entity, name="Duplicado de DNI", keywords="dni perdido")
        OfferingFactory(center=CenterFactory(name="Centro MAC Callao"), procedure=procedure)
    return procedure


def test_a_repeated_search_is_served_from_the_cache(client, procedure, django_assert_max_num_queries):
    first = client.get(LIST_URL, {"q": "duplicado"})
    assert "Duplicado de DNI" in first.content.decode()

    with django_assert_max_num_queries(0):  # no search, no filter menus, no phone line (kept a minute)
        again = client.get(LIST_URL, {"q": "duplicado"})

    assert again.content.decode().count("Duplicado de DNI") == first.content.decode().count("Duplicado de DNI")
    assert "Registro Nacional de Identificación y Estado Civil (RENIEC)" in again.content.decode()


def test_a_catalog_edit_is_never_served_stale(client, procedure, django_capture_on_commit_callbacks):
    html = client.get(LIST_URL).content.decode()
    assert "Duplicado de DNI" in html and "Centro MAC Callao" in html  # a result; the service point menu

    with django_capture_on_commit_callbacks(execute=True):
        procedure.name = "Duplicado del DNI electrónico"
        procedure.save()
    html = client.get(LIST_URL).content.decode()
    assert "Duplicado del DNI electrónico" in html and "Duplicado de DNI<" not in html

    with django_capture_on_commit_callbacks(execute=True):
        CenterFactory(name="Centro MAC Piura")
    assert "Centro MAC Piura" in client.get(LIST_URL).content.decode()


def test_an_edit_not_yet_committed_does_not_bump_the_version(client, procedure, django_capture_on_commit_callbacks):
    """A page rendered while the edit's transaction is open is cached under the old version, never the new one."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        procedure.name = "Duplicado del DNI electrónico"
        procedure.save()
    assert callbacks  # the bump waits for the commit


def test_a_cached_page_gives_every_visitor_an_own_working_csrf_token(procedure):
    """The language form posts with a CSRF token: a cached page never hands one visitor's token to another."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for browser in (first, second):  # the second page comes from the cache
        html = browser.get(LIST_URL).content.decode()
        assert CSRF_PLACEHOLDER not in html
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1])
    assert tokens[0] != tokens[1]

    switched = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[1]})

    assert switched.status_code == 302


def test_the_phone_line_is_read_once_a_minute_and_a_change_shows_at_once(
    client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Every page's footer shows the phone line: kept a minute per process (procedures.services.CATALOG_MEMO);
    the process that saves a change shows it on its next page."""
    with django_capture_on_commit_callbacks(execute=True):
        line = CenterFactory(name="Plataforma telefónica MAC", channel=Channel.PHONE, phone="(01) 200-1010")
    assert "(01) 200-1010" in client.get(reverse("appointments:manage")).content.decode()
    with django_assert_num_queries(0):  # the footer's number is not read again
        assert "(01) 200-1010" in client.get(reverse("appointments:manage")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        line.phone = "(01) 311-2020"
        line.save()

    html = client.get(reverse("appointments:manage")).content.decode()
    assert "(01) 311-2020" in html and "(01) 200-1010" not in html


def test_a_stored_page_is_built_from_fresh_rows_not_from_another_process_memo(
    client, procedure, django_capture_on_commit_callbacks
):
    """Another process changed the phone line: this one still keeps the old number (for up to a minute), but the
    catalog version moved, and the page it stores for an hour is built after forgetting its memos."""
    with django_capture_on_commit_callbacks(execute=True):
        line = CenterFactory(name="Plataforma telefónica MAC", channel=Channel.PHONE, phone="(01) 200-1010")
    assert "(01) 200-1010" in client.get(LIST_URL).content.decode()

    # As another process would: the row changes and the version moves, but this process's memo is not told.
    Center.objects.filter(pk=line.pk).update(phone="(01) 311-2020")
    namespace_bump(CATALOG_CACHE)
    assert CATALOG_MEMO.get("phone_line_number", lambda: "not asked") == "(01) 200-1010"

    html = client.get(LIST_URL).content.decode()
    assert "(01) 311-2020" in html and "(01) 200-1010" not in html
