"""The pieces of the native production topology the smoke test starts: processes in their own process groups, a
Redis of its own, an SMTP sink, a scratch PostgreSQL database, and a bounded wait.

Everything listens on 127.0.0.1 only; everything started is stopped by `Service.stop` (the whole process group:
SIGTERM, then SIGKILL), which the test's fixture calls even when the test fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent.parent


def venv_program(name: str) -> str:
    """A console script of the virtualenv running the tests (gunicorn, celery)."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        raise AssertionError(f"{name} is not installed next to {sys.executable}: install requirements.txt.")
    return str(path)


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], Any], *, what: str, timeout: float = 60, diagnostics: Callable[[], str] = str):
    """Poll `condition` every 0.1 s until it returns something truthy (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{diagnostics()}")
        time.sleep(0.1)


# --------------------------------------------------------------------------------------------------------------
# Processes


@dataclass
class Service:
    """One started program (and its children: it leads its own process group), logging to a file."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self) -> Service:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches its children (prefork, gunicorn)
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 25) -> str:
        return f"--- {self.name} ({self.log_path}) ---\n" + "\n".join(self.log().splitlines()[-lines:])

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL to the whole process group, as an OOM killer or a lost machine would; waits for the leader."""
        self.signal_group(signal.SIGKILL)
        assert self.process is not None
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the process group, SIGKILL to whatever is left after `timeout` seconds. Idempotent."""
        stop_all([self], timeout)


def stop_all(services: list[Service], timeout: float = 15) -> None:
    """Stop these services together: SIGTERM to every process group, then, after at most `timeout` seconds,
    SIGKILL to whatever is left of each group (children that outlived their leader included)."""
    started = [service for service in services if service.process is not None]
    for service in started:
        service.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for service in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for service in started:
        service.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            service.process.wait(timeout=10)


def redis_server_binary() -> str:
    path = shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if os.access(p, os.X_OK)), None
    )
    if path is None:
        raise AssertionError(
            "The smoke test needs the redis-server program: install the Debian package 'redis-server' "
            "(./scripts/test does so when it runs as root) and run again."
        )
    return path


def redis_answers(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# --------------------------------------------------------------------------------------------------------------
# SMTP sink


@dataclass(frozen=True)
class Received:
    message_id: str
    to: tuple[str, ...]
    subject: str


@dataclass
class SmtpSink:
    """An aiosmtpd handler recording every message (Message-ID, recipients) when its DATA is complete — when a real
    server has the message and may deliver it even if the client never reads the reply. `hold_next(address)` makes
    the next DATA to that address wait for `release` before answering: the sender is then inside the provider call."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _hold_for: str = ""

    def hold_next(self, address: str) -> None:
        """The next message to `address` is recorded, then held until `release` is set."""
        with self.lock:
            self._hold_for = address
            self.holding.clear()
            self.release.clear()

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [message for message in self.messages if address in message.to]

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        received = Received(
            message_id=str(message.get("Message-ID", "")),
            to=tuple(envelope.rcpt_tos),
            subject=str(message.get("Subject", "")),
        )
        with self.lock:
            self.messages.append(received)
            hold = bool(self._hold_for) and self._hold_for in received.to
            if hold:
                self._hold_for = ""
        if hold:
            self.holding.set()
            await asyncio.to_thread(self.release.wait, 120)
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_sink() -> Iterator[tuple[SmtpSink, int]]:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    try:
        yield sink, port
    finally:
        sink.release.set()
        controller.stop()


# --------------------------------------------------------------------------------------------------------------
# PostgreSQL


@contextlib.contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """Create database `name` on the server of `server_url`; yield its URL; drop it (forcing) on exit."""
    parts = urlsplit(server_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def admin(statement: sql.Composable) -> None:
        connection = psycopg2.connect(admin_url, connect_timeout=10)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    identifier = sql.Identifier(name)
    admin(sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


# --------------------------------------------------------------------------------------------------------------
# HTTP


def http_json(base: str, method: str, path: str, body: dict | None = None, timeout: float = 60) -> tuple[int, Any]:
    """One request to the portal; returns (status, decoded JSON or text)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Accept": "application/json"} if payload else {}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read().decode(errors="replace")
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw
    finally:
        connection.close()
