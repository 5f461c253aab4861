"""Hot ORM reads compiled once: a queryset's SQL is built for marker values and then run with the real ones.

Building and compiling an ORM query (filters, joins, Exists subqueries) costs far more CPU than PostgreSQL spends
running it: 1–3 ms against ~0.1 ms for the booking path's reads, so a busy request spends most of its time composing
SQL it composed a moment ago. `prepare(build, name=type, …)` calls `build` once with a unique marker value per
parameter, compiles it, and remembers where each marker landed in the parameter list; `Prepared.rows(name=value, …)`
runs that SQL with the real values (the queryset's converters applied, as the ORM would). Use it for a handful of
hot reads only, with `values_list` querysets, and cache the Prepared (e.g. `functools.cache`): the query's shape
must not depend on the values (a marker that does not reach the SQL as one parameter is refused at once).

psycopg2 has no server-side prepared statements of its own: `execute_prepared` PREPAREs a statement once per
database connection (SQL's PREPARE, typed from the first call's parameters, in the same round trip as its first
EXECUTE) and then EXECUTEs it, so PostgreSQL parses it once and plans it once: its generic plan from the first execution
(plan_cache_mode), so the server's planning is saved too. `Prepared.rows` and the counters' hot statements use it.
Prepared statements live in the database session: a pooler in transaction mode (PgBouncer's `pool_mode =
transaction` before 1.21) would break them; the project connects directly.
"""

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Field, Model, QuerySet

__all__ = [
    "InsertColumns",
    "choice_literal",
    "Prepared",
    "attnames",
    "execute_prepared",
    "execute_prepared_batch",
    "insert_columns",
    "instance",
    "prepare",
    "quoted_column",
]

# Never an id, a count or a constant; inside a 32-bit column's range (Django drops lookups with out-of-range values).
_INT_BASE = -2_147_000_000
_MOMENT_BASE = dt.datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC)
_DAY_BASE = dt.date(1901, 2, 3)
# The backend operations that turn a date or a moment into what the driver gets (as the compiler does).
_ADAPTERS: dict[type, str] = {dt.datetime: "adapt_datetimefield_value", dt.date: "adapt_datefield_value"}


def _marker(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_BASE - index
    if kind is str:
        return f"\x1eprepared-marker-{index}\x1e"
    if kind is dt.datetime:
        return _MOMENT_BASE + dt.timedelta(seconds=index)
    if kind is dt.date:
        return _DAY_BASE + dt.timedelta(days=index)
    raise TypeError(f"no marker for {kind!r} (int, str, datetime and date only)")


# Parameter types of a PREPARE, by the Python type of the value (bool before int, datetime before date).
_SQL_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "bigint"),
    (str, "text"),
    (dt.datetime, "timestamptz"),
    (dt.date, "date"),
    (dt.timedelta, "interval"),
)
# The statements PREPAREd on each open database connection (the driver's connection object, weakly).
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_prepared_on_lock = threading.Lock()  # threaded servers: one connection per thread, one shared registry


_SQL_TYPE_OF = dict(_SQL_TYPES)  # the exact classes, looked up first (the hot statements pass a hundred values)


def _sql_type(value: Any) -> str | None:
    if (exact := _SQL_TYPE_OF.get(type(value))) is not None:
        return exact
    for kind, name in _SQL_TYPES:
        if isinstance(value, kind):
            return name
    return None


def execute_prepared(cursor, sql: str, params: Sequence[Any], *, connection, infer_nulls: bool = False) -> None:
    """cursor.execute(sql, params) as a server-side prepared statement of this connection: the first time, PREPARE
    and EXECUTE sent together (one round trip, one entry in the query log); then EXECUTE alone. On PostgreSQL
    only, with `%s` placeholders and parameters of the types in _SQL_TYPES; anything else (a None, a Decimal…)
    runs as a plain execute. With `infer_nulls`, a None is declared `unknown` instead (PostgreSQL takes its type
    from where it is used: an INSERT's column, a comparison), for statements where every parameter has such a place."""
    execute_prepared_batch(cursor, [(sql, params)], connection=connection, infer_nulls=infer_nulls)


