"""Passkeys (issue 32): an account's WebAuthn credentials and its random user handle; the challenge of a
passkey being added (on the login session) or used to log in (on the login in progress, which has no account
yet when the passkey alone logs in); the administrator's "passkeys required for staff"."""
from peewee import *


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = 'account'

    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    class Passkey(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE', backref='passkeys')
        credential_id = CharField(max_length=1400, unique=True)
        public_key = BlobField()
        sign_count = BigIntegerField(default=0)
        name = CharField(max_length=60)
        transports = CharField(max_length=100, default='')
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'passkey'

    class StaffSetting(Model):
        name = CharField(max_length=40, unique=True)
        enabled = BooleanField(default=False)
        changed_by = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        changed_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'staff_setting'

    db.create_tables([Passkey, StaffSetting])
    migrator.migrate(
        migrator.add_column('account', 'passkey_handle', CharField(max_length=64, null=True)),
        migrator.add_index('account', ('passkey_handle',), True),
        migrator.add_column('login_session', 'passkey_challenge', CharField(max_length=100, null=True)),
        migrator.add_column('login_session', 'passkey_challenge_at', DateTimeField(null=True)),
        migrator.add_column('pending_login', 'passkey_challenge', CharField(max_length=100, null=True)),
        migrator.add_column('pending_login', 'passkey_challenge_at', DateTimeField(null=True)),
        migrator.drop_not_null('pending_login', 'account_id'),
    )


def down(migrator, db):
    db.execute_sql('DELETE FROM pending_login WHERE account_id IS NULL')
    migrator.migrate(
        migrator.add_not_null('pending_login', 'account_id'),
        migrator.drop_column('pending_login', 'passkey_challenge_at'),
        migrator.drop_column('pending_login', 'passkey_challenge'),
        migrator.drop_column('login_session', 'passkey_challenge_at'),
        migrator.drop_column('login_session', 'passkey_challenge'),
        migrator.drop_index('account', 'account_passkey_handle'),
        migrator.drop_column('account', 'passkey_handle'),
        migrator.drop_table('staff_setting'),
        migrator.drop_table('passkey'),
    )
