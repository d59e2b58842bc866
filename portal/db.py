"""The database: one peewee proxy, bound by create_app to SQLite or PostgreSQL."""
from pathlib import Path

import peewee
from playhouse.db_url import connect as connect_url

database = peewee.DatabaseProxy()

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
        pooled = "postgresql+pool://" + url.split("://", 1)[1]
        return connect_url(pooled, max_connections=POOL_SIZE, stale_timeout=300, timeout=10)
    raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


def is_postgres():
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def init_app(app):
    """A connection opened by a request's first query (autoconnect, so pages
    that need no data cost nothing). PostgreSQL's goes back to the pool when
    the request ends. SQLite's stays open for the thread's next request:
    closing the last connection to a WAL database checkpoints and removes the
    log, and reopening it runs the pragmas again, a third of a small page's
    time (the connection holds no transaction between requests)."""
    database.initialize(open_database(app.config["DATABASE_URL"]))

    @app.teardown_request
    def _close(exc):
        if database.is_closed():
            return
        if is_postgres():
            database.close()
        elif database.in_transaction():  # never carried into the next request
            database.rollback()
