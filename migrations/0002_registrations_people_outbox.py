"""People known by NISS, registration requests (the wizard's drafts), the mail outbox."""
from peewee import *

# Timestamps get their default from the application models (utcnow), not the schema.

def up(migrator, db):
    class OutboxMessage(Model):
        recipient = CharField(max_length=254)
        subject = CharField(max_length=300)
        text_body = TextField()
        html_body = TextField()
        created_at = DateTimeField()
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(index=True)
        claimed_until = DateTimeField(null=True)
        sent_at = DateTimeField(index=True, null=True)
        last_error = CharField(null=True, max_length=300)
        class Meta:
            database = db
            table_name = 'outbox_message'
    db.create_tables([OutboxMessage])

    class Person(Model):
        niss = CharField(unique=True, max_length=11)
        last_name = CharField(max_length=100)
        first_name = CharField(max_length=100)
        sex = CharField(max_length=1)
        birth_date = DateField()
        birth_country = CharField(max_length=2)
        email = CharField(max_length=254)
        language = CharField(max_length=2, default='en')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'person'
    db.create_tables([Person])

    class Registration(Model):
        token = CharField(unique=True, max_length=64)
        status = CharField(index=True, max_length=20, default='draft')
        reference = CharField(unique=True, null=True, max_length=20)
        language = CharField(max_length=2, default='fr')
        data = TextField(default='{}')
        country = CharField(null=True, max_length=2)
        vat_number = CharField(index=True, null=True, max_length=20)
        bce_number = CharField(index=True, null=True, max_length=10)
        vat_status = CharField(max_length=20, default='not_applicable')
        vies_checked_at = DateTimeField(null=True)
        vies_name = CharField(null=True, max_length=300)
        vies_address = TextField(null=True)
        proof_pdf = BlobField(null=True)
        proof_filename = CharField(null=True, max_length=200)
        proof_size = IntegerField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField(index=True)
        submitted_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'registration'
    db.create_tables([Registration])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('registration'))
    migrator.migrate(migrator.drop_table('person'))
    migrator.migrate(migrator.drop_table('outbox_message'))
