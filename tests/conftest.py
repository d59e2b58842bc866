"""Fixtures shared by every test: an app on a real database, a client, a CLI runner.

The database is a SQLite file under the test session's temporary folder, or,
when PORTAL_TEST_DATABASE_URL names a PostgreSQL server, a database of its own
on that server for each test worker. The schema is built once per session by
the real migrations; every test starts from empty tables.
"""
import email
import email.policy
import os
import socket
from urllib.parse import urlsplit

import peewee
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from portal import create_app
from portal.db import database
from portal.migrations import migrate
from portal.models import ALL_MODELS

TEST_SECRET = "test-secret-key-for-the-test-suite-only"


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_database(admin_url):
    """Create a fresh database for this worker on the server at admin_url."""
    import psycopg2

    name = f"portal_test_{_worker()}"
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlsplit(admin_url)._replace(path="/" + name).geturl()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    admin_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if admin_url:
        return _postgres_database(admin_url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.db")


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


class BufferedClient(FlaskClient):
    """Reads and closes every response, as a WSGI server does, so that work
    registered to run after the answer went out (mail.send_after_response)
    has run when the test looks."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def make_app(database_url, instance_dir, **overrides):
    config = {
        "TESTING": True,
        "ENV_NAME": "development",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "INSTANCE_DIR": str(instance_dir),
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = BufferedClient
    return app


@pytest.fixture(scope="session")
def _schema(database_url, instance_dir):
    app = make_app(database_url, instance_dir)
    with app.app_context():
        migrate()
        database.close()
    return True


def clear_tables():
    if database.is_closed():
        database.connect()
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        database.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    else:
        with database.atomic():
            for model in reversed(ALL_MODELS):
                model.delete().execute()
    database.close()


@pytest.fixture
def app(database_url, instance_dir, _schema, smtp_server):
    app = make_app(database_url, instance_dir, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port)
    yield app
    with app.app_context():
        clear_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """Direct database access for arranging data.

    Deliberately outside any app context: a test client request would reuse
    it, and with it `g`, so requests would leak state into each other.
    """
    database.connect(reuse_if_open=True)
    yield database
    if not database.is_closed():
        database.close()


class Mailbox:
    """Messages received by the SMTP server the app sends to."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def received(self, recipient=None):
        """The messages, parsed, optionally only those for `recipient`."""
        parsed = [email.message_from_bytes(envelope.content, policy=email.policy.default)
                  for envelope in self.messages]
        return [m for m in parsed if recipient is None or m["To"] == recipient]


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.messages.clear()
    return smtp_server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()
