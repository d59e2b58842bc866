"""The tables of contributions. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.companies.models import Company
from portal.data.db import BaseModel
from portal.people.models import AuditEvent, Person


class ContributionYear(BaseModel):
    """The parameters of a year's contribution (law of 20 July 2006, art. 14/2 to 14/9, Annex IX),
    kept by the agency: the cost per entity, the rate on the turnover above the threshold, the deadline."""

    year = peewee.IntegerField(unique=True)
    entity_cost = peewee.DecimalField(max_digits=10, decimal_places=2)
    turnover_rate = peewee.DecimalField(max_digits=7, decimal_places=4)  # in percent: 0.3073 for 0.3073 %
    turnover_threshold = peewee.DecimalField(max_digits=14, decimal_places=2)
    deadline = peewee.DateField()
    updated_at = peewee.DateTimeField(default=utc)


class ContributionDeclaration(BaseModel):
    """A company's declaration for a year: either it delivers to private individuals only, or
    the turnover of last year with the document its auditor or accountant signed."""

    DRAFT, SUBMITTED = "draft", "submitted"

    company = peewee.ForeignKeyField(Company, backref="contributions", on_delete="CASCADE")
    year = peewee.IntegerField()
    status = peewee.CharField(max_length=10, default=DRAFT)
    private_only = peewee.BooleanField(default=False)
    turnover = peewee.DecimalField(max_digits=14, decimal_places=2, null=True)
    entities = peewee.IntegerField(default=0)  # the company's active activities when it declared
    proof_pdf = peewee.BlobField(null=True)
    proof_filename = peewee.CharField(max_length=200, null=True)
    proof_size = peewee.IntegerField(null=True)
    submitted_at = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=utc)
    updated_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    reminded_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("company", "year"), True), (("year", "status"), False))


class ContributionEvent(AuditEvent):
    abstract = False
    company = peewee.ForeignKeyField(Company, backref="contribution_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    year = peewee.IntegerField()
