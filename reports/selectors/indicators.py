"""The indicators: one SQL aggregate per table, over the Attention records (and the appointments).

Every selector takes the period (`start`, `end`: Lima calendar days, both included; an attention belongs to the
day its ticket was issued in Lima, its `service_day`), `center_ids` (None: every center) and the other filters it
honours, all keyword-only and optional, and returns a list of plain dicts. Waits run from issue to call, service
times from start (or call) to finish, in minutes (reports.measures); abandoned attentions have neither. "Within
the standard" compares them with the procedure's ANS (`sla_max_wait_minutes`, `sla_max_service_minutes`). They
read the reports database (`reports.db.reports_db`: the replica when there is one).
"""

import datetime as dt
from typing import Any

from django.db import connections, transaction

from attention.constants import Channel, CitizenIntent, Outcome

from ..db import reports_db
from ..measures import MEASURES_JOIN, SERVED
from .filters import month_last_day

__all__ = [
    "GRANULARITIES",
    "where_clause",
    "SEGMENT_FILTERS",
    "appointments_by_center",
    "attentions_by_channel",
    "attentions_by_entity",
    "attentions_by_procedure",
    "attentions_by_segment",
    "attentions_over_time",
    "centers_table",
    "companies_formed",
    "waits_by_center",
    "waits_by_procedure",
]

GRANULARITIES = ("day", "week", "month", "year")
SEGMENT_FILTERS = ("age_band", "gender", "language_id", "preferential_reason")


def where_clause(
    *,
    start: dt.date,
    end: dt.date,
    center_ids: list[int] | None = None,
    entity_id: int | None = None,
    procedure_id: int | None = None,
    channel: str | None = None,
    intent: str | None = None,
    age_band: str | None = None,
    gender: str | None = None,
    language_id: int | None = None,
    preferential_reason: str | None = None,
) -> tuple[str, list[Any]]:
    clauses = ["a.service_day >= %s", "a.service_day <= %s"]
    params: list[Any] = [start, end]
    optional = {
        "a.center_id = ANY(%s)": list(center_ids) if center_ids is not None else None,
        "p.entity_id = %s": entity_id,
        "a.procedure_id = %s": procedure_id,
        "a.channel = %s": channel,
        "a.intent = %s": intent,
        "a.age_band = %s": age_band,
        "a.gender = %s": gender,
        "a.preferential_reason = %s": preferential_reason,
    }
    for clause, value in optional.items():
        if value is not None and value != "":
            clauses.append(clause)
            params.append(value)
    if language_id is not None:
        if language_id == 0:  # Spanish: no language need recorded
            clauses.append("a.language_id IS NULL")
        else:
            clauses.append("a.language_id = %s")
            params.append(language_id)
    return " AND ".join(clauses), params


def _source(filters: dict[str, Any]) -> tuple[str, str, str]:
    """(FROM clause, count, companies) over the daily summary when no segment filter is set (it has no segment
    columns), else over the attentions themselves. Both expose service_day, center_id, procedure_id, channel and
    intent as `a`; joins give `p` (procedure), `e` (entity), `c` (center)."""
    joins = (
        "JOIN procedures_procedure p ON p.id = a.procedure_id JOIN procedures_entity e ON e.id = p.entity_id "
        "JOIN centers_center c ON c.id = a.center_id"
    )
    if any(filters.get(name) not in (None, "") for name in SEGMENT_FILTERS):
        company, resolved = CitizenIntent.COMPANY.value, Outcome.RESOLVED.value
        companies = f"COUNT(*) FILTER (WHERE a.intent = '{company}' AND a.outcome = '{resolved}')"
        return f"FROM attention_attention a {joins}", "COUNT(*)", companies
    return f"FROM reports_dailycount a {joins}", "SUM(a.attentions)", "SUM(a.companies)"


def _fetch(sql: str, params: list[Any], *, work_mem: str = "") -> list[dict]:
    alias = reports_db()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        if work_mem:  # this statement's sorts (percentiles) in memory; SET LOCAL ends with the transaction
            cursor.execute("SET LOCAL work_mem = %s", [work_mem])
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_FROM = (
    "FROM attention_attention a JOIN procedures_procedure p ON p.id = a.procedure_id "
    "JOIN procedures_entity e ON e.id = p.entity_id JOIN centers_center c ON c.id = a.center_id"
)


