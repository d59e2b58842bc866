"""An index on the companies' name key alone: the back office looks for a new
request's name among all companies, listed or not."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_index('company', ('name_key',), False))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('company', 'company_name_key'))
