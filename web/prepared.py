"""Reads that every signed-in member's request makes, and writes that every reply makes, with
their SQL compiled once.

Django builds and compiles a query's SQL each time it runs. For a lookup by key, that costs
several times what the database takes to answer: on the bench data, loading the session and
the member through the ORM took about 1 ms of a member's request, and the same two reads with
their SQL compiled beforehand about 0.15 ms (bench/README: "member pages").

A `Prepared` read is a QuerySet that a function builds from its arguments. It is built once
with stand-in values, compiled once per database, and then run with each call's values in the
stand-ins' places. Its rows go through the converters the ORM would apply, so that `.rows()`
returns what `list(queryset)` of a `values_list()` QuerySet returns (tuples), and `.objects()`
what `list(queryset)` of a QuerySet of models returns: instances made by the model's `from_db`,
with what `select_related` joined set on them as the ORM's iterable sets it. Nothing else of
the QuerySet's runs (`prefetch_related`, known related objects): a read that needs them is not
one to prepare.

A `PreparedUpdate` does the same for an update: `queryset.update(**values)`, its QuerySet and
values built once with stand-ins.

A `window=(offset, limit)` reads a slice of the rows, as `queryset[offset:offset + limit]`
does, with both numbers bound as parameters (the ORM writes them into the SQL text, which would
make each page of a list a compilation of its own). The QuerySet must be neither sliced nor
locked (`select_for_update`), since the window is added at the end of its SQL.

Arguments are ints, strings, datetimes, or lists of ints for `__in` lookups: a list is compiled
once per power of two of its length and padded with its last item (an item twice in an IN list
changes nothing), so that lists of every length share a few compilations. Each
stand-in must reach the SQL as a parameter; a QuerySet that puts one anywhere else (a slice,
an expression folded into the SQL text) is refused when it is compiled, so that a change in
Django cannot make a prepared read run other SQL than the QuerySet's.
"""

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from threading import Lock

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import get_related_populators
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.subqueries import UpdateQuery

_VALUES = (int, str, datetime)
# Stand-in ints: unlike any constant of a QuerySet's own, and within a 32-bit integer column's
# range (PostgreSQL's `integer`: Django folds a lookup of a value beyond it into no SQL at all).
_INT_BASE = 2_000_000_000
_INT_SPACING = 100_000  # per argument: room for a list of that many items, and a scalar's own
MAX_COMPILED = 64  # compilations kept per read (one per database and list length)
_WINDOW_LIMIT, _WINDOW_OFFSET = object(), object()  # where a window's numbers go among the parameters


class PreparedError(RuntimeError):
    """The QuerySet cannot be prepared: a stand-in did not reach the SQL as a parameter."""


class _Compiled:
    __slots__ = ("converters", "driver_sql", "instances", "sources", "sql")

    def __init__(self, sql: str, sources: list, converters: list, vendor: str = ""):
        self.sql = sql
        # SQLite's own placeholders, as Django's SQLite cursor writes them on each execution.
        self.driver_sql = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%") if vendor == "sqlite" else None
        self.sources = sources  # per parameter: (name, index in a list or None), or ("", constant)
        self.converters = converters  # per column: (position, [converter functions], expression)
        self.instances = None  # for .objects(): _Instances


