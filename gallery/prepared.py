"""Querysets compiled to SQL once per process, then run with each request's values.

A page's paintings come with their sale status, lowest print price and whether
a visitor could open them: annotations with subqueries and a condition on every
ancestor. Building that queryset and compiling it cost Django several times
what the database takes to run it, on every request, though its SQL never
changes: only the values in it do (the time now, the page's path or id).

`PreparedQuery(build, name=kind, …)` builds `build(**values)` once per process
(one database: the default), with made-up probe values, and finds where each value lands among the
statement's parameters. It builds it once more with other probes: unless the
SQL is the same and exactly those parameters moved, a value shapes the SQL
itself (a list's length, a None) and the query is never prepared (each call
then builds it as usual). Each call afterwards only swaps the values in, runs
the statement and makes the model instances the way the queryset would
(annotations, select_related, prefetch_related included).
"""

import copy
import datetime
import threading

from django.conf import settings
from django.db import connections

UNPREPARED = object()

# Two sets of values no page holds, one per kind of value a query takes. The
# strings differ in length too: SQL that depends on a value's length (a
# SUBSTR up to it) then differs between the two, and is never prepared.
PROBES = {
    datetime.datetime: (
        datetime.datetime(1901, 2, 3, 4, 5, 6, 700001, tzinfo=datetime.UTC),
        datetime.datetime(1902, 3, 4, 5, 6, 7, 800002, tzinfo=datetime.UTC),
    ),
    int: (987_654_301, 876_543_201),
    str: ("\x1eprobe-a\x1e", "\x1eprobe-b, longer\x1e"),
}


def probe(kind, which, index):
    value = PROBES[kind][which]
    if kind is datetime.datetime:
        # As the time now is: aware, or naive where USE_TZ is off (SQLite refuses
        # an aware one then).
        value = value if settings.USE_TZ else value.replace(tzinfo=None)
        return value + datetime.timedelta(seconds=index)
    if kind is int:
        return value + index
    return f"{value}{index}"


def adapters(connection, kind):
    """How a value of this kind may appear among the parameters: as it is, or as
    the backend adapts it (SQLite stores datetimes as text)."""
    found = [lambda value: value]
    if kind is datetime.datetime:
        found.append(connection.ops.adapt_datetimefield_value)
    return found


class Statement:
    """One compiled query: its SQL, its parameters, which of them are values."""

    def __init__(self, queryset, compiler, sql, params, slots):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots  # (position, value name, adapter)

    def params_for(self, values):
        params = list(self.params)
        for position, name, adapt in self.slots:
            params[position] = adapt(values[name])
        return params


class CompiledQuery:
    """What ModelIterable asks of a queryset's query: the compiler, here one whose
    SQL is already made."""

    def __init__(self, compiler):
        self.compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler


class PreparedQuery:
    def __init__(self, build, **kinds):
        self.build = build
        self.kinds = kinds
        self.prepared = UNPREPARED  # then a Statement, or None when it cannot be
        self.lock = threading.Lock()

    def compile(self, which):
        values = {
            name: probe(kind, which, index) for index, (name, kind) in enumerate(self.kinds.items())
        }
        queryset = self.build(**values)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        return values, queryset, compiler, sql, tuple(params)

    def prepare(self):
        values, queryset, compiler, sql, params = self.compile(0)
        connection = compiler.connection
        slots = []
        for position, param in enumerate(params):
            for name, kind in self.kinds.items():
                adapt = next(
                    (a for a in adapters(connection, kind) if a(values[name]) == param), None
                )
                if adapt is not None:
                    slots.append((position, name, adapt))
                    break
        statement = Statement(queryset, compiler, sql, params, tuple(slots))
        other_values, _, _, other_sql, other_params = self.compile(1)
        if other_sql != sql or tuple(statement.params_for(other_values)) != other_params:
            return None
        if {name for _, name, _ in slots} != set(self.kinds):
            return None
        return statement

    def statement(self):
        """This process's compiled statement; None when the query cannot be prepared."""
        if self.prepared is UNPREPARED:
            with self.lock:
                if self.prepared is UNPREPARED:
                    self.prepared = self.prepare()
        return self.prepared

    def run(self, statement, values, suffix="", extra_params=()):
        """The model instances for these values (SQL `suffix` appended, e.g. a LIMIT)."""
        sql = statement.sql + suffix
        params = statement.params_for(values) + list(extra_params)
        # A copy of the compiler as it stood after compiling (its columns, the
        # annotations' places), on this thread's connection, answering with this SQL.
        compiler = copy.copy(statement.compiler)
        compiler.connection = connections[statement.queryset.db]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset = statement.queryset._chain()
        queryset._query = CompiledQuery(compiler)
        return list(queryset)

    def __call__(self, **values):
        """The model instances, as list(build(**values)) gives them."""
        statement = self.statement()
        if statement is None:
            return list(self.build(**values))
        return self.run(statement, values)

    def slice(self, start, stop, **values):
        """As list(build(**values)[start:stop])."""
        statement = self.statement()
        if statement is None:
            return list(self.build(**values)[start:stop])
        return self.run(statement, values, " LIMIT %s OFFSET %s", (stop - start, start))

    def count(self, **values):
        """As build(**values).count()."""
        statement = self.statement()
        if statement is None:
            return self.build(**values).count()
        with connections[statement.queryset.db].cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({statement.sql}) counted",  # noqa: S608 - compiled by Django, values as parameters
                statement.params_for(values),
            )
            return cursor.fetchone()[0]

    def pages(self, **values):
        """What a Paginator pages through: counted and sliced with these values."""
        return PreparedPages(self, values)


class PreparedPages:
    ordered = True  # the query's own order_by

    def __init__(self, query, values):
        self.query = query
        self.values = values

    def count(self):
        return self.query.count(**self.values)

    def __getitem__(self, bounds):
        return self.query.slice(bounds.start, bounds.stop, **self.values)
