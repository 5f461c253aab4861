"""Reports on the seed's 2016 volumes (3,132,583 in-person attentions): how long the indicators take, cold, and
the streaming CSV export of one center-year side by side with `psql \\copy` of the same query.

    .venv/bin/python benchmarks/reports.py                     # reuse mac_reports_bench if it holds 2016, else build it
    .venv/bin/python benchmarks/reports.py --rebuild           # migrate, load_demo, generate_attentions --year 2016
    .venv/bin/python benchmarks/reports.py --drop              # drop the database at the end (kept otherwise)

Building the data (migrate, load_demo, `generate_attentions --year 2016`, VACUUM ANALYZE) takes minutes; the
database is kept between runs unless --drop. Each measurement runs in its own process with its own new
connection ("cold": a new PostgreSQL backend with empty plan and catalog caches; PostgreSQL's shared buffers and
the OS page cache are not flushed, which would need restarting the server) and reports wall time; the export
reports time, rows and the process's peak RSS (`wait4`), and so does psql for the same rows (raw columns, no
pseudonym or formatting).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

from benchmarks._common import save_results  # noqa: E402

DATABASE = "mac_reports_bench"
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
QUERIES = {
    "centers table 2016": "centers",
    "monthly attentions per center 2016": "over-time",
    "wait percentiles per procedure 2016": "waits-procedure",
    "wait percentiles per center 2016": "waits-center",
}


def database_url() -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path="/" + DATABASE))


def env() -> dict[str, str]:
    values = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mac_portal.settings.base",
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    values.pop("REDIS_URL", None)
    return values


def psql(*args: str, db: str | None = None) -> str:
    url = database_url() if db is None else urlunsplit(urlsplit(SERVER)._replace(path="/" + db))
    return subprocess.run(["psql", url, "-Atq", *args], check=True, capture_output=True, text=True).stdout


def has_2016() -> bool:
    exists = psql("-c", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", db="postgres").strip()
    if not exists:
        return False
    count = psql("-c", "SELECT count(*) FROM attention_attention WHERE import_key LIKE 'gen:2016:%'").strip()
    return int(count or 0) == 3_132_583


def build() -> float:
    psql("-c", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', db="postgres")
    psql("-c", f'CREATE DATABASE "{DATABASE}"', db="postgres")
    started = time.monotonic()
    for command in (["migrate", "-v0"], ["load_demo"], ["generate_attentions", "--year", "2016"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env(), check=True, stdout=subprocess.DEVNULL)
    generated = time.monotonic() - started
    for table in ("attention_attention", "reports_dailycount", "reports_waitbucket"):
        psql("-c", f"VACUUM ANALYZE {table}")
    return generated


def run_child(*args: str) -> tuple[dict, int]:
    """Run this script in a child process; (its JSON answer, its peak RSS in KiB)."""
    process = subprocess.Popen([PYTHON, __file__, "--child", *args], cwd=ROOT, env=env(), stdout=subprocess.PIPE)
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"child {args} failed")
    return json.loads(output), usage.ru_maxrss


def child(args: list[str]) -> None:
    import django

    django.setup()
    import datetime as dt

    from centers.models import Center
    from reports.exports import attentions_csv, attentions_sql
    from reports.registry import TABLES
    from reports.selectors import ReportFilters

    year = ReportFilters(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31))
    mode = args[0]
    if mode == "table":
        started = time.perf_counter()
        rows = TABLES[args[1]].rows(year)
        print(
            json.dumps(
                {
                    "seconds": time.perf_counter() - started,
                    "rows": len(rows),
                    "table": [{k: str(v) for k, v in r.items()} for r in rows] if args[1] == "centers" else [],
                }
            )
        )
        return
    north = Center.objects.get(code="MAC-LIMA-NORTE")
    end = dt.date(2016, 1, 31) if mode == "export-month" else year.end
    filters = ReportFilters(start=year.start, end=end, center_ids=[north.pk])
    if mode == "sql":
        from django.db import connection

        sql, params = attentions_sql(filters)
        with connection.cursor() as cursor:
            print(json.dumps({"sql": cursor.mogrify(sql, params).decode()}))
        return
    started = time.perf_counter()
    rows = size = 0
    with open(os.devnull, "w") as sink:
        for chunk in attentions_csv(filters=filters):
            rows += chunk.count("\n")
            size += len(chunk)
            sink.write(chunk)
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows - 1, "bytes": size}))


def psql_copy(sql: str) -> tuple[float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(["psql", database_url(), "-Atq", "-c", f"\\copy ({sql}) TO '/dev/null' CSV HEADER"])
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit("psql failed")
    return time.perf_counter() - started, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="Regenerate the data even if present.")
    parser.add_argument("--drop", action="store_true", help="Drop the database at the end.")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child)
        return
    results: dict = {"database": DATABASE}
    if options.rebuild or not has_2016():
        results["generate_seconds"] = round(build(), 1)
        print(f"generated 2016 in {results['generate_seconds']} s")
    results["attentions"] = int(psql("-c", "SELECT count(*) FROM attention_attention").strip())
    for label, slug in QUERIES.items():
        answer, _rss = run_child("table", slug)
        results[label] = round(answer["seconds"], 3)
        print(f"{label}: {answer['seconds']:.3f} s ({answer['rows']} rows)")
        if slug == "centers":
            results["centers_table"] = answer["table"]
            for row in answer["table"]:
                print(
                    f"   {row['center']:<28} {int(row['attentions']):>10,} attentions "
                    f"{int(row['companies']):>6,} companies"
                )
    month, month_rss = run_child("export-month")
    results["export_one_month"] = {
        "seconds": round(month["seconds"], 2),
        "rows": month["rows"],
        "peak_rss_mib": round(month_rss / 1024, 1),
    }
    print(f"CSV export Lima Norte January 2016: {month['rows']:,} rows, peak RSS {month_rss / 1024:.0f} MiB")
    export, export_rss = run_child("export")
    sql = run_child("sql")[0]["sql"]
    copy_seconds, copy_rss = psql_copy(sql)
    results["export"] = {
        "seconds": round(export["seconds"], 2),
        "rows": export["rows"],
        "bytes": export["bytes"],
        "peak_rss_mib": round(export_rss / 1024, 1),
    }
    results["psql_copy"] = {"seconds": round(copy_seconds, 2), "peak_rss_mib": round(copy_rss / 1024, 1)}
    results["export_to_copy_ratio"] = round(export["seconds"] / copy_seconds, 2)
    print(
        f"CSV export Lima Norte 2016: {export['rows']:,} rows, {export['seconds']:.1f} s, "
        f"peak RSS {export_rss / 1024:.0f} MiB"
    )
    print(f"psql \\copy same query:     {copy_seconds:.1f} s, peak RSS {copy_rss / 1024:.0f} MiB")
    print(f"ratio export / copy: {results['export_to_copy_ratio']}x")
    print(f"saved to {save_results('reports', results)}")
    if options.drop:
        psql("-c", f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', db="postgres")


if __name__ == "__main__":
    main()
