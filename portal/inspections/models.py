"""The tables of inspections. The schema changes only through migrations/."""
import json

import peewee

from portal.clock import utc
from portal.companies.models import Company
from portal.data.db import BaseModel
from portal.people.models import AuditEvent, Person, StaffMember


class Questionnaire(BaseModel):
    """The form the law asks for ("le formulaire prévu dans la loi", guide
    5.4): one per company, kept as a draft until sent, and changed again
    after it was sent, as the guide allows (see inspections)."""

    DRAFT, SUBMITTED = "draft", "submitted"

    company = peewee.ForeignKeyField(Company, backref="questionnaires", unique=True, on_delete="CASCADE")
    status = peewee.CharField(max_length=10, default=DRAFT)
    employees = peewee.IntegerField(null=True)
    devices_per_year = peewee.BigIntegerField(null=True)  # units placed on the Belgian market last year
    qms = peewee.CharField(max_length=20, default="")  # "iso13485", "other", "none"
    qms_details = peewee.CharField(max_length=200, default="")
    certificates = peewee.TextField(default="[]")  # JSON: [{"body", "number", "expires_on"}]
    first_submitted_at = peewee.DateTimeField(null=True)
    submitted_at = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=utc)
    updated_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")

    @property
    def certificate_rows(self):
        return json.loads(self.certificates or "[]")


class InspectionDossier(BaseModel):
    """An inspection file the agency opens for a company (guide 5.4)."""

    OPEN, CLOSED = "open", "closed"

    company = peewee.ForeignKeyField(Company, backref="dossiers", on_delete="CASCADE")
    reference = peewee.CharField(max_length=20, null=True, unique=True)
    subject = peewee.CharField(max_length=200)
    planned_on = peewee.DateField(null=True)
    inspector = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="dossiers")
    status = peewee.CharField(max_length=10, default=OPEN)
    # Whose turn it is: "company" once the agency added something, "agency" once the company did.
    waiting_for = peewee.CharField(max_length=10, default="company")
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("company", "status"), False), (("status", "waiting_for", "updated_at"), False))


class DossierDocument(BaseModel):
    """A document of a dossier, checked by content (see documents)."""

    NAMED_BY = ("filename",)

    dossier = peewee.ForeignKeyField(InspectionDossier, backref="documents", on_delete="CASCADE")
    kind = peewee.CharField(max_length=20)  # "report", "action_plan", "other"
    filename = peewee.CharField(max_length=200)  # only shown
    content_type = peewee.CharField(max_length=100)
    extension = peewee.CharField(max_length=5)
    size = peewee.IntegerField()
    content = peewee.BlobField()
    note = peewee.TextField(default="")
    person = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    staff = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    created_at = peewee.DateTimeField(default=utc)


class CorrectiveAction(BaseModel):
    """One line of the company's corrective action plan, in answer to a report. `status` is the
    company's word; `review` the inspector's on it (see inspections.actions)."""

    PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"
    # review: nothing asked of the inspector; the company marked it done or moved its due date and the
    # inspector has yet to confirm; confirmed; reopened (with `review_reason`); marked done before
    # inspectors confirmed actions (migration 0029: counted as done, as it was then).
    NOTHING, TO_CONFIRM, CONFIRMED, REOPENED, EARLIER = "", "to_confirm", "confirmed", "reopened", "earlier"

    dossier = peewee.ForeignKeyField(InspectionDossier, backref="actions", on_delete="CASCADE")
    action = peewee.TextField()
    owner = peewee.CharField(max_length=200)
    due_on = peewee.DateField()
    status = peewee.CharField(max_length=12, default=PLANNED)
    review = peewee.CharField(max_length=12, default=NOTHING)
    review_reason = peewee.TextField(default="")
    # The due date the agency holds while a new one the company chose waits for the inspector; null
    # when `due_on` is the one held.
    agreed_due_on = peewee.DateField(null=True)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    @property
    def held_due_on(self):
        """The due date the risk indicator counts."""
        return self.agreed_due_on or self.due_on

    @property
    def settled(self):
        """Done, and held as done by the agency: the company no longer changes it."""
        return self.status == self.DONE and self.review in (self.CONFIRMED, self.EARLIER)


class DossierEvent(AuditEvent):
    """The timeline of a dossier: who added what, on either side."""

    abstract = False
    dossier = peewee.ForeignKeyField(InspectionDossier, backref="events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    document = peewee.ForeignKeyField(DossierDocument, null=True, on_delete="SET NULL", backref="+")


class QuestionnaireEvent(AuditEvent):
    """Each save or sending of the company's questionnaire."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="questionnaire_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
