"""common.prepared: a hot ORM read compiled once, run with each call's values, gives what the ORM gives."""

import pytest

from centers.models import Center
from centers.tests.factories import CenterFactory
from common.prepared import instance, prepare

pytestmark = pytest.mark.django_db


def test_a_prepared_query_gives_the_orms_rows_for_every_value():
    lima, callao = CenterFactory(slug="lima-norte"), CenterFactory(slug="callao")
    prepared = prepare(
        lambda slug, pk: Center.objects.filter(slug=slug, pk__gte=pk).order_by("pk").values_list("pk", "name"),
        slug=str,
        pk=int,
    )
    for slug, pk in [("lima-norte", 0), ("callao", 0), ("callao", callao.pk + 1), ("nowhere", 0)]:
        expected = list(Center.objects.filter(slug=slug, pk__gte=pk).order_by("pk").values_list("pk", "name"))
        assert prepared.rows(slug=slug, pk=pk) == expected
    assert prepared.rows(slug="lima-norte", pk=0) == [(lima.pk, lima.name)]


def test_a_value_the_orm_changes_on_its_way_to_the_sql_is_refused():
    with pytest.raises(ValueError, match="name"):
        prepare(lambda name: Center.objects.filter(name__icontains=name).values_list("pk"), name=str)
    with pytest.raises(ValueError, match="name"):  # "%name%"
        prepare(lambda name: Center.objects.filter(slug__startswith=name).values_list("pk"), name=str)


def test_an_instance_from_some_fields_loads_the_others_when_read(django_assert_num_queries):
    center = CenterFactory(name="Centro MAC Callao")
    partial = instance(Center, {"is_active": center.is_active, "id": center.pk})
    with django_assert_num_queries(0):
        assert (partial.pk, partial.is_active) == (center.pk, center.is_active)
    with django_assert_num_queries(1):
        assert partial.name == "Centro MAC Callao"  # deferred, never a default
