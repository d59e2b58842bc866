"""The first one to four letters of each word of a firm's name, with its name key, listing and country: a
short name search of the public list reads its page from one index range (issue 15). Filled from the
word index of the firms already there."""
from peewee import *


def up(migrator, db):
    class Company(Model):
        class Meta:
            database = db
            table_name = 'company'

    class CompanyNamePrefix(Model):
        prefix = CharField(max_length=4)
        company = ForeignKeyField(Company, on_delete='CASCADE')
        name_key = CharField(max_length=200)
        listed = BooleanField(default=False)
        country = CharField(max_length=2)
        class Meta:
            database = db
            table_name = 'company_name_prefix'
            primary_key = CompositeKey('prefix', 'company')
            indexes = ((('prefix', 'listed', 'name_key', 'company'), False),)

    db.create_tables([CompanyNamePrefix])
    for length in range(1, 5):
        db.execute_sql(
            'INSERT INTO company_name_prefix (prefix, company_id, name_key, listed, country) '
            f'SELECT DISTINCT substr(w.word, 1, {length}), c.id, c.name_key, c.listed, c.country '
            'FROM company_name_word w JOIN company c ON c.id = w.company_id WHERE true '
            'ON CONFLICT DO NOTHING')


def down(migrator, db):
    migrator.migrate(migrator.drop_table('company_name_prefix'))
