"""Backup, restore and verify, whatever the database: the steps and checks they share. The commands
(`portal backup`, `restore`, `verify-backup`) call these; the database's own work is in `sqlite` and
`postgres`."""
import contextlib
import datetime
import fcntl
import functools
import sqlite3
import tempfile
import time
from importlib import metadata
from pathlib import Path

import psycopg

from portal.backups import inventory, manifest, postgres, sqlite
from portal.backups.manifest import BackupError


def dialect_of(url):
    if url.startswith("sqlite:///"):
        return "sqlite"
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql"
    raise BackupError(f"unsupported database URL scheme: {url.split(':', 1)[0]}")


def release():
    try:
        return metadata.version("afmps-portal")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def told(operation):
    """The database's or the file system's own errors (a file that is no database, a server that refuses the
    connection, a full disk) as a BackupError, said to the operator, not as a traceback."""
    @functools.wraps(operation)
    def run(*args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except (sqlite3.Error, psycopg.Error, OSError) as error:
            raise BackupError(f"{type(error).__name__}: {error}") from error
    return run


@told
def backup(url, dest, progress, bin_dir=None):
    """Back the database of `url` up into `dest` and write the manifest beside it; returns the manifest."""
    dialect, dest = dialect_of(url), Path(dest)
    if dest.is_dir():
        raise BackupError(f"{dest} is a folder: name the backup file to write.")
    if dialect == "sqlite" and dest.resolve() in sqlite.files_of(url):
        raise BackupError(f"{dest} is the database itself or one of its files: name another file.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _only_backup_to(dest):
        began, began_at = time.monotonic(), datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        if dialect == "sqlite":
            found = sqlite.backup(url, dest, progress)
        else:
            found = postgres.backup(url, dest, progress, bin_dir)
        return manifest.write(dest, dialect, release(), found, began_at, began)


@contextlib.contextmanager
def _only_backup_to(dest):
    """Two backups to one name at once would rename and checksum each other's files: the second is refused
    while the first holds DEST.lock."""
    with open(f"{dest}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"Another backup to {dest} is running: wait for it, or name another file.") from None
        yield


def checked(src, url, known):
    """The manifest of `src` once the file matches it, it was made by this kind of database, and this
    release knows every migration it had (a downgrade is never attempted)."""
    found = manifest.read_checked(src)
    if found["database"] != dialect_of(url):
        raise BackupError(f"{src} is a backup of {found['database']}; the database to restore into is "
                          f"{dialect_of(url)}.")
    newer = manifest.newer_migrations(found, known)
    if newer:
        raise BackupError(f"{src} comes from a newer release (schema level {found['level']}; this release knows "
                          f"up to {max(known, default='none')}): install that release or a newer one to restore it. "
                          f"Unknown migrations: {', '.join(newer)}.")
    return found


@told
def restore(src, url, known, force=False, bin_dir=None):
    """Restore `src` into the (empty, unless `force`) database of `url` and check that it holds what the
    manifest says; returns the manifest. Migrating forward is the caller's (the app's runner)."""
    found = checked(src, url, known)
    dialect = found["database"]
    module = sqlite if dialect == "sqlite" else postgres
    if not module.is_empty(url):
        if not force:
            raise BackupError("The database to restore into is not empty: nothing was restored. Restore into an "
                              "empty database, or add --force to replace everything it holds.")
        if dialect == "postgresql":
            postgres.check_archive(src, bin_dir)  # before anything is dropped: pg_restore is there and reads it
            postgres.clear(url)
    if dialect == "sqlite":
        sqlite.restore(src, url)
    else:
        postgres.restore(src, url, bin_dir)
    wrong = inventory.differences(found, module.take_inventory(url))
    if wrong:
        raise BackupError("The restored database differs from the manifest:\n  " + "\n  ".join(wrong))
    return found


@told
def verify(src, url, known, bin_dir=None):
    """Restore `src` into a throwaway database (a temporary file, or a database of its own on the server of
    `url`) and compare its rows and files with the manifest; returns (manifest, differences)."""
    found = checked(src, url, known)
    if found["database"] == "sqlite":
        with tempfile.TemporaryDirectory(prefix="portal-verify-") as folder:
            scratch = f"sqlite:///{folder}/verify.db"
            sqlite.restore(src, scratch)
            return found, inventory.differences(found, sqlite.take_inventory(scratch))
    with postgres.scratch_database(url) as scratch:
        postgres.restore(src, scratch, bin_dir)
        return found, inventory.differences(found, postgres.take_inventory(scratch))
