"""CPU per booking inside the Django process, measured in-process (no gunicorn, no load generator, no other clients).

    .venv/bin/python benchmarks/booking_cpu.py                     # both paths, 5 batches of 40 bookings each
    .venv/bin/python benchmarks/booking_cpu.py --path api --profile   # and a cProfile of one batch

The HTTP benchmark's ratio moves with the CPU a booking costs the server process: on 2 cores shared with PostgreSQL
and the client, that is what is left to cut. This books through Django's test client with the benchmark settings
(production settings, Redis from BENCH_REDIS_URL when set, the booking rate limits lifted) on a scratch database, the
same requests `booking_http.py` sends: the pages (the data step's POST, then the final POST, CSRF enforced, a browser
that has booked before) and the API (`POST /api/v1/appointments/`, JSON). It prints, per path, the CPU per
booking (time.process_time, the client's share included: the best and the median batch) and the SQL statements per
booking. Nothing is sent anywhere; the Celery queue it fills is deleted afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import DEFAULT_SERVER_URL, scratch_database, temporary_directory  # noqa: E402
from benchmarks.booking_http import api_booking, details_form, django_start, review_form, setup_data  # noqa: E402

DATABASE = "mac_bench_booking_cpu"


class Booker:
    """Books one appointment per call through the test client, on the next free place of the slot pool."""

    def __init__(self, path: str, data: dict) -> None:
        import re

        from django.test import Client

        self.path = path
        self.data = data
        self.client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
        self.places = iter([slot for slot, free in data["pool"] for _place in range(free)])
        offsets = {"wizard": 0, "wizard-js": 10_000_000, "api": 40_000_000, "full": 20_000_000, "api-full": 60_000_000}
        self.document = data["documents"] + offsets[path]
        self.csrf = ""
        if path in ("full", "api-full"):  # one slot of the pool, booked up first: every attempt finds it full
            self.full_slot, free = data["pool"][0]
            for _place in range(free):
                self.document += 1
                body = api_booking(data, self.full_slot, f"{self.document:08d}")
                response = self.client.post("/api/v1/appointments/", body, content_type="application/json")
                assert response.status_code == 201, response.content
        if path in ("wizard", "wizard-js", "full"):
            body = self.client.get("/citas/gestionar/").content.decode()
            self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]

    def form_post(self, path: str, form: dict[str, str]):
        """A form POST as browsers (and booking_http.py) send it: urlencoded, not the test client's multipart."""
        from urllib.parse import urlencode

        return self.client.post(path, urlencode(form), content_type="application/x-www-form-urlencoded")

    def __call__(self) -> None:
        self.document += 1
        document = f"{self.document:08d}"
        if self.path == "full":  # the data step's POST for a taken time: the day's times again, with the reason
            response = self.form_post(
                "/citas/nueva/datos/", details_form(self.data, self.full_slot, document, self.csrf)
            )
            assert response.status_code == 409, response.content[:2000]
            return
        if self.path == "api-full":  # an API booking of a full slot: 409 slot_full
            response = self.client.post(
                "/api/v1/appointments/",
                api_booking(self.data, self.full_slot, document),
                content_type="application/json",
            )
            assert response.status_code == 409, response.content
            return
        slot = next(self.places)
        if self.path == "api":
            response = self.client.post(
                "/api/v1/appointments/", api_booking(self.data, slot, document), content_type="application/json"
            )
            assert response.status_code == 201, response.content
            return
        form = details_form(self.data, slot, document, self.csrf)
        if self.path == "wizard-js":  # confirmed on the data page (booking.js): one request books
            response = self.form_post("/citas/nueva/datos/", form | {"elegido": f"{self.document:032x}"})
            assert response.status_code == 303 and "/citas/confirmacion/" in response["Location"], response.content
            return
        response = self.form_post("/citas/nueva/datos/", form)
        assert response.status_code == 303, response.content[:2000]
        token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        response = self.form_post("/citas/nueva/reservar/", review_form(self.data, slot, token, self.csrf))
        assert response.status_code == 303 and "/citas/confirmacion/" in response["Location"], response.content[:2000]


