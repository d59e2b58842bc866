"""PORTAL_DATABASE_REPLICA_URL: the public list and its search read the replica; everything else the
primary; a replica that does not answer leaves the list on the primary, never an error page."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal.data.db import database
from tests.builders import make_firm
from tests.harness import make_app
from tests.harness import postgres_database as _postgres_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def replica_url(tmp_path):
    """A second database with the schema and one firm of its own: a replica that has not yet caught up
    with the primary (and holds a firm the primary never had, to tell the two apart)."""
    admin_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if admin_url:
        url = _postgres_database(admin_url, "replica")
    else:
        url = f"sqlite:///{tmp_path / 'replica.db'}"
    fill = textwrap.dedent(f"""
        from portal import create_app
        from portal.data.migrations import migrate
        from tests.builders import make_firm
        app = create_app({{"ENV_NAME": "development", "DATABASE_URL": {url!r}, "INSTANCE_DIR": {str(tmp_path)!r}}})
        with app.app_context():
            migrate()
            make_firm("Replicata Medical GmbH", agency_number="000201")
    """)
    subprocess.run([sys.executable, "-c", fill], cwd=ROOT, check=True, capture_output=True)
    yield url
    if admin_url:
        import psycopg

        database.close()
        connection = psycopg.connect(admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)')
        connection.close()


def test_the_public_list_and_its_search_read_the_replica(app, db, database_url, instance_dir, replica_url):
    make_firm("Primaria Medical GmbH", agency_number="000202")
    client = make_app(database_url, instance_dir, DATABASE_REPLICA_URL=replica_url).test_client()
    listed = client.get("/en/firms").get_data(as_text=True)
    assert "Replicata Medical GmbH" in listed and "Primaria Medical GmbH" not in listed
    found = client.get("/en/firms?name=repl").get_data(as_text=True)
    assert "Replicata Medical GmbH" in found
    assert "Primaria" not in client.get("/en/firms?name=prim").get_data(as_text=True)
    # Everything else reads and writes the primary: a registration starts there.
    token = client.get("/en/register").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post("/en/register", data={"csrf_token": token}).status_code == 303
    from portal.models import Registration
    assert Registration.select().count() == 1


def test_a_replica_that_does_not_answer_leaves_the_list_on_the_primary(app, db, database_url, instance_dir, caplog,
                                                                       tmp_path):
    make_firm("Primaria Medical GmbH", agency_number="000202")
    nowhere = ("postgresql://postgres@127.0.0.1:9/nowhere" if database_url.startswith("postgresql")
               else f"sqlite:///{tmp_path}")  # a folder: SQLite cannot open it
    client = make_app(database_url, instance_dir, DATABASE_REPLICA_URL=nowhere).test_client()
    response = client.get("/en/firms?name=prim")
    assert response.status_code == 200 and "Primaria Medical GmbH" in response.get_data(as_text=True)
    assert "read replica failed" in caplog.text


def test_a_replica_whose_queries_fail_leaves_the_list_on_the_primary(app, db, database_url, instance_dir, caplog,
                                                                     tmp_path):
    """It connects, but its queries fail (here: it has no tables; in life, a query cancelled by recovery)."""
    make_firm("Primaria Medical GmbH", agency_number="000202")
    empty = (database_url.rsplit("/", 1)[0] + "/postgres" if database_url.startswith("postgresql")
             else f"sqlite:///{tmp_path / 'empty.db'}")
    client = make_app(database_url, instance_dir, DATABASE_REPLICA_URL=empty).test_client()
    for _ in range(2):  # the second within the rest: straight to the primary
        response = client.get("/en/firms?name=prim")
        assert response.status_code == 200 and "Primaria Medical GmbH" in response.get_data(as_text=True)
    assert caplog.text.count("read replica failed") == 1
