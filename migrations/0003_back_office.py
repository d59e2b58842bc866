"""The back office: staff, login sessions, accounts, companies' units and legal
representatives, the audit trail of registration requests."""
from peewee import *

# Timestamps get their default from the application models (utcnow), not the schema.

def up(migrator, db):
    class Company(Model):
        class Meta:
            database = db
            table_name = 'company'

    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Registration(Model):
        class Meta:
            database = db
            table_name = 'registration'

    class Account(Model):
        person = ForeignKeyField(Person, unique=True, on_delete='CASCADE')
        password_hash = CharField(max_length=200)
        must_change_password = BooleanField(default=True)
        totp_secret = CharField(null=True, max_length=64)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'account'
    db.create_tables([Account])

    class EstablishmentUnit(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        name = CharField(max_length=200)
        street = CharField(max_length=200)
        house_number = CharField(max_length=20)
        box = CharField(max_length=20, default='')
        postcode = CharField(max_length=20)
        city = CharField(max_length=100)
        class Meta:
            database = db
            table_name = 'establishment_unit'
    db.create_tables([EstablishmentUnit])

    class LegalRepresentative(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        person = ForeignKeyField(Person, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'legal_representative'
            indexes = ((('company', 'person'), True),)
    db.create_tables([LegalRepresentative])

    class StaffMember(Model):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=200)
        password_hash = CharField(max_length=200)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'staff_member'
    db.create_tables([StaffMember])

    class LoginSession(Model):
        token_hash = CharField(unique=True, max_length=64)
        staff = ForeignKeyField(StaffMember, null=True, on_delete='CASCADE')
        account = ForeignKeyField(Account, null=True, on_delete='CASCADE')
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'login_session'
    db.create_tables([LoginSession])

    class RegistrationEvent(Model):
        registration = ForeignKeyField(Registration, on_delete='CASCADE')
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=30)
        reason = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'registration_event'
    db.create_tables([RegistrationEvent])

    migrator.migrate(migrator.add_column('registration', 'decided_at', DateTimeField(index=True, null=True)))
    migrator.migrate(migrator.add_column('registration', 'company_id', ForeignKeyField(Company, field=Company.id, null=True, on_delete='SET NULL')))


def down(migrator, db):
    migrator.migrate(migrator.drop_index('registration', 'registration_decided_at'))
    migrator.migrate(migrator.drop_column('registration', 'company_id'))
    migrator.migrate(migrator.drop_column('registration', 'decided_at'))
    migrator.migrate(migrator.drop_table('registration_event'))
    migrator.migrate(migrator.drop_table('login_session'))
    migrator.migrate(migrator.drop_table('staff_member'))
    migrator.migrate(migrator.drop_table('legal_representative'))
    migrator.migrate(migrator.drop_table('establishment_unit'))
    migrator.migrate(migrator.drop_table('account'))
