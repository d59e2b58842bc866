"""PostgreSQL: a backup by PostgreSQL's own pg_dump (custom format), run on a snapshot exported by a
repeatable-read transaction that also takes the inventory, so that the manifest describes exactly the
rows dumped while the portal goes on writing; a restore by pg_restore in one transaction.

The tools are found in PORTAL_PG_BIN when set, else in the newest /usr/lib/postgresql/*/bin (Debian's
postgresql packages; pg_dump must be as new as the server), else on the PATH."""
import contextlib
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from portal.backups import inventory
from portal.backups.manifest import BackupError


def tool(name, bin_dir=None):
    candidates = [os.path.join(bin_dir, name)] if bin_dir else []
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                         key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
                         reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found (PORTAL_PG_BIN, /usr/lib/postgresql/*/bin, PATH): "
                          "install Debian's postgresql-client of the server's version or newer.")
    return found


def _libpq(url):
    """The connection string without its password, and the environment that carries it (a password on a
    command line is visible to every user of the machine), wherever the URL holds it (user:password@ or
    ?password=)."""
    params = conninfo_to_dict("postgresql://" + url.split("://", 1)[1])
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def _run(command, env, what, on_line=None):
    said = []
    with subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, umask=0o077) as process:  # what it writes: owner only
        for line in process.stderr:
            said.append(line.rstrip())
            if on_line:
                on_line(line)
    if process.returncode != 0:
        shown = "\n".join(line for line in said if "error" in line.lower())[-2000:] or "\n".join(said[-10:])
        raise BackupError(f"{what} failed (exit {process.returncode}):\n{shown}")


def backup(url, dest, progress, bin_dir=None):
    """pg_dump --format=custom of the database of `url` into `dest`; returns the inventory of the
    snapshot it dumped."""
    pg_dump = tool("pg_dump", bin_dir)
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dest)),
                                       prefix=f".{os.path.basename(dest)}.", suffix=".partial")
    os.close(handle)  # mode 0600; pg_dump writes into it and keeps that mode
    try:
        return _dump(url, dest, partial, pg_dump, progress)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)  # a failed dump leaves no file holding every row behind


def _dump(url, dest, partial, pg_dump, progress):
    with contextlib.closing(psycopg.connect(url)) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction():
            snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            found = inventory.take(connection, "postgresql")
            total, done = len(found["tables"]), [0]

            def on_line(line):
                if "dumping contents of table" in line:
                    done[0] += 1
                    progress(min(done[0], total), total)

            plain, env = _libpq(url)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--verbose", f"--file={partial}",
                  f"--dbname={plain}"], env, "pg_dump", on_line)
    os.replace(partial, dest)
    return found


def is_empty(url):
    with contextlib.closing(psycopg.connect(url)) as connection:
        return not inventory.tables(connection.cursor(), "postgresql")


def clear(url):
    """Drop everything in the database's schema (`restore --force`)."""
    with contextlib.closing(psycopg.connect(url, autocommit=True)) as connection:
        schema = connection.execute("SELECT current_schema()").fetchone()[0]
        connection.execute(f"DROP SCHEMA {inventory.quoted(schema)} CASCADE")
        connection.execute(f"CREATE SCHEMA {inventory.quoted(schema)}")


def check_archive(src, bin_dir=None):
    """pg_restore is there and reads `src` as an archive (`--list`): checked before `restore --force`
    drops anything."""
    _run([tool("pg_restore", bin_dir), "--list", str(src)], dict(os.environ), "pg_restore --list")


def restore(src, url, bin_dir=None):
    plain, env = _libpq(url)
    _run([tool("pg_restore", bin_dir), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={plain}", str(src)], env, "pg_restore")


def take_inventory(url):
    with contextlib.closing(psycopg.connect(url)) as connection:
        return inventory.take(connection, "postgresql")


@contextlib.contextmanager
def scratch_database(url):
    """A database of its own on the server of `url`, dropped afterwards: its URL."""
    name = f"portal_verify_{secrets.token_hex(6)}"
    with contextlib.closing(psycopg.connect(url, autocommit=True)) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            scheme, netloc, _, query, fragment = urlsplit(url)
            yield urlunsplit((scheme, netloc, "/" + name, query, fragment))
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
