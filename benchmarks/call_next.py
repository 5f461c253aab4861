"""Call-next under contention: 20 counters calling the next citizen at once on a queue of 2,000 waiting tickets,
through attention.services.ticket_call_next, side by side with a bare `SELECT … FOR UPDATE SKIP LOCKED` + `UPDATE`
transaction on a plain table of 2,000 rows, in the same run on the same PostgreSQL.

    .venv/bin/python benchmarks/call_next.py              # 20 counters (processes), 2,000 tickets
    .venv/bin/python benchmarks/call_next.py --help

Creates the scratch database mac_bench_queue (migrated), a center with one procedure, 20 counters serving it,
20 agents with their counters open and 2,000 waiting tickets (a tenth preferential, a tenth with an appointment
due, arrivals spread over two hours). Each counter is one process with its own connection (as a server worker):
it calls next, then finishes the attention (a separate transaction, not timed: a counter cannot call again
while serving), until the queue is empty. The bare run does the same number of calls on `bench_queue` with
psycopg2: one transaction `SELECT id … ORDER BY arrived_at, id LIMIT 1 FOR UPDATE SKIP LOCKED; UPDATE …` (timed),
then, driven the same way as the service, a second one that finishes the row (`UPDATE … SET status = 'finished'`,
not timed).
Five earlier days of served tickets come first (`--history-days`), and each side starts after a VACUUM ANALYZE.
Both sides run `--rounds` times (3) on the same floor, the queue filled again between rounds: one run's ratio
swings with the machine (the bare side's p95 alone varies twofold), so the verdict is the median round's.
Reports per round calls/s (wall clock, whole run), p50/p95/p99 of one call, duplicates (a ticket called twice: must
be 0), tickets left waiting (must be 0) and the p95 ratio; then the median ratio (target ≤ 5×); then drops the
database.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path, where this module would shadow the standard
# library's `queue` (which multiprocessing and asgiref import): take it off before importing them.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from benchmarks._common import load_average, process_cpu_ms, save_results, scratch_database, settle  # noqa: E402

DATABASE = "mac_bench_queue"
TARGET_P95_RATIO = 5


def django_environment(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mac_portal.settings.base",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        # A finish's follow-up (the survey invitation, after commit) is enqueued to Celery's in-memory broker, as
        # booking.py does and as production enqueues it for a worker; run eagerly, it would add a worker's job to
        # every counter process.
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    return env


def waiting_tickets_create(*, tickets: int):
    """Today's queue at the bench center: `tickets` waiting tickets that arrived over the last two hours (a tenth
    preferential, a tenth with an appointment due). Returns the first arrival and the step between arrivals."""
    import datetime as dt

    from django.utils import timezone

    from attention.constants import PriorityNeed, TicketStatus
    from attention.models import Queue, Ticket

    queue = Queue.objects.select_related("center").get(center__slug="mac-bench")
    procedure = queue.center.offerings.get().procedure
    now = timezone.now()
    today = timezone.localdate(now)
    start = max(now - dt.timedelta(hours=2), now.replace(hour=0, minute=1) if now.hour else now)
    step = (now - start) / tickets
    Ticket.objects.bulk_create(
        Ticket(
            center=queue.center,
            service_day=today,
            prefix=queue.prefix,
            number=n + 1,
            queue=queue,
            procedure=procedure,
            preferential_reason=PriorityNeed.OLDER_ADULT if n % 10 == 3 else PriorityNeed.NONE,
            due_at=start + step * n if n % 10 == 7 else None,
            status=TicketStatus.WAITING,
            arrived_at=start + step * n,
            queued_at=start + step * n,
        )
        for n in range(tickets)
    )
    return start, step


def floor_reset(*, tickets: int) -> None:
    """Another round on the same floor: today's tickets and their attentions removed and the queue filled again; the
    bare table refilled."""
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM attention_attention WHERE service_day = %s", [today])
        cursor.execute("DELETE FROM attention_ticket WHERE service_day = %s", [today])
    waiting_tickets_create(tickets=tickets)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_queue")
        cursor.execute(BARE_FILL, [tickets])


BARE_FILL = (
    "INSERT INTO bench_queue (status, arrived_at) "
    "SELECT 'waiting', now() - interval '2 hours' + g * interval '3 seconds' FROM generate_series(1, %s) g"
)


def setup_data(*, counters: int, tickets: int, history_days: int = 0) -> list[int]:
    """The floor (and `history_days` earlier days as many tickets, served): returns the open counter sessions' ids."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from attention.constants import Outcome, TicketStatus
    from attention.models import Attention, Ticket
    from attention.services import counter_open, queue_for_procedure
    from centers.constants import StaffRole
    from centers.models import Center, Counter, Offering
    from centers.services import staff_membership_grant
    from procedures.models import Entity, Procedure

    entity = Entity.objects.create(name="RENIEC", acronym="RENIEC", slug="reniec")
    procedure = Procedure.objects.create(
        entity=entity, code="RENIEC-001", name="Duplicado de DNI", slug="duplicado-de-dni", summary="Duplicado."
    )
    center = Center.objects.create(code="MAC-BENCH", name="Centro MAC de prueba", slug="mac-bench")
    Offering.objects.create(center=center, procedure=procedure)
    queue = queue_for_procedure(center=center, procedure=procedure)
    now = timezone.now()
    today = timezone.localdate(now)
    start, step = waiting_tickets_create(tickets=tickets)
    sessions = []
    desks = []
    for n in range(counters):
        counter = Counter.objects.create(center=center, label=f"V-{n + 1:02d}", entity=entity)
        counter.procedures.add(procedure)
        agent = get_user_model().objects.create_user(username=f"asesor{n}")
        staff_membership_grant(user=agent, role=StaffRole.COUNTER_AGENT, center=center)
        sessions.append(counter_open(counter=counter, agent=agent).pk)
        desks.append((counter, agent))
    # Earlier working days, served: a center's tables are not empty on the morning measured (their size shapes the
    # plans PostgreSQL picks, e.g. an index rather than a scan to find a ticket's open attention).
    for back in range(1, history_days + 1):
        shift = dt.timedelta(days=back)
        served = Ticket.objects.bulk_create(
            Ticket(
                center=center,
                service_day=today - shift,
                prefix=queue.prefix,
                number=n + 1,
                queue=queue,
                procedure=procedure,
                status=TicketStatus.FINISHED,
                arrived_at=start - shift + step * n,
                queued_at=start - shift + step * n,
                counter=desks[n % counters][0],
                called_at=start - shift + step * n,
            )
            for n in range(tickets)
        )
        Attention.objects.bulk_create(
            Attention(
                center=center,
                service_day=ticket.service_day,
                procedure=procedure,
                counter=ticket.counter,
                agent=desks[n % counters][1],
                ticket=ticket,
                issued_at=ticket.arrived_at,
                called_at=ticket.called_at,
                started_at=ticket.called_at,
                finished_at=ticket.called_at + dt.timedelta(minutes=5),
                outcome=Outcome.RESOLVED,
            )
            for n, ticket in enumerate(served)
        )
    return sessions


