"""Contact persons of a company, and the history of "Mon entreprise"."""
from peewee import *


def up(migrator, db):
    class Company(Model):
        class Meta:
            database = db
            table_name = 'company'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class ContactPerson(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        person = ForeignKeyField(Person, on_delete='CASCADE')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contact_person'
            indexes = ((('company', 'person'), True),)

    class CompanyEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        company = ForeignKeyField(Company, on_delete='CASCADE')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'company_event'

    db.create_tables([ContactPerson, CompanyEvent])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('company_event'), migrator.drop_table('contact_person'))