def centers_table(*, start: dt.date, end: dt.date, center_ids: list[int] | None = None) -> list[dict]:
    """The seed's table for any period: per in-person center, the entities and services (procedures) attended,
    the in-person attentions and the companies formed (company-formation intent, resolved)."""
    where, params = where_clause(start=start, end=end, center_ids=center_ids, channel=Channel.IN_PERSON)
    centers_where = "WHERE c.channel = %s" + (" AND c.id = ANY(%s)" if center_ids is not None else "")
    centers_params: list[Any] = [Channel.IN_PERSON.value] + ([list(center_ids)] if center_ids is not None else [])
    return _fetch(
        f"""
        SELECT c.name AS center, COALESCE(t.entities, 0) AS entities, COALESCE(t.services, 0) AS services,
               COALESCE(t.attentions, 0) AS attentions, COALESCE(t.companies, 0) AS companies
        FROM centers_center c LEFT JOIN (
            SELECT a.center_id, COUNT(DISTINCT p.entity_id) AS entities, COUNT(DISTINCT a.procedure_id) AS services,
                   SUM(a.attentions) AS attentions, SUM(a.companies) AS companies
            FROM reports_dailycount a JOIN procedures_procedure p ON p.id = a.procedure_id
            WHERE {where} GROUP BY a.center_id
        ) t ON t.center_id = c.id
        {centers_where}
        ORDER BY c.name
        """,
        [*params, *centers_params],
    )


def _per_period(*, granularity: str, value: str, label: str, filters: dict[str, Any]) -> list[dict]:
    """`value` ("count" or "companies") per period (day, week from Monday, month, year) and center."""
    if granularity not in GRANULARITIES:
        granularity = "month"
    where, params = where_clause(**filters)
    source, count, companies = _source(filters)
    expression = count if value == "count" else companies
    return _fetch(
        f"""
        SELECT date_trunc(%s, a.service_day)::date AS period, c.name AS center, {expression} AS {label}
        {source} WHERE {where} GROUP BY 1, 2 HAVING {expression} > 0 ORDER BY 1, 2
        """,
        [granularity, *params],
    )


def attentions_over_time(*, granularity: str = "month", **filters: Any) -> list[dict]:
    """Attentions per period and center."""
    return _per_period(granularity=granularity, value="count", label="attentions", filters=filters)


def _volume(*, key_sql: str, label: str, filters: dict[str, Any]) -> list[dict]:
    where, params = where_clause(**filters)
    source, count, _companies = _source(filters)
    return _fetch(
        f"""
        SELECT {key_sql} AS {label}, {count} AS attentions,
               {count} * 1.0 / NULLIF(SUM({count}) OVER (), 0) AS share
        {source} WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1
        """,
        params,
    )


def attentions_by_entity(**filters: Any) -> list[dict]:
    return _volume(key_sql="e.name", label="entity", filters=filters)


def attentions_by_procedure(**filters: Any) -> list[dict]:
    where, params = where_clause(**filters)
    source, count, _companies = _source(filters)
    return _fetch(
        f"""
        SELECT p.name AS procedure, e.acronym AS entity, {count} AS attentions,
               {count} * 1.0 / NULLIF(SUM({count}) OVER (), 0) AS share
        {source} WHERE {where} GROUP BY p.id, p.name, e.acronym ORDER BY 3 DESC, 1
        """,
        params,
    )


def attentions_by_channel(**filters: Any) -> list[dict]:
    rows = _volume(key_sql="a.channel", label="channel", filters=filters)
    labels = dict(Channel.choices)
    return [{**row, "channel": str(labels.get(row["channel"], row["channel"]))} for row in rows]


def attentions_by_segment(**filters: Any) -> list[dict]:
    """Attentions per consented segment value (age band, gender, preferential attention); aggregates only."""
    from attention.constants import AgeBand, Gender, PriorityNeed

    where, params = where_clause(**filters)
    rows = _fetch(
        f"""
        SELECT 'age_band' AS dimension, a.age_band AS value, COUNT(*) AS attentions {_FROM}
        WHERE {where} AND a.age_band <> '' GROUP BY 2
        UNION ALL
        SELECT 'gender', a.gender, COUNT(*) {_FROM} WHERE {where} AND a.gender <> '' GROUP BY 2
        UNION ALL
        SELECT 'preferential_reason', a.preferential_reason, COUNT(*) {_FROM} WHERE {where} GROUP BY 2
        ORDER BY 1, 2
        """,
        params * 3,
    )
    from django.utils.translation import gettext as _

    names = {"age_band": _("Age band"), "gender": _("Gender"), "preferential_reason": _("Preferential attention")}
    labels = {
        "age_band": dict(AgeBand.choices),
        "gender": dict(Gender.choices),
        "preferential_reason": dict(PriorityNeed.choices),
    }
    return [
        {
            "dimension": names[row["dimension"]],
            "value": str(labels[row["dimension"]].get(row["value"], row["value"])),
            "attentions": row["attentions"],
        }
        for row in rows
    ]


