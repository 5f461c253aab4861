"""The adaptive challenge: a solved proof of work or a ripe wait token passes once; it is asked for only while
attempts rise from a network (or everywhere)."""

import json

import altcha
import pytest
import time_machine
from django.test import RequestFactory

from common.challenge import (
    challenge_create,
    challenge_is_required,
    challenge_passed,
    limits_and_pressure_hit,
    wait_token_issue,
)
from common.errors import RateLimited
from common.ratelimit import client_attempts
from common.tests.utils import new_address

START = 1_800_000_000


def solve(challenge: dict) -> str:
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=30)
    assert solution is not None
    return altcha.Payload(altcha.Challenge.from_dict(challenge), solution).to_base64()


@pytest.fixture(autouse=True)
def _cheap(settings):
    settings.CHALLENGE_COST = 10  # a handful of PBKDF2 rounds: the protocol, not the cost, is under test


def test_a_solved_challenge_passes_once():
    payload = solve(challenge_create())
    assert challenge_passed(payload=payload)
    assert not challenge_passed(payload=payload)  # replayed


def test_a_tampered_or_foreign_challenge_fails():
    challenge = challenge_create()
    challenge["parameters"]["cost"] = 1  # cheaper than issued: the signature no longer matches
    assert not challenge_passed(payload=solve(challenge))
    forged = dict(challenge_create(), signature="0" * 64)
    assert not challenge_passed(payload=solve(forged))
    assert not challenge_passed(payload="not base64 at all")
    assert not challenge_passed(payload="eyJ4IjogMX0=")  # {"x": 1}


def test_a_wait_token_passes_after_the_wait_and_once(settings):
    settings.CHALLENGE_WAIT_SECONDS = 15
    with time_machine.travel(START, tick=False) as traveller:
        token = wait_token_issue()
        traveller.shift(10)
        assert not challenge_passed(wait_token=token)
        traveller.shift(6)
        assert challenge_passed(wait_token=token)
        assert not challenge_passed(wait_token=token)
        traveller.shift(700)
        assert not challenge_passed(wait_token=wait_token_issue()[:-2] + "xx")


def test_it_is_required_only_while_a_network_or_everyone_rushes(settings):
    settings.CHALLENGE_NETWORK_THRESHOLD = 3
    settings.CHALLENGE_GLOBAL_THRESHOLD = 1000
    factory = RequestFactory()
    calm = factory.post("/", REMOTE_ADDR="198.51.100.9")
    for host in range(1, 4):
        request = factory.post("/", REMOTE_ADDR=f"203.0.113.{host}")
        required_before = challenge_is_required(request)
        limits_and_pressure_hit(request, [])
    assert not required_before and challenge_is_required(request)
    assert not challenge_is_required(calm)
    settings.CHALLENGE_GLOBAL_THRESHOLD = 3
    assert challenge_is_required(calm)  # everyone at once


def test_limits_and_the_pressure_are_counted_together_and_a_refused_attempt_is_pressure_too(settings):
    settings.CHALLENGE_NETWORK_THRESHOLD = 3
    settings.CHALLENGE_GLOBAL_THRESHOLD = 1000
    settings.RATE_LIMITS = {"book": (1, 3600), "book_network": (100, 3600)}
    request = RequestFactory().post("/", REMOTE_ADDR=new_address())
    assert limits_and_pressure_hit(request, client_attempts(request, "book")) is False  # 1st attempt of the network
    with pytest.raises(RateLimited):
        limits_and_pressure_hit(request, client_attempts(request, "book"))  # over its limit, and the 2nd attempt
    assert not challenge_is_required(request)
    assert limits_and_pressure_hit(request, []) is True  # the 3rd: the refused one was counted
    assert challenge_is_required(request)


def test_the_challenge_is_what_the_widget_reads():
    challenge = challenge_create()
    assert set(challenge) == {"parameters", "signature"}
    assert challenge["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert json.loads(json.dumps(challenge)) == challenge


def test_a_views_lock_is_taken_with_the_limits_and_given_back_when_they_or_the_challenge_stop_the_post(settings, db):
    """challenge_on_rush(claim=…): the view's lock and its reads come in the limits' round trip; a POST the limits or
    the interstitial stop does not keep it."""
    from django.http import HttpResponse

    from common.cache import Claim, resilient_cache
    from common.challenge import challenge_on_rush

    settings.CHALLENGE_NETWORK_THRESHOLD = 1000
    settings.CHALLENGE_GLOBAL_THRESHOLD = 1000
    settings.RATE_LIMITS = {"book": (2, 3600), "book_network": (100, 3600)}
    address = new_address()
    lock, guarded = f"test:lock:{address}", f"test:guarded:{address}"
    resilient_cache.set(guarded, "draft", 60)
    seen = []

    @challenge_on_rush(limit="book", claim=lambda request: Claim(key=lock, value=1, timeout=60, read=(guarded,)))
    def view(request, claimed=None):
        seen.append((claimed.added, claimed.found))
        return HttpResponse("booked")

    post = RequestFactory().post("/", REMOTE_ADDR=address)
    assert view(post).content == b"booked"
    assert seen == [(True, {guarded: "draft"})] and resilient_cache.get(lock) == 1
    assert view(post).content == b"booked"  # the lock is held: the view is told
    assert seen[-1] == (False, {guarded: "draft"})
    resilient_cache.delete(lock)

    assert view(post).status_code == 429  # over the booking limit
    assert resilient_cache.get(lock) is None and len(seen) == 2
    settings.RATE_LIMITS = {"book": (100, 3600), "book_network": (100, 3600)}
    settings.CHALLENGE_NETWORK_THRESHOLD = 1
    challenge = view(post)
    assert challenge.status_code == 429 and b"altcha" in challenge.content  # the interstitial
    assert resilient_cache.get(lock) is None and len(seen) == 2
