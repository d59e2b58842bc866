"""Access management: the main access manager, qualities, their managers and users, history."""
from peewee import *


def up(migrator, db):
    class Person(Model):
        class Meta:
            database = db
            table_name = 'person'

    class Company(Model):
        class Meta:
            database = db
            table_name = 'company'

    class StaffMember(Model):
        class Meta:
            database = db
            table_name = 'staff_member'

    migrator.migrate(migrator.add_column(
        'company', 'main_access_manager_id',
        ForeignKeyField(Person, field=Person.id, null=True, on_delete='SET NULL')))

    class Quality(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        kind = CharField(max_length=40)
        contact_email = CharField(max_length=254)
        activated_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        activated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'quality'
            indexes = ((('company', 'kind'), True),)

    class QualityMember(Model):
        quality = ForeignKeyField(Quality, on_delete='CASCADE')
        person = ForeignKeyField(Person, on_delete='CASCADE')
        role = CharField(max_length=10)
        title = CharField(max_length=10, default='')
        language = CharField(max_length=2, default='fr')
        email = CharField(max_length=254)
        local_email = CharField(max_length=254, default='')
        status = CharField(max_length=10, default='active')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'quality_member'
            indexes = ((('quality', 'person'), True),)

    class MemberApplication(Model):
        member = ForeignKeyField(QualityMember, on_delete='CASCADE')
        application = CharField(max_length=20)
        class Meta:
            database = db
            table_name = 'member_application'
            indexes = ((('member', 'application'), True), (('application', 'member'), False))

    class AccessEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        company = ForeignKeyField(Company, on_delete='CASCADE')
        quality = ForeignKeyField(Quality, null=True, on_delete='CASCADE')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        subject = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'access_event'

    db.create_tables([Quality, QualityMember, MemberApplication, AccessEvent])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('access_event'),
        migrator.drop_table('member_application'),
        migrator.drop_table('quality_member'),
        migrator.drop_table('quality'),
        migrator.drop_column('company', 'main_access_manager_id'),
    )
