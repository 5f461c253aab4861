"""Loads the demo MAC idempotently: entities, procedures, service points, offerings, counters, hours, closures.

Everything is keyed by stable identifiers (entity slug, procedure code, center code, counter label), compared
with what is stored and written only when it differs, so a second run changes nothing. Rows the demo no longer
describes are deactivated rather than deleted, because later apps (appointments, attention) point at them.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from appointments.models import Schedule
from appointments.services import RuleRange, schedule_create, slots_generate_all
from centers.models import Center, Closure, Counter, Language, Offering, OpeningHours
from centers.selectors import national_holiday
from centers.services import HoursRange, center_hours_set, closure_add
from procedures.constants import AppointmentPolicy, Channel
from procedures.models import Entity, Procedure, Requirement
from procedures.services import procedure_refresh_search_documents

from .centers import CLOSURES, IN_PERSON_CENTERS, PHONE_LINE, WEB_PORTAL
from .entities import ENTITIES
from .procedures import PROCEDURES

# Fallback names, should the languages migration not have run (it normally has).
LANGUAGE_NAMES = {"es": "Español", "qu": "Quechua", "ay": "Aimara", "lsp": "Lengua de señas peruana", "en": "English"}
CENTER_DEFAULTS: dict[str, Any] = {
    "channel": Channel.IN_PERSON,
    "description": "",
    "address": "",
    "district": "",
    "province": "",
    "region": "",
    "ubigeo": "",
    "latitude": None,
    "longitude": None,
    "phone": "",
    "email": "",
    "website": "",
    "opened_on": None,
    "always_open": False,
    "is_active": True,
}
CENTER_SPEC_ONLY = {"code", "hours", "entities", "exclude", "desk_hours", "counters"}
DESK_NOTE = "Horario propio de la ventanilla (cierra al mediodía)."
BRIDGE_LOOKAHEAD_DAYS = 180


class _Changes:
    def __init__(self) -> None:
        self.created = 0
        self.updated = 0
        self.removed = 0


def _upsert(model: type[models.Model], *, found: models.Model | None, values: dict[str, Any], changes: _Changes) -> Any:
    """Create the row, or update only the fields that differ (so `auto_now` fields move only on real changes)."""
    if found is None:
        changes.created += 1
        return model.objects.create(**values)
    changed = [field for field, value in values.items() if getattr(found, field) != value]
    if changed:
        for field in changed:
            setattr(found, field, values[field])
        if any(field.name == "updated_at" for field in model._meta.fields):
            changed.append("updated_at")
        found.save(update_fields=changed)
        changes.updated += 1
    return found


def _ranges(hours: list[tuple[int, str, str]]) -> list[HoursRange]:
    return [
        HoursRange(day, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes)) for day, opens, closes in hours
    ]


def _sorted_ranges(ranges: list[HoursRange]) -> list[tuple[int, dt.time, dt.time]]:
    return sorted((r.weekday, r.opens, r.closes) for r in ranges)


def _load_entities(changes: _Changes) -> dict[str, Entity]:
    by_slug = {e.slug: e for e in Entity.objects.all()}
    by_name = {e.name: e for e in by_slug.values()}
    loaded = {}
    for spec in ENTITIES:
        found = by_slug.get(spec["slug"]) or by_name.get(spec["name"])
        loaded[spec["slug"]] = _upsert(Entity, found=found, values=dict(spec), changes=changes)
    return loaded


def _load_procedures(entities: dict[str, Entity], changes: _Changes) -> dict[str, Procedure]:
    by_code = {p.code: p for p in Procedure.objects.all()}
    by_slug = {p.slug: p for p in by_code.values()}
    loaded = {}
    for spec in PROCEDURES:
        values = {key: value for key, value in spec.items() if key not in {"entity", "requirements"}}
        values |= {"entity_id": entities[spec["entity"]].pk, "is_active": True}
        found = by_code.get(spec["code"]) or by_slug.get(spec["slug"])
        loaded[spec["code"]] = _upsert(Procedure, found=found, values=values, changes=changes)

    stored: dict[int, list[tuple]] = defaultdict(list)
    for req in Requirement.objects.filter(procedure__in=loaded.values()).order_by("position", "id"):
        stored[req.procedure_id].append((req.position, req.text, req.note, req.is_optional))
    replaced, new_rows = [], []
    for spec in PROCEDURES:
        procedure = loaded[spec["code"]]
        wanted = [(index, r.text, r.note, r.optional) for index, r in enumerate(spec["requirements"], start=1)]
        current = stored.get(procedure.pk, [])
        if current != wanted:
            replaced.append(procedure.pk)
            if current:
                changes.updated += 1
            else:
                changes.created += 1
            new_rows += [
                Requirement(procedure=procedure, position=pos, text=text, note=note, is_optional=optional)
                for pos, text, note, optional in wanted
            ]
    if replaced:
        Requirement.objects.filter(procedure_id__in=replaced).delete()
        Requirement.objects.bulk_create(new_rows)
    return loaded


def _center_values(spec: dict) -> dict[str, Any]:
    values = CENTER_DEFAULTS | {key: value for key, value in spec.items() if key not in CENTER_SPEC_ONLY}
    for field in ("latitude", "longitude"):
        if values[field] is not None:
            values[field] = Decimal(values[field])
    return values


def _load_centers(changes: _Changes) -> dict[str, Center]:
    by_code = {c.code: c for c in Center.objects.all()}
    by_slug = {c.slug: c for c in by_code.values()}
    loaded = {}
    for spec in [*IN_PERSON_CENTERS, PHONE_LINE, WEB_PORTAL]:
        values = _center_values(spec) | {"code": spec["code"]}
        found = by_code.get(spec["code"]) or by_slug.get(spec["slug"])
        loaded[spec["code"]] = _upsert(Center, found=found, values=values, changes=changes)
    return loaded


def _wanted_offerings(procedures: dict[str, Procedure]) -> dict[str, list[str]]:
    """Procedure codes each service point offers, in catalog order."""
    wanted = {}
    for spec in IN_PERSON_CENTERS:
        entities, excluded = set(spec["entities"]), set(spec["exclude"])
        wanted[spec["code"]] = [
            p["code"]
            for p in PROCEDURES
            if p["via_in_person"] and p["entity"] in entities and p["code"] not in excluded
        ]
    wanted[PHONE_LINE["code"]] = [p["code"] for p in PROCEDURES if p["via_phone"]]
    wanted[WEB_PORTAL["code"]] = [p["code"] for p in PROCEDURES if p["via_virtual"]]
    return wanted


def _load_offerings(
    centers: dict[str, Center], procedures: dict[str, Procedure], changes: _Changes
) -> dict[tuple[int, int], Offering]:
    desk_notes = {(spec["code"], code) for spec in IN_PERSON_CENTERS for code in spec["desk_hours"]}
    wanted = {
        (centers[center].pk, procedures[code].pk): DESK_NOTE if (center, code) in desk_notes else ""
        for center, codes in _wanted_offerings(procedures).items()
        for code in codes
    }
    stored = {(o.center_id, o.procedure_id): o for o in Offering.objects.filter(center__in=centers.values())}
    missing = [
        Offering(center_id=c, procedure_id=p, notes=note) for (c, p), note in wanted.items() if (c, p) not in stored
    ]
    dirty = []
    for key, offering in stored.items():
        active, note = key in wanted, wanted.get(key, offering.notes)
        if offering.is_active != active or offering.notes != note:
            offering.is_active, offering.notes = active, note
            dirty.append(offering)
    Offering.objects.bulk_create(missing)
    Offering.objects.bulk_update(dirty, ["is_active", "notes"])
    changes.created += len(missing)
    changes.updated += len(dirty)
    return {(o.center_id, o.procedure_id): o for o in Offering.objects.filter(center__in=centers.values())}


def _load_hours(
    centers: dict[str, Center],
    procedures: dict[str, Procedure],
    offerings: dict[tuple[int, int], Offering],
    changes: _Changes,
) -> None:
    wanted: dict[tuple[Center, Offering | None], list[HoursRange]] = {}
    for spec in [*IN_PERSON_CENTERS, PHONE_LINE, WEB_PORTAL]:
        center = centers[spec["code"]]
        wanted[(center, None)] = _ranges(spec["hours"])
        for code, hours in spec.get("desk_hours", {}).items():
            wanted[(center, offerings[(center.pk, procedures[code].pk)])] = _ranges(hours)
    stored: dict[tuple[int, int | None], list[tuple]] = defaultdict(list)
    for item in OpeningHours.objects.filter(center__in=centers.values()):
        stored[(item.center_id, item.offering_id)].append((item.weekday, item.opens, item.closes))
    offerings_by_pk = {o.pk: o for o in offerings.values()}
    # Desk hours the demo no longer describes go back to the center's hours.
    described = {offering.pk for _center, offering in wanted if offering is not None}
    for _center_id, offering_id in list(stored):
        if offering_id is not None and offering_id not in described:
            offering = offerings_by_pk[offering_id]
            wanted[(offering.center, offering)] = []
    for (center, offering), ranges in wanted.items():
        current = stored.get((center.pk, offering.pk if offering else None), [])
        if sorted(current) != _sorted_ranges(ranges):
            center_hours_set(center=center, ranges=ranges, offering=offering)
            if current:
                changes.updated += 1
            else:
                changes.created += 1


def _closure_dates(today: dt.date) -> list[tuple[str, dt.date, str]]:
    """(center code, date, reason) of each demo closure, always upcoming and never on a holiday or twice a day."""
    taken: dict[str, set[dt.date]] = defaultdict(set)

    def is_free(center: str, day: dt.date) -> bool:
        return day > today and day.weekday() < 6 and not national_holiday(day) and day not in taken[center]

    def first(center: str, start: dt.date, weekdays: set[int]) -> dt.date:
        day = start
        while not (day.weekday() in weekdays and is_free(center, day)):
            day += dt.timedelta(days=1)
        return day

    def bridge(center: str) -> dt.date:
        for offset in range(1, BRIDGE_LOOKAHEAD_DAYS):
            day = today + dt.timedelta(days=offset)
            if national_holiday(day) and day.weekday() in (1, 3):  # Tuesday or Thursday holiday
                candidate = day + dt.timedelta(days=-1 if day.weekday() == 1 else 1)
                if is_free(center, candidate):
                    return candidate
        return first(center, today + dt.timedelta(days=14), {4})

    result = []
    for spec in CLOSURES:
        center, rule = spec["center"], spec["rule"]
        if rule == "bridge":
            day = bridge(center)
        else:
            start = today + dt.timedelta(days=spec["after_days"])
            day = first(center, start, {5} if rule == "saturday" else {0, 1, 2, 3, 4})
        taken[center].add(day)
        result.append((center, day, spec["reason"]))
    return result


def _load_closures(centers: dict[str, Center], today: dt.date, changes: _Changes) -> None:
    for code, day, reason in _closure_dates(today):
        center = centers[code]
        # A demo closure computed on another day moves rather than piles up; past ones stay as history.
        moved, _ = Closure.objects.filter(center=center, reason=reason, date__gt=today).exclude(date=day).delete()
        changes.removed += moved
        current = Closure.objects.filter(center=center, date=day).first()
        if current is None or current.reason != reason:
            closure_add(center=center, date=day, reason=reason)
            if current is None:
                changes.created += 1
            else:
                changes.updated += 1


def _languages() -> dict[str, Language]:
    languages = Language.objects.in_bulk(field_name="code")
    for code, name in LANGUAGE_NAMES.items():
        if code not in languages:
            languages[code] = Language.objects.create(code=code, name=name)
    return languages


def _load_counters(centers: dict[str, Center], offerings: dict[tuple[int, int], Offering], changes: _Changes) -> None:
    languages = _languages()
    entity_ids = {e.slug: e.pk for e in Entity.objects.filter(slug__in=[spec["slug"] for spec in ENTITIES])}
    procedure_entity = dict(Procedure.objects.values_list("pk", "entity_id"))
    stored = {
        (c.center_id, c.label): c
        for c in Counter.objects.filter(center__in=centers.values()).prefetch_related("procedures", "languages")
    }
    wanted_keys = set()
    for spec in IN_PERSON_CENTERS:
        center = centers[spec["code"]]
        offered = {p for (c, p), o in offerings.items() if c == center.pk and o.is_active}
        for index, (entity_slug, codes) in enumerate(spec["counters"], start=1):
            label = f"V-{index:02d}"
            wanted_keys.add((center.pk, label))
            entity_id = entity_ids[entity_slug]
            found = stored.get((center.pk, label))
            values = {"center_id": center.pk, "label": label, "entity_id": entity_id, "is_active": True}
            counter = _upsert(Counter, found=found, values=values, changes=changes)
            procedure_ids = {p for p in offered if procedure_entity[p] == entity_id}
            language_ids = {languages[code].pk for code in codes}
            current_procedures = {p.pk for p in counter.procedures.all()} if found else set()
            current_languages = {lang.pk for lang in counter.languages.all()} if found else set()
            if current_procedures != procedure_ids or current_languages != language_ids:
                counter.procedures.set(procedure_ids)
                counter.languages.set(language_ids)
                if found:
                    changes.updated += 1
    retired = [c for key, c in stored.items() if key not in wanted_keys and c.is_active]
    for counter in retired:
        counter.is_active = False
    Counter.objects.bulk_update(retired, ["is_active"])
    changes.updated += len(retired)


def schedules_load(*, capacity: int = 2, slot_minutes: int = 30) -> int:
    """One appointment schedule per active in-person center without one, serving its bookable offerings
    during the center's hours; then slots for the booking window from now on (the daily beat task does this in
    production; the embedded setup has no beat, so each load tops slots up). Returns how many were created."""
    created = 0
    centers = Center.objects.filter(is_active=True, channel=Channel.IN_PERSON).exclude(
        Exists(Schedule.objects.filter(center=OuterRef("pk")))
    )
    for center in centers:
        procedures = list(
            Procedure.objects.filter(offerings__center=center, offerings__is_active=True, is_active=True).exclude(
                appointment_policy=AppointmentPolicy.WALK_IN
            )
        )
        rules = [
            RuleRange(weekday=hours.weekday, start=hours.opens, end=hours.closes)
            for hours in OpeningHours.objects.filter(center=center, offering__isnull=True)
            if _minutes_between(hours.opens, hours.closes) >= slot_minutes
        ]
        if procedures and rules:
            schedule_create(
                center=center,
                name="Citas",
                procedures=procedures,
                rules=rules,
                slot_minutes=slot_minutes,
                capacity=capacity,
            )
            created += 1
    slots_generate_all()
    return created


def _minutes_between(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> dict[str, int]:
    """Load (or bring back) the demo MAC in one transaction; returns row counts and how many rows changed."""
    today = today or timezone.localdate()
    changes = _Changes()
    entities = _load_entities(changes)
    procedures = _load_procedures(entities, changes)
    centers = _load_centers(changes)
    offerings = _load_offerings(centers, procedures, changes)
    _load_hours(centers, procedures, offerings, changes)
    _load_closures(centers, today, changes)
    _load_counters(centers, offerings, changes)
    procedure_refresh_search_documents()
    changes.created += schedules_load()

    center_ids = [c.pk for c in centers.values()]
    return {
        "service_points": len(centers),
        "in_person_centers": len(IN_PERSON_CENTERS),
        "entities": len(entities),
        "procedures": len(procedures),
        "requirements": Requirement.objects.filter(procedure__in=procedures.values()).count(),
        "offerings": Offering.objects.filter(center_id__in=center_ids, is_active=True).count(),
        "counters": Counter.objects.filter(center_id__in=center_ids, is_active=True).count(),
        "opening_hours": OpeningHours.objects.filter(center_id__in=center_ids).count(),
        "closures": Closure.objects.filter(center_id__in=center_ids, date__gt=today).count(),
        "schedules": Schedule.objects.filter(center_id__in=center_ids).count(),
        "created": changes.created,
        "updated": changes.updated,
        "removed": changes.removed,
    }