def _cpu_spent(before: tuple[float, float | None], backend: int) -> tuple[float, float | None]:
    """(this process's CPU ms, its PostgreSQL backend's CPU ms, None when not readable) since `before`."""
    after = process_cpu_ms(backend)
    server = after - before[1] if after is not None and before[1] is not None else None
    return (time.process_time() - before[0]) * 1000, server


def service_counter(session_id: int, barrier, results) -> None:
    from django.db import connection

    from attention.models import CounterSession
    from attention.services import attention_finish, ticket_call_next

    session = CounterSession.objects.select_related("counter").get(pk=session_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    barrier.wait()
    cpu_before = (time.process_time(), process_cpu_ms(backend))
    called: list[int] = []
    latencies: list[float] = []
    while True:
        started = time.perf_counter()
        ticket = ticket_call_next(session=session)
        latencies.append(time.perf_counter() - started)
        if ticket is None:
            break
        called.append(ticket.pk)
        attention_finish(ticket=ticket, session=session, outcome="resolved")
    cpu = _cpu_spent(cpu_before, backend)
    connection.close()
    results.put((called, latencies[:-1] or latencies, cpu))


def bare_counter(index: int, database_url: str, barrier, results) -> None:
    import psycopg2

    connection = psycopg2.connect(database_url)
    called: list[int] = []
    latencies: list[float] = []
    backend = connection.get_backend_pid()
    barrier.wait()
    cpu_before = (time.process_time(), process_cpu_ms(backend))
    while True:
        started = time.perf_counter()
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM bench_queue WHERE status = 'waiting' ORDER BY arrived_at, id "
                "LIMIT 1 FOR UPDATE SKIP LOCKED"
            )
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(
                    "UPDATE bench_queue SET status = 'called', called_by = %s WHERE id = %s", [index, row[0]]
                )
        latencies.append(time.perf_counter() - started)
        if row is None:
            break
        called.append(row[0])
        # Driven as the service is: the counter then finishes the citizen (a second transaction, not timed).
        with connection, connection.cursor() as cursor:
            cursor.execute("UPDATE bench_queue SET status = 'finished' WHERE id = %s", [row[0]])
    cpu = _cpu_spent(cpu_before, backend)
    connection.close()
    results.put((called, latencies[:-1] or latencies, cpu))


