"""Shared benchmark plumbing: a scratch PostgreSQL database, gunicorn on loopback, bounded load generators.

Every benchmark here creates what it measures and removes it afterwards: its own database (dropped at the end),
its own gunicorn (stopped at the end), traffic to 127.0.0.1 only, bounded in requests and time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
RESULTS_DIR = ROOT / "benchmarks" / "results"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def load_average() -> str:
    """The machine's load average (1, 5, 15 minutes): printed beside every figure, which it colours."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def process_cpu_ms(pid: int, *, children: bool = False) -> float | None:
    """CPU time (user + system, ms) a process has used so far, with its children's when asked (Linux /proc; None
    elsewhere). Load-independent enough to compare runs on a busy machine, unlike wall-clock figures."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
        if children:
            for task in Path(f"/proc/{pid}/task").iterdir():
                for child in (task / "children").read_text().split():
                    total += process_cpu_ms(int(child), children=True) or 0.0
        return total
    except (OSError, ValueError, IndexError):
        return None


def django_env(*, database_url: str, static_root: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of the benchmark settings: production settings on loopback, no TLS redirect, DEBUG off."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        "BENCH_STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    if redis_url := os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def settle(database_url: str) -> None:
    """VACUUM ANALYZE, before each side of a comparison runs: statistics as autovacuum keeps them on a database in
    use, and the previous run's dead rows gone, so autovacuum does not wake in the middle of the next run and take
    CPU from whichever side comes next (booking_http.py saw each pgbench round run slower than the one before
    without it: 412, 247, 248 TPS)."""
    import psycopg2

    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_database(name: str, server_url: str | None = None) -> Iterator[str]:
    """Create database `name` on the PostgreSQL server (dropping a leftover first); drop it on exit."""
    import psycopg2
    from psycopg2 import sql

    server_url = server_url or os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_SERVER_URL
    parts = urlsplit(server_url)

    def admin(statement: sql.Composable) -> None:
        connection = psycopg2.connect(server_url, connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    identifier = sql.Identifier(name)
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
    admin(sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


@contextlib.contextmanager
def temporary_directory(prefix: str) -> Iterator[str]:
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, env: dict[str, str], workers: int = 2, log_path: Path | None = None) -> Iterator[str]:
    """Serve mac_portal.wsgi with gunicorn on a free loopback port; yields the base URL; stops it on exit."""
    port = free_port()
    log = open(log_path or os.devnull, "w")  # noqa: SIM115 - closed below, after the server stops
    command = [
        GUNICORN,
        "mac_portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--keep-alive=5",
        "--error-logfile=-",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with code {process.returncode} (log: {log_path})")
            with contextlib.suppress(OSError):
                status, _ = fetch(base + "/healthz")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz with 200 within 30 s (log: {log_path})")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def fetch(url: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class LoadResult:
    url: str
    client: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    extra: dict = field(default_factory=dict)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "requests_per_second": round(self.requests_per_second, 1)}


WRK_REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def load_wrk(url: str, *, connections: int, seconds: int, threads: int = 2) -> LoadResult:
    """wrk (Debian package 'wrk'): fixed duration, keep-alive connections, p95 from its latency histogram."""
    assert urlsplit(url).hostname in {"127.0.0.1", "localhost"}, "benchmarks only load loopback"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        output = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout=10s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    return LoadResult(
        url=url,
        client=f"wrk -t{threads} -c{connections} -d{seconds}s",
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


def load_python(url: str, *, connections: int, requests: int, seconds: int) -> LoadResult:
    """A thread-pool client with one keep-alive http.client connection per thread: stops at `requests` or `seconds`."""
    parts = urlsplit(url)
    assert parts.hostname in {"127.0.0.1", "localhost"}, "benchmarks only load loopback"
    target = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[float] = []
    errors = 0
    issued = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors, issued
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            with lock:
                if issued >= requests:
                    break
                issued += 1
            started = time.perf_counter()
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    return LoadResult(
        url=url,
        client=f"python http.client, {connections} keep-alive connections, <= {requests} requests, <= {seconds} s",
        requests=len(latencies),
        seconds=elapsed,
        errors=errors,
        p50_ms=cuts[49] * 1000,
        p95_ms=cuts[94] * 1000,
        p99_ms=cuts[98] * 1000,
    )


def load(url: str, *, client: str, connections: int, seconds: int, requests: int) -> LoadResult:
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    if client == "wrk":
        return load_wrk(url, connections=connections, seconds=seconds)
    return load_python(url, connections=connections, requests=requests, seconds=seconds)


def report_table(rows: list[tuple[str, LoadResult]]) -> str:
    header = f"{'endpoint':<34} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}"
    lines = [header, "-" * len(header)]
    for label, result in rows:
        lines.append(
            f"{label:<34} {result.requests_per_second:>9.1f} {result.p50_ms:>8.2f} {result.p95_ms:>8.2f} "
            f"{result.p99_ms:>8.2f} {result.requests:>9} {result.errors:>7}"
        )
    return "\n".join(lines)


def save_results(name: str, payload: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    return path
