"""“Mes contrôles”: the form the law asks for, inspection dossiers, their documents, corrective
actions and timelines."""
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

    class Questionnaire(Model):
        company = ForeignKeyField(Company, unique=True, on_delete='CASCADE')
        status = CharField(max_length=10, default='draft')
        employees = IntegerField(null=True)
        devices_per_year = BigIntegerField(null=True)
        qms = CharField(max_length=20, default='')
        qms_details = CharField(max_length=200, default='')
        certificates = TextField(default='[]')
        first_submitted_at = DateTimeField(null=True)
        submitted_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'questionnaire'

    class InspectionDossier(Model):
        company = ForeignKeyField(Company, on_delete='CASCADE')
        reference = CharField(max_length=20, null=True, unique=True)
        subject = CharField(max_length=200)
        planned_on = DateField(null=True)
        inspector = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        status = CharField(max_length=10, default='open')
        waiting_for = CharField(max_length=10, default='company')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'inspection_dossier'
            indexes = ((('company', 'status'), False), (('status', 'waiting_for', 'updated_at'), False))

    class DossierDocument(Model):
        dossier = ForeignKeyField(InspectionDossier, on_delete='CASCADE')
        kind = CharField(max_length=20)
        filename = CharField(max_length=200)
        content_type = CharField(max_length=100)
        extension = CharField(max_length=5)
        size = IntegerField()
        content = BlobField()
        note = TextField(default='')
        person = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'dossier_document'

    class CorrectiveAction(Model):
        dossier = ForeignKeyField(InspectionDossier, on_delete='CASCADE')
        action = TextField()
        owner = CharField(max_length=200)
        due_on = DateField()
        status = CharField(max_length=12, default='planned')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'corrective_action'

    class DossierEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        dossier = ForeignKeyField(InspectionDossier, on_delete='CASCADE')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        document = ForeignKeyField(DossierDocument, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'dossier_event'

    class QuestionnaireEvent(Model):
        staff = ForeignKeyField(StaffMember, null=True, on_delete='SET NULL')
        action = CharField(max_length=40)
        reason = TextField(default='')
        created_at = DateTimeField()
        company = ForeignKeyField(Company, on_delete='CASCADE')
        actor = ForeignKeyField(Person, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'questionnaire_event'

    db.create_tables([Questionnaire, InspectionDossier, DossierDocument, CorrectiveAction, DossierEvent,
                      QuestionnaireEvent])


def down(migrator, db):
    migrator.migrate(*[migrator.drop_table(name) for name in (
        'questionnaire_event', 'dossier_event', 'corrective_action', 'dossier_document', 'inspection_dossier',
        'questionnaire')])
