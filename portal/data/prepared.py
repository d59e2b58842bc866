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

The SQL runs as it is through `Database.execute_sql`. The rows are made by
rows.Reader, planned once per query, which the first rows read are checked
against: peewee reads them too, and where the two differ (or the reader does
not cover the query's shape, or the query asks for tuples or dicts), peewee
keeps reading that query's rows itself, as a clone of the query carrying its
SQL (db.WrittenOnce). On PostgreSQL, psycopg prepares the statement on the
server once a connection has run it a few times (db.PREPARE_AFTER).
"""
import logging

from peewee import Model, Value

from portal.data.db import database
from portal.data.rows import Reader

log = logging.getLogger(__name__)
_UNCHECKED = object()


class Slot:
    """A parameter's place in a prepared query, filled at each run."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<slot {self.name}>"


def slot(name):
    return Value(Slot(name), converter=False)


def _parameter(value):
    return value.get_id() if isinstance(value, Model) else value


class Prepared:
    def __init__(self, build):
        """`build()` gives the query, or (query, links): the joined models (or their aliases) by the
        attribute of the root they fill, where the root has two foreign keys to one model."""
        self.build = build
        self.written = {}  # kind of database -> (query, sql, params, links)
        self.readers = {}  # kind of database -> Reader, None (peewee reads), or not yet checked

    def written_once(self, kind=None):
        """(query, sql, params, links) for the database in use, written at the first call; a slot's
        parameter is its Slot."""
        kind = kind or type(database.obj)
        found = self.written.get(kind)
        if found is None:
            built = self.build()
            query, links = built if isinstance(built, tuple) else (built, None)
            found = self.written[kind] = (query, *query.sql(), links)
        return found

    def _bound(self, values, kind=None):
        query, sql, params, links = self.written_once(kind)
        return query, sql, [_parameter(values[p.name]) if isinstance(p, Slot) else p for p in params], links

    def rows(self, **values):
        """The rows, as the query reads them (models, with their joins)."""
        kind = type(database.obj)
        query, sql, bound, links = self._bound(values, kind)
        cursor = database.execute_sql(sql, bound)
        return self._read(kind, query, links, cursor.description, cursor.fetchall())

    def shown(self, **values):
        """The rows for a piece of a page the fragment cache keeps: a Shown, whose `key` is the rows as the
        driver gives them and whose models are made only if the piece is rendered."""
        kind = type(database.obj)
        query, sql, bound, links = self._bound(values, kind)
        cursor = database.execute_sql(sql, bound)
        description, rows = cursor.description, cursor.fetchall()
        return Shown(rows, lambda: self._read(kind, query, links, description, rows))

    def _read(self, kind, query, links, description, rows):
        """Models of rows fetched: by the Reader once it is checked, by peewee before (and for good where
        they differ)."""
        reader = self.readers.get(kind, _UNCHECKED)
        if reader is None:
            return _by_peewee(query, Fetched(description, rows))
        if reader is not _UNCHECKED:
            return reader.read(rows)
        if not rows:
            return []  # nothing to check against yet
        theirs = _by_peewee(query, Fetched(description, rows))  # the same rows, not a second run
        model = getattr(query, "model", None)
        reader = (Reader.of(query, [column[0] for column in description], links)
                  if model is not None and isinstance(theirs[0], model) else None)  # not tuples, not a plain Select
        if reader is not None and not reader.same_as(reader.read(rows), theirs):
            log.warning("prepared rows: %s read otherwise than peewee reads it; peewee reads it", model)
            reader = None
        self.readers[kind] = reader
        return theirs

    def first(self, **values):
        """The first row, as `rows` reads it, or None."""
        found = self.rows(**values)
        return found[0] if found else None

    def raw_rows(self, **values):
        """The rows as tuples, each column as the database driver gives it (a
        SQLite datetime is its text): for a list of many rows whose caller
        converts the one or two columns that need it."""
        _, sql, bound, _ = self._bound(values)
        return database.execute_sql(sql, bound).fetchall()



def _by_peewee(query, written):
    """The rows as peewee reads them, from a clone of the query carrying its SQL and parameters, or rows
    already fetched (db.WrittenOnce)."""
    run = query.clone()
    run.portal_sql = written
    return list(run)


class Shown:
    """What a piece of a page shows, for `{% cache "…", shown.key %}`: `key` is the rows as the database
    driver gives them, every value the piece shows (the query selects what the piece reads, its joins
    included), so a row changed, added or removed is a new key and no kept piece is ever out of date. The
    models are made of the same rows only when something reads them, that is when the piece is rendered:
    a page whose pieces are kept makes none. Reads as the list of models (iterate, index, len, bool)."""

    __slots__ = ("key", "_make", "_models")

    def __init__(self, rows, make):
        self.key = tuple(rows)
        self._make = make
        self._models = None

    def then(self, finish):
        """The same rows, whose models `finish(models)` completes (a column set on each, a row given) when
        they are made."""
        return Shown(self.key, lambda: finish(self._list()))

    def _list(self):
        if self._models is None:
            self._models = self._make()
        return self._models

    def __iter__(self):
        return iter(self._list())

    def __getitem__(self, index):
        return self._list()[index]

    def __len__(self):
        return len(self.key)

    def __bool__(self):
        return bool(self.key)


class Fetched:
    """Rows already fetched, as a DB-API cursor gives them, for peewee to read again."""

    def __init__(self, description, rows):
        self.description = description
        self.rows = iter(rows)

    def fetchone(self):
        return next(self.rows, None)

    def close(self):
        pass
