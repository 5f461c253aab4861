"""Reads of the procedures catalog: listing, search and filters shared by pages and API."""

import re
from typing import TypedDict

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, When

from .constants import BOOKABLE_POLICIES, SEARCH_CONFIG, Channel
from .models import CHANNEL_FIELDS, Entity, Procedure
from .services import text_normalize

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_TERMS",
    "ProcedureFilters",
    "bookable_q",
    "entity_list",
    "procedure_get",
    "procedure_list",
    "procedure_most_demanded",
    "procedure_search",
    "procedure_search_substring",
    "search_terms",
]

MAX_QUERY_TERMS = 8
MAX_QUERY_LENGTH = 200


class ProcedureFilters(TypedDict, total=False):
    q: str
    entity: str
    channel: str
    intent: str


def search_terms(query: str) -> list[str]:
    """The words of a free-text query, normalized and bounded (a long paste must not become a huge query)."""
    return re.findall(r"[a-z0-9ñ]+", text_normalize(query[:MAX_QUERY_LENGTH]))[:MAX_QUERY_TERMS]


def procedure_search(*, queryset: QuerySet[Procedure], query: str) -> QuerySet[Procedure]:
    """Case-, accent- and word-form-insensitive search; PostgreSQL full-text, a substring fallback elsewhere."""
    terms = search_terms(query)
    if not terms:
        return queryset
    if connection.vendor != "postgresql":
        return procedure_search_substring(queryset=queryset, terms=terms)
    # Each word is a prefix of a Spanish stem, so "policia" finds "policiales".
    tsquery = SearchQuery(" & ".join(f"{term}:*" for term in terms), config=SEARCH_CONFIG, search_type="raw")
    vector = F("search_vector")
    # A match in the name counts most (weight A only), then how demanded the procedure is, then relevance.
    return (
        queryset.filter(search_vector=tsquery)
        .annotate(
            name_rank=SearchRank(vector, tsquery, weights=[0.0, 0.0, 0.0, 1.0]),
            rank=SearchRank(vector, tsquery),
        )
        .order_by("-name_rank", F("demand_rank").asc(nulls_last=True), "-rank", "name")
    )


def procedure_search_substring(*, queryset: QuerySet[Procedure], terms: list[str]) -> QuerySet[Procedure]:
    """The fallback without PostgreSQL (the embedded SQLite setup): every word's crude stem in the normalized
    search document; matches in the name first, then the most demanded."""
    condition = in_name = Q()
    for term in terms:
        # Drop a plural or adjective ending so "policia" still meets "policiales".
        stem = term[: max(4, len(term) - 2)]
        condition &= Q(search_document__contains=stem)
        in_name &= Q(name__icontains=stem)
    return (
        queryset.filter(condition)
        .annotate(name_match=Case(When(in_name, then=1), default=0, output_field=IntegerField()))
        .order_by("-name_match", F("demand_rank").asc(nulls_last=True), "name")
    )


def procedure_list(*, filters: ProcedureFilters | None = None) -> QuerySet[Procedure]:
    """Active procedures matching the filters; unknown filter values are the caller's to validate."""
    filters = filters or {}
    queryset = Procedure.objects.filter(is_active=True).select_related("entity")
    if entity := filters.get("entity"):
        queryset = queryset.filter(entity__slug=entity)
    if channel := filters.get("channel"):
        queryset = queryset.filter(**{CHANNEL_FIELDS[Channel(channel)]: True})
    if intent := filters.get("intent"):
        queryset = queryset.filter(intent=intent)
    if query := filters.get("q"):
        return procedure_search(queryset=queryset, query=query)
    return queryset.order_by("name")


def procedure_most_demanded(*, limit: int = 6) -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_active=True, demand_rank__isnull=False)
        .select_related("entity")
        .order_by("demand_rank", "name")[:limit]
    )


def procedure_get(*, slug: str) -> Procedure:
    """One active procedure with what its page shows; raises Procedure.DoesNotExist."""
    return (
        Procedure.objects.filter(is_active=True)
        .select_related("entity")
        .prefetch_related("requirements")
        .get(slug=slug)
    )


def entity_list() -> QuerySet[Entity]:
    return Entity.objects.order_by("name")


def bookable_q(*, prefix: str = "") -> Q:
    """The bookability rule of Procedure.is_bookable as a filter; `prefix` reaches procedures through a relation
    (e.g. "schedule__procedures__")."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}appointment_policy__in": BOOKABLE_POLICIES})
