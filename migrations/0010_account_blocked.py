"""Accounts can be blocked: no login, and their sessions end at once."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('account', 'blocked', BooleanField(default=False)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('account', 'blocked'))
