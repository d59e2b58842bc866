"""The BCE/KBO open data (enterprises, establishments, names, addresses, contacts, activities, codes,
branches, the extracts imported), and what ties a Belgian company and its units to it."""
from peewee import *


def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    migrator.migrate(
        migrator.add_column('registration', 'person_id',
                            ForeignKeyField(Person, null=True, field=Person.id, on_delete='CASCADE')),
        migrator.add_column('company', 'bce_synced_on', DateField(null=True)),
        migrator.add_column('company', 'bce_active', BooleanField(default=True)),
        migrator.add_column('establishment_unit', 'bce_number', CharField(max_length=10, null=True)),
        migrator.add_index('establishment_unit', ('bce_number',), False),
    )

    class KboExtract(Model):
        number = IntegerField(index=True)
        kind = CharField(max_length=10)
        snapshot_date = DateField()
        extract_timestamp = CharField(max_length=30, default='')
        version = CharField(max_length=20, default='')
        rows = TextField(default='{}')
        seconds = FloatField(default=0)
        imported_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'kbo_extract'

    class KboCode(Model):
        category = CharField(max_length=40)
        code = CharField(max_length=20)
        language = CharField(max_length=2)
        description = TextField()
        class Meta:
            database = db
            table_name = 'kbo_code'
            primary_key = CompositeKey('category', 'code', 'language')

    class KboEnterprise(Model):
        number = CharField(max_length=10, primary_key=True)
        status = CharField(max_length=2)
        juridical_situation = CharField(max_length=3, default='')
        type_of_enterprise = CharField(max_length=1, default='')
        juridical_form = CharField(max_length=3, default='')
        juridical_form_cac = CharField(max_length=3, default='')
        start_date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'kbo_enterprise'

    class KboEstablishment(Model):
        number = CharField(max_length=10, primary_key=True)
        enterprise_number = CharField(max_length=10, index=True)
        start_date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'kbo_establishment'

    class KboBranch(Model):
        id = CharField(max_length=10, primary_key=True)
        enterprise_number = CharField(max_length=10, index=True)
        start_date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'kbo_branch'

    class KboDenomination(Model):
        entity_number = CharField(max_length=10, index=True)
        language = CharField(max_length=1)
        kind = CharField(max_length=3)
        name = TextField()
        class Meta:
            database = db
            table_name = 'kbo_denomination'
            primary_key = False

    class KboAddress(Model):
        entity_number = CharField(max_length=10, index=True)
        kind = CharField(max_length=4)
        country_nl = TextField(default='')
        country_fr = TextField(default='')
        zipcode = CharField(max_length=20, default='')
        municipality_nl = TextField(default='')
        municipality_fr = TextField(default='')
        street_nl = TextField(default='')
        street_fr = TextField(default='')
        house_number = CharField(max_length=20, default='')
        box = CharField(max_length=20, default='')
        extra = TextField(default='')
        struck_off = DateField(null=True)
        class Meta:
            database = db
            table_name = 'kbo_address'
            primary_key = False

    class KboContact(Model):
        entity_number = CharField(max_length=10, index=True)
        entity_contact = CharField(max_length=3)
        kind = CharField(max_length=5)
        value = TextField()
        class Meta:
            database = db
            table_name = 'kbo_contact'
            primary_key = False

    class KboActivity(Model):
        entity_number = CharField(max_length=10, index=True)
        activity_group = CharField(max_length=3)
        nace_version = CharField(max_length=4)
        nace_code = CharField(max_length=10)
        classification = CharField(max_length=4)
        class Meta:
            database = db
            table_name = 'kbo_activity'
            primary_key = False

    db.create_tables([KboExtract, KboCode, KboEnterprise, KboEstablishment, KboBranch, KboDenomination,
                      KboAddress, KboContact, KboActivity])


def down(migrator, db):
    migrator.migrate(
        *[migrator.drop_table(name) for name in (
            'kbo_activity', 'kbo_contact', 'kbo_address', 'kbo_denomination', 'kbo_branch', 'kbo_establishment',
            'kbo_enterprise', 'kbo_code', 'kbo_extract')],
        migrator.drop_index('establishment_unit', 'establishment_unit_bce_number'),
        migrator.drop_column('establishment_unit', 'bce_number'),
        migrator.drop_column('company', 'bce_active'),
        migrator.drop_column('company', 'bce_synced_on'),
        migrator.drop_column('registration', 'person_id'),
    )
