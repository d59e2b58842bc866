"""`portal backup`, `restore` and `verify-backup` (issue 34), on SQLite and, when PORTAL_TEST_DATABASE_URL
is set, on PostgreSQL (pg_dump and pg_restore of the server's own installation): a backup taken while eight
threads write restores every row and file committed before it began, byte for byte; a damaged backup, a
backup from a newer release or a database that is not empty are refused; an older backup is migrated
forward after the restore."""
import json
import os
import random
import threading
import time

import pytest
from playhouse.migrations import Runner

from portal.backups import operations
from portal.data.db import database, open_database
from portal.data.migrations import DIRECTORY
from portal.models import Company, DossierDocument, InspectionDossier
from tests.builders import every_row
from tests.harness import make_app, postgres_database

WRITERS = 8


def a_database(tmp_path, name):
    """The URL of a new, empty database beside the tests' one: a file, or a database of the test server."""
    admin_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    return postgres_database(admin_url, name) if admin_url else f"sqlite:///{tmp_path / name}.db"


@pytest.fixture
def elsewhere(app, database_url, instance_dir, tmp_path):
    """`elsewhere(name)`: an empty database and the command runner of an app on it (a server restored from
    a backup). The portal's database is one per process: the tests' app gets it back afterwards."""
    def make(name):
        url = a_database(tmp_path, name)
        return url, make_app(url, instance_dir).test_cli_runner()

    yield make
    make_app(database_url, instance_dir)


def stored_files(count, seed):
    """A dossier with `count` documents of 20 to 60 KB: a database whose backup takes a while."""
    rng = random.Random(seed)
    company = Company(country="DE")
    company.set_name("Musterfirma GmbH")
    company.save()
    dossier = InspectionDossier.create(company=company, subject="Visit")
    for n in range(count):
        content = rng.randbytes(rng.randrange(20_000, 60_000))
        DossierDocument.create(dossier=dossier, kind="report", filename=f"report-{n}.pdf", extension="pdf",
                               content_type="application/pdf", size=len(content), content=content)
    return dossier


def test_a_backup_taken_while_eight_threads_write_restores_everything_written_before_it_began(
        runner, db, elsewhere, tmp_path):
    assert runner.invoke(args=["portal", "seed-demo", "--firms", "10"]).exit_code == 0
    dossier = stored_files(150, seed=1)
    database.close()
    before = every_row(database)
    began, ended, stop = threading.Event(), threading.Event(), threading.Event()
    written = [[] for _ in range(WRITERS)]

    def write(n):
        rng = random.Random(100 + n)
        try:
            while not stop.is_set():
                content = rng.randbytes(rng.randrange(1_000, 8_000))
                with database.atomic():
                    document = DossierDocument.create(
                        dossier=dossier.id, kind="other", filename=f"writer-{n}-{len(written[n])}.pdf",
                        extension="pdf", content_type="application/pdf", size=len(content), content=content)
                written[n].append((document.id, content, began.is_set(), ended.is_set()))
        finally:
            database.close()

    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for writer in writers:
        writer.start()
    while min(len(rows) for rows in written) < 3:
        time.sleep(0.01)
    began.set()
    result = runner.invoke(args=["portal", "backup", str(tmp_path / "portal.backup")])
    ended.set()
    while min(len(rows) for rows in written) < 6:
        time.sleep(0.01)
    stop.set()
    for writer in writers:
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and "MB in" in result.output
    rows = [row for rows in written for row in rows]
    assert any(during and not after for _, _, during, after in rows), "no writer committed during the backup"

    url, restored_runner = elsewhere("restored")
    restored = restored_runner.invoke(args=["portal", "restore", str(tmp_path / "portal.backup")])
    assert restored.exit_code == 0, restored.output
    assert "as the manifest lists them" in restored.output and "up to date" in restored.output
    after = every_row(database)  # the restored database, byte for byte
    for table, rows_before in before.items():
        assert {key: after[table].get(key) for key in rows_before} == rows_before, table
    documents = after["dossier_document"]
    for document_id, content, during, _ in rows:
        if not during:
            assert documents[document_id]["content"] == content
        elif document_id in documents:  # written during the backup: all of it, or nothing
            assert documents[document_id]["content"] == content
    assert set(documents) <= set(before["dossier_document"]) | {document_id for document_id, *_ in rows}


@pytest.fixture
def backup(app, db, tmp_path):
    stored_files(5, seed=2)
    database.close()
    path = tmp_path / "portal.backup"
    operations.backup(app.config["DATABASE_URL"], path, lambda done, total: None)
    return path


