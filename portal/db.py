"""The database: one peewee proxy, bound by create_app to SQLite or PostgreSQL."""
from pathlib import Path

import peewee
from flask import request
from playhouse.db_url import connect as connect_url

database = peewee.DatabaseProxy()

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


def open_database(url):
    """A peewee Database for an URL: sqlite:///path or postgresql://…"""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, autoconnect=True)
    if url.startswith(("postgres://", "postgresql://")):
        return connect_url(url)
    raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


def is_postgres():
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def init_app(app):
    database.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        if request.endpoint != "static":
            database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()
