"""Login sessions record the person, the method and the assurance level (eID/itsme)."""
from peewee import *


def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    migrator.migrate(migrator.add_column('login_session', 'person_id', ForeignKeyField(Person, field=Person.id, null=True, on_delete='CASCADE')))
    migrator.migrate(migrator.add_column('login_session', 'method', CharField(max_length=20, default='password')))
    migrator.migrate(migrator.add_column('login_session', 'assurance', CharField(null=True, max_length=100)))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('login_session', 'login_session_person_id'))
    migrator.migrate(migrator.drop_column('login_session', 'assurance'))
    migrator.migrate(migrator.drop_column('login_session', 'method'))
    migrator.migrate(migrator.drop_column('login_session', 'person_id'))
