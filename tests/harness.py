"""What the tests' fixtures are made of: an app on a given database, a
client that behaves like a WSGI server, a mailbox behind a real SMTP server,
a ClamAV daemon that knows the EICAR test file.
Tests get these through the fixtures of conftest.py; a test that needs one
directly (a second app process, a second mailbox) imports it from here."""
import email
import email.policy
import logging
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import peewee
from flask.testing import FlaskClient

from portal import create_app
from portal.data.db import database
from portal.models import ALL_MODELS
from portal.web import virus_scan

TEST_SECRET = "test-secret-key-for-the-test-suite-only"


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
        "LIST_FRESHNESS_SECONDS": 0,  # a test sees the list it just changed
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = BufferedClient
    return app


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


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AuthActions:
    """Log a test client in as someone, through the real login pages
    (flaskr's `auth` fixture): `auth.company_user()`, `auth.staff()`.
    `auth.token` is the CSRF token of the client's session."""

    PASSWORD = "four words are stronger"

    def __init__(self, app, client):
        self.app, self.client = app, client
        self.token = None

    def _csrf(self):
        """The token the login page gives (every page carries the session's): again after a login, which gives
        the browser a new one."""
        import re

        page = self.client.get("/en/login/afmps").get_data(as_text=True)
        self.token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        return self.token

    def _code(self, secret):
        import pyotp

        from portal import clock

        with self.app.app_context():
            return pyotp.TOTP(secret).at(clock.now())

    def company_user(self, niss="85073003328", first_name="Jan", last_name="Peeters", email="jan@example.be",
                     company_name="Musterfirma GmbH"):
        """A legal representative of a company of their own, logged in; returns the Person."""
        import datetime

        import pyotp

        from portal.models import Account, Company, LegalRepresentative, Person
        from portal.people.passwords import hash_password

        person = Person.create(niss=niss, last_name=last_name, first_name=first_name, sex="M",
                               birth_date=datetime.date(1985, 7, 30), birth_country="BE", email=email,
                               language="en")
        company = Company(country="DE", city="Berlin", street="Hauptstraße", house_number="1", postcode="10115")
        company.set_name(company_name)
        company.save()
        company.save_name_words()  # as a validation does: the public search finds it once listed
        LegalRepresentative.create(company=company, person=person)
        secret = pyotp.random_base32()
        Account.create(person=person, password_hash=hash_password(self.PASSWORD), must_change_password=False,
                       totp_secret=secret)
        self._log_in("/en/login/afmps", {"username": niss}, secret)
        person.company = company
        return person

    def staff(self, email="agent@afmps.be", name="Agent Peeters", roles=None):
        """An agency staff member (every role unless `roles` says which), logged in to the back office;
        returns the StaffMember."""
        import pyotp

        from portal.models import Account, StaffMember
        from portal.people.passwords import hash_password
        from portal.people.staff_roles import EVERY_ROLE

        staff = StaffMember.create(email=email, name=name, roles=" ".join(EVERY_ROLE if roles is None else roles))
        secret = pyotp.random_base32()
        Account.create(staff=staff, password_hash=hash_password(self.PASSWORD), must_change_password=False,
                       totp_secret=secret)
        assert "/staff/" in self._log_in("/en/staff/login", {"email": email}, secret)
        return staff

    def _log_in(self, path, who, secret):
        """The password page, then the code; returns where the login led."""
        token = self._csrf()
        response = self.client.post(path, data={"csrf_token": token, "password": self.PASSWORD, **who})
        assert response.headers["Location"] == "/en/login/code", response.status_code
        response = self.client.post("/en/login/code", data={"csrf_token": token, "code": self._code(secret)})
        assert response.status_code == 303, response.status_code
        self._csrf()
        return response.headers["Location"]


class QueryCount(logging.Handler):
    """The SQL statements run inside a `with` block (peewee logs each at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.statements.append(record.msg[0])

    def __enter__(self):
        self.log = logging.getLogger("peewee")
        self.level, self.propagate = self.log.level, self.log.propagate
        self.log.addHandler(self)
        self.log.setLevel(logging.DEBUG)
        self.log.propagate = False
        return self

    def __exit__(self, *exc):
        self.log.removeHandler(self)
        self.log.setLevel(self.level)
        self.log.propagate = self.propagate

    def __len__(self):
        return len(self.statements)


def postgres_database(admin_url, purpose="test"):
    """Create a fresh database for this worker on the server at admin_url."""
    import psycopg

    name = f"portal_{purpose}_{worker()}"
    connection = psycopg.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return urlsplit(admin_url)._replace(path="/" + name).geturl()


def worker():
    """The pytest-xdist worker running this test ("main" without xdist)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")



# The anti-virus test file (eicar.org), in two halves so that no file of the repository is itself the
# test virus (a developer's own antivirus would take the file away).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLAMD = "/usr/sbin/clamd"  # Debian's clamav-daemon (scripts/test.sh installs it)


class Clamd:
    """A real clamd of the test session, on a UNIX socket of its own, whose only signature is the EICAR
    string (anywhere in any file): the public signatures cannot be fetched here, and a database of one
    signature loads in a fraction of a second. clamd refuses to start without a database."""

    SIGNATURE = "Portal.Test.EICAR"

    def __init__(self, folder):
        self.folder = Path(folder)
        self.socket = str(self.folder / "clamd.sock")
        if len(self.socket) > 100:  # a UNIX socket's path holds at most 107 bytes
            self.socket = str(Path(tempfile.mkdtemp(prefix="clamd-")) / "clamd.sock")
        self.log = self.folder / "clamd.log"
        self.process = None
        self.started_in = None

    def start(self, wait=30):
        database = self.folder / "signatures"
        database.mkdir(exist_ok=True)
        (database / "portal-test.ndb").write_text(f"{self.SIGNATURE}:0:*:{EICAR.hex()}\n")
        config = self.folder / "clamd.conf"
        config.write_text(f"""\
LocalSocket {self.socket}
LocalSocketMode 600
FixStaleSocket yes
Foreground yes
DatabaseDirectory {database}
TemporaryDirectory {self.folder}
LogFile {self.log}
LogTime yes
SelfCheck 0
ExtendedDetectionInfo yes
MaxThreads 4
StreamMaxLength 12M
""")
        began = time.monotonic()
        with open(self.folder / "clamd.out", "wb") as out:
            self.process = subprocess.Popen([CLAMD, f"--config-file={config}"], stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while not virus_scan.ping(self.socket, timeout=1):
            if self.process.poll() is not None or time.monotonic() - began > wait:
                self.stop()
                output = (self.folder / "clamd.out").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"clamd did not start ({CLAMD} --config-file={config}):\n{output}")
            time.sleep(0.02)
        self.started_in = time.monotonic() - began
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
