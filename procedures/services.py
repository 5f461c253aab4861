"""Writes to the procedures catalog."""

import unicodedata
from collections.abc import Iterable

from django.db import transaction

from .models import Procedure


def text_normalize(text: str) -> str:
    """Lower-case, accent-free text: what search documents and SQLite queries compare."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def procedure_build_search_document(*, procedure: Procedure) -> str:
    """The text a procedure is found by: its names, entity, summary, keywords and requirements."""
    entity = procedure.entity
    parts = [
        procedure.name,
        procedure.code,
        entity.acronym,
        entity.name,
        procedure.keywords,
        procedure.summary,
        *(requirement.text for requirement in procedure.requirements.all()),
    ]
    return text_normalize(" ".join(part for part in parts if part))


@transaction.atomic
def procedure_refresh_search_documents(*, procedures: Iterable[Procedure] | None = None) -> int:
    """Rebuild the search document of the given procedures (all when None); returns how many changed."""
    if procedures is None:
        procedures = Procedure.objects.select_related("entity").prefetch_related("requirements")
    changed = []
    for procedure in procedures:
        document = procedure_build_search_document(procedure=procedure)
        if document != procedure.search_document:
            procedure.search_document = document
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["search_document"], batch_size=500)
    return len(changed)
