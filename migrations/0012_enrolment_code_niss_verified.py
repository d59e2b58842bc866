"""The agency's enrolment code for a new device; whether a person's NISS was proven."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('account', 'enrolment_code_hash', CharField(max_length=64, null=True)),
        migrator.add_column('person', 'niss_verified', BooleanField(default=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('person', 'niss_verified'),
        migrator.drop_column('account', 'enrolment_code_hash'),
    )
