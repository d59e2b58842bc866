"""The tables of registrations. The schema changes only through migrations/."""
import json

import peewee

from portal.clock import utc
from portal.companies.models import Company
from portal.data.db import BaseModel
from portal.people.models import AuditEvent, Person
from portal.text.names import name_key


class Registration(BaseModel):
    """A company's registration request: a draft filled step by step, then
    submitted for the agency to validate. `token` is the secret of the resume
    link; `data` holds the answers of each step as JSON (read them through
    `answers`)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_INFORMATION = "needs_information"
    VALIDATED = "validated"
    REFUSED = "refused"
    EDITABLE = (DRAFT, NEEDS_INFORMATION)  # the company may change it through its resume link
    OPEN = (SUBMITTED,)  # waiting for the agency's decision
    ACTIVE = (SUBMITTED, NEEDS_INFORMATION, VALIDATED)  # holds its VAT and BCE numbers
    SENT = (SUBMITTED, NEEDS_INFORMATION, VALIDATED, REFUSED)  # what the back office lists
    # A company's registration, or a registered company's request to change
    # its identity (name, VAT or BCE number, official proof: see identity_changes).
    # A Belgian enterprise (bce.py): a person logged in by eID asks to act for it.
    REGISTRATION, CHANGE, BELGIAN = "registration", "change", "belgian"

    token = peewee.CharField(max_length=64, unique=True)
    status = peewee.CharField(max_length=20, default=DRAFT)  # indexed with the time of sending (Meta)
    kind = peewee.CharField(max_length=20, default=REGISTRATION)
    reference = peewee.CharField(max_length=20, null=True, unique=True)
    language = peewee.CharField(max_length=2, default="fr")
    data = peewee.TextField(default="{}")
    country = peewee.CharField(max_length=2, null=True)
    vat_number = peewee.CharField(max_length=20, null=True, index=True)
    bce_number = peewee.CharField(max_length=10, null=True, index=True)
    # VIES: "valid", "unverified" (VIES could not answer) or "not_applicable".
    vat_status = peewee.CharField(max_length=20, default="not_applicable")
    vies_checked_at = peewee.DateTimeField(null=True)
    vies_name = peewee.CharField(max_length=300, null=True)
    vies_address = peewee.TextField(null=True)
    proof_pdf = peewee.BlobField(null=True)
    proof_filename = peewee.CharField(max_length=200, null=True)
    proof_size = peewee.IntegerField(null=True)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc, index=True)
    submitted_at = peewee.DateTimeField(null=True)
    decided_at = peewee.DateTimeField(null=True, index=True)
    company = peewee.ForeignKeyField(Company, null=True, backref="registrations", on_delete="SET NULL")
    # Set when sent, so that the back office finds look-alikes through indexes.
    name_key = peewee.CharField(max_length=200, null=True, index=True)
    # The company's name in the answers, kept beside them for the staff queue (see `name_columns`).
    company_name = peewee.CharField(max_length=300, null=True)
    # Who asked, for a Belgian enterprise's registration (logged in by eID).
    person = peewee.ForeignKeyField(Person, null=True, backref="registrations", on_delete="CASCADE")

    class Meta:
        # The staff queue reads each status's requests oldest first from the second (review.queue).
        indexes = ((("kind", "company", "status"), False), (("status", "submitted_at", "id"), False))

    @property
    def answers(self):
        """The answers of the steps, decoded once per loaded row."""
        if self.__dict__.get("_answers_of") != self.data:
            self.__dict__["_answers"] = self.decode(self.data)
            self.__dict__["_answers_of"] = self.data
        return self.__dict__["_answers"]

    @staticmethod
    def decode(data):
        return json.loads(data or "{}")

    @staticmethod
    def encode(answers):
        return json.dumps(answers, ensure_ascii=False, sort_keys=True)

    @staticmethod
    def name_columns(answers):
        """The columns kept from the company's name in these answers: `company_name`
        (the staff queue's) and `name_key` (the look-alikes'). No NUL character in
        either (answers saved with an error may hold one, and PostgreSQL's text
        refuses it), at most 300 characters; None when there is no name."""
        name = (answers.get("company") or {}).get("name")
        name = name.replace("\x00", "")[:300] if isinstance(name, str) else ""
        return {"company_name": name or None, "name_key": name_key(name) if name else None}

    @property
    def editable(self):
        return self.status in self.EDITABLE

    @property
    def company_answers(self):
        return self.answers.get("company", {})

    @property
    def representatives(self):
        return self.answers.get("representatives", [])


class RegistrationTally(BaseModel):
    """How many requests there are of each sent status, kept by the database's triggers on every change
    of a request's status, whatever code makes it (migration 0025): the staff queue's tabs read these
    rows instead of counting. The four rows are always there (request_tally.recount puts any right)."""

    status = peewee.CharField(max_length=20, primary_key=True)
    requests = peewee.IntegerField()


class RegistrationEmail(BaseModel):
    """The legal representatives' e-mail addresses of a sent registration."""

    registration = peewee.ForeignKeyField(Registration, backref="emails", on_delete="CASCADE")
    email = peewee.CharField(max_length=254, index=True)


class RegistrationEvent(AuditEvent):
    """The audit trail of a registration request."""

    abstract = False
    registration = peewee.ForeignKeyField(Registration, backref="events", on_delete="CASCADE")
    action = peewee.CharField(max_length=30)
