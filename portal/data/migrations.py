"""Schema migrations with peewee's own playhouse.migrations runner."""
from flask import current_app
from playhouse.migrations import Runner

from portal.config import PROJECT_ROOT
from portal.data.db import database

DIRECTORY = PROJECT_ROOT / "migrations"


def runner():
    directory = current_app.config.get("MIGRATIONS_DIR", str(DIRECTORY))
    return Runner(database.obj, directory)


def migrate():
    """Apply every pending migration; returns their names."""
    return runner().up()


def pending():
    return [m.name for m in runner().status() if m.applied is None and m.path]
