"""Logging in: TOTP replay guard, lockouts, recovery codes, per-address throttle."""
from peewee import *


def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = 'account'

    class LoginThrottle(Model):
        address = CharField(unique=True, max_length=64)
        window_start = DateTimeField()
        attempts = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'login_throttle'
    db.create_tables([LoginThrottle])

    class RecoveryCode(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        code_hash = CharField(index=True, max_length=64)
        used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'recovery_code'
    db.create_tables([RecoveryCode])

    migrator.migrate(migrator.add_column('account', 'totp_last_counter', BigIntegerField(null=True)))
    migrator.migrate(migrator.add_column('account', 'failed_attempts', IntegerField(default=0)))
    migrator.migrate(migrator.add_column('account', 'last_failure_at', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('account', 'locked_until', DateTimeField(null=True)))
    migrator.migrate(migrator.add_column('account', 'lockouts', IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('account', 'lockouts'))
    migrator.migrate(migrator.drop_column('account', 'locked_until'))
    migrator.migrate(migrator.drop_column('account', 'last_failure_at'))
    migrator.migrate(migrator.drop_column('account', 'failed_attempts'))
    migrator.migrate(migrator.drop_column('account', 'totp_last_counter'))
    migrator.migrate(migrator.drop_table('recovery_code'))
    migrator.migrate(migrator.drop_table('login_throttle'))
