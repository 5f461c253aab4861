"""SMS backends; the HTTP one against a tiny loopback server started by the test (no outside network)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from appointments.sms import SmsError, sms_send


@pytest.fixture
def provider():
    received = []
    state = {"status": 202}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers["Content-Length"])
            received.append({"auth": self.headers["Authorization"], "json": json.loads(self.rfile.read(length))})
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms", received, state
    server.shutdown()
    server.server_close()


def test_http_backend_posts_json_with_the_token(settings, provider):
    url, received, _state = provider
    settings.SMS_BACKEND = "appointments.sms.HttpBackend"
    settings.SMS_HTTP_URL = url
    settings.SMS_HTTP_TOKEN = "s3cret"
    sms_send(to="+51987654321", body="MAC: cita reservada")
    assert received == [
        {"auth": "Bearer s3cret", "json": {"to": "+51987654321", "body": "MAC: cita reservada", "sender": "MAC"}}
    ]


def test_http_backend_raises_when_the_provider_refuses(settings, provider):
    url, _received, state = provider
    state["status"] = 503
    settings.SMS_BACKEND = "appointments.sms.HttpBackend"
    settings.SMS_HTTP_URL = url
    with pytest.raises(SmsError, match="503"):
        sms_send(to="+51987654321", body="x")


def test_http_backend_raises_when_the_provider_is_down(settings):
    settings.SMS_BACKEND = "appointments.sms.HttpBackend"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    settings.SMS_HTTP_TIMEOUT = 2
    with pytest.raises(SmsError, match="unreachable"):
        sms_send(to="+51987654321", body="x")


def test_locmem_backend_records(sms_outbox):
    sms_send(to="+51987654321", body="hola")
    assert [(m.to, m.body) for m in sms_outbox] == [("+51987654321", "hola")]
