"""Fixtures shared by every test: an app on a real database, a client, a CLI runner, a virus scanner.

The database is a SQLite file under the test session's temporary folder, or,
when PORTAL_TEST_DATABASE_URL names a PostgreSQL server, a database of its own
on that server for each test worker. The schema is built once per session by
the real migrations; every test starts from empty tables.
"""
import os

import pytest
from aiosmtpd.controller import Controller

from portal.data.db import database
from portal.data.migrations import migrate
from tests.harness import CLAMD, AuthActions, Clamd, Mailbox, clear_tables, free_port, make_app, postgres_database


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    admin_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if admin_url:
        return postgres_database(admin_url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.db")


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def _schema(database_url, instance_dir):
    app = make_app(database_url, instance_dir)
    with app.app_context():
        migrate()
        database.close()
    return True


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
def auth(app, client, db):
    """Log `client` in: auth.company_user(), auth.staff()."""
    return AuthActions(app, client)


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


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.messages.clear()
    return smtp_server


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A real ClamAV daemon for the session (Debian's clamd, on a database made for the tests: the EICAR
    test string), stopped at the end."""
    if not os.access(CLAMD, os.X_OK):
        pytest.skip(f"{CLAMD} is missing: install Debian's clamav-daemon (scripts/test.sh does)")
    daemon = Clamd(tmp_path_factory.mktemp("clamd")).start()
    yield daemon
    daemon.stop()


@pytest.fixture
def virus_scanner(app, clamd):
    """The app scans every uploaded file with the session's clamd (PORTAL_CLAMD_SOCKET)."""
    app.config["CLAMD_SOCKET"] = clamd.socket
    return clamd
