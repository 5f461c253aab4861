"""Booking over HTTP, as citizens do it, against the same statements as one raw-SQL transaction in pgbench.

    .venv/bin/python benchmarks/booking.py --mode http            # what `make bench` runs for booking over HTTP
    .venv/bin/python benchmarks/booking_http.py --help

gunicorn serves the production settings (2 workers × 16 threads, Redis cache from BENCH_REDIS_URL when set) on a
scratch database (migrated, one center, one procedure, 10-minute slots for 4 citizens over 30 days). 16 client
threads, each a browser with its own cookies, book for `--seconds`, 30 % of the bookings on 10 "hot" slots that fill
at once, by three paths in turn: the pages without JavaScript (`wizard`: the data step's POST, 303 to the review,
and the final POST, 303 to the confirmation), the pages with JavaScript (`wizard-js`: the review shown on the data
page, whose confirmation sends the data step's POST with `elegido`, 303 to the confirmation) and the API.
Reported: bookings/s, p50/p95/p99 per booking (both requests), outcomes, errors and over-bookings (must be 0).
`--rounds` rounds (3), each run after a VACUUM ANALYZE: each round runs the HTTP paths, then pgbench on slots of its
own, so each round's ratio compares runs a minute apart; the verdicts take the medians of the rounds' ratios and
p95s. (The machine's speed drifts within a run: pgbench alone gave 789, 679 and 592 TPS in three rounds back to back,
when all its rounds came after all the HTTP ones.)

Yardstick: pgbench with 50 clients runs the booking's statements (slot check, quota upsert, active appointments,
conditional slot claim, appointment insert, two notification rows, the due-rows select) as one transaction on the
same database — what the database alone can do. The ratio bookings/s ÷ pgbench TPS is printed next to its target
for the pages with JavaScript and the API; the pages without JavaScript (a fallback that keeps its review page: two
POSTs) are printed without one (TARGETED).
The client runs on the same 2 cores as gunicorn and PostgreSQL.

`--floor` also runs, each round, two requests to the trivial view per attempt (benchmarks/bench_urls.py), made as
the pages' two requests are: gunicorn's CPU for them is what a page booking costs before any booking work.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    GUNICORN,
    RESULTS_DIR,
    django_env,
    fetch,
    free_port,
    load_average,
    process_cpu_ms,
    save_results,
    scratch_database,
    settle,
    temporary_directory,
)

DATABASE = "mac_bench_booking_http"
HOT_SLOTS = 10
HOT_SHARE = 0.3
TARGET_RATIO = 0.2
TARGET_P95_MS = 100
# The paths the targets apply to: how the booking page is used (with JavaScript) and the API. The pages without
# JavaScript are the fallback, measured and printed without a verdict: two POSTs by design, with the review between
# them (benchmarks/README.md, "The target and the fallback without JavaScript").
TARGETED = ("wizard-js", "api")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One citizen's browser: its cookies, and a connection per request (`keep_alive` False) or one kept open (True).

    A connection per request is what the proxy sends (deploy/nginx.conf keeps no upstream connections, and nginx
    speaks HTTP/1.0 to its upstreams by default): each request is written on a new socket as HTTP/1.0 and the answer
    read until the server closes it. That costs the client about a third of http.client's CPU (whose header
    parsing goes through the e-mail package), and the client shares the two cores with the server it measures,
    as pgbench's own C client does with PostgreSQL. Kept open, http.client speaks HTTP/1.1."""

    def __init__(self, base: str, *, keep_alive: bool = False) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.keep_alive = keep_alive

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, json_body: dict | None = None
    ) -> tuple[int, dict, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        if not self.keep_alive:
            status, pairs, data = self._request_once(method, path, body.encode() if body else b"", headers)
        else:
            status, pairs, data = self._request_kept(method, path, body, headers)
        for header, value in pairs:
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return status, dict(pairs), data

    def _request_once(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        lines = [f"{method} {path} HTTP/1.0", f"Host: {self.host}:{self.port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        with socket.create_connection((self.host, self.port), timeout=30) as sock:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        head, _, data = b"".join(chunks).partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        pairs = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in header_lines)]
        return int(status_line.split(" ", 2)[1]), pairs, data

    def _request_kept(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        return response.status, response.getheaders(), data


def setup_data() -> dict:
    from appointments.models import Slot
    from benchmarks.booking import setup_data as booking_setup_data
    from centers.models import Center
    from procedures.models import Procedure

    procedure_id, hot, slots_all = booking_setup_data()
    # pgbench's own slots, the last days' (room enough: pgbench_booking), so it can run between the HTTP rounds
    # without touching theirs; by id, a range none of the HTTP pool's falls in.
    pool, yardstick = slots_all[:-PGBENCH_SLOTS], sorted(slots_all[-PGBENCH_SLOTS:])
    assert not any(yardstick[0] <= slot <= yardstick[-1] for slot in pool), "pgbench's slots are not one id range"
    Slot.objects.filter(pk__in=yardstick).update(capacity=PGBENCH_CAPACITY)
    slots = dict(Slot.objects.filter(pk__in=pool).values_list("pk", "starts_at"))
    from django.utils import timezone

    from appointments.constants import CONSENT_VERSION

    return {
        "consent_version": CONSENT_VERSION,
        "procedure": Procedure.objects.get(pk=procedure_id).slug,
        "center": Center.objects.get().slug,
        "hot": hot,
        "pool": pool,
        "pgbench_slots": (yardstick[0], yardstick[-1]),
        "days": {pk: timezone.localdate(starts_at).isoformat() for pk, starts_at in slots.items()},
    }


def details_form(data: dict, slot: int, document: str, csrf: str) -> dict[str, str]:
    """What the data step's POST sends."""
    return {
        "csrfmiddlewaretoken": csrf,
        "procedure": data["procedure"],
        "center": data["center"],
        "day": data["days"][slot],
        "slot": str(slot),
        "document_type": "dni",
        "document_number": document,
        "full_name": "Ciudadana de Prueba",
        "email": f"c{document}@example.pe",
        "priority_need": "none",
        "consent": "on",
    }


def review_form(data: dict, slot: int, token: str, csrf: str) -> dict[str, str]:
    """What the review page's form sends: the draft's token, and its center and day signed (for the center-day
    limit; signed as the review page signs them, with the settings gunicorn has)."""
    from appointments.limits import center_day_sign

    center_day = center_day_sign(data["center"], data["days"][slot])
    return {"csrfmiddlewaretoken": csrf, "borrador": token, "centro_dia": center_day}


def api_booking(data: dict, slot: int, document: str) -> dict:
    """What an API booking sends (JSON)."""
    return {
        "procedure": data["procedure"],
        "slot": slot,
        "document_type": "dni",
        "document_number": document,
        "full_name": "Ciudadana de Prueba",
        "email": f"c{document}@example.pe",
        "consent_version": data["consent_version"],
    }


def book(browser: Browser, data: dict, slot: int, document: str, csrf: str) -> str:
    """The data step's POST and the final POST; the outcome."""
    status, headers, _body = browser.request("POST", "/citas/nueva/datos/", details_form(data, slot, document, csrf))
    if status != 303:
        return "slot_full" if status == 409 else f"details {status}"
    token = headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    status, headers, _body = browser.request("POST", "/citas/nueva/reservar/", review_form(data, slot, token, csrf))
    if status == 303 and "/citas/confirmacion/" in headers.get("Location", ""):
        return "ok"
    return "slot_full" if status == 409 else f"book {status}"


def book_js(browser: Browser, data: dict, slot: int, document: str, csrf: str) -> str:
    """The data step's POST as the page's script sends it when the review shown on the page is confirmed (booking.js:
    the form plus `elegido`, a random value): one request books; the outcome."""
    chosen = f"{random.getrandbits(128):032x}"
    form = details_form(data, slot, document, csrf) | {"elegido": chosen}
    status, headers, _body = browser.request("POST", "/citas/nueva/datos/", form)
    if status == 303 and "/citas/confirmacion/" in headers.get("Location", ""):
        return "ok"
    return "slot_full" if status == 409 else f"details {status}"


def book_api(browser: Browser, data: dict, slot: int, document: str, csrf: str) -> str:
    """One POST to the appointments API (what vendor and phone clients send: no session, no CSRF); the outcome."""
    status, _headers, body = browser.request(
        "POST", "/api/v1/appointments/", json_body=api_booking(data, slot, document)
    )
    if status == 201:
        return "ok"
    code = json.loads(body or b"{}").get("code", "") if status < 500 else ""
    return "slot_full" if code == "slot_full" else f"api {status} {code}".strip()


def floor_pair(browser: Browser, data: dict, slot: int, document: str, csrf: str) -> str:
    """`--floor`: two requests to the trivial view through the same middleware, as the pages' two requests are made
    (a connection each): what a page booking costs gunicorn before any booking work."""
    first = browser.request("GET", TRIVIAL_PATH)[0]
    second = browser.request("GET", TRIVIAL_PATH)[0]
    return "ok" if first == second == 200 else f"trivial {first} {second}"


PATHS = {"wizard": book, "wizard-js": book_js, "api": book_api}
FLOOR = {"floor": floor_pair}  # measured with --floor; no verdict
TRIVIAL_PATH = "/bench/trivial/"  # benchmarks/bench_urls.py
# Each path books with its own citizens' documents (a document may hold three appointments).
DOCUMENT_BASE = {"wizard": 10_000_000, "wizard-js": 30_000_000, "api": 50_000_000, "floor": 0}


def reserved_tail(clients: int) -> int:
    """How many slots at the pool's end are kept out of the runs: each path's warm-up (a slot per client) and the
    hot slots of every path but the first (whose hot slots are the pool's first)."""
    return len(PATHS) * clients + (len(PATHS) - 1) * HOT_SLOTS


def hot_slots(data: dict, path: str, clients: int) -> list[int]:
    """The path's hot slots: each path its own (one path's are kept out of another's run), taken from the shared
    pool, whose tail is the warm-ups'."""
    index = list(PATHS).index(path) if path in PATHS else 0
    if index == 0:
        return data["hot"]
    end = len(data["pool"]) - len(PATHS) * clients - (index - 1) * HOT_SLOTS
    return data["pool"][end - HOT_SLOTS : end]


def run_http(
    *,
    base: str,
    data: dict,
    clients: int,
    seconds: int,
    path: str = "wizard",
    round_number: int = 0,
    keep_alive: bool = False,
) -> dict:
    booker = {**PATHS, **FLOOR}[path]
    # Each round books with other documents (a document may hold three appointments).
    document_base = DOCUMENT_BASE[path] + round_number * 2_000_000
    hot = hot_slots(data, path, clients)
    pool = data["pool"][: -reserved_tail(clients)]
    browsers = []
    for _i in range(clients):
        browser = Browser(base, keep_alive=keep_alive)
        if path.startswith("wizard"):
            _status, _headers, body = browser.request("GET", "/citas/gestionar/")
            browsers.append((browser, CSRF.search(body.decode())[1]))
        else:
            browsers.append((browser, ""))
    # Warm-up, the first round: every client books once on the pool's tail (imports, templates, connections).
    for index, (browser, csrf) in enumerate(browsers if round_number == 0 and path in PATHS else []):
        warm = list(PATHS).index(path) * clients + index
        booker(browser, data, data["pool"][-1 - warm], f"{90_000_000 + warm:08d}", csrf)
    go = threading.Event()
    deadline = [0.0]
    results: list[tuple[list[float], Counter]] = []

    def client(index: int) -> None:
        browser, csrf = browsers[index]
        rng = random.Random(index)
        latencies: list[float] = []
        outcomes: Counter = Counter()
        go.wait()
        attempt = 0
        while time.time() < deadline[0]:
            slot = rng.choice(hot) if rng.random() < HOT_SHARE else rng.choice(pool)
            document = f"{document_base + index * 100_000 + attempt:08d}"
            attempt += 1
            started = time.perf_counter()
            try:
                outcome = booker(browser, data, slot, document, csrf)
            except Exception as exc:  # noqa: BLE001 - counted and shown
                outcome = f"error {type(exc).__name__}"
            latencies.append(time.perf_counter() - started)
            outcomes[outcome] += 1
        results.append((latencies, outcomes))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.time() + seconds
    started = time.perf_counter()
    client_cpu_before = time.process_time()
    go.set()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - client_cpu_before
    latencies = [value for mine, _outcomes in results for value in mine]
    outcomes: Counter = Counter()
    for _mine, counted in results:
        outcomes.update(counted)
    booked = [value for mine, counted in results for value in mine]  # every attempt, booked or not
    cuts = statistics.quantiles(booked, n=100, method="inclusive")
    return {
        "path": path,
        "clients": clients,
        "seconds": round(elapsed, 2),
        "attempts": len(latencies),
        "bookings": outcomes["ok"],
        "outcomes": dict(outcomes),
        "bookings_per_second": round(outcomes["ok"] / elapsed, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        # The load generator's own CPU (this process: the 16 client threads), which shares the cores with gunicorn.
        "client_cpu_ms_per_attempt": round(client_cpu * 1000 / max(len(latencies), 1), 2),
    }


PGBENCH_SCRIPT = """\\set doc random(100000000, 999999999)
\\set slot random({first}, {last})
BEGIN;
SELECT s.id, s.booked, s.capacity, s.book_from, s.book_until, s.is_withdrawn, sc.is_active, c.is_active,
  EXISTS (SELECT 1 FROM procedures_procedure p JOIN appointments_schedule_procedures sp ON sp.procedure_id = p.id
          WHERE p.id = {procedure} AND sp.schedule_id = s.schedule_id
            AND EXISTS (SELECT 1 FROM centers_offering o WHERE o.procedure_id = p.id AND o.center_id = s.center_id
                        AND o.is_active AND p.is_active))
  FROM appointments_slot s JOIN appointments_schedule sc ON sc.id = s.schedule_id
  JOIN centers_center c ON c.id = s.center_id WHERE s.id = :slot;
INSERT INTO appointments_documentquota (document_type, document_number) VALUES ('dni', :doc::text)
  ON CONFLICT (document_type, document_number) DO UPDATE SET document_type = EXCLUDED.document_type
  RETURNING id, last_cancelled_at;
SELECT procedure_id FROM appointments_appointment
  WHERE document_type = 'dni' AND document_number = :doc::text AND status = 'booked';
WITH claimed AS (
  UPDATE appointments_slot SET booked = booked + 1
  WHERE id = :slot AND booked < capacity AND NOT is_withdrawn RETURNING id, center_id
), inserted AS (
  INSERT INTO appointments_appointment (code, procedure_id, center_id, slot_id, version, status, channel,
    document_type, document_number, full_name, email, phone, priority_need, segmentation_consent, age_band, gender,
    consent_version, consent_at, created_at, updated_at, cancelled_by_staff, cancel_reason)
  SELECT translate(upper(substr(md5(random()::text), 1, 10)), 'ILOU', 'JKMN'), {procedure}, center_id, id, 0,
    'booked', 'virtual', 'dni', :doc::text, 'Ciudadana de Prueba', 'c' || :doc || '@example.pe', '', 'none', false,
    '', '', '2026-01', now(), now(), now(), false, ''
  FROM claimed ON CONFLICT DO NOTHING RETURNING id
)
INSERT INTO appointments_notification (appointment_id, kind, channel, sequence, due_at, attempts, last_error,
  created_at)
  SELECT id, kind, 'email', 0, now(), 0, '', now() FROM inserted, (VALUES ('confirmation'), ('reminder')) k(kind)
  ON CONFLICT DO NOTHING;
SELECT id FROM appointments_notification WHERE appointment_id = (SELECT max(id) FROM appointments_appointment)
  AND sent_at IS NULL AND skipped_at IS NULL AND claimed_at IS NULL AND due_at <= now() AND kind <> 'reminder';
END;
"""


PGBENCH_SLOTS = 400  # the pool's last slots (about 5 of its 30 days) are pgbench's own
PGBENCH_CAPACITY = 10_000  # room for every round, so every transaction does the whole work


def pgbench_booking(*, database_url: str, data: dict, procedure_id: int, clients: int, seconds: int) -> dict:
    """pgbench -c N -j 2 -T S of the booking's statements as one transaction, on its own slots (setup_data)."""
    binary = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    parts = urlsplit(database_url)
    first, last = data["pgbench_slots"]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT.format(first=first, last=last, procedure=procedure_id))
    command = [binary, "-n", f"-c{clients}", "-j2", f"-T{seconds}", "-f", script.name]
    command += ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    command.append(parts.path.lstrip("/"))
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    finally:
        os.unlink(script.name)
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", output).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "command": " ".join(command[:6]) + " booking.sql",
        "tps": round(tps, 1),
        "failed": int(failed.group(1)) if failed else 0,
    }


def django_start(*, database_url: str, static_root: str) -> dict[str, str]:
    """Django in this process with the benchmark settings, the booking rate limit lifted and long-lived connections,
    on `database_url` (migrated, static files collected into `static_root`); returns the environment gunicorn gets."""
    env = django_env(
        database_url=database_url,
        static_root=static_root,
        extra={"APPOINTMENTS_BOOK_RATE_LIMIT": "100000000", "CONN_MAX_AGE": "600"},
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    return env


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16, help="HTTP booking clients (default 16)")
    parser.add_argument("--pgbench-clients", type=int, default=50, help="pgbench clients (default 50)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds (default 3), each the HTTP paths then pgbench: the verdict is the median of their ratios",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker (default 16; 1: sync)")
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="each client keeps one connection open (default: a connection per request, as the proxy sends them; "
        "kept-open connections stay with the worker that accepted them, often 14 of 16 on one worker)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run, each round, two requests to a trivial view per attempt: gunicorn's CPU for the pages' two "
        "requests before any booking work (no verdict)",
    )
    parser.add_argument(
        "--paths",
        default=",".join(PATHS),
        help=f"the paths to run, comma-separated (default {','.join(PATHS)}; a profile of one path, say)",
    )
    parser.add_argument("--database", default=DATABASE)
    args = parser.parse_args(argv)
    chosen = [path for path in args.paths.split(",") if path]
    if unknown := sorted(set(chosen) - set(PATHS)):
        parser.error(f"unknown paths: {', '.join(unknown)} (known: {', '.join(PATHS)})")
    measured = [*chosen, *(FLOOR if args.floor else ())]

    with scratch_database(args.database) as database_url, temporary_directory("mac-bench-static-") as static_root:
        env = django_start(database_url=database_url, static_root=static_root)
        from django.db import connections
        from django.db.models import F

        from appointments.models import Slot

        data = setup_data()
        # Room for every round in the pool (its slots hold 4 citizens; the hot ones keep that, to fill at once):
        # (rounds + 1) times that for two paths, as when the pages had one path, and as much more for each other.
        hot = [slot for path in PATHS for slot in hot_slots(data, path, args.clients)]
        room = (args.rounds + 1) * len(PATHS) // 2
        Slot.objects.filter(pk__in=data["pool"]).exclude(pk__in=hot).update(capacity=F("capacity") * room)
        from procedures.models import Procedure

        procedure_id = Procedure.objects.get(slug=data["procedure"]).pk
        connections.close_all()

        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        log_path = RESULTS_DIR / "booking-http-gunicorn.log"
        port = free_port()
        command = [
            GUNICORN,
            "mac_portal.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            "--worker-class=gthread" if args.threads > 1 else "--worker-class=sync",
            f"--threads={args.threads}",
            "--keep-alive=30",
            "--error-logfile=-",
            "--log-level=warning",
        ]
        rounds: list[dict[str, dict]] = []
        pgbench_rounds: list[dict] = []
        with open(log_path, "w") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{port}"
            try:
                for _attempt in range(150):
                    try:
                        if fetch(base + "/healthz")[0] == 200:
                            break
                    except OSError:
                        pass
                    time.sleep(0.2)
                load_before = load_average()
                for number in range(args.rounds):
                    http_results = {}
                    for path in measured:
                        settle(database_url)
                        server_cpu_before = process_cpu_ms(server.pid, children=True)
                        result = run_http(
                            base=base,
                            data=data,
                            clients=args.clients,
                            seconds=args.seconds,
                            path=path,
                            round_number=number,
                            keep_alive=args.keep_alive,
                        )
                        server_cpu = process_cpu_ms(server.pid, children=True)
                        if server_cpu is not None and server_cpu_before is not None and result["attempts"]:
                            # Measured around the timed run only (not its warm-up).
                            result["gunicorn_cpu_ms_per_attempt"] = round(
                                (server_cpu - server_cpu_before) / result["attempts"], 2
                            )
                        result["load_average_after"] = load_average()
                        http_results[path] = result
                    rounds.append(http_results)
                    settle(database_url)
                    pgbench_rounds.append(
                        pgbench_booking(
                            database_url=database_url,
                            data=data,
                            procedure_id=procedure_id,
                            clients=args.pgbench_clients,
                            seconds=args.seconds,
                        )
                    )
                load_after = load_average()
            finally:
                server.terminate()
                server.wait(timeout=30)
        from benchmarks.booking import overbookings

        checks = overbookings(excluded=data["pgbench_slots"])
        connections.close_all()
        if redis_url := os.environ.get("BENCH_REDIS_URL"):  # the broker queue of tasks no worker ran
            import redis

            redis.Redis.from_url(redis_url).delete("celery")

    titles = {
        "wizard": "the booking pages without JavaScript (data step's POST + final POST)",
        "wizard-js": "the booking pages with JavaScript (the data step's POST, confirmed on its page: booking.js)",
        "api": "the API (one POST /api/v1/appointments/)",
        "floor": f"the floor: two requests to the trivial view {TRIVIAL_PATH} per attempt (no booking)",
    }
    requests = {"wizard": "2 requests", "wizard-js": "1 request", "api": "1 request", "floor": "2 requests"}
    print(
        f"\nBooking over HTTP — gunicorn {args.workers}×{args.threads} threads, {args.clients} clients, "
        f"{args.rounds} rounds of {args.seconds} s per path"
    )
    for path in measured:
        print(f"\n{titles[path]}, per round:")
        for number, http_results in enumerate(rounds, start=1):
            result = http_results[path]
            errors = {k: v for k, v in result["outcomes"].items() if k not in ("ok", "slot_full")}
            print(
                f"  round {number}: {result['bookings_per_second']:>7} bookings/s ({result['bookings']}), per booking "
                f"({requests[path]}) p50/p95/p99 ms {result['p50_ms']} / {result['p95_ms']} / {result['p99_ms']}, "
                f"outcomes {result['outcomes']}, errors: {sum(errors.values())}, gunicorn CPU per attempt "
                f"{result.get('gunicorn_cpu_ms_per_attempt')} ms (the client's "
                f"{result['client_cpu_ms_per_attempt']} ms), "
                f"load after: {result['load_average_after']}"
            )
    print(
        f"\n  over-bookings (every run)  {checks['overbooked_places']} places (slots over capacity: "
        f"{checks['slots_over_capacity']}, counter mismatches: {checks['counter_mismatches']})"
    )
    print(f"\npgbench, the same statements as one transaction, after each round — {pgbench_rounds[0]['command']}")
    print("  TPS per round     " + ", ".join(f"{entry['tps']} (failed: {entry['failed']})" for entry in pgbench_rounds))
    tps = _median([entry["tps"] for entry in pgbench_rounds])
    summary = {}
    print(f"\nmedians of {args.rounds} rounds (pgbench {tps} TPS; the ratio: the median of the rounds' own):")
    for path in chosen:
        per_second = _median([http_results[path]["bookings_per_second"] for http_results in rounds])
        p95 = _median([http_results[path]["p95_ms"] for http_results in rounds])
        ratios = [
            http_results[path]["bookings_per_second"] / entry["tps"] if entry["tps"] else 0.0
            for http_results, entry in zip(rounds, pgbench_rounds, strict=True)
        ]
        ratio = statistics.median(ratios) if ratios else 0.0  # unrounded (_median keeps one decimal)
        summary[path] = {"bookings_per_second": per_second, "p95_ms": p95, "ratio": ratio, "ratios": ratios}
        measured_line = (
            f"{path:>9}: {per_second} bookings/s; ratio per round {', '.join(f'{r:.3f}' for r in ratios)}, median "
            f"{ratio:.3f}x"
        )
        if path not in TARGETED:
            print(f"{measured_line};   p95 {p95} ms   (the fallback without JavaScript, two POSTs: no target)")
            continue
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        p95_verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
        print(
            f"{measured_line}   target >= {TARGET_RATIO}x   ({verdict});   p95 {p95} ms   target < {TARGET_P95_MS} ms"
            f"   ({p95_verdict})"
        )
    if args.floor:
        cpu = _median([http_results["floor"].get("gunicorn_cpu_ms_per_attempt") or 0.0 for http_results in rounds])
        print(f" floor: gunicorn CPU per two trivial requests {cpu} ms (median of the rounds; no target)")
    load = {"before": load_before, "after": load_after}
    print(f"load average (1, 5, 15 min) before: {load['before']}, after: {load['after']} on {os.cpu_count()} CPUs")
    results = {"rounds": rounds, "checks": checks, "pgbench": pgbench_rounds, "medians": summary, "load_average": load}
    path = save_results("booking-http", results)
    print(f"saved {path.relative_to(ROOT)}")
    if checks["overbooked_places"] or checks["slots_over_capacity"] or checks["counter_mismatches"]:
        print("OVER-BOOKING DETECTED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
