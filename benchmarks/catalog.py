"""Catalog search under gunicorn: /tramites/?q=antecedentes against a trivial Django view, same server settings.

Creates a scratch PostgreSQL database (mac_bench_catalog), migrates it, loads 1,000 synthetic procedures of 60
entities (Spanish-like text; a few dozen mention "antecedentes"), refreshes the search documents, collects the
static files, serves the production settings with gunicorn on 127.0.0.1, loads both URLs with a bounded client
(wrk when installed, else a Python keep-alive client), prints req/s and latency side by side with the ratio, then
stops gunicorn and drops the database.

    .venv/bin/python benchmarks/catalog.py                 # defaults: 10 s per URL, 4 connections
    .venv/bin/python benchmarks/catalog.py --client python --requests 3000
    .venv/bin/python benchmarks/catalog.py --explain       # queries and time of one search request, in-process
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (  # noqa: E402
    RESULTS_DIR,
    django_env,
    fetch,
    gunicorn,
    load,
    load_python,
    report_table,
    save_results,
    scratch_database,
    temporary_directory,
)

DATABASE = "mac_bench_catalog"
SEARCH_PATH = "/tramites/?q=antecedentes"
TRIVIAL_PATH = "/bench/trivial/"
SEED = 2026

# ---------------------------------------------------------------------------------------------------- synthetic data
REAL_ENTITIES = [
    ("Banco de la Nación", "BN", "Economía y Finanzas"),
    ("Ministerio del Interior", "MININTER", "Interior"),
    ("Registro Nacional de Identificación y Estado Civil", "RENIEC", "Organismos autónomos"),
    ("Poder Judicial", "PJ", "Justicia"),
    ("Superintendencia Nacional de los Registros Públicos", "SUNARP", "Justicia y Derechos Humanos"),
    ("Superintendencia Nacional de Aduanas y de Administración Tributaria", "SUNAT", "Economía y Finanzas"),
    ("Superintendencia Nacional de Migraciones", "MIGRACIONES", "Interior"),
    ("Seguro Social de Salud", "ESSALUD", "Trabajo y Promoción del Empleo"),
    ("Oficina de Normalización Previsional", "ONP", "Economía y Finanzas"),
    ("Ministerio de Trabajo y Promoción del Empleo", "MTPE", "Trabajo y Promoción del Empleo"),
    ("Servicio de Administración Tributaria de Lima", "SAT", "Gobiernos locales"),
    (
        "Instituto Nacional de Defensa de la Competencia y de la Protección de la Propiedad Intelectual",
        "INDECOPI",
        "PCM",
    ),  # noqa: E501
]
REGIONS = [
    "Amazonas", "Áncash", "Apurímac", "Arequipa", "Ayacucho", "Cajamarca", "Cusco", "Huancavelica", "Huánuco", "Ica",
    "Junín", "La Libertad", "Lambayeque", "Loreto", "Madre de Dios", "Moquegua", "Pasco", "Piura", "Puno",
    "San Martín", "Tacna", "Tumbes", "Ucayali", "Callao",
]  # fmt: skip
ENTITY_PATTERNS = [
    ("Gobierno Regional de {r}", "GR{a}", "Gobiernos regionales", "regional"),
    ("Municipalidad Provincial de {r}", "MP{a}", "Gobiernos locales", "local"),
]
DOCUMENTS = [
    "licencia de conducir", "partida de nacimiento", "partida de matrimonio", "constancia de no adeudo",
    "carné de extranjería", "pasaporte electrónico", "certificado de discapacidad", "licencia de funcionamiento",
    "constancia de inscripción", "copia literal de partida", "vigencia de poder", "certificado de búsqueda catastral",
    "constancia de pago de aportes", "resolución de pensión", "certificado de trabajo", "registro de marca",
    "permiso temporal de permanencia", "carné de sanidad", "certificado de defensa civil", "duplicado de recibo",
]  # fmt: skip
ACTIONS = ["Solicitud de", "Duplicado de", "Renovación de", "Rectificación de", "Inscripción de", "Constancia de",
           "Actualización de", "Consulta de", "Emisión de", "Anulación de"]  # fmt: skip
REQUIREMENTS = [
    "Documento Nacional de Identidad (DNI) vigente", "Comprobante de pago de la tasa correspondiente",
    "Formulario de solicitud debidamente llenado y firmado", "Copia simple de la partida de nacimiento",
    "Declaración jurada de domicilio", "Fotografía a color tamaño pasaporte con fondo blanco",
    "Poder notarial, si el trámite lo realiza un representante", "Recibo de un servicio público del domicilio",
    "Copia del documento que se desea rectificar", "Constancia de inscripción vigente en el registro",
    "Certificado médico emitido por un establecimiento autorizado", "Número de partida registral",
]  # fmt: skip
ANTECEDENTES = [
    ("Certificado de antecedentes policiales", "Acredita si la persona registra antecedentes policiales."),
    ("Certificado de antecedentes penales", "Acredita si la persona registra condenas en el registro nacional."),
    ("Certificado de antecedentes judiciales", "Acredita si la persona registra antecedentes judiciales."),
    ("Constancia de no registrar antecedentes", "Constancia para postular a un empleo público."),
]
SUMMARY_OPENINGS = ["Permite a la ciudadanía", "Trámite para", "Servicio que permite", "Procedimiento para"]
SUMMARY_ENDINGS = [
    "en cualquier Centro MAC del país.",
    "sin necesidad de acudir a la sede central de la entidad.",
    "presentando los requisitos en la ventanilla de la entidad.",
    "con atención preferente para adultos mayores y personas con discapacidad.",
]
CENTERS = [
    ("MAC-LIMA-NORTE", "Centro MAC Lima Norte", "presencial", "Lima"),
    ("MAC-CALLAO", "Centro MAC Callao", "presencial", "Callao"),
    ("MAC-VENTANILLA", "Centro MAC Ventanilla", "presencial", "Callao"),
    ("MAC-PIURA", "Centro MAC Piura", "presencial", "Piura"),
    ("MAC-LIMA-ESTE", "Centro MAC Lima Este", "presencial", "Lima"),
    ("MAC-TELEFONICO", "Plataforma telefónica MAC", "telefonico", "Lima"),
    ("MAC-VIRTUAL", "Plataforma virtual MAC", "virtual", "Lima"),
]


def catalog_generate(*, entities: int = 60, procedures: int = 1000, seed: int = SEED) -> dict[str, int]:
    """Bulk-load a synthetic catalog; returns counts. Deterministic for a given seed."""
    from django.utils.text import slugify

    from centers.models import Center, Offering, OpeningHours
    from procedures.models import Entity, Procedure, Requirement
    from procedures.services import procedure_refresh_search_documents

    rng = random.Random(seed)
    entity_rows = [
        Entity(name=name, acronym=acronym, slug=slugify(acronym), sector=sector, level="national")
        for name, acronym, sector in REAL_ENTITIES
    ]
    for region in REGIONS:
        for pattern, acronym, sector, level in ENTITY_PATTERNS:
            if len(entity_rows) == entities:
                break
            name = pattern.format(r=region)
            code = acronym.format(a=slugify(region).replace("-", "")[:6].upper())
            entity_rows.append(Entity(name=name, acronym=code, slug=slugify(code), sector=sector, level=level))
    entity_rows = Entity.objects.bulk_create(entity_rows[:entities])

    procedure_rows: list[Procedure] = []
    antecedentes_every = procedures // 24  # about 24 named "antecedentes", plus some requirements that mention them
    for number in range(procedures):
        entity = entity_rows[number % len(entity_rows)]
        if number % antecedentes_every == 0:
            base, summary = ANTECEDENTES[(number // antecedentes_every) % len(ANTECEDENTES)]
            name = f"{base} ({entity.acronym})"
        else:
            name = f"{rng.choice(ACTIONS)} {rng.choice(DOCUMENTS)}"
            summary = f"{rng.choice(SUMMARY_OPENINGS)} {name.lower()} {rng.choice(SUMMARY_ENDINGS)}"
        code = f"{entity.acronym}-{number:04d}"
        procedure_rows.append(
            Procedure(
                entity=entity,
                code=code,
                name=name,
                slug=slugify(f"{name} {code}")[:120],
                summary=summary,
                keywords=rng.choice(["", "duplicado, copia", "certificado, constancia", "record, historial"]),
                fee=rng.choice([Decimal("0.00"), Decimal("5.40"), Decimal("24.00"), Decimal("41.00")]),
                payment_instructions="Pague la tasa en el Banco de la Nación o en línea en Págalo.pe.",
                legal_basis="Texto Único de Procedimientos Administrativos (TUPA) de la entidad.",
                counter_minutes=rng.choice([10, 15, 20, 30]),
                resolution_days=rng.choice([0, 0, 3, 7, 15]),
                via_in_person=True,
                via_phone=rng.random() < 0.2,
                via_virtual=rng.random() < 0.4,
                appointment_policy=rng.choice(["required", "optional", "walk_in"]),
                intent=rng.choice(["tramite"] * 8 + ["orientacion", "empresa"]),
                demand_rank=number + 1 if number < 10 else None,
            )
        )
    procedure_rows = Procedure.objects.bulk_create(procedure_rows, batch_size=500)

    requirement_rows = []
    for procedure in procedure_rows:
        texts = rng.sample(REQUIREMENTS, rng.randint(2, 6))
        if rng.random() < 0.03:
            texts.append("Certificado de antecedentes penales vigente, cuando lo exija la entidad")
        requirement_rows += [
            Requirement(procedure=procedure, position=position, text=text)
            for position, text in enumerate(texts, start=1)
        ]
    Requirement.objects.bulk_create(requirement_rows, batch_size=2000)

    centers = Center.objects.bulk_create(
        Center(
            code=code,
            name=name,
            slug=slugify(name),
            channel=channel,
            region=region,
            province=region,
            address="Av. Principal 100" if channel == "presencial" else "",
            opened_on=dt.date(2010, 11, 15),
            always_open=channel == "virtual",
        )
        for code, name, channel, region in CENTERS
    )
    week = [(day, dt.time(8, 30), dt.time(20, 30)) for day in range(5)] + [(5, dt.time(8, 30), dt.time(13, 30))]
    OpeningHours.objects.bulk_create(
        OpeningHours(center=center, weekday=day, opens=opens, closes=closes)
        for center in centers
        if not center.always_open
        for day, opens, closes in week
    )
    offerings = [
        Offering(center=center, procedure=procedure)
        for procedure in procedure_rows
        for center in rng.sample(centers, rng.randint(1, 4))
    ]
    Offering.objects.bulk_create(offerings, batch_size=2000)

    procedure_refresh_search_documents()
    return {
        "entities": len(entity_rows),
        "procedures": len(procedure_rows),
        "requirements": len(requirement_rows),
        "centers": len(centers),
        "offerings": len(offerings),
    }


# ------------------------------------------------------------------------------------------------------------ run
def django_start(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def explain_search() -> None:
    """One search request in-process: its queries and where the time goes (pyinstrument, when installed)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(SEARCH_PATH)  # warm caches, templates and the connection
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(SEARCH_PATH)
        elapsed = time.perf_counter() - started
    print(f"\nIn-process GET {SEARCH_PATH}: {response.status_code}, {elapsed * 1000:.1f} ms, {len(queries)} queries")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("(install pyinstrument for a call-tree profile: .venv/bin/pip install pyinstrument)")
        return
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(20):
            client.get(SEARCH_PATH)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


