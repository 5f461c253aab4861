"""Answering by link: signed single-use expiring tokens, kind refusals, validation in Spanish, rate limit."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.urls import reverse

from attention.tests.conftest import at
from surveys.errors import AlreadyAnswered
from surveys.models import Answer, Response
from surveys.services import invitation_onsite, response_submit
from surveys.tokens import invitation_token, invitation_token_parse

from .factories import serve


def _url(token: str) -> str:
    return reverse("surveys:respond", kwargs={"token": token})


def _answers(invitation, expectation=4, perception=5) -> dict[str, str]:
    data = {}
    for question in invitation.survey.questions.all():
        data[f"q{question.pk}_e"], data[f"q{question.pk}_p"] = str(expectation), str(perception)
    return data


@pytest.fixture
def invitation(floor, surveys):
    attention = serve(floor)
    with time_machine.travel(at(10, 11), tick=False):
        return invitation_onsite(attention=attention)


def _token(invitation) -> str:
    return invitation_token(invitation_id=invitation.pk, nonce=invitation.nonce)


def test_the_token_is_signed_and_carries_at_least_128_random_bits(invitation):
    token = _token(invitation)
    assert invitation_token_parse(token) == (invitation.pk, invitation.nonce)
    assert len(invitation.nonce) * 6 >= 128
    # Another invitation id with the same signature, or a changed character: refused.
    payload, stamp, signature = token.split(":")
    other = signing.b64_encode(f'[{invitation.pk + 1},"{invitation.nonce}"]'.encode()).decode()
    assert invitation_token_parse(f"{other}:{stamp}:{signature}") is None
    assert invitation_token_parse(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert invitation_token_parse("x" * 500) is None


def test_a_forged_or_unknown_link_is_404(client, invitation):
    assert client.get(_url("abc")).status_code == 404
    forged = invitation_token(invitation_id=invitation.pk, nonce="guessed-nonce")
    page = client.get(_url(forged))
    assert page.status_code == 404 and "no es válido" in page.content.decode()


def test_an_expired_link_is_refused_kindly(client, invitation):
    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1), tick=False):
        page = client.get(_url(_token(invitation)))
        posted = client.post(_url(_token(invitation)), _answers(invitation))
    assert page.status_code == 410 and "Esta encuesta ya cerró" in page.content.decode()
    assert posted.status_code == 410 and Response.objects.count() == 0


def test_a_reused_link_is_refused_kindly(client, invitation):
    with time_machine.travel(at(10, 15), tick=False):
        assert client.post(_url(_token(invitation)), _answers(invitation)).status_code == 303
        page = client.get(_url(_token(invitation)))
        again = client.post(_url(_token(invitation)), _answers(invitation, 1, 1))
    assert page.status_code == 409 and again.status_code == 409
    assert "Ya respondió esta encuesta" in again.content.decode()
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("perception", flat=True)) == {5}


def test_missing_or_bad_answers_are_shown_in_spanish_and_nothing_is_lost(client, invitation):
    data = _answers(invitation)
    first = invitation.survey.questions.first()
    data[f"q{first.pk}_p"] = "9"
    data["comment"] = "La sala estaba llena"
    with time_machine.travel(at(10, 15), tick=False):
        page = client.post(_url(_token(invitation)), data)
    html = page.content.decode()
    assert page.status_code == 400
    assert "Elija un número del 1 al 7 para lo que esperaba y para lo que recibió." in html
    assert "La sala estaba llena" in html  # the comment is kept
    second = invitation.survey.questions.all()[1]
    assert f'name="q{second.pk}_e" value="4" checked' in html  # answers given are kept
    assert Response.objects.count() == 0


def test_the_page_works_without_javascript_and_has_no_contact_data(client, invitation):
    with time_machine.travel(at(10, 15), tick=False):
        html = client.get(_url(_token(invitation))).content.decode()
    assert '<form method="post"' in html and "<script" not in html.split("<main")[1]
    assert html.count('type="radio"') == invitation.survey.questions.count() * 14


def test_answers_are_rate_limited(client, invitation, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "survey": (2, 600)}
    with time_machine.travel(at(10, 15), tick=False):
        for _attempt in range(2):
            assert client.post(_url(_token(invitation)), {}).status_code == 400
        limited = client.post(_url(_token(invitation)), _answers(invitation))
    assert limited.status_code == 429 and limited["Retry-After"]
    assert Response.objects.count() == 0


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migrated_rows")
def test_two_submissions_at_once_store_one_response(floor):
    """Two tabs sending at the same instant (real connections): the invitation row lock lets one through."""
    from surveys.services import survey_defaults_create

    survey_defaults_create()
    attention = serve(floor)
    with time_machine.travel(at(10, 11), tick=False):
        invitation = invitation_onsite(attention=attention)
    token = _token(invitation)
    answers = {q.pk: ("4", "5") for q in invitation.survey.questions.all()}
    gate = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            gate.wait()
            response_submit(token=token, answers=answers, now=at(10, 15))
            result = "stored"
        except AlreadyAnswered:
            result = "refused"
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            result = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "refused", "refused", "stored"]
    assert Response.objects.count() == 1


def test_odd_input_gets_a_clear_answer_never_a_500(client, invitation):
    with time_machine.travel(at(10, 15), tick=False):
        nul = client.post(_url(_token(invitation)), _answers(invitation) | {"comment": "hola\x00"})
        long = client.post(_url(_token(invitation)), _answers(invitation) | {"comment": "a" * 1001})
        odd = client.post(_url(_token(invitation)), {"q9999999999999999999_e": "x", "qq_e": "1", "q1_p": "zz"})
    assert nul.status_code == 400 and "no se pueden guardar" in nul.content.decode()
    assert long.status_code == 400 and "menos de 1000 caracteres" in long.content.decode()
    assert odd.status_code == 400
    assert client.get(reverse("surveys:thanks"), {"centro": "ñandú"}).status_code == 200
    assert client.get(reverse("surveys:respond", kwargs={"token": "a" * 300})).status_code == 404
    assert Response.objects.count() == 0
