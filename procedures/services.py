"""Writes to the procedures catalog."""

import unicodedata
from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from common.memo import ProcessMemo, memos_forget
from common.pagecache import namespace_bump

from .constants import SEARCH_CONFIG
from .models import Procedure

__all__ = [
    "CATALOG_CACHE",
    "CATALOG_MEMO",
    "SEARCH_VECTOR",
    "catalog_changed",
    "procedure_build_search_document",
    "procedure_refresh_search_documents",
    "text_normalize",
]

# Words in the name weigh most (A), then keywords (B), then everything else (D).
SEARCH_VECTOR = (
    SearchVector("name", weight="A", config=SEARCH_CONFIG)
    + SearchVector("keywords", weight="B", config=SEARCH_CONFIG)
    + SearchVector("search_document", weight="D", config=SEARCH_CONFIG)
)


# The cache namespace of the rendered catalog pages (centers.views): any change to the catalog bumps its version.
CATALOG_CACHE = "catalog"
# Catalog values that every page or booking reads (the phone line in the footer, the languages offered), kept per
# process for a minute (common.memo); any change to the catalog forgets them in the process that makes it.
CATALOG_MEMO = ProcessMemo(seconds=60)


def catalog_changed() -> None:
    """Leave every cached catalog page behind, once the current transaction commits (a page rendered meanwhile
    from the old rows is then cached under the old version, never the new one). Called by the catalog models'
    save/delete signals (procedures.handlers, centers.handlers: admin and service edits) and by writes that
    bypass signals (bulk updates, the demo loader). This process's memos (CATALOG_MEMO, and the page fragments that
    show catalog rows: common.templatetags.fragments) are forgotten at once and again after commit (a value read
    meanwhile from the old rows is not kept)."""
    memos_forget()
    transaction.on_commit(_catalog_committed)


def _catalog_committed() -> None:
    namespace_bump(CATALOG_CACHE)
    memos_forget()


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
    """Rebuild the search document (and, on PostgreSQL, the indexed search vector) of the given procedures
    (all when None); returns how many changed."""
    if procedures is None:
        procedures = Procedure.objects.select_related("entity").prefetch_related("requirements")
    changed = []
    seen = []
    for procedure in procedures:
        seen.append(procedure.pk)
        document = procedure_build_search_document(procedure=procedure)
        if document != procedure.search_document:
            procedure.search_document = document
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["search_document"], batch_size=500)
    if connection.vendor == "postgresql":
        # Name and keywords feed the vector too, so refresh every given row whose vector may be stale.
        Procedure.objects.filter(pk__in=seen).update(search_vector=SEARCH_VECTOR)
    catalog_changed()
    return len(changed)
