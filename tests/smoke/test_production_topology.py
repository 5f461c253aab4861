"""Smoke test of the production topology, run natively: Docker cannot run on these machines, so the services of
docker-compose.yml are started here as programs, on loopback ports of their own:

- a scratch PostgreSQL database on the server of DATABASE_URL, migrated with `manage.py migrate` (the `migrate`
  service) and seeded with a center, a procedure and a schedule of slots; dropped at the end;
- `redis-server` of its own on a spare port, so the test may stop, freeze and restart it;
- an SMTP sink (aiosmtpd, in this process) recording every message with its Message-ID;
- gunicorn serving `mac_portal.wsgi` with `gunicorn.conf.py` on the production settings (the `web` service);
- `celery -A mac_portal worker` and `celery -A mac_portal beat` (the `worker` and `beat` services).

Beat runs for real: its scan of due messages (`notifications_send_due`) is what recovers a message whose task was
lost with the broker or whose worker died, so the test shortens its period (APPOINTMENTS_NOTIFICATION_SCAN_SECONDS,
60 s in production) instead of calling the task itself — a `celery call` would prove the task works, not that the
deployed schedule delivers. The lease (APPOINTMENTS_NOTIFICATION_LEASE_SECONDS) is a few seconds for the same
reason. The worker runs with one process (compose: 2) so that no second process can claim a message while the
first is still sending it within the short lease.

Steps: book over HTTP and see the confirmation once; stop Redis, book (201), restart it and see the message sent by
the beat scan once; freeze Redis (SIGSTOP: it accepts connections and never answers), book (201 within seconds),
thaw it and see the message once; hold the SMTP DATA of a message, kill -9 the worker inside that provider call,
start a new worker and see the message sent again after the lease with the same Message-ID — at least once, at most
twice, as README's security model promises. Waits poll with deadlines; every process is stopped (its whole process
group) even when the test fails. Run it alone with `./scripts/test -m smoke`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from psycopg2.extras import NamedTupleCursor

from appointments.constants import CONSENT_VERSION

from .topology import (
    ROOT,
    Service,
    SmtpSink,
    free_port,
    http_json,
    redis_answers,
    redis_server_binary,
    scratch_database,
    smtp_sink,
    stop_all,
    venv_program,
    wait_for,
)

pytestmark = pytest.mark.smoke

LEASE_SECONDS = 6
SCAN_SECONDS = 2
WAIT = 60  # seconds at most per wait (shared, slow machines); each wait ends as soon as its condition holds
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mac_portal"  # as mac_portal/settings/test.py


@dataclass
class Topology:
    tmp: Path
    env: dict[str, str]
    sink: SmtpSink
    redis_port: int
    db: Any = None
    base: str = ""
    procedure: str = ""
    slots: list[int] = field(default_factory=list)
    services: dict[str, Service] = field(default_factory=dict)  # by name: the latest of that name
    started: list[Service] = field(default_factory=list)  # every process started, stopped at the end
    workers: int = 0
    run: str = field(default_factory=lambda: secrets.token_hex(3))
    timings: dict[str, float] = field(default_factory=dict)  # seconds, printed at the end

    # -- processes ------------------------------------------------------------------------------------------------
    def start(self, name: str, command: list[str]) -> Service:
        service = Service(name, command, self.env, self.tmp / f"{name}.log")
        self.started.append(service)
        self.services[name] = service
        return service.start()

    def stop(self) -> None:
        """Every process started, the application's first (together), then Redis."""
        stop_all([service for service in self.started if service.name != "redis"])
        stop_all([service for service in self.started if service.name == "redis"])

    def diagnostics(self) -> str:
        return "\n".join(service.tail() for service in self.services.values())

    def wait(self, condition, what: str, timeout: float = WAIT):
        return wait_for(condition, what=what, timeout=timeout, diagnostics=self.diagnostics)

    def redis_start(self) -> Service:
        redis = self.start(
            "redis",
            [
                redis_server_binary(),
                *("--bind", "127.0.0.1", "--port", str(self.redis_port), "--dir", str(self.tmp)),
                *("--save", "", "--appendonly", "no"),
            ],
        )
        self.wait(lambda: redis_answers(self.redis_port), f"redis-server on 127.0.0.1:{self.redis_port}")
        return redis

    def worker_start(self, wait: bool = True) -> Service:
        self.workers += 1
        name = f"worker-{self.workers}"
        worker = self.start(
            name,
            [venv_program("celery"), "-A", "mac_portal", "worker", "--loglevel=INFO", "--concurrency=1",
             f"--hostname=smoke{self.workers}@%h"],
        )  # fmt: skip
        if wait:
            self.wait_ready(worker)
        return worker

    def wait_ready(self, worker: Service) -> None:
        self.wait(lambda: " ready." in worker.log(), f"{worker.name} ready")

    # -- the citizen's side ---------------------------------------------------------------------------------------
    def address(self, n: int) -> str:
        return f"smoke{n}.{self.run}@example.pe"

    def book(self, n: int) -> tuple[str, float]:
        """Book slot n over HTTP as citizen n (e-mail only); returns the address and the seconds it took."""
        address = self.address(n)
        body = {
            "procedure": self.procedure,
            "slot": self.slots[n],
            "document_type": "dni",
            "document_number": f"{41000000 + n}",
            "full_name": "Rosa María Quispe",
            "email": address,
            "consent_version": CONSENT_VERSION,
        }
        started = time.monotonic()
        status, answer = http_json(self.base, "POST", "/api/v1/appointments/", body)
        elapsed = time.monotonic() - started
        assert status == 201, f"booking {n}: {status} {answer}\n{self.diagnostics()}"
        return address, elapsed

    def copies(self, address: str):
        return self.sink.to(address)

    def rows(self, address: str) -> list:
        """The e-mail confirmation rows of the citizen's appointment, read from the scratch database."""
        with self.db.cursor(cursor_factory=NamedTupleCursor) as cursor:
            cursor.execute(
                "SELECT n.id, n.sequence, n.claimed_at, n.attempts, n.sending_at, n.sent_at, n.skipped_at "
                "FROM appointments_notification n JOIN appointments_appointment a ON a.id = n.appointment_id "
                "WHERE a.email = %s AND n.kind = 'confirmation' ORDER BY n.id",
                [address],
            )
            return cursor.fetchall()

    def row(self, address: str):
        rows = self.rows(address)
        assert len(rows) == 1, rows  # e-mail only: one confirmation row per booking
        return rows[0]

    def sent_row(self, address: str, what: str, timeout: float = WAIT):
        return self.wait(lambda: next((r for r in self.rows(address) if r.sent_at), None), what, timeout)


