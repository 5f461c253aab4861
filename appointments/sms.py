"""Pluggable SMS backends, chosen like Django's e-mail backends (settings.SMS_BACKEND).

- appointments.sms.ConsoleBackend (default): logs each message; for development.
- appointments.sms.LocmemBackend: keeps messages in `appointments.sms.outbox`; for tests.
- appointments.sms.HttpBackend: POSTs JSON {"to", "body", "sender"} to settings.SMS_HTTP_URL with
  "Authorization: Bearer <SMS_HTTP_TOKEN>" and "Idempotency-Key: <the message's key>" (the same on every attempt at
  one message); any non-2xx answer raises SmsError (the message is retried).
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    body: str
    idempotency_key: str = ""  # the same for every attempt at one message: the gateway can drop repeats


class SmsError(Exception):
    """The provider did not accept a message."""


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            logger.info("SMS to %s: %s", message.to, message.body)
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class HttpBackend(BaseSmsBackend):
    def __init__(self) -> None:
        self.url = getattr(settings, "SMS_HTTP_URL", "")
        self.token = getattr(settings, "SMS_HTTP_TOKEN", "")
        self.sender = getattr(settings, "SMS_SENDER", "MAC")
        self.timeout = float(getattr(settings, "SMS_HTTP_TIMEOUT", 10))
        if not self.url:
            raise ImproperlyConfigured("SMS_HTTP_URL is required by appointments.sms.HttpBackend.")

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            payload = json.dumps({"to": message.to, "body": message.body, "sender": self.sender}).encode()
            request = urllib.request.Request(  # noqa: S310 - the URL is operator configuration
                self.url,
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self.token}",
                    **({"Idempotency-Key": message.idempotency_key} if message.idempotency_key else {}),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    if not 200 <= response.status < 300:
                        raise SmsError(f"provider answered {response.status}")
            except urllib.error.HTTPError as exc:
                raise SmsError(f"provider answered {exc.code}") from exc
            except (urllib.error.URLError, TimeoutError) as exc:
                raise SmsError(f"provider unreachable: {exc}") from exc
        return len(messages)


def sms_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", "appointments.sms.ConsoleBackend"))()


def sms_send(*, to: str, body: str, idempotency_key: str = "") -> None:
    """Send one SMS through the configured backend (raises SmsError when the provider refuses it)."""
    sms_backend().send_messages([SmsMessage(to=to, body=body, idempotency_key=idempotency_key)])
