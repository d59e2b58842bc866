"""Four eyes (issue 30): a new device for a person's account and a contribution year's parameters take
effect only when a second staff member of the right role approves; the approval table keeps who asked
and who decided. Staff members get a language for the back office's e-mails (French, as before)."""
from peewee import *


def up(migrator, db):
    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class Approval(Model):
        kind = CharField(max_length=20)
        subject = IntegerField()
        waiting_key = CharField(max_length=40, null=True, unique=True)
        payload = TextField(default='')
        reason = TextField(default='')
        status = CharField(max_length=10, default='pending')
        requested_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        requested_at = DateTimeField()
        decided_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')

        class Meta:
            database = db
            table_name = 'approval'
            indexes = ((('kind', 'subject', 'requested_at'), False),)

    db.create_tables([Approval])
    db.execute_sql("ALTER TABLE \"staff_member\" ADD COLUMN \"language\" VARCHAR(2) NOT NULL DEFAULT 'fr'")


def down(migrator, db):
    migrator.migrate(migrator.drop_column('staff_member', 'language'))
    migrator.migrate(migrator.drop_table('approval'))