def run(target, args_per_worker: list[tuple]) -> dict:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(args_per_worker) + 1)
    results = context.Queue()
    workers = [context.Process(target=target, args=(*args, barrier, results)) for args in args_per_worker]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    collected = [results.get(timeout=600) for _worker in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join(timeout=60)
    called = [pk for ids, _latencies, _cpu in collected for pk in ids]
    latencies = sorted(latency for _ids, values, _cpu in collected for latency in values)
    client_cpu = sum(cpu[0] for _ids, _values, cpu in collected)
    server_cpu = [cpu[1] for _ids, _values, cpu in collected]
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "calls": len(called),
        "seconds": round(elapsed, 2),
        "calls_per_second": round(len(called) / elapsed, 1),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p95_ms": round(quantiles[94] * 1000, 2),
        "p99_ms": round(quantiles[98] * 1000, 2),
        "duplicates": sum(times - 1 for times in Counter(called).values() if times > 1),
        # Per call, the finish included: less sensitive to the machine's load than the latencies.
        "client_cpu_ms_per_call": round(client_cpu / max(len(called), 1), 2),
        "server_cpu_ms_per_call": (round(sum(server_cpu) / max(len(called), 1), 2) if None not in server_cpu else None),
    }


def _print_round(label: str, service: dict, bare: dict, ratio: float | None, counters: int, tickets: int) -> None:
    print(f"{label}: {counters} counters, {tickets} waiting tickets (processes, one connection each)")
    print(f"{'':28}{'calls':>7}{'calls/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'dupl.':>7}{'left':>6}")
    for name, result in [("ticket_call_next (service)", service), ("bare SKIP LOCKED + UPDATE", bare)]:
        print(
            f"{name:28}{result['calls']:>7}{result['calls_per_second']:>10}{result['p50_ms']:>9}"
            f"{result['p95_ms']:>9}{result['p99_ms']:>9}{result['duplicates']:>7}{result['left_waiting']:>6}"
        )
    print(
        "CPU per call (with its finish), client / PostgreSQL backend ms: "
        + ";  ".join(
            f"{name} {result['client_cpu_ms_per_call']} / {result['server_cpu_ms_per_call']}"
            for name, result in [("service", service), ("bare", bare)]
        )
    )
    print(f"p95 ratio service / bare: {ratio}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--history-days", type=int, default=5, help="earlier days of as many served tickets (5)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="service then bare, this many times on the same floor (3): the median"
    )
    options = parser.parse_args()

    rounds = []
    with scratch_database(DATABASE) as database_url:
        env = django_environment(database_url)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from attention.models import Ticket

        sessions = setup_data(counters=options.counters, tickets=options.tickets, history_days=options.history_days)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_queue (id bigserial PRIMARY KEY, status text NOT NULL, called_by int, "
                "arrived_at timestamptz NOT NULL)"
            )
            cursor.execute(BARE_FILL, [options.tickets])
            cursor.execute("CREATE INDEX bench_queue_waiting ON bench_queue (arrived_at, id) WHERE status = 'waiting'")

        load_before = load_average()
        for number in range(options.rounds):
            if number:
                floor_reset(tickets=options.tickets)
            settle(database_url)
            connection.close()  # the children open their own
            service = run(service_counter, [(session,) for session in sessions])
            service["left_waiting"] = Ticket.objects.filter(status="waiting").count()
            settle(database_url)
            connection.close()
            bare = run(bare_counter, [(n, database_url) for n in range(options.counters)])
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM bench_queue WHERE status = 'waiting'")
                bare["left_waiting"] = cursor.fetchone()[0]
            connection.close()
            ratio = round(service["p95_ms"] / bare["p95_ms"], 2) if bare["p95_ms"] else None
            _print_round(f"round {number + 1}", service, bare, ratio, options.counters, options.tickets)
            rounds.append({"service": service, "bare": bare, "p95_ratio": ratio})

    ratios = [entry["p95_ratio"] for entry in rounds if entry["p95_ratio"] is not None]
    median = round(statistics.median(ratios), 2) if ratios else None
    verdict = "met" if median is not None and median <= TARGET_P95_RATIO else "NOT met"
    print(
        f"\np95 ratio service / bare per round: {', '.join(f'{ratio}×' for ratio in ratios)};  median {median}×   "
        f"target ≤ {TARGET_P95_RATIO}×   ({verdict})"
    )
    load = {"before": load_before, "after": load_average()}
    print(f"load average (1, 5, 15 min) before: {load['before']}, after: {load['after']} on {os.cpu_count()} CPUs")
    path = save_results("queue", {"rounds": rounds, "p95_ratio_median": median, "load_average": load})
    print(f"saved {path.relative_to(ROOT)}")
    if any(
        entry[side]["duplicates"] or entry[side]["left_waiting"] for entry in rounds for side in ("service", "bare")
    ):
        sys.exit("a ticket was called twice or left waiting")


if __name__ == "__main__":
    main()