TARGET_RATIO = 0.5  # issue 12: the search page serves at least half the trivial view's requests/s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--seconds", type=int, default=10, help="time per URL (both clients stop at this)")
    parser.add_argument("--requests", type=int, default=5000, help="request cap per URL (python client)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--explain", action="store_true", help="also print one search request's queries and profile")
    parser.add_argument("--database", default=DATABASE, help=f"scratch database name (default {DATABASE})")
    args = parser.parse_args()

    print(f"Creating scratch database {args.database} ...", flush=True)
    with scratch_database(args.database) as database_url, temporary_directory("mac-bench-static-") as static_root:
        env = django_env(database_url=database_url, static_root=static_root)
        django_start(env)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        started = time.perf_counter()
        counts = catalog_generate()
        print(f"Loaded {counts} in {time.perf_counter() - started:.1f} s", flush=True)
        if args.explain:
            explain_search()
        connections.close_all()

        log_path = RESULTS_DIR / "catalog-gunicorn.log"
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        with gunicorn(env=env, workers=args.workers, log_path=log_path) as base:
            status, body = fetch(base + SEARCH_PATH)
            if status != 200 or "antecedentes" not in body.decode("utf-8", "replace").lower():
                print(f"ERROR: {SEARCH_PATH} answered {status} without results: see {log_path}", file=sys.stderr)
                return 1
            status, _ = fetch(base + TRIVIAL_PATH)
            if status != 200:
                print(f"ERROR: {TRIVIAL_PATH} answered {status}: see {log_path}", file=sys.stderr)
                return 1
            for path in (TRIVIAL_PATH, SEARCH_PATH):  # warm-up: imports, templates, persistent connections
                load_python(base + path, connections=args.connections, requests=200, seconds=10)
            rows = []
            for label, path in (("trivial view " + TRIVIAL_PATH, TRIVIAL_PATH), (SEARCH_PATH, SEARCH_PATH)):
                print(f"Loading {path} ...", flush=True)
                result = load(
                    base + path,
                    client=args.client,
                    connections=args.connections,
                    seconds=args.seconds,
                    requests=args.requests,
                )
                rows.append((label, result))
        print("Stopped gunicorn; dropping the scratch database.", flush=True)
        connections.close_all()

    trivial, search = rows[0][1], rows[1][1]
    throughput_ratio = search.requests_per_second / trivial.requests_per_second
    p95_ratio = search.p95_ms / trivial.p95_ms if trivial.p95_ms else float("inf")
    print()
    print(f"gunicorn {args.workers} sync workers, production settings (DEBUG off), {counts['procedures']} procedures")
    print(f"of {counts['entities']} entities; client: {trivial.client}")
    print(report_table(rows))
    print(
        f"ratio search/trivial: throughput {throughput_ratio:.2%} of the trivial view's "
        f"({1 / throughput_ratio:.0f} times fewer req/s); p95 latency {p95_ratio:.0f} times the trivial view's"
    )
    verdict = "met" if throughput_ratio >= TARGET_RATIO else "NOT met"
    print(f"ratio search/trivial = {throughput_ratio:.3f}x   target >= {TARGET_RATIO}x   ({verdict})")
    path = save_results(
        "catalog",
        {
            "counts": counts,
            "workers": args.workers,
            "trivial": trivial.as_dict(),
            "search": search.as_dict(),
            "throughput_ratio": throughput_ratio,
            "p95_ratio": p95_ratio,
        },
    )
    print(f"Saved {path.relative_to(RESULTS_DIR.parent.parent)}")
    return 0 if not (trivial.errors or search.errors) else 1


if __name__ == "__main__":
    sys.exit(main())
