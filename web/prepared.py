"""Reads that every signed-in member's request makes, with their SQL compiled once.

Django builds and compiles a query's SQL each time it runs. For a lookup by key, that costs
several times what the database takes to answer: on the bench data, loading the session and
the member through the ORM took about 1 ms of a member's request, and the same two reads with
their SQL compiled beforehand about 0.15 ms (bench/README: "member pages").

A `Prepared` read is a QuerySet that a function builds from its arguments. It is built once
with stand-in values, compiled once per database, and then run with each call's values in the
stand-ins' places. Its rows go through the converters the ORM would apply, so that it returns
what `list(queryset)` of that QuerySet returns (a `values_list()` one: tuples).

Arguments are ints, strings, datetimes, or lists of ints (compiled once per length). Each
stand-in must reach the SQL as a parameter; a QuerySet that puts one anywhere else (a slice,
an expression folded into the SQL text) is refused when it is compiled, so that a change in
Django cannot make a prepared read run other SQL than the QuerySet's.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from threading import Lock

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_VALUES = (int, str, datetime)
_INT_BASE = 7_340_000_000_000  # stand-in ints: far above any key this site will hand out
MAX_COMPILED = 64  # compilations kept per read (one per database and list length)


class PreparedError(RuntimeError):
    """The QuerySet cannot be prepared: a stand-in did not reach the SQL as a parameter."""


class _Compiled:
    __slots__ = ("converters", "sources", "sql")

    def __init__(self, sql: str, sources: list, converters: list):
        self.sql = sql
        self.sources = sources  # per parameter: (name, index in a list or None), or ("", constant)
        self.converters = converters  # per column: (position, [converter functions], expression)


class Prepared:
    """`Prepared(build)`: `build(**arguments) -> QuerySet`; `.rows(**arguments)`, `.count(**arguments)`."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = Lock()

    def rows(self, **arguments) -> list[tuple]:
        connection = connections[self.using]
        compiled = self._compile(connection, arguments, count=False)
        rows = self._execute(connection, compiled, arguments)
        if not compiled.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, functions, expression in compiled.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def count(self, **arguments) -> int:
        """The number of rows the QuerySet would return (its `.count()`)."""
        connection = connections[self.using]
        compiled = self._compile(connection, arguments, count=True)
        return self._execute(connection, compiled, arguments)[0][0]

    # Compiling ---------------------------------------------------------------------------

    def _compile(self, connection, arguments: dict, *, count: bool) -> _Compiled:
        shape = (connection.vendor, count, *((name, _shape(value)) for name, value in sorted(arguments.items())))
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._prepare(connection, arguments, count=count)
            with self._lock:
                if len(self._compiled) >= MAX_COMPILED:
                    self._compiled.clear()
                self._compiled[shape] = compiled
        return compiled

    def _prepare(self, connection, arguments: dict, *, count: bool) -> _Compiled:
        stand_ins, wanted = {}, {}
        for number, (name, value) in enumerate(sorted(arguments.items())):
            stand_ins[name] = _stand_in(value, number)
            for index, one in _each(stand_ins[name]):
                wanted[_as_parameter(connection, one)] = (name, index)
        queryset = self.build(**stand_ins)
        if count and not queryset.query.distinct:
            queryset = queryset.order_by().values_list("pk")  # what is counted is rows, not columns
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        sources, found = [], set()
        for param in params:
            source = wanted.get(param) if isinstance(param, _VALUES) else None
            if source is None:
                sources.append(("", param))
            else:
                found.add(source)
                sources.append(source)
        missing = set(wanted.values()) - found
        if missing:
            raise PreparedError(f"{sorted(missing)[0][0]} does not reach the SQL as a parameter")
        if count:
            # Django's own SQL for the QuerySet; every value in it is a bound parameter.
            return _Compiled(f"SELECT COUNT(*) FROM ({sql}) prepared_count", sources, [])  # noqa: S608
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                [column for column, _sql, _alias in compiler.select]
            ).items()
        ]
        return _Compiled(sql, sources, converters)

    def _execute(self, connection, compiled: _Compiled, arguments: dict) -> list[tuple]:
        params = []
        for name, index in compiled.sources:
            if not name:
                params.append(index)  # a constant of the QuerySet's own
                continue
            value = arguments[name] if index is None else arguments[name][index]
            params.append(_as_parameter(connection, value))
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.fetchall()


def _shape(value) -> tuple:
    kind = type(value)
    if kind is list or kind is tuple:
        return ("list", len(value))
    if kind is bool or not isinstance(value, _VALUES):
        raise TypeError(f"a prepared read takes ints, strings, datetimes and lists of ints, not {kind}")
    return (kind.__name__,)


def _stand_in(value, number: int):
    if isinstance(value, list | tuple):
        return [_INT_BASE + number * 1000 + index for index in range(len(value))]
    if isinstance(value, int):
        return _INT_BASE + number * 1000 + 999
    if isinstance(value, str):
        return f"\x01prepared-{number}\x01"
    return datetime(1901, 2, 3, 4, 5, 6, number + 1, tzinfo=UTC if value.tzinfo else None)


def _each(stand_in):
    if isinstance(stand_in, list):
        return list(enumerate(stand_in))
    return [(None, stand_in)]


def _as_parameter(connection, value):
    """A value as the ORM hands it to the database driver (datetimes adapted, as a
    DateTimeField does)."""
    kind = type(value)
    if kind is int or kind is str:
        return value
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if kind is bool or not isinstance(value, int | str):
        raise TypeError(f"a prepared read takes ints, strings, datetimes and lists of ints, not {type(value)}")
    return value
