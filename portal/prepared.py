"""Queries written with peewee but turned into SQL once per process and kind
of database, for the few that every logged-in request runs (who is asking,
their companies, their rights). Peewee walks a query's whole expression tree
to write its SQL each time it runs: for these joins and unions that costs more
than the database's answer.

    COMPANIES = Prepared(lambda: Company.select().where(Company.id == slot("id")))
    COMPANIES.rows(id=3)

A slot is a parameter the query is built around; `rows` binds the values and
reads the rows as the query itself would (models, joined models included). A
row given for a slot is bound as its id, as peewee binds `field == row`.

On PostgreSQL each query is also a server-side prepared statement on each
connection (PREPARE once, then EXECUTE): the server plans a union of four
look-ups and two joins in more time than it runs it.
"""
import itertools
import re

from peewee import Model, Value

from . import model_rows
from .db import database, is_postgres

_names = itertools.count(1)
_PER_CURSOR = {"cursor", "count", "index", "initialized", "populated", "row_cache"}


class Slot:
    """A parameter's place in a prepared query, filled at each run."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<slot {self.name}>"


def slot(name):
    return Value(Slot(name), converter=False)


def _bound(value):
    return value.get_id() if isinstance(value, Model) else value


class Prepared:
    def __init__(self, build):
        self.build = build
        self.compiled = {}  # kind of database -> (query, sql, params)
        self.readers = {}  # kind of database -> what peewee worked out from the first cursor
        self.name = f"portal_prepared_{next(_names)}"

    def _compiled(self):
        kind = type(database.obj)
        found = self.compiled.get(kind)
        if found is None:
            query = self.build()
            sql, params = query.sql()
            found = self.compiled[kind] = (query, sql, params)
        return found

    def rows(self, **values):
        query, cursor = self._execute(values)
        return self._read(query, cursor)

    def first(self, **values):
        """The first row, as `rows` reads it, or None."""
        found = self.rows(**values)
        return found[0] if found else None

    def raw_rows(self, **values):
        """The rows as the database driver gives them, each column untouched (a
        SQLite datetime is its text): for a list of many rows whose caller
        converts the one or two columns that need it."""
        return self._execute(values)[1].fetchall()

    def _execute(self, values):
        query, sql, params = self._compiled()
        bound = [_bound(values[p.name]) if isinstance(p, Slot) else p for p in params]
        if is_postgres():
            return query, self._execute_prepared(sql, bound)
        return query, database.execute_sql(sql, bound)

    def _read(self, query, cursor):
        """The rows as models, with the work peewee does on each new cursor
        (matching its columns to fields, joins to models) done once: the same
        SQL always gives the same columns. The models are then made by
        model_rows' plan for that shape, or by peewee where it has none."""
        kind = type(database.obj)
        reader = self.readers.get(kind)
        if reader is None:
            wrapper = query._get_cursor_wrapper(cursor)
            wrapper.initialize()
            self.readers[kind] = reader = (
                model_rows.plan(wrapper), {name: value for name, value in vars(wrapper).items()
                                           if name not in _PER_CURSOR})
        read, state = reader
        if read is not None:
            rows = cursor.fetchall()
            cursor.close()  # as peewee does once its rows are read
            return read(rows)
        wrapper = query._get_cursor_wrapper(cursor)
        vars(wrapper).update(state)
        wrapper.initialized = True
        return list(wrapper)

    def _execute_prepared(self, sql, bound):
        prepared = getattr(database.connection(), "prepared", None)  # db.Connection keeps the set
        if prepared is None:
            return database.execute_sql(sql, bound)
        if self.name not in prepared:
            numbered = iter(range(1, len(bound) + 1))
            database.execute_sql(f"PREPARE {self.name} AS " + re.sub(r"%s", lambda _: f"${next(numbered)}", sql))
            prepared.add(self.name)  # a PREPARE outlives a rolled-back transaction: the set stays true
        placeholders = ", ".join(["%s"] * len(bound))
        return database.execute_sql(f"EXECUTE {self.name}({placeholders})" if bound else f"EXECUTE {self.name}",
                                    bound)
