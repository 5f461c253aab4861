"""common.prepared: a hot ORM read compiled once, run with each call's values, gives what the ORM gives."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction

from common.prepared import choice_literal, execute_prepared, execute_prepared_batch, instance, prepare

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


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def test_a_statement_is_prepared_on_the_server_once_per_connection(django_assert_num_queries):
    sql = "SELECT %s + 1, %s::date + 1, %s || '%%'"
    before = _prepared_names()
    answers = []
    for number in (1, 41):
        with django_assert_num_queries(1), connection.cursor() as cursor:  # PREPARE rides with the first EXECUTE
            execute_prepared(cursor, sql, [number, dt.date(2026, 12, 31), "x"], connection=connection)
            answers.append(cursor.fetchone())
    assert answers == [(2, dt.date(2027, 1, 1), "x%"), (42, dt.date(2027, 1, 1), "x%")]
    assert len(_prepared_names() - before) == 1
    with connection.cursor() as cursor:  # a None cannot type a PREPARE: a plain execute
        execute_prepared(cursor, "SELECT %s IS NULL", [None], connection=connection)
        assert cursor.fetchone() == (True,)
    assert len(_prepared_names() - before) == 1


def test_a_statement_without_parameters_is_prepared_too():
    before = _prepared_names()
    for _time in range(2):
        with connection.cursor() as cursor:
            execute_prepared(cursor, "SELECT 40 + 2, '%%'", [], connection=connection)
            assert cursor.fetchone() == (42, "%")
    assert len(_prepared_names() - before) == 1


def test_a_first_execute_that_fails_leaves_the_statement_usable():
    sql = "SELECT 10 / %s"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        execute_prepared(cursor, sql, [0], connection=connection)  # PREPARE done, EXECUTE failed
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, [5], connection=connection)
        assert cursor.fetchone() == (2,)


def test_equal_values_travel_once_and_other_coincidences_get_their_own_statement(django_assert_num_queries):
    """A compiled ORM query repeats its ids and moments: equal values (same type) are sent once, and the numbering
    is part of the statement, so values that coincide differently next time never reuse the wrong one."""
    sql = "SELECT %s::bigint, %s::bigint, %s::bigint, %s::text"
    before = _prepared_names()
    rows = []
    for params in ([7, 7, 7, "7"], [7, 8, 7, "x"], [3, 3, 3, "y"], [1, 2, 3, "z"]):
        with django_assert_num_queries(1) as captured, connection.cursor() as cursor:
            execute_prepared(cursor, sql, params, connection=connection)
            rows.append(cursor.fetchone())
        sent = captured.captured_queries[0]["sql"].rsplit("EXECUTE ", 1)[1]
        assert sent.count(",") == len({(type(value), value) for value in params}) - 1  # distinct values only
    assert rows == [(7, 7, 7, "7"), (7, 8, 7, "x"), (3, 3, 3, "y"), (1, 2, 3, "z")]
    assert len(_prepared_names() - before) == 3  # (a, a, a, b), (a, b, a, c), (a, b, c, d)


def test_a_batch_runs_its_statements_in_one_round_trip_and_returns_the_last_ones_rows(django_assert_num_queries):
    with django_assert_num_queries(1), connection.cursor() as cursor:
        execute_prepared_batch(
            cursor, [("SELECT %s::bigint", [1]), ("SELECT %s::bigint * 2", [21])], connection=connection
        )
        assert cursor.fetchall() == [(42,)]


def test_a_value_without_a_prepared_type_runs_as_a_plain_execute():
    with connection.cursor() as cursor:
        execute_prepared(cursor, "SELECT %s = ANY(%s)", [2, [1, 2, 3]], connection=connection)
        assert cursor.fetchone() == (True,)


def test_only_a_plain_choice_value_is_written_into_the_sql():
    assert choice_literal("serving") == "'serving'"
    for unsafe in ("x'; DROP TABLE t; --", "Called", "older adult", ""):
        with pytest.raises(ValueError):
            choice_literal(unsafe)


@pytest.mark.django_db(transaction=True, databases=["default", "sqlite"])
def test_on_sqlite_dates_and_moments_travel_as_the_backend_writes_them():
    """SQLite's compiler turns a moment into a string: the markers are found in that form, and each call's values
    are turned the same way (the demo portal's booking pages read their times through a prepared query)."""
    from django.contrib.sessions.models import Session
    from django.db import connections

    sqlite = connections["sqlite"]
    with sqlite.schema_editor() as editor:
        editor.create_model(Session)
    try:
        noon = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
        for hours, key in [(-1, "before"), (0, "noon"), (1, "after")]:
            Session.objects.using("sqlite").create(
                session_key=key, session_data="", expire_date=noon + dt.timedelta(hours=hours)
            )
        prepared = prepare(
            lambda moment, day: (
                Session.objects.using("sqlite")
                .filter(expire_date__gte=moment, expire_date__date=day)
                .order_by("expire_date")
                .values_list("session_key", "expire_date")
            ),
            moment=dt.datetime,
            day=dt.date,
        )
        assert set(prepared.adapters) == {"moment", "day"}
        for moment in (noon - dt.timedelta(hours=2), noon, noon + dt.timedelta(minutes=1)):
            for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 2)):
                expected = list(
                    Session.objects.using("sqlite")
                    .filter(expire_date__gte=moment, expire_date__date=day)
                    .order_by("expire_date")
                    .values_list("session_key", "expire_date")
                )
                assert prepared.rows(moment=moment, day=day) == expected
        assert prepared.rows(moment=noon, day=dt.date(2026, 12, 1)) == [
            ("noon", noon),
            ("after", noon + dt.timedelta(hours=1)),
        ]
    finally:
        with sqlite.schema_editor() as editor:
            editor.delete_model(Session)


def test_on_postgresql_values_travel_as_they_are():
    from django.contrib.sessions.models import Session

    prepared = prepare(
        lambda moment: Session.objects.filter(expire_date__gte=moment).values_list("session_key"), moment=dt.datetime
    )
    assert prepared.adapters == {}  # nothing added to each call of the hot reads
