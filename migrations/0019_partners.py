"""“Mes fabricants et représentants autorisés”: a distributor's suppliers, a manufacturer's devices,
an authorised representative's represented companies, and their history."""
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

    class Supplier(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        role = CharField(max_length=30)
        name = CharField(max_length=200)
        country = CharField(max_length=2)
        street = CharField(max_length=200, default='')
        postcode = CharField(max_length=20, default='')
        city = CharField(max_length=100, default='')
        registered = ForeignKeyField(Company, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'supplier'

    class MarketedDevice(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        name = CharField(max_length=200)
        reference = CharField(max_length=100)
        basic_udi_di = CharField(max_length=30)
        udi_di = CharField(max_length=30)
        emdn = CharField(max_length=13)
        device_class = CharField(max_length=10)
        sterile = BooleanField(default=False)
        marketed_from = DateField()
        withdrawn_on = DateField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'marketed_device'
            indexes = ((('company', 'udi_di'), True),)

    class RepresentedCompany(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        name = CharField(max_length=200)
        country = CharField(max_length=2)
        street = CharField(max_length=200, default='')
        postcode = CharField(max_length=20, default='')
        city = CharField(max_length=100, default='')
        contact_name = CharField(max_length=200, default='')
        contact_email = CharField(max_length=254, default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'represented_company'

    class PartnerEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        company = ForeignKeyField(Company, on_delete='CASCADE')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'partner_event'

    db.create_tables([Supplier, MarketedDevice, RepresentedCompany, PartnerEvent])


def down(migrator, db):
    migrator.migrate(*[migrator.drop_table(name) for name in (
        'partner_event', 'represented_company', 'marketed_device', 'supplier')])
