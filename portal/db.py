"""The database: one peewee proxy, bound by create_app to SQLite or PostgreSQL,
and, when PORTAL_DATABASE_REPLICA_URL names one, a read replica for the
public list of firms and its search (`reading_replica`)."""
import contextlib
import contextvars
import logging
import time
from pathlib import Path

import peewee
import psycopg2.extensions
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledPostgresqlDatabase

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


def open_database(url):
    """A peewee Database for an URL: sqlite:///path or postgresql://…"""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Every transaction begins IMMEDIATE: it takes the write lock at BEGIN,
        # where busy_timeout makes a second writer wait its turn. A deferred
        # transaction that reads and then writes fails at once with "database
        # is locked" when another writer got there first (no wait applies to
        # a lock upgrade), which under two simultaneous clicks was a 500.
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, autoconnect=True, lock_type="IMMEDIATE")
    if url.startswith(("postgres://", "postgresql://")):
        # A pool: "close" at the end of a request hands the connection back
        # instead of paying a new TCP connection and authentication next time.
        return Pool(**parse_url("postgresql://" + url.split("://", 1)[1]), max_connections=POOL_SIZE,
                    stale_timeout=300, timeout=10, connection_factory=Connection)
    raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


class Connection(psycopg2.extensions.connection):
    """A PostgreSQL connection that remembers the statements prepared on it
    (prepared.py): they live and die with the server session."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = set()


class Pool(PooledPostgresqlDatabase):
    """peewee's pool, without the round trip (SELECT 1) it makes at every
    check-out to learn whether the server still holds the connection, when the
    connection was handed back less than PING_AFTER seconds ago: under load
    that round trip was a quarter of a small page's database time. A
    connection idle longer is checked as before; one the server dropped within
    the window fails that one request, and is then discarded."""

    PING_AFTER = 5.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._handed_back = {}  # id(connection) -> when

    def _is_closed(self, conn):
        if conn.closed:
            return True
        handed_back = self._handed_back.get(id(conn))
        if handed_back is not None and time.monotonic() - handed_back < self.PING_AFTER \
                and self._adapter.txn_status(conn) == self._adapter.txn_idle:
            return False
        return super()._is_closed(conn)

    def _close(self, conn, close_conn=False):
        if len(self._handed_back) > 4 * POOL_SIZE:  # ids of connections long gone
            self._handed_back.clear()
        self._handed_back[id(conn)] = time.monotonic()
        super()._close(conn, close_conn)


@contextlib.contextmanager
def reading_replica():
    """Read from the replica inside this block, or from the primary when
    there is none or it does not answer (the list is then as fresh as ever,
    at the primary's cost). Only for reads: the public list and its search."""
    replica = _replica
    if replica is None or _reading.get() is not None:
        yield
        return
    try:
        replica.connect(reuse_if_open=True)
    except peewee.DatabaseError as error:  # OperationalError included: down, refused, wrong password
        log.warning("the read replica does not answer (%s): the public list reads the primary",
                    type(error).__name__)
        yield
        return
    token = _reading.set(replica)
    try:
        yield
    finally:
        _reading.reset(token)
        if replica.in_transaction():
            replica.rollback()
        replica.close()  # back to its pool (PostgreSQL); SQLite opens again in microseconds


def is_postgres():
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def lock_name(name):
    """Inside a transaction: the work named `name` (an import, a number being
    given) one transaction at a time on every app server. SQLite's writing
    transactions already are one at a time."""
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))


def text_agg(column):
    """The values of `column` joined by commas, in one row ("a,b,c")."""
    return peewee.fn.string_agg(column, ",") if is_postgres() else peewee.fn.group_concat(column, ",")


def init_app(app):
    """A connection opened by a request's first query (autoconnect, so pages
    that need no data cost nothing). PostgreSQL's goes back to the pool when
    the request ends. SQLite's stays open for the thread's next request:
    closing the last connection to a WAL database checkpoints and removes the
    log, and reopening it runs the pragmas again, a third of a small page's
    time (the connection holds no transaction between requests)."""
    global _replica
    database.initialize(open_database(app.config["DATABASE_URL"]))
    replica_url = app.config.get("DATABASE_REPLICA_URL")
    _replica = open_database(replica_url) if replica_url else None

    @app.teardown_request
    def _close(exc):
        if database.is_closed():
            return
        if is_postgres():
            database.close()
        elif database.in_transaction():  # never carried into the next request
            database.rollback()