def companies_formed(*, granularity: str = "month", **filters: Any) -> list[dict]:
    """Companies formed (company-formation intent, outcome resolved) per period and center."""
    return _per_period(granularity=granularity, value="companies", label="companies", filters=filters)


def _wait_buckets(*, start: dt.date, end: dt.date) -> tuple[str, list[Any]]:
    """The buckets of the period: month buckets for its whole months, day buckets for the days outside them (at
    most two partial months). Month rows carry their first day as service_day, inside the period, so the filters
    (where_clause) apply to both alike."""
    columns = "service_day, center_id, procedure_id, channel, intent, measure, minutes, attentions, seconds"
    first = start if start.day == 1 else month_last_day(start) + dt.timedelta(days=1)
    last = end if end == month_last_day(end) else end.replace(day=1) - dt.timedelta(days=1)
    if first > last:  # no whole month: days only
        return f"SELECT {columns} FROM reports_waitbucket WHERE service_day BETWEEN %s AND %s", [start, end]
    return (
        f"""
        SELECT {columns} FROM reports_waitbucketmonth WHERE service_day BETWEEN %s AND %s
        UNION ALL
        SELECT {columns} FROM reports_waitbucket
        WHERE service_day BETWEEN %s AND %s OR service_day BETWEEN %s AND %s
        """,
        [first, last, start, first - dt.timedelta(days=1), last + dt.timedelta(days=1), end],
    )


def _waits(*, group: str, names_sql: str, select_sql: str, filters: dict[str, Any]) -> list[dict]:
    """Served attentions, mean / median / 90th percentile and share within the standard of the wait and the service
    time per group, in minutes (reports.measures defines them: percentiles over whole minutes rounded up, means
    over exact seconds).

    Read from the per-minute buckets (reports.WaitBucketMonth for whole months, WaitBucket for the other days)
    when no segment filter is set (they have no segment columns): percentile_cont over the 3.1 M attentions of a
    year sorted millions of rows (9-10 s); summing the buckets of the period per group and minute leaves a few
    thousand rows, whose running counts give the percentiles (`percentile_disc(f)` is the value at rank
    ceil(f × n): the first minute whose running count reaches it). With a segment filter, the attentions
    themselves are bucketed by the same SQL measures and go through the same computation, so both paths give the
    very same figures. The group id is `+ 0` so the planner does not walk
    the center or procedure index in order to group."""
    where, params = where_clause(**filters)
    if any(filters.get(name) not in (None, "") for name in SEGMENT_FILTERS):
        source = f"FROM attention_attention a {MEASURES_JOIN} JOIN procedures_procedure p ON p.id = a.procedure_id"
        where = f"{where} AND {SERVED}"
        measure, minutes, count, seconds = "m.measure", "m.minutes", "COUNT(*)", "SUM(m.seconds)"
    else:
        buckets, bucket_params = _wait_buckets(start=filters["start"], end=filters["end"])
        source = f"FROM ({buckets}) a JOIN procedures_procedure p ON p.id = a.procedure_id"
        params = [*bucket_params, *params]
        measure, minutes, count, seconds = "a.measure", "a.minutes", "SUM(a.attentions)", "SUM(a.seconds)"
    standard = f"CASE {measure} WHEN 'wait' THEN p.sla_max_wait_minutes ELSE p.sla_max_service_minutes END"

    def stats(name: str) -> str:
        of = f"measure = '{name}'"
        return f"""
            SUM(secs) FILTER (WHERE {of}) / 60.0 / NULLIF(MAX(total) FILTER (WHERE {of}), 0) AS {name}_mean,
            MIN(minutes) FILTER (WHERE {of} AND cum >= ceil(0.5::float8 * total)) AS {name}_median,
            MIN(minutes) FILTER (WHERE {of} AND cum >= ceil(0.9::float8 * total)) AS {name}_p90,
            SUM(within) FILTER (WHERE {of}) * 1.0 / NULLIF(MAX(total) FILTER (WHERE {of}), 0) AS {name}_within"""

    return _fetch(
        f"""
        SELECT {select_sql}, s.served, s.wait_mean, s.wait_median, s.wait_p90, s.wait_within, s.service_mean,
               s.service_median, s.service_p90, s.service_within
        FROM (
            SELECT g, (MAX(total) FILTER (WHERE measure = 'wait'))::bigint AS served, {stats("wait")},
                   {stats("service")}
            FROM (
                SELECT b.*, SUM(n) OVER (PARTITION BY g, measure ORDER BY minutes) AS cum,
                       SUM(n) OVER (PARTITION BY g, measure) AS total
                FROM (
                    SELECT {group} + 0 AS g, {measure} AS measure, {minutes} AS minutes, {count} AS n,
                           {seconds} AS secs, COALESCE({count} FILTER (WHERE {minutes} <= {standard}), 0) AS within
                    {source} WHERE {where} GROUP BY 1, 2, 3
                ) b
            ) c GROUP BY g
        ) s {names_sql}
        ORDER BY 1
        """,
        params,
        work_mem="64MB",
    )


