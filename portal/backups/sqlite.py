"""SQLite: a backup through SQLite's online backup API, page by page, inside one read transaction of
the live database (its WAL lets writers go on meanwhile, and the copy is that transaction's snapshot,
never a file copied while it changes); a restore through the same API into the portal's database file."""
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from portal.backups import inventory

PAGES_PER_STEP = 1024  # 4 MB at SQLite's default page size: a progress line every few milliseconds
BUSY_MS = 5000


def path_of(url):
    return url[len("sqlite:///"):]


def backup(url, dest, progress):
    """Copy the database of `url` into the file `dest`; returns the inventory of the copied snapshot."""
    if not Path(path_of(url)).is_file():
        raise FileNotFoundError(f"no database at {path_of(url)}")
    source = sqlite3.connect(path_of(url), isolation_level=None, timeout=BUSY_MS / 1000)
    handle, partial = tempfile.mkstemp(dir=Path(dest).parent, prefix=f".{Path(dest).name}.", suffix=".partial")
    os.close(handle)  # mode 0600 (a backup holds every company's proofs); an empty file is an empty database
    try:
        target = sqlite3.connect(partial)
        try:
            source.execute("BEGIN")  # the snapshot: the inventory's reads and every page copied see the same one
            found = inventory.take(source, "sqlite")
            source.backup(target, pages=PAGES_PER_STEP,
                          progress=lambda status, remaining, total: progress(total - remaining, total))
            source.execute("COMMIT")
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, whatever the source's journal
        finally:
            target.close()
            source.close()
        os.replace(partial, dest)
    finally:
        Path(partial).unlink(missing_ok=True)  # a failed copy leaves no file holding every row behind
    return found


def files_of(url):
    """The database's file and those SQLite keeps beside it (a backup written over one would break it)."""
    database = Path(path_of(url)).resolve()
    return {database, *(Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal"))}


def is_empty(url):
    path = Path(path_of(url))
    if not path.exists():
        return True
    with closing(sqlite3.connect(path)) as connection:
        return not inventory.tables(connection.cursor(), "sqlite")


def restore(src, url):
    """Write the backup `src` over the database of `url` (the caller checked it may)."""
    Path(path_of(url)).parent.mkdir(parents=True, exist_ok=True)
    # As a file: URI, written by pathlib (a "#" or "%" in the name would otherwise open another file)
    with closing(sqlite3.connect(Path(src).resolve().as_uri() + "?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(path_of(url), timeout=BUSY_MS / 1000)) as target:
        source.backup(target, pages=-1)


def take_inventory(url):
    with closing(sqlite3.connect(path_of(url))) as connection:
        return inventory.take(connection, "sqlite")