class _Instances:
    """How the ORM makes model instances of a compiled query's rows (its ModelIterable's work,
    done once per compilation: the populators keep no state of their own between rows)."""

    __slots__ = ("annotations", "end", "from_db", "init_list", "model", "populators", "start", "using")

    def __init__(self, compiler, using: str):
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        self.from_db = _Maker(self.model).from_db
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, using)
        for populator in _each_populator(self.populators):
            populator.model_cls = _Maker(populator.model_cls)
        self.annotations = list(compiler.annotation_col_map.items())
        self.using = using

    def make(self, rows: list[tuple]) -> list:
        made, from_db = [], self.from_db
        for row in rows:
            instance = from_db(self.using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            made.append(instance)
        return made


def _each_populator(populators):
    for populator in populators:
        yield populator
        yield from _each_populator(populator.related_populators)


class _Maker:
    """A model's `from_db` for rows that load, for a model whose instances need nothing of
    Model.__init__ but its values: the instance is made with its loaded fields set at once.

    Model.__init__ sets each field through setattr, and from_db first spells out every field
    that was not loaded; for the twenty posts of a thread page and their authors that took
    about a third of the page's reads. The values are those __init__ would set (a field that
    was not loaded is left out, so that it loads on access, as __init__ leaves it); a model
    that defines its own from_db or __init__, or whose instances are watched by a pre_init
    or post_init receiver, is made by its own from_db. RelatedPopulator, which makes what
    select_related joined, calls only `model_cls.from_db`: a _Maker stands in for its model.
    """

    __slots__ = ("from_db", "model")

    def __init__(self, model):
        self.model = model
        self.from_db = self._make if _plain(model) else model.from_db

    def _make(self, db, field_names, values):
        instance = _new(self.model)
        state = instance._state = ModelState()
        state.adding, state.db = False, db
        instance.__dict__.update(zip(field_names, values, strict=True))
        return instance


def _plain(model) -> bool:
    """Whether Model.from_db and Model.__init__ would make the model's instances from their
    values alone (checked when a read is compiled: receivers connect in AppConfig.ready())."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    after = model.__mro__[model.__mro__.index(Model) + 1 :]
    if any("__init__" in vars(base) for base in after if base is not object):
        return False
    if model.__setattr__ is not object.__setattr__:
        return False
    # Setting a field through its descriptor must do no more than setting it in the instance's
    # __dict__, as these do on an instance being made (nothing cached on it, no file before).
    for field in model._meta.concrete_fields:
        descriptor = inspect.getattr_static(model, field.attname, None)
        if hasattr(descriptor, "__set__") and not isinstance(descriptor, _SETS_ONLY_THE_VALUE):
            return False
    return not (pre_init.has_listeners(model) or post_init.has_listeners(model))


_SETS_ONLY_THE_VALUE = (ForeignKeyDeferredAttribute, FileDescriptor)  # ImageFileDescriptor is a FileDescriptor


_new = object.__new__


class Prepared:
    """`Prepared(build)`: `build(**arguments) -> QuerySet`; `.rows(**arguments)`,
    `.objects(**arguments)`, `.count(**arguments)`."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = Lock()

    def rows(self, *, window: tuple[int, int] | None = None, **arguments) -> list[tuple]:
        connection = connections[self.using]
        compiled = self._compile(connection, arguments, count=False, window=window)
        return self._converted(connection, compiled, arguments, window)

    def objects(self, *, window: tuple[int, int] | None = None, **arguments) -> list:
        """The model instances the QuerySet would give (`list(queryset)`)."""
        connection = connections[self.using]
        compiled = self._compile(connection, arguments, count=False, window=window, objects=True)
        return compiled.instances.make(self._converted(connection, compiled, arguments, window))

    def _converted(self, connection, compiled: _Compiled, arguments: dict, window) -> list[tuple]:
        rows = self._execute(connection, compiled, arguments, window)
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

    def _compile(self, connection, arguments: dict, *, count: bool, window=None, objects=False) -> _Compiled:
        shape = (count, objects, window is not None)
        return _kept(
            self, connection, arguments, shape, lambda: self._prepare(connection, arguments, count, window, objects)
        )

    def _prepare(self, connection, arguments: dict, count: bool, window, objects: bool) -> _Compiled:
        stand_ins, wanted = _stand_ins(connection, arguments)
        queryset = self.build(**stand_ins)
        if window is not None and (queryset.query.is_sliced or queryset.query.select_for_update):
            raise PreparedError("a windowed read's QuerySet must be neither sliced nor locked")
        if count and not queryset.query.distinct:
            queryset = queryset.order_by().values_list("pk")  # what is counted is rows, not columns
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise PreparedError("the QuerySet is empty for its stand-ins (a value out of a column's range?)") from None
        sources = _sources(params, wanted)
        if count:
            # Django's own SQL for the QuerySet; every value in it is a bound parameter.
            return _Compiled(f"SELECT COUNT(*) FROM ({sql}) prepared_count", sources, [], connection.vendor)  # noqa: S608
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                [column for column, _sql, _alias in compiler.select]
            ).items()
        ]
        if window is not None:
            sql += " LIMIT %s OFFSET %s"
            sources += [("", _WINDOW_LIMIT), ("", _WINDOW_OFFSET)]
        compiled = _Compiled(sql, sources, converters, connection.vendor)
        if objects:
            compiled.instances = _Instances(compiler, self.using)
        return compiled

    def _execute(self, connection, compiled: _Compiled, arguments: dict, window=None) -> list[tuple]:
        params = _parameters(connection, compiled, arguments, window)
        if compiled.driver_sql is not None and not connection.queries_logged and not connection.execute_wrappers:
            return _run_on_driver(connection, compiled.driver_sql, params)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.fetchall()


