"""Rate limits count in the shared cache (Redis when REDIS_URL is set) atomically, per client address."""

import threading

import pytest
from django.test import RequestFactory

from common.errors import RateLimited
from common.ratelimit import client_address, rate_limit_hit


def test_concurrent_attempts_never_pass_the_limit(settings, address):
    settings.RATE_LIMITS = {"book": (25, 3600), "lookup": (30, 600)}
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


def test_the_window_resets(settings, address):
    import time_machine

    settings.RATE_LIMITS = {"book": (1, 60), "lookup": (30, 600)}
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        rate_limit_hit(scope="book", key=address)
        with pytest.raises(RateLimited) as info:
            rate_limit_hit(scope="book", key=address)
        assert info.value.retry_after == 60  # 1_800_000_000 is the start of a 60-second window
        traveller.shift(61)
        rate_limit_hit(scope="book", key=address)


def test_client_address_trusts_proxies_only_when_told(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="190.1.1.1, 172.16.0.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "172.16.0.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "190.1.1.1"