def test_a_backup_with_one_byte_changed_is_refused_by_restore_and_by_verify(backup, runner, elsewhere):
    assert runner.invoke(args=["portal", "verify-backup", str(backup)]).exit_code == 0
    content = bytearray(backup.read_bytes())
    content[len(content) // 2] ^= 0x01
    backup.write_bytes(bytes(content))
    verified = runner.invoke(args=["portal", "verify-backup", str(backup)])
    assert verified.exit_code == 1 and "is damaged" in verified.output
    url, restored_runner = elsewhere("restored")
    restored = restored_runner.invoke(args=["portal", "restore", str(backup)])
    assert restored.exit_code == 1 and "is damaged" in restored.output and "Nothing was restored" in restored.output
    assert database.get_tables() == []


def test_a_backup_without_a_sound_manifest_is_refused_with_a_message(backup, runner):
    from portal.backups import manifest

    path = manifest.path_of(backup)
    listed = json.loads(path.read_text())
    for written in ("", "[]", "{not json", json.dumps({**listed, "tables": ["company"]}),
                    json.dumps({**listed, "size": "12"}), json.dumps({**listed, "database": "oracle"})):
        path.write_text(written)
        for command in ("restore", "verify-backup"):
            refused = runner.invoke(args=["portal", command, str(backup)])
            assert refused.exit_code == 1 and "manifest" in refused.output, (written, refused.output)
    path.unlink()
    refused = runner.invoke(args=["portal", "restore", str(backup)])
    assert refused.exit_code == 1 and "without its manifest a backup is not restored" in refused.output


def test_verify_finds_a_stored_file_changed_even_when_the_checksum_was_written_again(backup, runner, app):
    """The file's SHA-256 guards against damage in transit; the stored files' checksums against a backup
    that does not hold what the manifest says. (SQLite: PostgreSQL's custom format is compressed, and a
    changed byte there makes pg_restore fail instead.)"""
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("a byte of a stored file can be found in a SQLite backup only")
    from portal.backups import manifest

    one = DossierDocument.get().content[1000:1032]
    content = backup.read_bytes()
    assert content.count(one) == 1
    backup.write_bytes(content.replace(one, bytes(32)))
    path = manifest.path_of(backup)
    listed = json.loads(path.read_text())
    path.write_text(json.dumps({**listed, "sha256": manifest.checksum(backup)}))
    verified = runner.invoke(args=["portal", "verify-backup", str(backup)])
    assert verified.exit_code == 1
    assert "does not hold what its manifest says" in verified.output
    assert "files of dossier_document.content" in verified.output


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(backup, elsewhere, tmp_path):
    url, restored_runner = elsewhere("restored")
    assert restored_runner.invoke(args=["portal", "migrate"]).exit_code == 0
    company = Company(country="NL")
    company.set_name("Someone Else's GmbH")
    company.save()
    database.close()
    refused = restored_runner.invoke(args=["portal", "restore", str(backup)])
    assert refused.exit_code == 1 and "not empty: nothing was restored" in refused.output
    assert [c.name for c in Company.select()] == ["Someone Else's GmbH"]
    database.close()
    forced = restored_runner.invoke(args=["portal", "restore", "--force", str(backup)])
    assert forced.exit_code == 0, forced.output
    assert [c.name for c in Company.select()] == ["Musterfirma GmbH"]
    assert DossierDocument.select().count() == 5


def old_database(tmp_path, level, extra=None):
    """A database migrated up to `level` (an earlier release's), with a company and a stored file."""
    url = a_database(tmp_path, "old")
    old = open_database(url)
    Runner(old, str(DIRECTORY)).up(level)
    with old.atomic():
        if extra:
            old.execute_sql(extra)
        mark = "%s" if url.startswith("postgres") else "?"
        old.execute_sql("INSERT INTO company (name, name_key, country, street, house_number, box, postcode, city, "
                        "language, listed, is_demo, created_at, bce_active) VALUES "
                        f"({mark}, 'alte medizin', 'DE', 'Hauptstrasse', '1', '', '10115', 'Berlin', 'de', false, "
                        "false, '2026-01-01', false)", ("Alte Medizin GmbH",))
    old.close_all() if hasattr(old, "close_all") else old.close()
    return url


def test_an_older_backup_is_migrated_forward_after_the_restore(elsewhere, tmp_path):
    url = old_database(tmp_path, "0030_all_dossiers")
    path = tmp_path / "old.backup"
    made = operations.backup(url, path, lambda done, total: None)
    assert made["level"] == "0030_all_dossiers"
    restored_url, restored_runner = elsewhere("restored")
    restored = restored_runner.invoke(args=["portal", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "level 0030_all_dossiers" in restored.output and "Applied 1 migration(s)" in restored.output
    assert "0031_passkeys" in restored.output
    assert "passkey" in database.get_tables()
    assert [c.name for c in Company.select()] == ["Alte Medizin GmbH"]


def test_a_backup_from_a_newer_release_is_refused_not_downgraded(elsewhere, tmp_path):
    url = old_database(tmp_path, None, "INSERT INTO schema_migration (name, applied) VALUES ('0099_future', "
                                       "'2027-01-01')")
    path = tmp_path / "new.backup"
    operations.backup(url, path, lambda done, total: None)
    restored_url, restored_runner = elsewhere("restored")
    for command in (["restore"], ["verify-backup"]):
        refused = restored_runner.invoke(args=["portal", *command, str(path)])
        assert refused.exit_code == 1 and "comes from a newer release" in refused.output
        assert "0099_future" in refused.output
    assert database.get_tables() == []


def test_a_backup_is_never_written_over_the_database_itself(app, runner, db):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PostgreSQL's database is no file")
    path = app.config["DATABASE_URL"][len("sqlite:///"):]
    refused = runner.invoke(args=["portal", "backup", path])
    assert refused.exit_code == 1 and "is the database itself" in refused.output
    assert "schema_migration" in database.get_tables()


def test_a_backup_and_its_manifest_are_readable_by_their_owner_only(app, backup):
    """A backup holds every company's proofs and every account's password hashes; no partial copy is left."""
    from portal.backups import manifest

    for path in (backup, manifest.path_of(backup)):
        assert path.stat().st_mode & 0o777 == 0o600, path
    manifest.path_of(backup).chmod(0o644)  # a manifest of the same name written by hand, or by an older release
    database.close()
    operations.backup(app.config["DATABASE_URL"], backup, lambda done, total: None)
    assert manifest.path_of(backup).stat().st_mode & 0o777 == 0o600
    assert not list(backup.parent.glob("*.partial"))


def test_a_backup_named_with_a_hash_or_a_percent_restores_itself(backup, elsewhere):
    """SQLite opens a backup through a file: URI, where "#" and "%41" mean something else: an unescaped name
    opened (and made) another file, whose emptiness was then copied over the database."""
    from portal.backups import manifest

    for name in ("weekly#1.backup", "w%41.backup"):
        renamed = backup.with_name(name)
        renamed.write_bytes(backup.read_bytes())
        manifest.path_of(renamed).write_text(manifest.path_of(backup).read_text())
        url, restored_runner = elsewhere(name.replace("#", "").replace("%", ""))
        restored = restored_runner.invoke(args=["portal", "restore", str(renamed)])
        assert restored.exit_code == 0, restored.output
        assert DossierDocument.select().count() == 5
        database.close()


def test_a_second_backup_to_the_same_name_waits_its_turn_refused(app, backup):
    import fcntl

    with open(f"{backup}.lock", "a") as held:  # a first backup to that name is running
        fcntl.flock(held, fcntl.LOCK_EX)
        refused = app.test_cli_runner().invoke(args=["portal", "backup", str(backup)])
        assert refused.exit_code == 1 and "Another backup to" in refused.output
    database.close()
    assert app.test_cli_runner().invoke(args=["portal", "backup", str(backup)]).exit_code == 0


def test_a_backup_is_never_written_over_the_files_sqlite_keeps_beside_the_database(app, runner, db):
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PostgreSQL's database is no file")
    path = app.config["DATABASE_URL"][len("sqlite:///"):]
    for beside in ("-wal", "-shm", "-journal"):
        refused = runner.invoke(args=["portal", "backup", path + beside])
        assert refused.exit_code == 1 and "one of its files" in refused.output


@pytest.mark.parametrize("url", ["postgresql://portal:s3cret%21@db.example:5432/portal",
                                 "postgresql://db.example/portal?user=portal&password=s3cret!"])
def test_the_database_password_never_reaches_a_command_line(url):
    from portal.backups.postgres import _libpq

    conninfo, env = _libpq(url)
    assert "s3cret" not in conninfo and "password" not in conninfo
    assert env["PGPASSWORD"] == "s3cret!" and "db.example" in conninfo and "portal" in conninfo


def test_restore_force_drops_nothing_before_pg_restore_has_read_the_archive(app, backup, db):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PostgreSQL's --force drops the schema first")
    from portal.backups import manifest

    backup.write_bytes(b"not an archive pg_restore can read")
    listed = json.loads(manifest.path_of(backup).read_text())
    listed.update(size=backup.stat().st_size, sha256=manifest.checksum(backup))
    manifest.path_of(backup).write_text(json.dumps(listed))
    refused = app.test_cli_runner().invoke(args=["portal", "restore", "--force", str(backup)])
    assert refused.exit_code == 1 and "pg_restore --list failed" in refused.output
    assert DossierDocument.select().count() == 5  # the database is as it was
