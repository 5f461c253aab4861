"""factory_boy factories for the procedures catalog (shared by every app's tests).

ProcedureFactory rebuilds the search document after creation (and RequirementFactory after adding an
item), because search only finds what procedure_refresh_search_documents has indexed. When a test
changes a procedure afterwards, call `procedure_reindex(procedure)`.
"""

from decimal import Decimal

import factory
from django.utils.text import slugify

from procedures.constants import AppointmentPolicy, CitizenIntent, GovernmentLevel
from procedures.models import Entity, Procedure, Requirement
from procedures.services import procedure_refresh_search_documents


def procedure_reindex(*procedures: Procedure) -> None:
    """Refresh the search documents of these procedures (from fresh rows, with requirements)."""
    ids = [procedure.pk for procedure in procedures]
    procedure_refresh_search_documents(
        procedures=Procedure.objects.filter(pk__in=ids).select_related("entity").prefetch_related("requirements")
    )
    for procedure in procedures:
        procedure.refresh_from_db(fields=["search_document"])


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Entidad de prueba {n}")
    acronym = factory.Sequence(lambda n: f"ENT{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.acronym or o.name))
    sector = "Presidencia del Consejo de Ministros"
    level = GovernmentLevel.NATIONAL
    website = factory.LazyAttribute(lambda o: f"https://www.gob.pe/{o.slug}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    """A procedure; pass `requirements=["DNI", "Recibo"]` to add checklist items in order."""

    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    entity = factory.SubFactory(EntityFactory)
    code = factory.Sequence(lambda n: f"PRC-{n:04d}")
    name = factory.Sequence(lambda n: f"Trámite de prueba {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:120])
    summary = factory.LazyAttribute(lambda o: f"Resumen de {o.name}.")
    keywords = ""
    fee = Decimal("0.00")
    payment_instructions = ""
    legal_basis = ""
    counter_minutes = 15
    resolution_days = 0
    via_in_person = True
    via_phone = False
    via_virtual = False
    appointment_policy = AppointmentPolicy.OPTIONAL
    intent = CitizenIntent.PROCEDURE
    sla_max_wait_minutes = 30
    sla_max_service_minutes = 20
    demand_rank = None
    is_active = True

    @factory.post_generation
    def requirements(self, create, extracted, **kwargs):
        if create and extracted:
            Requirement.objects.bulk_create(
                Requirement(procedure=self, position=position, text=text)
                for position, text in enumerate(extracted, start=1)
            )

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        # Runs after `requirements` (declaration order): search must see the checklist too.
        if create and extracted is not False:
            procedure_reindex(self)


class PoliceCertificateFactory(ProcedureFactory):
    """The seed's most demanded certificate (MININTER-001, S/ 5.40), as catalog, booking and browser tests use it.
    Requirements: pass `requirements=[...]`; the usual two are POLICE_CERTIFICATE_REQUIREMENTS."""

    entity = factory.SubFactory(EntityFactory, name="Ministerio del Interior", acronym="MININTER", slug="mininter")
    code = "MININTER-001"
    name = "Certificado de antecedentes policiales"
    slug = "certificado-de-antecedentes-policiales"
    summary = "Acredita si una persona registra o no antecedentes policiales en el país."
    fee = Decimal("5.40")
    payment_instructions = "Pague la tasa en el Banco de la Nación o en línea en pagalo.pe."
    legal_basis = "Decreto Legislativo N.° 1267, Ley de la Policía Nacional del Perú."
    via_virtual = True
    demand_rank = 2


POLICE_CERTIFICATE_REQUIREMENTS = ["DNI vigente", "Comprobante de pago de la tasa"]


class RequirementFactory(factory.django.DjangoModelFactory):
    """A checklist item; the procedure's search document is refreshed to include it."""

    class Meta:
        model = Requirement
        skip_postgeneration_save = True

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Requisito {n}")
    note = ""
    is_optional = False

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create and extracted is not False:
            procedure_reindex(self.procedure)