def execute_prepared_batch(
    cursor, statements: Sequence[tuple[str, Sequence[Any]]], *, connection, infer_nulls: bool = False
) -> None:
    """Several statements in one round trip, each run as execute_prepared runs it; the cursor then holds the last
    one's rows. On PostgreSQL they travel as one query string: outside a transaction the server runs them as one
    (an implicit transaction block: all or nothing, committed at the end), and each statement takes its own
    snapshot (READ COMMITTED), so a statement sees what committed while an earlier one of the batch waited for a
    row lock. Elsewhere they run one by one, so callers wrap them in a transaction."""
    if connection.vendor != "postgresql":
        for sql, params in statements:
            cursor.execute(sql, params)
        return
    texts: list[str] = []
    values: list[Any] = []
    with _prepared_on_lock:
        known = _prepared_on.setdefault(connection.connection, {})
    sent: list[str] = []
    for sql, params in statements:
        # Equal parameters travel once (a compiled ORM query repeats the same id or moment many times): fewer
        # values to adapt and to parse. The statement's text numbers them accordingly, and its name comes from that
        # text, so another call whose values coincide differently gets a statement of its own.
        try:
            order, unique = _shared(params)
        except TypeError:  # an unhashable value (a list…): no PREPARE type for it either
            order, unique = (), [[]]
        types = [_sql_type(value) if value is not None or not infer_nulls else "unknown" for value in unique]
        if None in types:
            texts.append(sql)
            values.extend(params)
            continue
        signature = ", ".join(types)  # type: ignore[arg-type]
        name, text = _numbered(sql, order, signature)
        values.extend(unique)
        # name -> True: prepared; False: a PREPARE was sent but its statement failed (it may or may not exist now).
        if known.get(name) is False:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)", [name])
            known[name] = cursor.fetchone()[0]
        statement = f"EXECUTE {name}({', '.join(['%s'] * len(unique))})" if unique else f"EXECUTE {name}"
        if not known.get(name):
            # Sent with the parameters, so psycopg2 unescapes the SQL's %% in both statements alike.
            declared = f"({signature})" if unique else ""  # PREPARE takes no empty parentheses
            statement = f"PREPARE {name}{declared} AS {text}; {statement}"
            known[name] = False
            sent.append(name)
        texts.append(statement)
    if sent:
        # Generic plans from the first EXECUTE: by default PostgreSQL plans the first five executions for their values
        # (a statement like the call's takes milliseconds to plan) before it settles for the generic plan these
        # statements are written for. Set for the connection, where no other statement is a named prepared one.
        texts.insert(0, "SET plan_cache_mode = force_generic_plan")
    cursor.execute("; ".join(texts), values)
    for name in sent:
        known[name] = True


def _shared(params: Sequence[Any]) -> tuple[tuple[int, ...], list[Any]]:
    """Each parameter's number among the distinct ones (by type and value, from 1; every None its own), and the
    distinct ones."""
    numbers: dict[tuple[type, Any], int] = {}
    unique: list[Any] = []
    order: list[int] = []
    for value in params:
        # A None is never shared: declared `unknown` (infer_nulls), each takes its type from its own place.
        key = (type(value), value if value is not None else len(order))
        if (number := numbers.get(key)) is None:
            unique.append(value)
            number = numbers[key] = len(unique)
        order.append(number)
    return tuple(order), unique


@functools.lru_cache(maxsize=512)
def _numbered(sql: str, order: tuple[int, ...], signature: str) -> tuple[str, str]:
    """(statement name, SQL with $n placeholders) for `sql`'s `%s` placeholders numbered as `order` says."""
    pieces = sql.split("%s")
    if len(pieces) != len(order) + 1:
        raise ValueError("the SQL's placeholders and the parameters do not match")
    text = pieces[0] + "".join(f"${number}{piece}" for number, piece in zip(order, pieces[1:], strict=True))
    return "mp_" + hashlib.blake2b(f"{text}\x00{signature}".encode(), digest_size=12).hexdigest(), text


def choice_literal(value: str) -> str:
    """A plain choice value (lower-case letters and underscores) as an SQL literal, to write into a statement rather
    than pass as a parameter: a prepared statement's generic plan can then use the partial indexes whose predicate
    names the value. Anything else is refused (never a user's input)."""
    if not re.fullmatch(r"[a-z_]+", value):
        raise ValueError(f"not a plain choice value: {value!r}")
    return f"'{value}'"


