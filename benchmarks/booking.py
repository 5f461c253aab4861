"""Booking throughput: N concurrent clients booking through appointments.services.appointment_book on PostgreSQL,
side by side with pgbench's TPS for a single-row INSERT transaction on the same database.

    .venv/bin/python benchmarks/booking.py                 # 50 clients (processes), 10 s, then pgbench -c 50 -j 2 -T 10
    .venv/bin/python benchmarks/booking.py --mode threads  # 50 threads in one process instead
    .venv/bin/python benchmarks/booking.py --mode http     # over HTTP through gunicorn vs pgbench (booking_http.py)
    .venv/bin/python benchmarks/booking.py --help

Creates the scratch database mac_bench_booking (migrated with manage.py migrate), a center, a procedure and a
schedule of 10-minute slots for 4 citizens over 30 days; every client books with its own connection and its own
documents, 30 % of the attempts on 10 "hot" slots that fill at once (so SlotFull is exercised under contention).
It reports bookings/s, attempts/s, p50/p95/p99 latency per attempt, outcomes, over-bookings (must be 0: booked
counters against capacity AND active appointments counted per slot), pgbench's TPS and the ratio; then drops the
database. Messages are planned (rows) and enqueued to Celery's in-memory broker, not sent.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import save_results, scratch_database  # noqa: E402

DATABASE = "mac_bench_booking"
HOT_SLOTS = 10
HOT_SHARE = 0.3


def django_environment(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mac_portal.settings.base",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",  # one connection per client for the whole run, as a server worker keeps it
        "CELERY_TASK_ALWAYS_EAGER": "false",  # enqueue to the in-memory broker; sending is not measured here
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    return env


def setup_data() -> tuple[int, list[int], list[int]]:
    """A center offering one procedure, with a schedule every day 07:00–21:00; returns procedure and slot ids."""
    import datetime as dt

    from django.utils import timezone

    from appointments.models import Slot
    from appointments.services import RuleRange, schedule_create
    from centers.models import Center, Offering
    from procedures.models import Entity, Procedure

    entity = Entity.objects.create(name="Registro Nacional de Identificación", acronym="RENIEC", slug="reniec")
    procedure = Procedure.objects.create(
        entity=entity, code="RENIEC-001", name="Duplicado de DNI", slug="duplicado-dni", summary="Duplicado."
    )
    center = Center.objects.create(code="LN", name="Centro MAC Lima Norte", slug="lima-norte", address="Av. X 100")
    Offering.objects.create(center=center, procedure=procedure)
    schedule_create(
        center=center,
        name="Ventanillas",
        procedures=[procedure],
        rules=[RuleRange(day, dt.time(7, 0), dt.time(21, 0)) for day in range(7)],
        slot_minutes=10,
        capacity=4,
        min_lead_minutes=120,
        max_days_ahead=30,
    )
    bookable = list(
        Slot.objects.filter(starts_at__gt=timezone.now() + dt.timedelta(hours=3))
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    return procedure.pk, bookable[:HOT_SLOTS], bookable


def client(index: int, procedure_id: int, hot: list[int], pool: list[int], go, deadline_box, ready, results) -> None:
    """One booking client: its own database connection, its own documents, until the deadline."""
    from django.db import connection

    from appointments.constants import CONSENT_VERSION
    from appointments.errors import BookingError
    from appointments.services import Citizen, appointment_book

    def book(slot_id: int, document: str) -> str:
        try:
            appointment_book(
                slot_id=slot_id,
                procedure_id=procedure_id,
                citizen=Citizen(
                    document_type="dni",
                    document_number=document,
                    full_name="Ciudadana de Prueba",
                    email=f"c{document}@example.pe",
                ),
                consent_version=CONSENT_VERSION,
            )
            return "ok"
        except BookingError as exc:
            return exc.code
        except Exception as exc:  # noqa: BLE001 - counted and shown, never hidden
            return f"error {type(exc).__name__}"

    # Warm-up outside the clock: connection, translations, phone metadata, the Celery producer (one real booking
    # on a slot of the pool's tail, with a document of its own).
    book(pool[-1 - index % 20], f"{90_000_000 + index:08d}")
    ready.put(index)
    go.wait()
    deadline = deadline_box.value
    rng = random.Random(index)
    latencies: list[float] = []
    outcomes: Counter = Counter()
    attempt = 0
    while time.time() < deadline:
        slot_id = rng.choice(hot) if rng.random() < HOT_SHARE else rng.choice(pool)
        document = f"{10_000_000 + index * 100_000 + attempt:08d}"
        attempt += 1
        started = time.perf_counter()
        outcome = book(slot_id, document)
        latencies.append(time.perf_counter() - started)
        outcomes[outcome] += 1
    connection.close()
    results.put((latencies, dict(outcomes)))


def _warm_up(procedure_id: int, slot_id: int) -> None:
    """One booking in the parent before forking: lazy imports, catalogs and metadata are inherited warm."""
    from appointments.constants import CONSENT_VERSION
    from appointments.services import Citizen, appointment_book

    appointment_book(
        slot_id=slot_id,
        procedure_id=procedure_id,
        citizen=Citizen(document_type="dni", document_number="99999999", full_name="Ana Prueba", email="a@example.pe"),
        consent_version=CONSENT_VERSION,
    )


def run_clients(*, clients: int, seconds: int, mode: str) -> dict:
    from django.db import connections

    procedure_id, hot, pool = setup_data()
    _warm_up(procedure_id, pool[len(pool) // 2])
    connections.close_all()  # forked clients open their own
    if mode == "processes":
        context = multiprocessing.get_context("fork")
        go, ready, results = context.Event(), context.Queue(), context.Queue()
        deadline_box = context.Value("d", 0.0)
        workers = [
            context.Process(target=client, args=(i, procedure_id, hot, pool, go, deadline_box, ready, results))
            for i in range(clients)
        ]
    else:
        import queue

        go, ready, results = threading.Event(), queue.Queue(), queue.Queue()

        class Box:
            value = 0.0

        deadline_box = Box()
        workers = [
            threading.Thread(target=client, args=(i, procedure_id, hot, pool, go, deadline_box, ready, results))
            for i in range(clients)
        ]
    for worker in workers:
        worker.start()
    for _i in range(clients):
        ready.get(timeout=120)  # every client holds its connection before the clock starts
    deadline_box.value = time.time() + seconds
    started = time.perf_counter()
    go.set()
    latencies: list[float] = []
    outcomes: Counter = Counter()
    for _i in range(clients):
        mine, counted = results.get(timeout=seconds + 120)
        latencies += mine
        outcomes.update(counted)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=60)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "clients": clients,
        "mode": mode,
        "seconds": round(elapsed, 2),
        "attempts": len(latencies),
        "bookings": outcomes["ok"],
        "outcomes": dict(outcomes),
        "bookings_per_second": round(outcomes["ok"] / elapsed, 1),
        "attempts_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
        "slots_in_pool": len(pool),
    }


def overbookings(*, excluded: tuple[int, int] | None = None) -> dict:
    """Counted from the rows, not trusted from the counters: both must agree and stay within capacity. `excluded`:
    a range of slot ids left out (booking_http.py's pgbench slots: its raw SQL is the yardstick, not under test)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              COUNT(*) FILTER (WHERE s.booked > s.capacity),
              COALESCE(SUM(GREATEST(COALESCE(a.active, 0) - s.capacity, 0)), 0),
              COUNT(*) FILTER (WHERE s.booked <> COALESCE(a.active, 0)),
              COALESCE(SUM(s.booked), 0),
              COUNT(*) FILTER (WHERE s.booked = s.capacity)
            FROM appointments_slot s
            LEFT JOIN (
              SELECT slot_id, COUNT(*) AS active FROM appointments_appointment
              WHERE status = 'booked' GROUP BY slot_id
            ) a ON a.slot_id = s.id
            WHERE NOT s.id BETWEEN %s AND %s
            """,
            excluded or (0, -1),
        )
        over_counter, over_rows, mismatched, booked, full = cursor.fetchone()
    return {
        "slots_over_capacity": over_counter,
        "overbooked_places": int(over_rows),
        "counter_mismatches": mismatched,
        "places_booked": int(booked),
        "slots_full": full,
    }


def pgbench_tps(*, database_url: str, clients: int, seconds: int) -> dict:
    """pgbench -n -c N -j 2 -T S -f insert.sql: one single-row INSERT per transaction, on the same database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, doc bigint NOT NULL, created_at timestamptz NOT NULL)"
        )
    connection.close()
    binary = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
    parts = urlsplit(database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(
            "\\set doc random(1, 1000000000)\n"
            "BEGIN;\n"
            "INSERT INTO bench_insert (doc, created_at) VALUES (:doc, now());\n"
            "END;\n"
        )
    command = [
        binary,
        "-n",
        f"-c{clients}",
        "-j2",
        f"-T{seconds}",
        "-f",
        script.name,
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        parts.path.lstrip("/"),
    ]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
    finally:
        os.unlink(script.name)
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", output).group(1))
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    return {
        "command": " ".join(command[:7]) + " insert.sql",
        "tps": round(tps, 1),
        "latency_avg_ms": float(latency.group(1)) if latency else None,
    }


def main() -> None:
    if "--mode" in sys.argv and sys.argv[sys.argv.index("--mode") + 1 :][:1] == ["http"]:
        from benchmarks import booking_http

        rest = [arg for i, arg in enumerate(sys.argv[1:]) if arg != "--mode" and sys.argv[i] != "--mode"]
        sys.exit(booking_http.main(rest))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent booking clients (default 50)")
    parser.add_argument("--seconds", type=int, default=10, help="duration of each phase (default 10)")
    parser.add_argument("--mode", choices=["processes", "threads", "http"], default="processes")
    args = parser.parse_args()

    with scratch_database(DATABASE) as database_url:
        env = django_environment(database_url)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()

        booking = run_clients(clients=args.clients, seconds=args.seconds, mode=args.mode)
        checks = overbookings()
        pgbench = pgbench_tps(database_url=database_url, clients=args.clients, seconds=args.seconds)
        from django.db import connections

        connections.close_all()

    ratio = booking["bookings_per_second"] / pgbench["tps"] if pgbench["tps"] else 0.0
    print(f"\nBooking through appointment_book — {booking['clients']} {booking['mode']}, {booking['seconds']} s")
    print(f"  bookings/s        {booking['bookings_per_second']:>10}   ({booking['bookings']} bookings)")
    print(f"  attempts/s        {booking['attempts_per_second']:>10}   ({booking['attempts']} attempts)")
    print(f"  latency p50/p95/p99 ms  {booking['p50_ms']} / {booking['p95_ms']} / {booking['p99_ms']}")
    print(f"  outcomes          {booking['outcomes']}")
    print(
        f"  over-bookings     {checks['overbooked_places']} places "
        f"(slots over capacity: {checks['slots_over_capacity']}, counter mismatches: {checks['counter_mismatches']}, "
        f"full slots: {checks['slots_full']})"
    )
    print(f"\npgbench single-row INSERT — {pgbench['command']}")
    print(f"  TPS               {pgbench['tps']:>10}   (avg latency {pgbench['latency_avg_ms']} ms)")
    print(f"\nratio bookings/s ÷ pgbench TPS = {ratio:.3f}  ({ratio * 100:.1f} %)")
    path = save_results("booking", {"booking": booking, "checks": checks, "pgbench": pgbench, "ratio": ratio})
    print(f"saved {path.relative_to(ROOT)}")
    if checks["overbooked_places"] or checks["slots_over_capacity"] or checks["counter_mismatches"]:
        sys.exit("OVER-BOOKING DETECTED")


if __name__ == "__main__":
    main()
