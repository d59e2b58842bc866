"""Upgrades from every earlier schema: a database that lived through every release, rows and stored files
added at each migration level, is migrated one level at a time to the newest, and after each step every
row and every file written before it is still there, byte for byte. The newest code then reads every row.
A database a newer release migrated is refused, never migrated down. On SQLite, and on PostgreSQL when
PORTAL_TEST_DATABASE_URL is set (as every test of tests/web)."""
import datetime
import os
import random
import re

import peewee
import pytest
from playhouse.migrations import Migration, Runner

from portal.data.db import open_database
from portal.data.migrations import DIRECTORY
from portal.models import ALL_MODELS
from tests.builders import every_row
from tests.harness import postgres_database

HISTORY = "schema_migration"
# Tables whose rows the database itself keeps (triggers): they change as the rows they count do.
KEPT_BY_TRIGGERS = {"listing_version", "registration_tally"}
# What a migration changes on purpose in rows already there: {migration: {(table, column)}}.
CHANGED_ON_PURPOSE = {"0030_all_dossiers": {("staff_member", "roles")}}
# Tables whose rows a migration drops on purpose: 0011 replaced the login throttle's counters by rate_limit, and
# deleted the recovery codes hashed without the server's secret (they could never match again).
DROPPED_ON_PURPOSE = {"0011_security_hardening": {"login_throttle", "recovery_code"}}
# Values a migration reads, as the portal wrote them then; every other column gets a plain value of its type.
REALISTIC = {
    ("company", "name"): "Musterfirma {level} GmbH", ("company", "country"): "DE",
    ("registration", "data"): '{{"company": {{"name": "Alte Medizin {level}", "language": "de"}}}}',
    ("registration", "status"): "submitted", ("registration", "kind"): "registration",
    ("staff_member", "roles"): "reviewer inspector", ("corrective_action", "status"): "done",
    ("person", "niss"): "850730033{level:02d}", ("activity", "kind"): "manufacturer",
    ("dossier_document", "filename"): "report-{level}.pdf", ("dossier_document", "content_type"): "application/pdf",
}


@pytest.fixture
def lived(tmp_path):
    """A fresh database of its own (not the tests' one), and a migration runner over it."""
    admin_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    url = postgres_database(admin_url, "upgrade") if admin_url else f"sqlite:///{tmp_path / 'lived.db'}"
    db = open_database(url)
    yield db, Runner(db, str(DIRECTORY))
    db.close_all() if hasattr(db, "close_all") else db.close()


def is_postgres(db):
    return isinstance(db, peewee.PostgresqlDatabase)


def schema(db):
    """{table: ([(column, type, length or None)], {column: table it points to})}, read in two queries (a
    catalog query per table would make PostgreSQL's run twenty times longer)."""
    tables = {t: ([], {}) for t in db.get_tables()}
    if is_postgres(db):
        for table, name, kind, length in db.execute_sql(
                "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"):
            if table in tables:
                tables[table][0].append((name, kind, length))
        for table, name, target in db.execute_sql(
                "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c JOIN "
                "pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f' AND "
                "c.connamespace = current_schema()::regnamespace"):
            tables[table][1][name] = target
        return tables
    for table, (found, keys) in tables.items():
        for _, name, kind, *_ in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall():
            length = re.search(r"\((\d+)\)", kind)
            found.append((name, kind.split("(")[0].lower(), int(length.group(1)) if length else None))
        keys.update({fk.column: fk.dest_table for fk in db.get_foreign_keys(table)})
    return tables


def parents_first(tables):
    """The tables, each after those its foreign keys point to."""
    pointing = {t: set(keys.values()) - {t} for t, (_, keys) in tables.items()}
    ordered = []
    while pointing:
        ready = sorted(t for t, parents in pointing.items() if not parents - set(ordered))
        assert ready, f"a circle of foreign keys among {sorted(pointing)}"
        ordered += ready
        for t in ready:
            del pointing[t]
    return ordered