@dataclass(frozen=True)
class Prepared:
    sql: str
    params: tuple[Any, ...]
    positions: dict[str, tuple[int, ...]]
    converters: dict[int, tuple[list[Callable], Any]]
    using: str
    # Per parameter, the backend's form of its value where it is not the value itself (SQLite's dates and moments
    # are strings; PostgreSQL takes them as they are, so its statements have none).
    adapters: dict[str, Callable[[Any], Any]] = dataclasses.field(default_factory=dict)

    def rows(self, **values: Any) -> list[tuple]:
        """The query's rows (as its values_list would give them) for these parameter values."""
        params = list(self.params)
        for name, positions in self.positions.items():
            value = values[name]
            if (adapt := self.adapters.get(name)) is not None:
                value = adapt(value)
            for position in positions:
                params[position] = value
        connection = connections[self.using]
        with connection.cursor() as cursor:
            execute_prepared(cursor, self.sql, params, connection=connection)
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in self.converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


def prepare(build: Callable[..., QuerySet], **kinds: type) -> Prepared:
    """Compile `build(**markers)` (a values_list queryset) once; see the module docstring."""
    markers = {name: _marker(kind, index) for index, (name, kind) in enumerate(kinds.items())}
    queryset = build(**markers)
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    ops = connections[queryset.db].ops
    adapters, expected = {}, dict(markers)
    for name, kind in kinds.items():  # the compiler adapted dates and moments as the backend wants them
        if kind in _ADAPTERS and (adapted := getattr(ops, _ADAPTERS[kind])(markers[name])) != markers[name]:
            adapters[name], expected[name] = getattr(ops, _ADAPTERS[kind]), adapted
    positions = {
        name: tuple(index for index, value in enumerate(params) if value == marker) for name, marker in expected.items()
    }
    if missing := [name for name, found in positions.items() if not found]:
        raise ValueError(f"parameters not passed to the SQL as they are: {missing}")
    converters = compiler.get_converters([column for column, *_rest in compiler.select[: compiler.col_count]])
    return Prepared(
        sql=sql,
        params=tuple(params),
        positions=positions,
        converters=converters,
        using=queryset.db,
        adapters=adapters,
    )


def instance(model: type[Model], values: dict[str, Any]) -> Any:
    """A model instance (as loaded from the database) from some of its field values by attname; the fields not
    given are deferred, so reading one loads it rather than giving a default."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(model._default_manager.db, names, [values[name] for name in names])


def attnames(model: type[Model]) -> list[str]:
    """The model's concrete columns by attname, in the order `instance` and values_list(*attnames) agree on."""
    return [field.attname for field in model._meta.concrete_fields]


def quoted_column(model: type[Model], name: str, *, connection) -> str:
    """The column of a model's field (by its name), quoted for raw SQL."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(field.column)


@dataclass(frozen=True)
class InsertColumns:
    """An INSERT's column list and the matching select list, built once from a model's fields (insert_columns)."""

    columns: str
    values: str
    params: tuple[Any, ...]  # per `%s` of `values`: a name (bound per call) or a 1-tuple (a constant)

    def bind(self, named: dict[str, Any]) -> list[Any]:
        """The parameters of `values` for one call: the named ones from `named`, the constants as they are."""
        return [param[0] if isinstance(param, tuple) else named[param] for param in self.params]


def insert_columns(model: type[Model], given: dict[str, str | None], *, connection) -> InsertColumns:
    """Every concrete column of `model` but its primary key, for a raw INSERT … SELECT built once, so columns are never
    listed by hand: a field named (by attname) in `given` takes that SQL expression, or a parameter bound per call
    under its attname when the expression is None; every other field its default, as Model.objects.create would
    (NULL, or a constant parameter). Fields the ORM sets on save (auto_now, auto_now_add) must be given."""
    quote = connection.ops.quote_name
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        name = field.attname
        if name in given:
            expression = given[name]
            values.append("%s" if expression is None else expression)
            if expression is None:
                params.append(name)
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"{model.__name__}.{name}: set by the ORM on save, not a plain default")
        default = field.get_db_prep_save(field.get_default(), connection)
        if default is None:
            values.append("NULL")
        else:
            values.append("%s")
            params.append((default,))
    if unknown := set(given) - {field.attname for field in model._meta.concrete_fields}:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    return InsertColumns(columns=", ".join(columns), values=", ".join(values), params=tuple(params))
