"""Indexes for finding look-alike registration requests: name key and e-mail addresses."""
from peewee import *


def up(migrator, db):
    class Registration(Model):
        class Meta:
            database = db
            table_name = 'registration'

    class RegistrationEmail(Model):
        registration = ForeignKeyField(Registration, on_delete='CASCADE')
        email = CharField(index=True, max_length=254)
        class Meta:
            database = db
            table_name = 'registration_email'
    db.create_tables([RegistrationEmail])

    migrator.migrate(migrator.add_column('registration', 'name_key', CharField(index=True, null=True, max_length=200)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('registration', 'registration_name_key'))
    migrator.migrate(migrator.drop_column('registration', 'name_key'))
    migrator.migrate(migrator.drop_table('registration_email'))