def message_id(row) -> str:
    """The deterministic Message-ID of a row (appointments.emails; APPOINTMENTS_ICS_UID_DOMAIN's default)."""
    return f"<notification-{row.id}.{row.sequence}@mac.gob.pe>"


@pytest.fixture
def topology(tmp_path):
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_server_binary()  # fail at once, with one sentence, when it is missing
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(
            scratch_database(server_url, f"mac_smoke_{os.getpid()}_{secrets.token_hex(3)}")
        )
        sink, smtp_port = stack.enter_context(smtp_sink())
        redis_port, web_port = free_port(), free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_", "SMS_"))},
            "DJANGO_SETTINGS_MODULE": "mac_portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "TRUSTED_PROXY_COUNT": "0",  # gunicorn is reached directly here: no proxy in front
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            # Citizens give an e-mail only; the gateway would refuse (nothing listens there) if an SMS were planned.
            "SMS_BACKEND": "appointments.sms.HttpBackend",
            "SMS_HTTP_URL": f"http://127.0.0.1:{free_port()}/send",
            "APPOINTMENTS_NOTIFICATION_LEASE_SECONDS": str(LEASE_SECONDS),
            "APPOINTMENTS_NOTIFICATION_SCAN_SECONDS": str(SCAN_SECONDS),
            "PORTAL_BASE_URL": f"http://127.0.0.1:{web_port}",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        topology = Topology(tmp=tmp_path, env=env, sink=sink, redis_port=redis_port)
        stack.callback(topology.stop)
        topology.redis_start()

        for step in (["manage.py", "migrate", "--noinput"], ["-m", "tests.smoke.seed"]):
            done = subprocess.run(
                [sys.executable, *step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, f"{' '.join(step)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        seeded = json.loads(done.stdout.strip().splitlines()[-1])
        topology.procedure, topology.slots = seeded["procedure"], seeded["slots"]
        assert len(topology.slots) >= 5, seeded
        topology.timings["setup: database migrated and seeded"] = time.monotonic() - started

        topology.db = psycopg2.connect(database_url, connect_timeout=10)
        topology.db.autocommit = True
        stack.callback(topology.db.close)

        # web, worker and beat start together (after migrate, as in docker-compose.yml).
        gunicorn_command = [venv_program("gunicorn"), "mac_portal.wsgi:application", f"--bind=127.0.0.1:{web_port}"]
        topology.start("web", [*gunicorn_command, "--workers=2", "--config=gunicorn.conf.py"])
        topology.base = f"http://127.0.0.1:{web_port}"
        worker = topology.worker_start(wait=False)
        beat = topology.start(
            "beat",
            [venv_program("celery"), "-A", "mac_portal", "beat", "--loglevel=INFO",
             f"--schedule={tmp_path / 'celerybeat-schedule'}"],
        )  # fmt: skip

        def healthy() -> bool:
            with contextlib.suppress(OSError):
                return http_json(topology.base, "GET", "/healthz", timeout=10)[0] == 200
            return False

        topology.wait(healthy, "gunicorn answering /healthz with 200")
        topology.wait_ready(worker)
        topology.wait(lambda: "beat: Starting..." in beat.log(), "celery beat started")
        topology.timings["setup: services up"] = time.monotonic() - started
        yield topology
        stopping = time.monotonic()
    print(f"smoke teardown: {time.monotonic() - stopping:.1f} s")


def test_production_topology(topology):
    t = topology
    started = time.monotonic()
    timings = t.timings

    # 1. Booked over HTTP through gunicorn; the outbox scan nudged after commit (common.nudges) reaches the worker
    #    through Redis; the SMTP sink gets the confirmation, with the row's deterministic Message-ID.
    first, _ = t.book(1)
    row = t.sent_row(first, "the first confirmation marked sent")
    t.wait(lambda: t.copies(first), "the first confirmation at the SMTP sink")
    assert [copy.message_id for copy in t.copies(first)] == [message_id(row)]
    assert row.attempts == 1
    timings["booked and confirmed"] = time.monotonic() - started

    # 2. Redis stopped: booking still answers 201 (the limiter falls back to the local cache; the web process's
    #    publish of the nudged scan fails and is logged); the message stays a row until Redis is back, and then the
    #    beat's scan sends it, once.
    worker, web = t.services[f"worker-{t.workers}"], t.services["web"]
    worker_seen, web_seen = len(worker.log()), len(web.log())
    t.services["redis"].stop()
    assert not redis_answers(t.redis_port)
    t.wait(lambda: "Connection to broker lost" in worker.log()[worker_seen:], "the worker noticing the broker is gone")
    second, took = t.book(2)
    timings["booking with Redis stopped (s)"] = took
    t.wait(
        lambda: "Publishing the scan appointments.tasks.outbox_scan failed" in web.log()[web_seen:],
        "the failed publish of the nudged scan in the web service's log",
    )
    assert t.row(second).sent_at is None and not t.copies(second)
    worker_seen = len(worker.log())
    t.redis_start()
    t.sent_row(second, "the second confirmation sent once Redis is back")
    t.wait(lambda: t.copies(second), "the second confirmation at the SMTP sink")
    # Its scan was never published: the beat's scan, run by the reconnected worker, sent it (the task's line is
    # logged once the whole scan is done: the change is announced after the message is sent).
    t.wait(
        lambda: re.search(r"outbox_scan\[[^]]+\] succeeded in \S+: \{'sent': 1,", worker.log()[worker_seen:]),
        "the beat's outbox scan that sent it, in the worker's log",
    )
    timings["Redis stopped, restarted, delivered"] = time.monotonic() - started

    # 3. Redis frozen (SIGSTOP: it accepts connections and never answers): booking answers 201 within a few
    #    seconds — bounded cache and broker socket timeouts (settings) — instead of hanging until gunicorn kills its
    #    worker; thawed, the message goes out once.
    t.services["redis"].signal_group(signal.SIGSTOP)
    try:
        third, took = t.book(3)
    finally:
        t.services["redis"].signal_group(signal.SIGCONT)
    timings["booking with Redis frozen (s)"] = took
    assert took < 25, f"booking took {took:.1f} s with Redis frozen (gunicorn's worker timeout is 30 s)"
    t.sent_row(third, "the third confirmation sent once Redis answers again")
    t.wait(lambda: t.copies(third), "the third confirmation at the SMTP sink")
    timings["Redis frozen, thawed, delivered"] = time.monotonic() - started

    # 4. The worker killed (-9) inside the provider call: the sink holds the DATA of the fourth message, so the
    #    row is marked `sending_at` (committed) and not `sent_at`; a new worker sends it again after the lease.
    t.sink.hold_next(t.address(4))
    fourth, _ = t.book(4)
    t.wait(t.sink.holding.is_set, "the worker inside the SMTP DATA of the fourth message")
    held = t.row(fourth)
    assert held.sending_at is not None and held.sent_at is None and held.attempts == 1, held
    assert held.sending_at >= held.claimed_at
    doomed = t.services[f"worker-{t.workers}"]
    doomed.kill()
    assert not doomed.alive()
    t.sink.release.set()  # the sink answers a client that is gone
    replacement = t.worker_start()
    row = t.sent_row(fourth, "the fourth message sent again by the new worker", timeout=WAIT + LEASE_SECONDS)
    copies = t.copies(fourth)
    # The documented guarantee: at least once, at most twice, every copy the same message.
    assert 1 <= len(copies) <= 2, copies
    assert {copy.message_id for copy in copies} == {message_id(row)}
    assert row.attempts == 2 and row.skipped_at is None
    assert (row.claimed_at - held.claimed_at).total_seconds() >= LEASE_SECONDS  # re-claimed only after the lease
    assert "may have gone out already" in replacement.log()
    timings["worker killed while sending, recovered"] = time.monotonic() - started
    timings["copies of the message caught in the crash"] = len(copies)

    # Exactly once for every message not caught in a crash, even now that later scans have run.
    for address in (first, second, third):
        assert len(t.copies(address)) == 1, (address, t.copies(address))
        assert t.row(address).attempts == 1
    timings["total"] = time.monotonic() - started
    print("\nsmoke timings (s):", {name: round(value, 1) for name, value in timings.items()})
