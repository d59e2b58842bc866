"""Queries written with peewee but turned into SQL once per process and kind
of database, for the few that every logged-in request runs (who is asking,
their companies, their rights). Peewee walks a query's whole expression tree
to write its SQL each time it runs: for these joins and unions that cost more
than the database's answer, 40 % of a logged-in page.

    COMPANIES = Prepared(lambda: Company.select().where(Company.id == slot("id")))
    COMPANIES.rows(id=3)

A slot is a parameter the query is built around; `rows` binds the values and
reads the rows as the query itself would (models, joined models included).
"""
from peewee import Value

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


class Prepared:
    def __init__(self, build):
        self.build = build
        self.compiled = {}  # kind of database -> (query, sql, params)

    def _compiled(self):
        kind = type(database.obj)
        found = self.compiled.get(kind)
        if found is None:
            query = self.build()
            sql, params = query.sql()
            found = self.compiled[kind] = (query, sql, params)
        return found

    def rows(self, **values):
        query, sql, params = self._compiled()
        cursor = database.execute_sql(sql, [values[p.name] if isinstance(p, Slot) else p for p in params])
        return list(query._get_cursor_wrapper(cursor))
