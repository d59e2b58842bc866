"""What an activity notified to the agency says (devices, classes, place, SRN, dates), and its history."""
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

    class EstablishmentUnit(Model):
        class Meta:
            database = db
            table_name = 'establishment_unit'

    class Activity(Model):
        class Meta:
            database = db
            table_name = 'activity'

    migrator.migrate(
        migrator.add_column('activity', 'medical_devices', BooleanField(default=True)),
        migrator.add_column('activity', 'ivds', BooleanField(default=False)),
        migrator.add_column('activity', 'classes', CharField(max_length=100, default='')),
        migrator.add_column('activity', 'unit_id',
                            ForeignKeyField(EstablishmentUnit, field=EstablishmentUnit.id, null=True,
                                            on_delete='SET NULL')),
        migrator.add_column('activity', 'srn', CharField(max_length=20, null=True)),
        migrator.add_column('activity', 'started_on', DateField(null=True)),
        migrator.add_column('activity', 'ended_on', DateField(null=True)),
        migrator.add_column('activity', 'end_reason', TextField(default='')),
    )

    class ActivityEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        company = ForeignKeyField(Company, on_delete='CASCADE')
        activity = ForeignKeyField(Activity, null=True, on_delete='SET NULL')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'activity_event'

    db.create_tables([ActivityEvent])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('activity_event'),
        *[migrator.drop_column('activity', name) for name in (
            'end_reason', 'ended_on', 'started_on', 'srn', 'unit_id', 'classes', 'ivds', 'medical_devices')],
    )
