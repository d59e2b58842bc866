"""Schema migrations with peewee's own playhouse.migrations runner."""
from flask import current_app
from playhouse.migrations import Runner

from portal.config import PROJECT_ROOT
from portal.data.db import database

DIRECTORY = PROJECT_ROOT / "migrations"


class SchemaTooNew(Exception):
    """The database holds migrations this release does not know: a newer release migrated it. The
    portal never migrates down; the message says what to do."""


def runner():
    directory = current_app.config.get("MIGRATIONS_DIR", str(DIRECTORY))
    return Runner(database.obj, directory)


def migrate():
    """Apply every pending migration; returns their names. A database a newer release migrated is left
    as it is (SchemaTooNew)."""
    steps = runner()
    unknown = sorted(m.name for m in steps.status() if m.path is None)
    if unknown:
        newest = steps.migrations()[-1].name if steps.migrations() else "none"
        raise SchemaTooNew(f"The database is at a newer schema than this release knows (it has {', '.join(unknown)}; "
                           f"this release stops at {newest}). Nothing was changed: downgrades are not attempted. "
                           "Run the release that migrated it, or a newer one, or restore a backup made by this one.")
    return steps.up()


def known():
    """The names of the migrations this release has, in order."""
    return [m.name for m in runner().migrations()]


def pending():
    return [m.name for m in runner().status() if m.applied is None and m.path]
