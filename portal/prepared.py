"""Queries written with peewee but turned into SQL once per process and kind
of database, for the few that every logged-in request runs (who is asking,
their companies, their rights). Peewee walks a query's whole expression tree
to write its SQL each time it runs: for these joins and unions that costs more
than the database's answer.

    COMPANIES = Prepared(lambda: Company.select().where(Company.id == slot("id")))
    COMPANIES.rows(id=3)

A slot is a parameter the query is built around; `rows` binds the values and
peewee reads the rows as for the query itself (models, joined models
included): the query runs as a clone that carries its written SQL, which the
database runs as it is (db.WrittenOnce). A row given for a slot is bound as
its id, as peewee binds `field == row`.

On PostgreSQL, psycopg prepares the statement on the server once a connection
has run it a few times (db.PREPARE_AFTER).
"""
from peewee import Model, Value

from .db import database


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
        self.written = {}  # kind of database -> (query, sql, params)

    def written_once(self):
        """(query, sql, params) for the database in use, written at the first call; a slot's parameter is
        its Slot."""
        kind = type(database.obj)
        found = self.written.get(kind)
        if found is None:
            query = self.build()
            found = self.written[kind] = (query, *query.sql())
        return found

    def _query(self, values):
        """A clone of the query, carrying its SQL with the values bound."""
        query, sql, params = self.written_once()
        bound = [_bound(values[p.name]) if isinstance(p, Slot) else p for p in params]
        run = query.clone()
        run.portal_sql = (sql, bound)
        return run

    def rows(self, **values):
        """The rows, as the query reads them (models, with their joins)."""
        return list(self._query(values))

    def first(self, **values):
        """The first row, as `rows` reads it, or None."""
        found = self.rows(**values)
        return found[0] if found else None

    def raw_rows(self, **values):
        """The rows as tuples, each column as the database driver gives it (a
        SQLite datetime is its text): for a list of many rows whose caller
        converts the one or two columns that need it."""
        return database.execute(self._query(values)).fetchall()
