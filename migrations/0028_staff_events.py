"""The trail of staff members' accounts (issue 30): an administrator adds them, changes their roles, blocks
and ends them in the back office, and each change is kept with who made it and why."""
from peewee import *


def up(migrator, db):
    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class StaffEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        member = ForeignKeyField(StaffMember, on_delete='CASCADE', backref='events')

        class Meta:
            database = db
            table_name = 'staff_event'

    db.create_tables([StaffEvent])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('staff_event'))
