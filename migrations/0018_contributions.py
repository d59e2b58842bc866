"""“Mes contributions”: the agency's parameters per year, the companies' declarations, their history."""
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

    class ContributionYear(Model):
        year = IntegerField(unique=True)
        entity_cost = DecimalField(max_digits=10, decimal_places=2)
        turnover_rate = DecimalField(max_digits=7, decimal_places=4)
        turnover_threshold = DecimalField(max_digits=14, decimal_places=2)
        deadline = DateField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contribution_year'

    class ContributionDeclaration(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        year = IntegerField()
        status = CharField(max_length=10, default='draft')
        private_only = BooleanField(default=False)
        turnover = DecimalField(max_digits=14, decimal_places=2, null=True)
        entities = IntegerField(default=0)
        proof_pdf = BlobField(null=True)
        proof_filename = CharField(max_length=200, null=True)
        proof_size = IntegerField(null=True)
        submitted_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        reminded_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'contribution_declaration'
            indexes = ((('company', 'year'), True), (('year', 'status'), False))

    class ContributionEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        company = ForeignKeyField(Company, on_delete='CASCADE')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        year = IntegerField()
        class Meta:
            database = db
            table_name = 'contribution_event'

    db.create_tables([ContributionYear, ContributionDeclaration, ContributionEvent])


def down(migrator, db):
    migrator.migrate(*[migrator.drop_table(name) for name in (
        'contribution_event', 'contribution_declaration', 'contribution_year')])
