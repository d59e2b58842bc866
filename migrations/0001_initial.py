"""Firms, their activities and the word index of their names (the public list)."""
from peewee import *

# Timestamps get their default from the application models (utcnow), not the schema.

def up(migrator, db):
    class Company(Model):
        name = CharField(max_length=200)
        name_key = CharField(max_length=200)
        country = CharField(max_length=2)
        street = CharField(max_length=200, default='')
        house_number = CharField(max_length=20, default='')
        box = CharField(max_length=20, default='')
        postcode = CharField(max_length=20, default='')
        city = CharField(max_length=100, default='')
        vat_number = CharField(unique=True, null=True, max_length=20)
        bce_number = CharField(unique=True, null=True, max_length=10)
        agency_number = CharField(unique=True, null=True, max_length=10)
        language = CharField(max_length=2, default='en')
        listed = BooleanField(default=False)
        is_demo = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'company'
            indexes = ((('listed', 'name_key'), False), (('listed', 'country', 'name_key'), False))
    db.create_tables([Company])

    class Activity(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        kind = CharField(max_length=40)
        active = BooleanField(default=True)
        notified_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'activity'
            indexes = ((('kind', 'active', 'company'), False),)
    db.create_tables([Activity])

    class CompanyNameWord(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        word = CharField(max_length=40)
        class Meta:
            database = db
            table_name = 'company_name_word'
            primary_key = CompositeKey('word', 'company')
    db.create_tables([CompanyNameWord])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('company_name_word'))
    migrator.migrate(migrator.drop_table('activity'))
    migrator.migrate(migrator.drop_table('company'))