def waits_by_procedure(**filters: Any) -> list[dict]:
    return _waits(
        group="a.procedure_id",
        names_sql="JOIN procedures_procedure p ON p.id = s.g JOIN procedures_entity e ON e.id = p.entity_id",
        select_sql="p.name AS procedure, e.acronym AS entity",
        filters=filters,
    )


def waits_by_center(**filters: Any) -> list[dict]:
    return _waits(
        group="a.center_id",
        names_sql="JOIN centers_center c ON c.id = s.g",
        select_sql="c.name AS center",
        filters=filters,
    )


def appointments_by_center(
    *,
    start: dt.date,
    end: dt.date,
    center_ids: list[int] | None = None,
    entity_id: int | None = None,
    procedure_id: int | None = None,
    channel: str | None = None,
) -> list[dict]:
    """Appointments whose time falls in the period (Lima days), per center and booking channel (online or by
    phone): booked, cancelled, no-shows, the no-show rate (of those not cancelled) and the mean lead time (days
    from booking to the appointment's time)."""
    from appointments.constants import AppointmentStatus, BookingChannel

    clauses = ["(s.starts_at AT TIME ZONE 'America/Lima')::date BETWEEN %s AND %s"]
    params: list[Any] = [start, end]
    for clause, value in {
        "ap.center_id = ANY(%s)": list(center_ids) if center_ids is not None else None,
        "p.entity_id = %s": entity_id,
        "ap.procedure_id = %s": procedure_id,
        "ap.channel = %s": channel,
    }.items():
        if value is not None and value != "":
            clauses.append(clause)
            params.append(value)
    rows = _fetch(
        f"""
        SELECT c.name AS center, ap.channel AS channel, COUNT(*) AS booked,
               COUNT(*) FILTER (WHERE ap.status = %s) AS cancelled,
               COUNT(*) FILTER (WHERE ap.status = %s) AS no_show,
               COUNT(*) FILTER (WHERE ap.status = %s) * 1.0
                   / NULLIF(COUNT(*) FILTER (WHERE ap.status <> %s), 0) AS no_show_rate,
               AVG(EXTRACT(EPOCH FROM s.starts_at - ap.created_at) / 86400.0) AS lead_days
        FROM appointments_appointment ap JOIN appointments_slot s ON s.id = ap.slot_id
        JOIN procedures_procedure p ON p.id = ap.procedure_id JOIN centers_center c ON c.id = ap.center_id
        WHERE {" AND ".join(clauses)} GROUP BY 1, 2 ORDER BY 1, 2
        """,
        [
            AppointmentStatus.CANCELLED.value,
            AppointmentStatus.NO_SHOW.value,
            AppointmentStatus.NO_SHOW.value,
            AppointmentStatus.CANCELLED.value,
            *params,
        ],
    )
    labels = dict(BookingChannel.choices)
    return [{**row, "channel": str(labels.get(row["channel"], row["channel"]))} for row in rows]
