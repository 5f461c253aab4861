"""The shared limiter: atomic counts in Redis, a sliding window (no burst across a boundary), per address and per
network, a per-key failure lock, the proxy-honest client address, and counting through a Redis outage."""

import threading

import pytest
import time_machine
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from common import cache as resilient
from common.cache import Claim
from common.errors import RateLimited
from common.ratelimit import (
    CodeLocked,
    client_address,
    client_limits_hit,
    client_network,
    failure_record,
    failures_check,
    rate_limit_hit,
    rate_limits_hit,
    sliding_count,
)
from common.tests.utils import DEAD_REDIS_CACHES, new_address

START = 1_800_000_000  # the start of a 60-second (and of a 3600-second) window


def test_concurrent_attempts_never_pass_the_limit(settings, address):
    settings.RATE_LIMITS = {"book": (25, 3600)}
    passed = []
    lock = threading.Lock()
    gate = threading.Barrier(40)

    def attempt():
        gate.wait()
        try:
            rate_limit_hit(scope="book", key=address)
            with lock:
                passed.append(1)
        except RateLimited:
            pass

    threads = [threading.Thread(target=attempt) for _i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == 25


def test_no_burst_fits_across_a_window_boundary(settings, address):
    settings.RATE_LIMITS = {"book": (10, 60)}
    with time_machine.travel(START + 55, tick=False) as traveller:
        for _i in range(10):
            rate_limit_hit(scope="book", key=address)
        traveller.shift(6)  # a new fixed window has begun: a fixed-window limiter would allow 10 more here
        with pytest.raises(RateLimited) as info:
            rate_limit_hit(scope="book", key=address)
        assert 0 < info.value.retry_after <= 60


def test_the_window_slides_and_says_when_to_come_back(settings, address):
    settings.RATE_LIMITS = {"book": (2, 60)}
    with time_machine.travel(START, tick=False) as traveller:
        rate_limit_hit(scope="book", key=address)
        rate_limit_hit(scope="book", key=address)
        with pytest.raises(RateLimited) as info:
            rate_limit_hit(scope="book", key=address)
        wait = info.value.retry_after
        assert wait == 60 + 30  # the two attempts of this window slide out of the next one at half of it
        traveller.shift(wait - 2)
        with pytest.raises(RateLimited):
            rate_limit_hit(scope="book", key=address)  # refused, and not counted:
        traveller.shift(2)
        rate_limit_hit(scope="book", key=address)  # the promised time is kept


def test_rotating_addresses_inside_one_network_hits_the_network_limit(settings):
    settings.RATE_LIMITS = {"book": (20, 3600), "book_network": (5, 3600)}
    factory = RequestFactory()
    for host in range(1, 6):
        client_limits_hit(factory.post("/", REMOTE_ADDR=f"203.0.113.{host}"), "book")
    with pytest.raises(RateLimited):
        client_limits_hit(factory.post("/", REMOTE_ADDR="203.0.113.77"), "book")
    client_limits_hit(factory.post("/", REMOTE_ADDR="198.51.100.1"), "book")  # another network is not affected


def test_networks_are_slash_24_and_slash_48():
    assert client_network("190.42.7.200") == "190.42.7.0/24"
    assert client_network("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert client_network("unknown") == "unknown"


def test_a_key_is_locked_after_repeated_failures_and_unlocks_later(settings):
    settings.RATE_LIMITS = {"code_failures": (3, 3600)}
    with time_machine.travel(START, tick=False) as traveller:
        for _i in range(3):
            failures_check(scope="code_failures", key="7KQ4M2XH9P")
            failure_record(scope="code_failures", key="7KQ4M2XH9P")
        with pytest.raises(CodeLocked) as info:
            failures_check(scope="code_failures", key="7KQ4M2XH9P")
        assert info.value.status == 429 and info.value.code == "locked"
        failures_check(scope="code_failures", key="AAAAAAAAAA")  # other codes are not locked
        traveller.shift(info.value.retry_after)
        failures_check(scope="code_failures", key="7KQ4M2XH9P")


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.5", "190.1.1.1, 172.16.0.9", "10.0.0.5"),  # no proxy: the header is ignored
        (1, "172.16.0.9", "6.6.6.6, 190.1.1.1", "190.1.1.1"),  # one proxy: what it saw (the spoofed part ignored)
        (2, "10.0.0.5", "6.6.6.6, 190.1.1.1, 172.16.0.9", "190.1.1.1"),
        (1, "200.48.1.1", "6.6.6.6", "200.48.1.1"),  # published without its proxy: a client cannot pick its address
        (1, "172.16.0.9", "", "172.16.0.9"),  # a proxy that sent no header
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_spoofed_forwarded_headers_do_not_escape_the_limit(settings):
    """The attack of the issue: a random X-Forwarded-For per request, straight to the application."""
    settings.RATE_LIMITS = {"lookup": (3, 600)}
    settings.TRUSTED_PROXY_COUNT = 1  # as .env.example says, but the request does not come from the proxy
    factory = RequestFactory()
    with pytest.raises(RateLimited):
        for n in range(10):
            client_limits_hit(factory.post("/", REMOTE_ADDR="200.48.1.1", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}"), "lookup")


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_limits_keep_counting_in_the_process_when_redis_is_down(settings, address, caplog):
    settings.RATE_LIMITS = {"book": (3, 3600)}
    caches.close_all()
    before = resilient.fallback_count()
    for _i in range(3):
        rate_limit_hit(scope="book", key=address)
    with pytest.raises(RateLimited):
        rate_limit_hit(scope="book", key=address)
    assert resilient.fallback_count() > before


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_after_a_failure_the_shared_cache_is_skipped_for_a_while(settings, address, monkeypatch):
    settings.RATE_LIMITS = {"book": (50, 3600)}
    caches.close_all()
    calls = []
    real = caches["default"].add
    monkeypatch.setattr(caches["default"], "add", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    for _i in range(5):
        rate_limit_hit(scope="book", key=address)
    assert len(calls) <= 1  # one timeout paid, then the local fallback directly


def test_an_address_and_its_network_are_counted_in_one_round_trip(settings, address, monkeypatch):
    """The settings' Redis backend counts several windows with one script call (common.redis_cache)."""
    import redis.client

    settings.RATE_LIMITS = {"book": (2, 3600), "book_network": (100, 3600)}
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    client_limits_hit(request, "book")  # the script is loaded into Redis on its first call
    commands = []
    original = redis.client.Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append((args[0], args[3 : 3 + args[2]] if args[0] == "EVALSHA" else args[1:]))  # sha numkeys keys…
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", counted)
    monkeypatch.setattr(redis.client.Pipeline, "execute", lambda *args, **kwargs: pytest.fail("a pipeline"))
    with pytest.raises(RateLimited):
        for _attempt in range(2):
            client_limits_hit(request, "book")
    names = [name for name, _keys in commands]
    assert names[:2] == ["EVALSHA", "EVALSHA"] and "EVALSHA" not in names[2:]  # then the refused one is given back
    assert len(commands[0][1]) == 4  # per window: its current and its previous key


def test_a_refused_address_gives_back_its_network_count_too(settings):
    """Counted together, refused as if in turn: over the address limit, neither count keeps the attempt; over the
    network limit only, the address keeps it (as when they were counted one after the other)."""
    network_peer = new_address()
    settings.RATE_LIMITS = {"book": (1, 3600), "book_network": (3, 3600)}
    first = RequestFactory().post("/", REMOTE_ADDR=network_peer)
    client_limits_hit(first, "book")
    with pytest.raises(RateLimited):
        client_limits_hit(first, "book")  # address over: the network's count is given back
    peer = network_peer.rsplit(".", 1)[0] + "." + str((int(network_peer.rsplit(".", 1)[1]) + 1) % 256)
    client_limits_hit(RequestFactory().post("/", REMOTE_ADDR=peer), "book")  # the network's 2nd, not 3rd
    third = network_peer.rsplit(".", 1)[0] + "." + str((int(network_peer.rsplit(".", 1)[1]) + 2) % 256)
    client_limits_hit(RequestFactory().post("/", REMOTE_ADDR=third), "book")  # its 3rd
    fourth = network_peer.rsplit(".", 1)[0] + "." + str((int(network_peer.rsplit(".", 1)[1]) + 3) % 256)
    with pytest.raises(RateLimited):
        client_limits_hit(RequestFactory().post("/", REMOTE_ADDR=fourth), "book")  # the network is full


def test_counting_goes_on_after_redis_forgets_the_script(settings, address):
    """A restarted Redis has no scripts: the count is loaded again and nothing falls back to the local cache."""
    from django.core.cache import cache

    settings.RATE_LIMITS = {"book": (5, 3600)}
    before = resilient.fallback_count()
    assert sliding_count(scope="book", key=address, add=True) == 1
    cache._cache.get_client(write=True).script_flush()
    assert sliding_count(scope="book", key=address, add=True) == 2
    assert resilient.fallback_count() == before


def test_the_redis_cache_takes_any_key_without_memcached_warnings(recwarn):
    """common.redis_cache skips Django's memcached key checks: Redis takes long keys and any character."""
    cache = caches["default"]
    key = f"long:{'x' * 300}:with space"
    cache.set(key, "kept", 5)

    assert cache.get(key) == "kept"
    assert not [warning for warning in recwarn if "memcached" in str(warning.message)]


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_a_claim_falls_back_to_the_process_when_redis_is_down(address):
    caches.close_all()
    resilient.fallback_reset()
    key = f"test:claim:{address}"

    first, second = (
        Claim(key=key, value=1, timeout=60, read=(key + ":other",)),
        Claim(key=key, value=2, timeout=60, read=(key,)),
    )
    resilient.resilient_cache.count_add_get([], first)
    resilient.resilient_cache.count_add_get([], second)
    assert (first.added, first.found) == (True, {})
    assert (second.added, second.found) == (False, {key: 1})


@override_settings(CACHES=DEAD_REDIS_CACHES)
def test_limits_and_a_claim_fall_back_to_the_process_when_redis_is_down(settings, address):
    caches.close_all()
    resilient.fallback_reset()
    settings.RATE_LIMITS = {"book": (1, 3600)}
    claim = Claim(key=f"test:claim:{address}", value=1, timeout=60)

    rate_limits_hit([("book", address)], claim=claim)

    assert claim.added and resilient.resilient_cache.get(claim.key) == 1
    refused = Claim(key=f"test:claim:{address}:2", value=1, timeout=60)
    with pytest.raises(RateLimited):
        rate_limits_hit([("book", address)], claim=refused)
    assert not refused.added and resilient.resilient_cache.get(refused.key) is None  # given back
