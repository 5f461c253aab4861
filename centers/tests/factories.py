"""factory_boy factories for service points (shared by every app's tests).

`CenterFactory(hours=True)` gives the usual MAC week (Mon–Fri 08:30–20:30, Sat 08:30–13:30);
`CenterFactory(hours=[(weekday, "08:00", "13:00"), ...])` sets other ranges.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from centers.constants import Channel
from centers.models import Center, Closure, Counter, Language, Offering, OpeningHours
from centers.services import staff_membership_grant
from procedures.tests.factories import (
    POLICE_CERTIFICATE_REQUIREMENTS,
    EntityFactory,
    PoliceCertificateFactory,
    ProcedureFactory,
)

# The usual week of a MAC center: (weekday, opens, closes).
MAC_WEEK = [(weekday, "08:30", "20:30") for weekday in range(5)] + [(5, "08:30", "13:30")]


def _time(value: str | dt.time) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def hours_create(*, center: Center, ranges=MAC_WEEK, offering: Offering | None = None) -> list[OpeningHours]:
    """Create weekly ranges for a center (or one of its offerings) as (weekday, "HH:MM", "HH:MM") tuples."""
    return OpeningHours.objects.bulk_create(
        OpeningHours(center=center, offering=offering, weekday=weekday, opens=_time(opens), closes=_time(closes))
        for weekday, opens, closes in ranges
    )


class CenterFactory(factory.django.DjangoModelFactory):
    """An in-person MAC center; `hours=True` adds the usual MAC week, a list of tuples adds those ranges."""

    class Meta:
        model = Center
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"MAC-{n:03d}")
    name = factory.Sequence(lambda n: f"Centro MAC de prueba {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:80])
    channel = Channel.IN_PERSON
    description = ""
    address = factory.Sequence(lambda n: f"Av. Alfredo Mendiola {1000 + n}")
    district = "Independencia"
    province = "Lima"
    region = "Lima"
    ubigeo = "150112"
    phone = "(01) 200-1000"
    email = factory.LazyAttribute(lambda o: f"{o.slug}@mac.gob.pe")
    opened_on = dt.date(2010, 11, 15)
    always_open = False
    is_active = True

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        hours_create(center=self, ranges=MAC_WEEK if extracted is True else extracted)


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    center = factory.SubFactory(CenterFactory)
    offering = None
    weekday = 0
    opens = dt.time(8, 30)
    closes = dt.time(20, 30)


class OfferingFactory(factory.django.DjangoModelFactory):
    """A procedure offered at a center; `hours=[...]` gives the desk its own ranges."""

    class Meta:
        model = Offering
        django_get_or_create = ("center", "procedure")
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    procedure = factory.SubFactory(ProcedureFactory)
    notes = ""
    is_active = True

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if create and extracted:
            hours_create(center=self.center, offering=self, ranges=MAC_WEEK if extracted is True else extracted)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure
        django_get_or_create = ("center", "date")

    center = factory.SubFactory(CenterFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 5) + dt.timedelta(days=n))
    reason = "Mantenimiento de instalaciones"


# The names migration 0002 loads; repeated here because tests with transaction=True flush that data.
LANGUAGE_NAMES = {"es": "Español", "qu": "Quechua", "ay": "Aimara", "lsp": "Lengua de señas peruana", "en": "English"}


class LanguageFactory(factory.django.DjangoModelFactory):
    """A language by code (get_or_create: es, qu, ay, lsp and en normally exist already)."""

    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "es"
    name = factory.LazyAttribute(lambda o: LANGUAGE_NAMES.get(o.code, o.code))


class CounterFactory(factory.django.DjangoModelFactory):
    """A counter (ventanilla); pass `procedures=[...]` and `languages=["es", "qu"]` (codes or objects)."""

    class Meta:
        model = Counter
        django_get_or_create = ("center", "label")
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    # Not "V-01"…: tests name those themselves, and a made label equal to one of theirs at the same center would be
    # the same counter (get_or_create) or a duplicate.
    label = factory.Sequence(lambda n: f"Ventanilla {n + 1}")
    entity = factory.SubFactory(EntityFactory)
    is_active = True

    @factory.post_generation
    def procedures(self, create, extracted, **kwargs):
        if create and extracted:
            self.procedures.add(*extracted)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.add(
                *(
                    language if isinstance(language, Language) else LanguageFactory(code=language)
                    for language in extracted
                )
            )


class Catalog:
    """What `catalog_create` made, for tests to pick from."""

    def __init__(self, *, entities, procedures, centers, police_certificate):
        self.entities = entities
        self.procedures = procedures
        self.centers = centers
        self.police_certificate = police_certificate


def catalog_create(*, procedures: int = 30, centers: int = 5) -> Catalog:
    """A realistic small catalog: 5 entities, `procedures` procedures (the police-record certificate among
    them, S/ 5.40, most demanded), `centers` in-person centers with the usual MAC week, each offering every
    procedure and with one counter per entity."""
    entities = [
        EntityFactory(name="Banco de la Nación", acronym="BN", slug="banco-de-la-nacion"),
        EntityFactory(name="Ministerio del Interior", acronym="MININTER", slug="mininter"),
        EntityFactory(name="Registro Nacional de Identificación y Estado Civil", acronym="RENIEC", slug="reniec"),
        EntityFactory(name="Poder Judicial", acronym="PJ", slug="poder-judicial"),
        EntityFactory(name="Superintendencia Nacional de los Registros Públicos", acronym="SUNARP", slug="sunarp"),
    ]
    police = PoliceCertificateFactory(entity=entities[1], requirements=POLICE_CERTIFICATE_REQUIREMENTS)
    items = [police] + [
        ProcedureFactory(entity=entities[n % len(entities)], requirements=["DNI vigente"])
        for n in range(procedures - 1)
    ]
    places = []
    for _n in range(centers):
        center = CenterFactory(hours=True)
        Offering.objects.bulk_create(Offering(center=center, procedure=procedure) for procedure in items)
        for entity in entities:
            CounterFactory(center=center, entity=entity, languages=["es"])
        places.append(center)
    return Catalog(entities=entities, procedures=items, centers=places, police_certificate=police)


def staff_user_create(*, role: str, center: Center | None = None, username: str | None = None, languages=()):
    """A staff user holding `role` at `center` (through the real service: staff flag and role group included).
    Their password is "password"."""
    user_model = get_user_model()
    username = username or f"{role}-{center.pk if center else 'all'}-{user_model.objects.count() + 1}"
    user = user_model.objects.create_user(username=username, password="password")
    staff_membership_grant(
        user=user,
        role=role,
        center=center,
        languages=[lang if isinstance(lang, Language) else LanguageFactory(code=lang) for lang in languages],
    )
    return user