class PreparedUpdate:
    """`PreparedUpdate(build)`: `build(**arguments) -> (QuerySet, values)`; `.run(**arguments)`
    does what `queryset.update(**values)` does, and returns the number of rows it changed.

    The writes of every reply (its thread's counters, the unread notifications of a hundred
    followers bumped) cost more in the ORM, building their SQL, than SQLite takes to run them.
    As for a read, the QuerySet and the values are built once with stand-ins (the same
    arguments: ints, strings, datetimes, lists of ints), compiled once per database and shape,
    and run with each call's values in their places. Only an update that Django runs as one
    statement is prepared: of one table, filtered without a join, of a model with no parent;
    any other is refused when it is compiled.
    """

    def __init__(self, build: Callable[..., tuple[QuerySet, dict]], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = Lock()

    def run(self, **arguments) -> int:
        connection = connections[self.using]
        compiled = _kept(self, connection, arguments, (), lambda: self._prepare(connection, arguments))
        params = _parameters(connection, compiled, arguments)
        with transaction.mark_for_rollback_on_error(using=self.using), connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.rowcount

    def _prepare(self, connection, arguments: dict) -> _Compiled:
        stand_ins, wanted = _stand_ins(connection, arguments)
        queryset, values = self.build(**stand_ins)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        query.clear_select_clause()
        query.get_initial_alias()
        if query.related_updates or query.count_active_tables() != 1:
            raise PreparedError("a prepared update changes one table, filtered without a join")
        try:
            sql, params = query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:
            raise PreparedError("the QuerySet is empty for its stand-ins (a value out of a column's range?)") from None
        return _Compiled(sql, _sources(params, wanted), [])


def _kept(prepared, connection, arguments: dict, shape: tuple, prepare: Callable[[], _Compiled]) -> _Compiled:
    """The compilation of `prepared` (a Prepared or a PreparedUpdate) for these arguments' shape,
    made by `prepare` the first time."""
    shape = (connection.vendor, *shape, *((name, _shape(value)) for name, value in sorted(arguments.items())))
    compiled = prepared._compiled.get(shape)
    if compiled is None:
        compiled = prepare()
        with prepared._lock:
            if len(prepared._compiled) >= MAX_COMPILED:
                prepared._compiled.clear()
            prepared._compiled[shape] = compiled
    return compiled


def _stand_ins(connection, arguments: dict) -> tuple[dict, dict]:
    """Each argument's stand-in, and {the parameter a stand-in becomes: (argument, index in a list or None)}."""
    stand_ins, wanted = {}, {}
    for number, (name, value) in enumerate(sorted(arguments.items())):
        stand_ins[name] = _stand_in(value, number)
        for index, one in _each(stand_ins[name]):
            wanted[_as_parameter(connection, one)] = (name, index)
    return stand_ins, wanted


def _sources(params, wanted: dict) -> list:
    """Where the parameters of the compiled SQL come from: (argument, None) for a scalar's,
    (argument, range) for a run of a list's items, ("", constant) for the QuerySet's own."""
    sources, found = [], set()
    for param in params:
        source = wanted.get(param) if isinstance(param, _VALUES) else None
        if source is None:
            sources.append(("", param))
            continue
        found.add(source)
        name, index = source
        if index is None:
            sources.append(source)
        elif sources and sources[-1][0] == name and isinstance(sources[-1][1], range) and sources[-1][1].stop == index:
            sources[-1] = (name, range(sources[-1][1].start, index + 1))
        else:
            sources.append((name, range(index, index + 1)))
    missing = set(wanted.values()) - found
    if missing:
        raise PreparedError(f"{sorted(missing)[0][0]} does not reach the SQL as a parameter")
    return sources


def _parameters(connection, compiled: _Compiled, arguments: dict, window=None) -> list:
    """The compiled SQL's parameters for one call."""
    params = []
    for name, index in compiled.sources:
        if not name:
            if index is _WINDOW_LIMIT or index is _WINDOW_OFFSET:
                index = window[1] if index is _WINDOW_LIMIT else window[0]
            params.append(index)  # a constant of the QuerySet's own, or the window's
        elif index is None:
            params.append(_as_parameter(connection, arguments[name]))
        else:
            params += _items(connection, arguments[name], index)
    return params


def _items(connection, items, run: range) -> list:
    """A run of a list's items, padded with its last: a list of a hundred ids is a hundred
    parameters, taken at once rather than one by one."""
    chosen = list(items[run.start : run.stop])
    if len(chosen) < len(run):
        chosen += [items[-1]] * (len(run) - len(chosen))
    if any(type(item) is not int for item in chosen):
        return [_as_parameter(connection, item) for item in chosen]
    return chosen


def _run_on_driver(connection, sql: str, params: list) -> list[tuple]:
    """The read run on SQLite's own connection, its SQL already in the driver's style.

    Django's cursor rewrites the SQL's placeholders on each execution and wraps the call in
    several layers: about 20 µs a query, against 5 to 10 µs for the query itself. What those
    layers check is checked here too (the connection is open and this thread's, the transaction
    is not broken; errors are Django's); while queries are counted or logged (tests' query
    budgets, DEBUG) or a wrapper watches them, reads go through Django's cursor instead."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        return connection.connection.execute(sql, params).fetchall()


def _shape(value) -> tuple:
    kind = type(value)
    if kind is list or kind is tuple:
        return ("list", _bucket(len(value)))
    if kind is bool or not isinstance(value, _VALUES):
        raise TypeError(f"a prepared read takes ints, strings, datetimes and lists of ints, not {kind}")
    return (kind.__name__,)


def _bucket(length: int) -> int:
    """The length a list is compiled for: the power of two at or above its own."""
    return 1 << (length - 1).bit_length() if length else 0


def _stand_in(value, number: int):
    if isinstance(value, list | tuple):
        return [_INT_BASE + number * _INT_SPACING + index for index in range(_bucket(len(value)))]
    if isinstance(value, int):
        return _INT_BASE + number * _INT_SPACING + _INT_SPACING - 1
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


class PreparedList:
    """A prepared read of model instances as a Paginator pages through it: counted, and sliced
    by a window of `per_page` rows (one compilation for every page)."""

    ordered = True  # the read's QuerySet orders its rows; the Paginator need not warn

    def __init__(self, prepared: Prepared, per_page: int, **arguments):
        self.prepared, self.per_page, self.arguments = prepared, per_page, arguments

    def count(self) -> int:
        return self.prepared.count(**self.arguments)

    def __getitem__(self, index: slice) -> list:
        start = index.start or 0
        rows = self.prepared.objects(window=(start, self.per_page), **self.arguments)
        return rows[: index.stop - start] if index.stop is not None else rows
