"""“Forgot password” links."""
from peewee import *

# Timestamps get their default from the application models (utcnow), not the schema.

def up(migrator, db):
    class Account(Model):
        class Meta:
            database = db
            table_name = 'account'

    class PasswordReset(Model):
        account = ForeignKeyField(Account, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        used_at = DateTimeField(null=True)
        voided = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'password_reset'
    db.create_tables([PasswordReset])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('password_reset'))
