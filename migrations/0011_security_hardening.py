"""Security hardening: rate limits by purpose, server-side login state,
temporary passwords that expire, mail put aside, the account audit trail."""
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

    migrator.migrate(migrator.drop_table('login_throttle'))

    class RateLimit(Model):
        key = CharField(unique=True, max_length=160)
        window_start = DateTimeField()
        hits = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'rate_limit'

    class PendingLogin(Model):
        token_hash = CharField(unique=True, max_length=64)
        account = ForeignKeyField(Account, on_delete='CASCADE')
        created_at = DateTimeField()
        code_ok = BooleanField(default=False)
        next_url = CharField(max_length=500, default='')
        new_secret = CharField(max_length=64, null=True)
        recovery_codes = TextField(null=True)
        class Meta:
            database = db
            table_name = 'pending_login'

    class AccountEvent(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'account_event'

    db.create_tables([RateLimit, PendingLogin, AccountEvent])
    migrator.migrate(
        migrator.add_column('account', 'password_expires_at', DateTimeField(null=True)),
        migrator.add_column('login_session', 'enrolling_secret', CharField(max_length=64, null=True)),
        migrator.add_column('login_session', 'fresh_codes', TextField(null=True)),
        migrator.add_column('outbox_message', 'failed_at', DateTimeField(null=True)),
    )
    # Recovery codes were plain SHA-256; they are now keyed with the server's
    # secret. Old hashes can never match again: drop them, so that "codes
    # left" tells the truth (people make new ones in "Mon compte").
    db.execute_sql('DELETE FROM recovery_code')


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('outbox_message', 'failed_at'),
        migrator.drop_column('login_session', 'fresh_codes'),
        migrator.drop_column('login_session', 'enrolling_secret'),
        migrator.drop_column('account', 'password_expires_at'),
        migrator.drop_table('account_event'),
        migrator.drop_table('pending_login'),
        migrator.drop_table('rate_limit'),
    )

    class LoginThrottle(Model):
        address = CharField(unique=True, max_length=64)
        window_start = DateTimeField()
        attempts = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'login_throttle'
    db.create_tables([LoginThrottle])
