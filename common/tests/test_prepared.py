"""common.prepared: a hot ORM read compiled once, run with each call's values, gives what the ORM gives."""

import pytest
from django.contrib.auth.models import Group

from common.prepared import instance, prepare

pytestmark = pytest.mark.django_db


def test_a_prepared_query_gives_the_orms_rows_for_every_value():
    first, second = Group.objects.create(name="orientadores"), Group.objects.create(name="asesores")
    prepared = prepare(
        lambda name, pk: Group.objects.filter(name=name, pk__gte=pk).order_by("pk").values_list("pk", "name"),
        name=str,
        pk=int,
    )
    for name, pk in [("orientadores", 0), ("asesores", 0), ("asesores", second.pk + 1), ("nadie", 0)]:
        expected = list(Group.objects.filter(name=name, pk__gte=pk).order_by("pk").values_list("pk", "name"))
        assert prepared.rows(name=name, pk=pk) == expected
    assert prepared.rows(name="orientadores", pk=0) == [(first.pk, "orientadores")]


def test_a_value_the_orm_changes_on_its_way_to_the_sql_is_refused():
    with pytest.raises(ValueError, match="name"):  # "%name%"
        prepare(lambda name: Group.objects.filter(name__icontains=name).values_list("pk"), name=str)
    with pytest.raises(ValueError, match="name"):  # "name%"
        prepare(lambda name: Group.objects.filter(name__startswith=name).values_list("pk"), name=str)


def test_an_instance_from_some_fields_loads_the_others_when_read(django_assert_num_queries):
    group = Group.objects.create(name="supervisores")
    partial = instance(Group, {"id": group.pk})
    with django_assert_num_queries(0):
        assert partial.pk == group.pk
    with django_assert_num_queries(1):
        assert partial.name == "supervisores"  # deferred, never a default
