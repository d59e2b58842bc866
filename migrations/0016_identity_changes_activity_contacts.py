"""Requests to change a company's identity, in the registration queue; the contact persons of an
activity; the function and phone number of a legal representative or contact person."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('registration', 'kind', CharField(max_length=20, default='registration')),
        migrator.add_index('registration', ('kind', 'company_id', 'status'), False),
        migrator.add_column('legal_representative', 'function', CharField(max_length=100, default='')),
        migrator.add_column('legal_representative', 'phone', CharField(max_length=30, default='')),
        migrator.add_column('contact_person', 'function', CharField(max_length=100, default='')),
        migrator.add_column('contact_person', 'phone', CharField(max_length=30, default='')),
    )

    class Activity(Model):
        class Meta:
            database = db
            table_name = 'activity'

    class ContactPerson(Model):
        class Meta:
            database = db
            table_name = 'contact_person'

    class ActivityContact(Model):
        activity = ForeignKeyField(Activity, on_delete='CASCADE')
        contact = ForeignKeyField(ContactPerson, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'activity_contact'
            indexes = ((('activity', 'contact'), True),)

    db.create_tables([ActivityContact])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('contact_person', 'phone'),
        migrator.drop_column('contact_person', 'function'),
        migrator.drop_column('legal_representative', 'phone'),
        migrator.drop_column('legal_representative', 'function'),
        migrator.drop_table('activity_contact'),
        migrator.drop_index('registration', 'registration_kind_company_id_status'),
        migrator.drop_column('registration', 'kind'),
    )