def plain_value(kind, length, table, column, level, rng):
    if "int" in kind or kind == "serial":
        return level * 1000 + rng.randrange(1000)
    if kind in ("boolean", "bool"):
        return True
    if kind in ("real", "double precision", "numeric", "decimal", "float"):
        return 12.5
    if kind == "date":
        return datetime.date(2020, 1, 1) + datetime.timedelta(days=level)
    if kind.startswith(("timestamp", "datetime")):
        return datetime.datetime(2020, 1, 1, 10, 0) + datetime.timedelta(days=level, seconds=rng.randrange(86400))
    if kind in ("blob", "bytea"):
        return rng.randbytes(rng.randrange(1, 40_000))  # a stored file: a proof, a mandate, a document, a key
    text = f"{table[:6]}{column[:6]}{level}{rng.randrange(10**6)}"
    return text[-length:] if length else text


def add_rows(db, level):
    """One row in every table there is at this level (a company, its proofs, activities, a dossier and its
    documents, declarations, sessions, …), each pointing to the rows of its parents at this level."""
    rng, made, tables = random.Random(level), {}, schema(db)
    number = int(level[:4])
    for table in parents_first(tables):
        if table in KEPT_BY_TRIGGERS | {HISTORY}:
            continue
        found, keys = tables[table]
        values = {}
        for name, kind, length in found:
            if name == "id" and "int" in kind:  # numbered by the database
                continue
            if name in keys:
                values[name] = made.get(keys[name])
            elif (table, name) in REALISTIC:
                values[name] = REALISTIC[table, name].format(level=number)
            else:
                values[name] = plain_value(kind, length, table, name, number, rng)
        marks = ", ".join(["%s" if is_postgres(db) else "?"] * len(values))
        names = ", ".join(f'"{name}"' for name in values)
        numbered = any(name == "id" for name, *_ in found)
        if is_postgres(db):
            inserted = db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
                                      + (" RETURNING id" if numbered else ""), tuple(values.values()))
            made[table] = inserted.fetchone()[0] if numbered else None
        else:
            inserted = db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuple(values.values()))
            made[table] = values.get("id", inserted.lastrowid)
    return made


def lost_or_changed(before, after, migration):
    """Each row of `before` missing from `after`, or with a value `migration` was not meant to change."""
    wrong = []
    for table, rows in before.items():
        if table in KEPT_BY_TRIGGERS or table in DROPPED_ON_PURPOSE.get(migration, ()):
            continue
        for row_id, row in rows.items():
            now = after.get(table, {}).get(row_id)
            if now is None:
                wrong.append(f"{table} {row_id} is gone")
                continue
            for column, value in row.items():
                purpose = (table, column) in CHANGED_ON_PURPOSE.get(migration, ())
                if column in now and now[column] != value and not purpose:
                    wrong.append(f"{table} {row_id}.{column}: {value!r:.60} became {now[column]!r:.60}")
    return wrong


def test_a_database_of_every_earlier_level_is_migrated_to_the_newest_with_every_row_and_file_intact(lived):
    db, runner = lived
    levels = [m.name for m in Migration.load_directory(str(DIRECTORY))]
    before, files = {}, 0
    for level in levels:
        assert runner.up(level) == [level]
        with db.atomic():
            after = every_row(db)
        wrong = lost_or_changed(before, after, level)
        assert wrong == [], f"{level} lost or changed rows:\n" + "\n".join(wrong)
        if level != levels[-1]:
            with db.atomic():
                made = add_rows(db, level)
            assert made, level
            before = every_row(db)
            files += sum(1 for rows in before.values() for row in rows.values() for v in row.values()
                         if isinstance(v, bytes))
    roles = {row["roles"] for row in after["staff_member"].values()}
    # Staff members from before 0026 got every role, 0030 gave inspectors all dossiers, later ones kept theirs.
    assert roles == {"reviewer inspector all_dossiers finance account_support administrator",
                     "reviewer inspector all_dossiers", "reviewer inspector"}
    assert len(after["company"]) == len(levels) - 1 and files > 200
    with db.bind_ctx(ALL_MODELS):  # the newest models read every row of every level, stored files included
        for model in ALL_MODELS:
            assert len(list(model.select())) == len(after[model._meta.table_name]), model.__name__


def test_a_database_a_newer_release_migrated_is_refused_and_left_as_it_is(app, db, runner):
    db.execute_sql("INSERT INTO schema_migration (name, applied) VALUES ('0099_future', '2027-01-01')")
    try:
        result = runner.invoke(args=["portal", "migrate"])
        assert result.exit_code == 1
        assert "newer schema than this release knows" in result.output and "0099_future" in result.output
        assert "downgrades are not attempted" in result.output
    finally:
        db.execute_sql("DELETE FROM schema_migration WHERE name = '0099_future'")
