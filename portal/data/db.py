"""The database: one peewee proxy, bound by create_app to SQLite or PostgreSQL,
and, when PORTAL_DATABASE_REPLICA_URL names one, a read replica for the
public list of firms and its search (`reading_replica`)."""
import contextlib
import contextvars
import json
import logging
import time
from pathlib import Path

import peewee
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledPostgresqlDatabase
from werkzeug.routing import IntegerConverter

log = logging.getLogger(__name__)
_reading = contextvars.ContextVar("portal_reading_replica", default=None)


class PortalDatabase(peewee.DatabaseProxy):
    """The primary; inside `reading_replica()`, the replica. The switch is per
    request context (a context variable), so threads never see another's."""

    def __getattr__(self, attr):
        replica = _reading.get()
        if replica is not None:
            return getattr(replica, attr)
        return super().__getattr__(attr)


database = PortalDatabase()
_replica = None  # the replica's Database, when the app has one
_replica_failed_at = float("-inf")

POOL_SIZE = 20  # PostgreSQL connections per app process

SQLITE_PRAGMAS = {
    "journal_mode": "wal",  # readers never wait for the writer
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def lock_row(cls, row_id):
        """Inside a transaction: changes that hang on this row one at a time,
        so that a check and the write after it see the same rows. SQLite's
        writing transactions already run one at a time."""
        if is_postgres():
            cls.select(cls.id).where(cls.id == row_id).for_update().execute()

    @classmethod
    def without_blobs(cls):
        """Every column but the files (PDFs, documents): for lists and look-ups that
        must not drag megabytes along; the content is read on its own when served."""
        return cls.select(*[f for f in cls._meta.sorted_fields if not isinstance(f, peewee.BlobField)])


def open_database(url, replica=False):
    """A peewee Database for an URL: sqlite:///path or postgresql://…; a
    replica's PostgreSQL sessions are read-only and give up connecting fast."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Every transaction begins IMMEDIATE: it takes the write lock at BEGIN,
        # where busy_timeout makes a second writer wait its turn. A deferred
        # transaction that reads and then writes fails at once with "database
        # is locked" when another writer got there first (no wait applies to
        # a lock upgrade), which under two simultaneous clicks was a 500.
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, autoconnect=True, lock_type="IMMEDIATE")
    if url.startswith(("postgres://", "postgresql://")):
        # A pool: "close" at the end of a request hands the connection back
        # instead of paying a new TCP connection and authentication next time.
        # psycopg 3 prepares on the server each statement a connection runs
        # PREPARE_AFTER times (the queries of every request: who is asking,
        # their companies), so that the server plans them once.
        extra = {"connect_timeout": 2, "options": "-c default_transaction_read_only=on"} if replica else {}
        return PostgresqlDatabase(**{**parse_url("postgresql://" + url.split("://", 1)[1]), **extra},
                                  prefer_psycopg3=True, prepare_threshold=PREPARE_AFTER,
                                  max_connections=POOL_SIZE, stale_timeout=300, timeout=10)
    raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


PREPARE_AFTER = 2  # runs of one statement on a connection before psycopg prepares it


class WrittenOnce:
    """A Database that runs a query whose SQL prepared.py wrote already
    (`query.portal_sql`: its text and parameters, or rows already fetched)
    as it is, instead of writing it again; peewee then reads its rows as for
    any query."""

    def execute(self, query, **context_options):
        written = getattr(query, "portal_sql", None)
        if written is None:
            return super().execute(query, **context_options)
        if isinstance(written, tuple):
            return self.execute_sql(*written)
        return written


class SqliteDatabase(WrittenOnce, peewee.SqliteDatabase):
    pass


class PostgresqlDatabase(WrittenOnce, PooledPostgresqlDatabase):
    pass


REPLICA_RESTS = 30.0  # seconds the primary serves alone after the replica failed


def from_replica(read):
    """`read()` on the replica, or on the primary when there is none, when it
    failed less than REPLICA_RESTS seconds ago, or when it fails now (refused,
    too slow to connect, a query cancelled by recovery, a full pool): the
    list is then as fresh as ever, at the primary's cost. Only for reads (the
    replica's sessions are read-only): the public list and its search."""
    global _replica_failed_at
    replica = _replica
    if replica is None or _reading.get() is not None or time.monotonic() - _replica_failed_at < REPLICA_RESTS:
        return read()
    token = None
    try:
        replica.connect(reuse_if_open=True)
        token = _reading.set(replica)
        return read()
    except (peewee.DatabaseError, peewee.InterfaceError, ValueError) as error:  # ValueError: the pool is full
        _replica_failed_at = time.monotonic()
        log.warning("the read replica failed (%s): the public list reads the primary for %d s",
                    type(error).__name__, REPLICA_RESTS)
    finally:
        if token is not None:
            _reading.reset(token)
        with contextlib.suppress(Exception):
            if not replica.is_closed():
                if replica.in_transaction():
                    replica.rollback()
                replica.close()  # back to its pool (PostgreSQL); SQLite opens again in microseconds
    return read()


class DatabaseInteger(IntegerConverter):
    """`<int:…>` in every address: an id or a year the database's integer can
    hold, else no such page (404) before any query. A prepared statement types
    its parameter as that integer, so a larger one would be an error, not a miss."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def is_postgres():
    return isinstance(database.obj, peewee.PostgresqlDatabase)


# Parameters one statement may carry: PostgreSQL takes 65,535 (psycopg 3 binds them on the server), SQLite
# 32,766 by default.
MAX_PARAMETERS = 32_766


def insert_rows(model, rows):
    """`model.insert_many(rows)` (dicts with the same keys), in as many statements as the parameters need: a
    row carries its keys and every column peewee fills with its default."""
    if rows:
        columns = set(rows[0]) | {field.name for field in model._meta.defaults}
        for chunk in peewee.chunked(rows, max(1, MAX_PARAMETERS // len(columns))):
            model.insert_many(chunk).execute()


def lock_name(name):
    """Inside a transaction: the work named `name` (an import, a number being
    given) one transaction at a time on every app server. SQLite's writing
    transactions already are one at a time."""
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))


def text_agg(column):
    """The values of `column` joined by commas, in one row ("a,b,c")."""
    return peewee.fn.string_agg(column, ",") if is_postgres() else peewee.fn.group_concat(column, ",")


def month_of(column):
    """A timestamp's month as "YYYY-MM" text (UTC, as the timestamps are stored), for a GROUP BY."""
    return peewee.fn.to_char(column, "YYYY-MM") if is_postgres() else peewee.fn.strftime("%Y-%m", column)


def json_rows_agg(columns):
    """The rows' `columns` as one JSON array of arrays, in one row (NULL, or SQLite's "[]", when there
    is no row); `json_rows` reads it back."""
    if is_postgres():
        return peewee.fn.json_agg(peewee.fn.json_build_array(*columns))
    return peewee.fn.json_group_array(peewee.fn.json_array(*columns))


def json_rows(value):
    """The rows of a `json_rows_agg` column: PostgreSQL's driver decodes json itself, SQLite gives its text."""
    return json.loads(value) if isinstance(value, str) else value or []


def init_app(app):
    """A connection opened by a request's first query (autoconnect, so pages
    that need no data cost nothing). PostgreSQL's goes back to the pool when
    the request ends. SQLite's stays open for the thread's next request:
    closing the last connection to a WAL database checkpoints and removes the
    log, and reopening it runs the pragmas again, a third of a small page's
    time (the connection holds no transaction between requests)."""
    global _replica, _replica_failed_at
    app.url_map.converters["int"] = DatabaseInteger  # before the blueprints' rules are made
    # A second app in one process (a test, a command that makes its own) replaces the first one's database:
    # its connections, idle or held (no thread uses the first app any more), end now, not when collected.
    for previous in (database.obj, _replica):
        if isinstance(previous, PooledPostgresqlDatabase):
            previous.close_all()
    database.initialize(open_database(app.config["DATABASE_URL"]))
    replica_url = app.config.get("DATABASE_REPLICA_URL")
    _replica = open_database(replica_url, replica=True) if replica_url else None
    _replica_failed_at = float("-inf")

    @app.teardown_request
    def _close(exc):
        if database.is_closed():
            return
        if is_postgres():
            database.close()
        elif database.in_transaction():  # never carried into the next request
            database.rollback()
