"""Staff screens: responses, invitations and results only of the staff member's centers (read-only); survey
versions frozen once answered, edited through a new version."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attention.constants import Outcome
from attention.models import Attention
from attention.tests.conftest import at
from attention.tests.factories import floor_create
from centers.constants import StaffRole
from centers.tests.factories import staff_user_create
from conftest import verified_client
from surveys.constants import Delivery, Dimension
from surveys.models import Answer, Invitation, Response, Survey

pytestmark = pytest.mark.django_db

D1 = dt.date(2026, 12, 1)


def _answered(survey, floor, perception: int) -> Response:
    attention = Attention.objects.create(
        center=floor.center,
        service_day=D1,
        procedure=floor.dni,
        issued_at=at(10),
        finished_at=at(10, 5),
        outcome=Outcome.RESOLVED,
        counter=floor.reniec_counter,
    )
    invitation = Invitation.objects.create(
        attention=attention, survey=survey, nonce=f"n{attention.pk}", delivery=Delivery.ONSITE, expires_at=at(12)
    )
    response = Response.objects.create(
        invitation=invitation, survey=survey, attention=attention, submitted_at=at(10, 6), comment=f"c{perception}"
    )
    question = survey.questions.get(dimension=Dimension.RESULT)
    Answer.objects.create(
        response=response, question=question, dimension=question.dimension, expectation=4, perception=perception
    )
    return response


@pytest.fixture
def places(floor, surveys):
    piura = floor_create(name="Centro MAC Piura")
    survey = surveys["presencial"]
    return {"mine": _answered(survey, floor, 6), "theirs": _answered(survey, piura, 2), "floor": floor, "piura": piura}


@pytest.fixture
def supervisor(client, places):
    verified_client(staff_user_create(role=StaffRole.SUPERVISOR, center=places["floor"].center), client)
    return client


def test_responses_list_and_pages_show_only_the_users_centers(supervisor, places):
    page = supervisor.get(reverse("admin:surveys_response_changelist"))
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    mine = supervisor.get(reverse("admin:surveys_response_change", args=[places["mine"].pk]))
    assert mine.status_code == 200 and "c6" in mine.content.decode()
    theirs = supervisor.get(reverse("admin:surveys_response_change", args=[places["theirs"].pk]))
    assert theirs.status_code == 302 or theirs.status_code == 404  # "not found" for another center's row
    assert "c2" not in theirs.content.decode()
    invitations = supervisor.get(reverse("admin:surveys_invitation_changelist"))
    assert invitations.context["cl"].result_count == 1


def test_responses_are_read_only(supervisor, places):
    url = reverse("admin:surveys_response_change", args=[places["mine"].pk])
    supervisor.post(url, {"comment": "changed"})
    assert Response.objects.get(pk=places["mine"].pk).comment == "c6"
    assert supervisor.post(reverse("admin:surveys_response_delete", args=[places["mine"].pk])).status_code == 403


def test_results_screen_counts_only_the_users_centers(supervisor, places):
    url = reverse("admin:surveys_resultsscreen_changelist")
    page = supervisor.get(url, {"start": "2026-12-01", "end": "2026-12-01"})
    assert page.status_code == 200
    rows = {row["dimension"]: row for row in page.context["rows"]}
    assert rows["result"]["responses"] == 1 and str(rows["result"]["mean_perception"]) == "6.00"
    assert supervisor.get(url, {"center": places["piura"].center.pk}).status_code == 403


def test_results_screen_needs_its_permission(client, places):
    verified_client(staff_user_create(role=StaffRole.GREETER, center=places["floor"].center), client)
    assert client.get(reverse("admin:surveys_resultsscreen_changelist")).status_code == 403


def test_an_answered_version_is_frozen_and_a_new_version_is_editable(admin_client, places):
    survey = Survey.objects.get(channel="presencial")
    change = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    html = change.content.decode()
    assert "ya tiene respuestas" in html
    assert 'name="title"' not in html  # read-only
    created = admin_client.post(reverse("admin:surveys_survey_new_version", args=[survey.pk]))
    new = Survey.objects.get(channel="presencial", version=2)
    assert created.status_code == 302 and created["Location"] == reverse("admin:surveys_survey_change", args=[new.pk])
    assert new.is_active and not Survey.objects.get(pk=survey.pk).is_active
    assert list(new.questions.values_list("dimension", "text")) == list(
        survey.questions.values_list("dimension", "text")
    )
    editable = admin_client.get(created["Location"]).content.decode()
    assert 'name="title"' in editable
    # The old version's responses stay with it.
    assert Response.objects.filter(survey=survey).count() == 2


def test_an_answered_version_has_no_save_and_a_post_to_it_changes_nothing(admin_client, places):
    """Saving the read-only page of a frozen version (a form kept open while the first answer came in) is refused,
    not a 500, and the version stays as answered."""
    survey = Survey.objects.get(channel="presencial")
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page and "ya tiene respuestas" in page
    assert reverse("admin:surveys_survey_new_version", args=[survey.pk]) in page  # the way to edit it
    posted = admin_client.post(url, {"title": "Otra encuesta", "intro": "", "is_active": "on"})
    assert posted.status_code == 403
    assert Survey.objects.get(pk=survey.pk).title == survey.title


def test_a_versions_page_asks_once_whether_it_has_answers(admin_client, places):
    """Each permission check of the page and its questions asks the same question of the same version: once."""
    url = reverse("admin:surveys_survey_change", args=[Survey.objects.get(channel="presencial").pk])
    admin_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(url).status_code == 200
    assert len([query for query in queries if '"surveys_response"' in query["sql"]]) == 1
