"""Historic attentions from a CSV file: every row validated, then loaded with COPY in one transaction.

Columns: center_code, procedure_code, channel, issued_at, called_at, started_at, finished_at, outcome (ISO 8601
datetimes with offset; channel presencial / telefonico / virtual; outcome resuelto / no_resuelto / derivado /
abandono; called/started/finished may be empty for abandono, which then closes at its last known time).

A file with bad rows imports nothing and reports each one with its line number (`ImportRejected`), unless
`skip_invalid`: then the good rows are imported and the bad ones written to `rejects` with their line and reason.
Each row's import key is a digest of its normalised fields (times in UTC), so importing a file again, or one that
overlaps it, adds nothing twice (`INSERT … ON CONFLICT (import_key) … DO NOTHING` from a temporary table).
"""

import csv
import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO
from zoneinfo import ZoneInfo

from django.db import connections, transaction
from django.utils.translation import gettext as _

from attention.constants import Channel, Outcome
from centers.models import Center
from procedures.models import Procedure

from ..errors import ImportRejected
from .summary import daily_counts_refresh

__all__ = ["COLUMNS", "OUTCOMES", "ImportResult", "attentions_import"]

LIMA = ZoneInfo("America/Lima")
COLUMNS = ("center_code", "procedure_code", "channel", "issued_at", "called_at", "started_at", "finished_at", "outcome")
OUTCOMES = {
    "resuelto": Outcome.RESOLVED.value,
    "no_resuelto": Outcome.NOT_RESOLVED.value,
    "derivado": Outcome.REFERRED.value,
    "abandono": Outcome.ABANDONED.value,
}
CHANNELS = {choice.value for choice in Channel}
ERRORS_KEPT = 200  # errors kept in memory for the report; the rejects file gets them all
_STAGE_COLUMNS = (
    "center_id, procedure_id, intent, channel, service_day, issued_at, called_at, started_at, finished_at, outcome, "
    "import_key"
)


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class _RowError(Exception):
    pass


def _parse_time(value: str, name: str, *, required: bool) -> dt.datetime | None:
    value = value.strip()
    if not value:
        if required:
            raise _RowError(_("%(column)s is empty.") % {"column": name})
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _RowError(
            _("%(column)s is not an ISO 8601 date and time: “%(value)s”.") % {"column": name, "value": value[:40]}
        ) from None
    if moment.tzinfo is None:
        raise _RowError(_("%(column)s has no UTC offset (e.g. -05:00).") % {"column": name})
    return moment.astimezone(dt.UTC)


class _Validator:
    def __init__(self, *, using: str) -> None:
        self.centers = dict(Center.objects.using(using).values_list("code", "pk"))
        self.procedures = {
            code: (pk, intent)
            for code, pk, intent in Procedure.objects.using(using).values_list("code", "pk", "intent")
        }

    def row(self, values: list[str]) -> str:
        """One COPY line (text format) for a valid row, else _RowError."""
        if len(values) != len(COLUMNS):
            raise _RowError(
                _("Expected %(expected)d columns, found %(found)d.") % {"expected": len(COLUMNS), "found": len(values)}
            )
        center_code, procedure_code, channel, issued, called, started, finished, outcome_text = (
            v.strip() for v in values
        )
        center_id = self.centers.get(center_code)
        if center_id is None:
            raise _RowError(_("Unknown center code “%(code)s”.") % {"code": center_code[:40]})
        procedure = self.procedures.get(procedure_code)
        if procedure is None:
            raise _RowError(_("Unknown procedure code “%(code)s”.") % {"code": procedure_code[:40]})
        if channel not in CHANNELS:
            raise _RowError(
                _("Unknown channel “%(value)s” (presencial, telefonico or virtual).") % {"value": channel[:20]}
            )
        outcome = OUTCOMES.get(outcome_text)
        if outcome is None:
            raise _RowError(
                _("Unknown outcome “%(value)s” (resuelto, no_resuelto, derivado or abandono).")
                % {"value": outcome_text[:20]}
            )
        required = outcome != Outcome.ABANDONED
        issued_at = _parse_time(issued, "issued_at", required=True)
        called_at = _parse_time(called, "called_at", required=required)
        started_at = _parse_time(started, "started_at", required=required)
        finished_at = _parse_time(finished, "finished_at", required=required)
        assert issued_at is not None
        last = issued_at
        for name, moment in (("called_at", called_at), ("started_at", started_at), ("finished_at", finished_at)):
            if moment is None:
                continue
            if moment < last:
                raise _RowError(_("%(column)s is earlier than the time before it.") % {"column": name})
            last = moment
        if finished_at is None:  # an abandoned row without a finish closes at its last known time
            finished_at = last
        stamps = [m.isoformat() if m else "" for m in (issued_at, called_at, started_at, finished_at)]
        key = hashlib.sha256("|".join([center_code, procedure_code, channel, *stamps, outcome]).encode()).hexdigest()
        service_day = issued_at.astimezone(LIMA).date()
        fields = [str(center_id), str(procedure[0]), procedure[1], channel, service_day.isoformat()]
        fields += [stamp or r"\N" for stamp in stamps[:3]]
        fields += [stamps[3], outcome, key]
        return "\t".join(fields) + "\n"


