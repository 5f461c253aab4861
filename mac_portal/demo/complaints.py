"""Demo of the complaints book (issue 10): a handful of complaints at Lima Norte — some answered, one open, one past
its answer deadline — so the admin list and the indicators show something from the run command.

DEMO ONLY (fictitious citizens): `load_demo` loads it only with DEBUG on. Idempotent: nothing is added when the demo
complaints are already there. Filed through the services, in the past; their messages are marked as not sent (no
e-mail goes out for a demo).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from centers.models import Center, Offering
from complaints.models import Complaint, ComplaintMessage
from complaints.services import ComplaintInput, complaint_answer, complaint_file

DEMO_CENTER = "MAC-LIMA-NORTE"
DEMO_DOMAIN = "@demo.mac.gob.pe"

# (days ago filed, category, what happened, what they ask for, days ago answered or None, answer)
DEMO_COMPLAINTS = [
    (
        70,
        "waiting",
        "Saqué turno a las 8:30 y me atendieron recién a las 12:10, sin ninguna explicación.",
        "Que informen el tiempo de espera real.",
        None,
        "",
    ),
    (
        25,
        "treatment",
        "El asesor de la ventanilla me respondió de mala manera cuando pregunté por un requisito.",
        "Una disculpa y que capaciten al personal.",
        10,
        "Lamentamos lo ocurrido. Conversamos con el asesor y reforzamos el protocolo de atención al ciudadano.",
    ),
    (
        18,
        "information",
        "En la web decía que el trámite era gratuito y en el centro me cobraron la tasa.",
        "Que corrijan la información publicada.",
        4,
        "La tasa aplica desde este año; ya actualizamos la ficha del trámite en el portal. Gracias por avisarnos.",
    ),
    (
        12,
        "access",
        "El ascensor estuvo malogrado y mi madre, que usa silla de ruedas, no pudo subir al segundo piso.",
        "Que atiendan en el primer piso cuando el ascensor no funcione.",
        2,
        "Desde esta semana el orientador deriva a una ventanilla del primer piso cuando el ascensor no funciona.",
    ),
    (
        3,
        "outcome",
        "Fui con todos los requisitos y no me entregaron el certificado porque el sistema no funcionaba.",
        "Que me entreguen el certificado sin volver a hacer cola.",
        None,
        "",
    ),
]


def demo_complaints_load(*, now: dt.datetime | None = None) -> int:
    """File the demo complaints at Lima Norte (and answer some); returns how many were added (0 if already there)."""
    now = now or timezone.now()
    center = Center.objects.filter(code=DEMO_CENTER).first()
    if center is None or Complaint.objects.filter(email__endswith=DEMO_DOMAIN).exists():
        return 0
    offering = Offering.objects.filter(center=center, is_active=True).select_related("procedure").first()
    if offering is None:
        return 0
    added = []
    with transaction.atomic():
        for n, (filed_days, category, description, request, answered_days, answer) in enumerate(DEMO_COMPLAINTS):
            complaint = complaint_file(
                data=ComplaintInput(
                    entity_id=offering.procedure.entity_id,
                    center_id=center.pk,
                    category=category,
                    description=description,
                    request=request,
                    document_type="dni",
                    document_number=f"4{n:07d}",
                    full_name=["Rosa Quispe", "Juan Mamani", "Carmen Flores", "Luis Huamán", "Ana Torres"][n],
                    email=f"vecino{n + 1}{DEMO_DOMAIN}",
                ),
                now=now - dt.timedelta(days=filed_days),
            )
            if answered_days is not None:
                complaint_answer(complaint_id=complaint.pk, answer=answer, now=now - dt.timedelta(days=answered_days))
            added.append(complaint.pk)
        # A demo sends nothing: the after-commit tasks find these rows given up.
        ComplaintMessage.objects.filter(complaint_id__in=added).update(skipped_at=now, last_error="demo")
    return len(added)
