"""Deploy checks refuse production settings that would log messages instead of sending them, or that do not say how
many proxies stand in front; the proxy middleware warns when requests do not match the proxy settings."""

import logging

import pytest
from django.test import RequestFactory

from common.checks import delivery_backends_check, trusted_proxies_check
from common.middleware import ProxyHeadersCheckMiddleware


def ids(errors) -> set[str]:
    return {error.id for error in errors}


def test_console_backends_are_refused(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    settings.SMS_BACKEND = "appointments.sms.ConsoleBackend"
    assert ids(delivery_backends_check(None)) == {"common.E001", "common.E002"}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    settings.SMS_BACKEND = "appointments.sms.HttpBackend"
    assert delivery_backends_check(None) == []


def test_the_number_of_proxies_must_be_said(settings):
    settings.TRUSTED_PROXY_COUNT = None
    assert ids(trusted_proxies_check(None)) == {"common.E003"}
    settings.TRUSTED_PROXY_COUNT = 0
    assert trusted_proxies_check(None) == []


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "warning"),
    [
        (0, "172.18.0.5", "190.1.1.1", "TRUSTED_PROXY_COUNT is 0"),  # a real proxy, count 0
        (1, "200.48.1.1", "", "reached the application directly"),  # published without the proxy
        (1, "172.18.0.5", "190.1.1.1", None),  # as configured
        (0, "190.1.1.1", "", None),
    ],
)
def test_the_proxy_middleware_warns_on_a_mismatch(settings, caplog, proxies, remote, forwarded, warning):
    settings.TRUSTED_PROXY_COUNT = proxies
    middleware = ProxyHeadersCheckMiddleware(lambda request: "ok")
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with caplog.at_level(logging.WARNING, logger="common.middleware"):
        assert middleware(request) == "ok"
        middleware(request)  # once, not on every request
    messages = [record.getMessage() for record in caplog.records if record.name == "common.middleware"]
    if warning:
        assert len(messages) == 1 and warning in messages[0]
    else:
        assert messages == []
