"""Staff log in through an account like everyone else (password, TOTP, lockouts):
accounts may belong to a staff member instead of a person; the staff member's
password moves to their account."""
import datetime

from peewee import *


def up(migrator, db):
    class StaffMember(Model):
        password_hash = CharField(max_length=200)

        class Meta:
            database = db
            table_name = 'staff_member'

    class Account(Model):
        person_id = IntegerField(null=True)
        staff_id = IntegerField(null=True)
        password_hash = CharField(max_length=200)
        must_change_password = BooleanField(default=False)
        failed_attempts = IntegerField(default=0)
        lockouts = IntegerField(default=0)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'account'

    migrator.migrate(
        migrator.drop_not_null('account', 'person_id'),
        migrator.add_column('account', 'staff_id',
                            ForeignKeyField(StaffMember, field=StaffMember.id, null=True, on_delete='CASCADE')),
    )
    migrator.migrate(migrator.drop_index('account', 'account_staff_id'))
    migrator.migrate(migrator.add_index('account', ('staff_id',), unique=True))
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    for staff in StaffMember.select(StaffMember.id, StaffMember.password_hash):
        Account.insert(person_id=None, staff_id=staff.id, password_hash=staff.password_hash,
                       must_change_password=False, failed_attempts=0, lockouts=0, created_at=now).execute()
    migrator.migrate(migrator.drop_column('staff_member', 'password_hash'))


def down(migrator, db):
    raise NotImplementedError("staff passwords live in accounts from this migration on")