def _rows(source: IO[str]) -> Iterable[tuple[int, list[str] | None, str]]:
    """(line number, values, raw error) for each data row; checks the header first."""
    reader = csv.reader(source)
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        raise ImportRejected(errors=[(1, _("The file is empty."))], total=1) from None
    except csv.Error as exc:
        raise ImportRejected(errors=[(1, str(exc))], total=1) from None
    if tuple(header) != COLUMNS:
        message = _("The header must be: %(columns)s.") % {"columns": ",".join(COLUMNS)}
        raise ImportRejected(errors=[(1, message)], total=1)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, str(exc)
            continue
        if values:
            yield reader.line_num, values, ""


def attentions_import(
    *, source: IO[str], skip_invalid: bool = False, rejects: IO[str] | None = None, using: str = "default"
) -> ImportResult:
    """Validate every row of `source`, then load the valid ones (all of them, or none unless `skip_invalid`)."""
    validator = _Validator(using=using)
    result = ImportResult()
    rejects_writer = csv.writer(rejects) if rejects is not None else None
    if rejects_writer:
        rejects_writer.writerow(["line", "reason", *COLUMNS])
    with tempfile.TemporaryFile("w+", encoding="utf-8") as staged:
        for line, values, raw_error in _rows(source):
            result.rows += 1
            try:
                if values is None:
                    raise _RowError(raw_error)
                staged.write(validator.row(values))
            except _RowError as exc:
                result.rejected += 1
                if len(result.errors) < ERRORS_KEPT:
                    result.errors.append((line, str(exc)))
                if rejects_writer:
                    rejects_writer.writerow([line, str(exc), *(values or [])])
        if result.rejected and not skip_invalid:
            raise ImportRejected(errors=result.errors, total=result.rejected)
        staged.seek(0)
        result.imported = _load(staged=staged, using=using)
    result.duplicates = result.rows - result.rejected - result.imported
    return result


def _load(*, staged: IO[str], using: str) -> int:
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.reports_import_stage")  # when nested in an outer transaction
        cursor.execute(
            "CREATE TEMPORARY TABLE reports_import_stage (center_id bigint, procedure_id bigint, intent varchar(12), "
            "channel varchar(12), service_day date, issued_at timestamptz, called_at timestamptz, "
            "started_at timestamptz, finished_at timestamptz, outcome varchar(12), import_key varchar(64)) "
            "ON COMMIT DROP"
        )
        cursor.copy_expert(f"COPY reports_import_stage ({_STAGE_COLUMNS}) FROM STDIN", staged)
        cursor.execute(
            f"INSERT INTO attention_attention ({_STAGE_COLUMNS}, preferential_reason, age_band, gender, outcome_note) "
            f"SELECT {_STAGE_COLUMNS}, 'none', '', '', '' FROM reports_import_stage "
            "ON CONFLICT (import_key) WHERE import_key IS NOT NULL DO NOTHING"  # attention_import_key_unique
        )
        imported = cursor.rowcount
        cursor.execute("SELECT MIN(service_day), MAX(service_day) FROM reports_import_stage")
        first, last = cursor.fetchone()
        if imported and first is not None:
            daily_counts_refresh(start=first, end=last, using=using)
        return imported
