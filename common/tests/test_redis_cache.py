"""common.redis_cache.RedisCache.set_many: one script call, the keys and their timeout set together, as Django's
MULTI of an MSET and an EXPIRE per key would (tests run with the settings' Redis cache)."""

import secrets

import pytest
from django.core.cache import caches


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
