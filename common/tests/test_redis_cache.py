"""common.redis_cache.RedisCache: set_many, one script call, the keys and their timeout set together, as Django's
MULTI of an MSET and an EXPIRE per key would; count_add_get, the rate limiter's windows and a claim (an add and a
get_many) in one script call (tests run
with the settings' Redis cache)."""

import secrets

import pytest
from django.core.cache import caches

from common.cache import Claim


def add_and_get(cache, key, value, timeout, keys):
    """A claim alone (no windows): (added, found)."""
    claim = Claim(key=key, value=value, timeout=timeout, read=tuple(keys))
    cache.count_add_get([], claim)
    return claim.added, claim.found


@pytest.fixture
def cache():
    return caches["default"]


@pytest.fixture
def keys():
    prefix = secrets.token_hex(6)
    return [f"test:set-many:{prefix}:{n}" for n in range(3)]


def test_the_keys_are_stored_with_their_timeout_in_one_call(cache, keys, monkeypatch):
    client = cache._cache.get_client(write=True)
    monkeypatch.setattr(type(client), "pipeline", lambda *args, **kwargs: pytest.fail("a pipeline was used"))
    values = {keys[0]: {"draft": [("procedure", "duplicado-dni")]}, keys[1]: "a", keys[2]: 7}

    cache.set_many(values, 300)

    assert cache.get_many(keys) == values
    assert cache.incr(keys[2]) == 8  # an int is stored as Redis stores numbers, as Django's set_many does
    for key in keys:
        assert 290 < client.ttl(cache.make_key(key)) <= 300


def test_without_a_timeout_the_keys_are_kept_and_with_zero_they_are_gone(cache, keys):
    client = cache._cache.get_client(write=True)
    cache.set_many({keys[0]: "kept"}, None)
    assert cache.get(keys[0]) == "kept" and client.ttl(cache.make_key(keys[0])) == -1
    cache.delete(keys[0])

    cache.set_many({keys[1]: "gone"}, 0)
    assert cache.get(keys[1]) is None


def test_the_keys_are_stored_after_redis_forgets_the_script(cache, keys):
    """A restarted Redis has no scripts: the script is loaded again."""
    cache.set_many({keys[0]: 1}, 60)
    cache._cache.get_client(write=True).script_flush()
    cache.set_many({keys[1]: 2}, 60)
    assert cache.get_many(keys[:2]) == {keys[0]: 1, keys[1]: 2}


def test_a_claim_adds_a_missing_key_and_reads_the_others_in_one_call(cache, keys, monkeypatch):
    client = cache._cache.get_client(write=True)
    cache.set_many({keys[1]: {"draft": [("slot", "7")]}, keys[2]: 7}, 300)
    missing = keys[0] + ":missing"
    add_and_get(cache, missing + ":script", 1, 1, [])  # Redis learns the script
    sent = []
    original = type(client).execute_command
    monkeypatch.setattr(
        type(client), "execute_command", lambda self, *a, **k: sent.append(a[0]) or original(self, *a, **k)
    )

    added, found = add_and_get(cache, keys[0], 1, 60, [keys[1], keys[2], missing])

    assert sent == ["EVALSHA"]
    assert added is True and found == {keys[1]: {"draft": [("slot", "7")]}, keys[2]: 7}
    assert cache.get(keys[0]) == 1 and 50 < client.ttl(cache.make_key(keys[0])) <= 60


def test_a_claim_leaves_a_present_key_alone(cache, keys):
    client = cache._cache.get_client(write=True)
    cache.set(keys[0], "first", 300)

    added, found = add_and_get(cache, keys[0], "second", 60, [keys[0]])

    assert added is False and found == {keys[0]: "first"}
    assert client.ttl(cache.make_key(keys[0])) > 60  # its own timeout kept
    assert add_and_get(cache, keys[1], "x", 60, []) == (True, {})  # nothing to read


def test_a_claim_works_after_redis_forgets_the_script(cache, keys):
    add_and_get(cache, keys[0], 1, 60, [])
    cache._cache.get_client(write=True).script_flush()
    assert add_and_get(cache, keys[1], 2, 60, [keys[0]]) == (True, {keys[0]: 1})


def test_windows_are_counted_and_a_key_added_with_reads_in_one_call(cache, keys, monkeypatch):
    """count_add_get: a booking page's limits and its draft's lock in one script call."""
    client = cache._cache.get_client(write=True)
    cache.set_many({keys[1]: "draft", f"{keys[2]}:previous": 4}, 300)
    cache.count_add_get([])  # Redis learns the script
    sent = []
    original = type(client).execute_command
    monkeypatch.setattr(
        type(client), "execute_command", lambda self, *a, **k: sent.append(a[0]) or original(self, *a, **k)
    )
    windows = [(f"{keys[2]}:current", f"{keys[2]}:previous", 120), (f"{keys[0]}:current", f"{keys[0]}:none", 60)]
    claim = Claim(key=keys[0], value=1, timeout=60, read=(keys[1], keys[0] + ":missing"))

    assert cache.count_add_get(windows, claim) == [(1, 4), (1, 0)]
    assert sent == ["EVALSHA"]
    assert claim.added is True and claim.found == {keys[1]: "draft"}
    assert cache.get(keys[0]) == 1 and 50 < client.ttl(cache.make_key(keys[0])) <= 60
    assert 110 < client.ttl(cache.make_key(f"{keys[2]}:current")) <= 120

    again = Claim(key=keys[0], value=2, timeout=60)
    assert cache.count_add_get(windows, again) == [(2, 4), (2, 0)]
    assert again.added is False and again.found == {} and cache.get(keys[0]) == 1