@contextlib.contextmanager
def kept_database(name: str) -> Iterator[str]:
    """Database `name` on the server, created if missing and kept afterwards (`--keep`: runs without a migration)."""
    import psycopg2

    server_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_SERVER_URL
    connection = psycopg2.connect(server_url, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    yield urlunsplit(urlsplit(server_url)._replace(path="/" + name))


def existing_data() -> dict | None:
    """setup_data()'s answer for a kept database that has it already."""
    import datetime as dt

    from django.utils import timezone

    from appointments.constants import CONSENT_VERSION
    from appointments.models import Slot
    from centers.models import Center
    from procedures.models import Procedure

    procedure = Procedure.objects.filter(slug="duplicado-dni").first()
    if procedure is None:
        return None
    slots = dict(
        Slot.objects.filter(starts_at__gt=timezone.now() + dt.timedelta(hours=3))
        .order_by("starts_at")
        .values_list("pk", "starts_at")
    )
    return {
        "consent_version": CONSENT_VERSION,
        "procedure": procedure.slug,
        "center": Center.objects.get().slug,
        "pool": list(slots),
        "days": {pk: timezone.localdate(starts_at).isoformat() for pk, starts_at in slots.items()},
    }


def free_places(pool: list[int]) -> list[tuple[int, int]]:
    from django.db.models import F

    from appointments.models import Slot

    free = dict(Slot.objects.filter(pk__in=pool).values_list("pk", F("capacity") - F("booked")))
    return [(pk, free[pk]) for pk in pool if free[pk] > 0]


def measure(
    path: str, data: dict, *, batches: int, size: int, profile: bool, top: int, show_queries: bool = False
) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    book = Booker(path, data)
    for _i in range(10):  # warm-up: imports, compiled statements, connections
        book()
    with CaptureQueriesContext(connection) as queries:
        for _i in range(5):
            book()
    statements = len(queries) / 5
    if show_queries:
        print(f"{path}: the statements of one booking")
        for query in queries.captured_queries[: round(statements)]:
            print(f"  {query['sql'][:200]}")
    cpu = []
    for _batch in range(batches):
        started = time.process_time()
        for _i in range(size):
            book()
        cpu.append((time.process_time() - started) * 1000 / size)
    result = {
        "path": path,
        "statements_per_booking": statements,
        "cpu_ms_best": round(min(cpu), 2),
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "batches": [round(value, 2) for value in cpu],
    }
    print(
        f"{path:6} {statements:5.1f} statements/booking   CPU per booking: best {result['cpu_ms_best']:.2f} ms, "
        f"median {result['cpu_ms_median']:.2f} ms  (batches of {size}: {result['batches']})",
        flush=True,
    )
    if profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for PostgreSQL and Redis
        profiler.enable()
        for _i in range(size):
            book()
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
            print(out.getvalue())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--path",
        choices=["both", "api", "wizard", "wizard-js", "full", "api-full"],
        default="both",
        help="both (default): the pages and the API; full: the data step's POST for a taken time (a 409 page); "
        "api-full: an API booking of a full slot (409)",
    )
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--size", type=int, default=40, help="bookings per batch (default 40)")
    parser.add_argument("--profile", action="store_true", help="also cProfile one batch per path")
    parser.add_argument("--queries", action="store_true", help="print the statements of one booking per path")
    parser.add_argument("--top", type=int, default=45, help="functions shown per profile ordering")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database for the next run (and reuse it if it is there)"
    )
    args = parser.parse_args(argv)

    database = kept_database(args.database) if args.keep else scratch_database(args.database)
    with database as database_url, temporary_directory("mac-bench-static-") as static_root:
        django_start(database_url=database_url, static_root=static_root)
        from django.db import connections

        data = existing_data() if args.keep else None
        data = data or setup_data()
        # Free places of the pool, as (slot, free) pairs; the halves: one per path.
        data["pool"] = free_places(data["pool"])
        data["documents"] = 10_000_000 + int(time.time()) % 8000 * 1000
        half = len(data["pool"]) // 2
        paths = ["wizard", "api"] if args.path == "both" else [args.path]
        try:
            for index, path in enumerate(paths):
                pool = data["pool"][:half] if index == 0 else data["pool"][half:]
                measure(
                    path,
                    data | {"pool": pool},
                    batches=args.batches,
                    size=args.size,
                    profile=args.profile,
                    top=args.top,
                    show_queries=args.queries,
                )
            from benchmarks.booking import overbookings

            print("over-bookings:", overbookings())
        finally:
            connections.close_all()
            if redis_url := os.environ.get("BENCH_REDIS_URL"):  # the broker queue of tasks no worker ran
                import redis

                redis.Redis.from_url(redis_url).delete("celery")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
