"""The tables of rights. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.companies.models import Company
from portal.data.db import BaseModel
from portal.people.models import AuditEvent, Person


class Quality(BaseModel):
    """A quality of a company at the social security (guide 3.2.1), activated
    by the main access manager. Only "health_institution" ("Institution liée
    au domaine de la santé") opens the agency's applications."""

    HEALTH_INSTITUTION = "health_institution"

    company = peewee.ForeignKeyField(Company, backref="qualities", on_delete="CASCADE")
    kind = peewee.CharField(max_length=40)
    contact_email = peewee.CharField(max_length=254)
    activated_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    activated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("company", "kind"), True),)


class QualityMember(BaseModel):
    """Someone designated for a quality: its access manager (GA, once called
    "Gestionnaire local"), a co-manager, or a user; with the applications
    they may use (`applications`, one row each)."""

    GA, CO_GA, USER = "ga", "co_ga", "user"
    MANAGERS = (GA, CO_GA)
    ACTIVE, BLOCKED = "active", "blocked"

    quality = peewee.ForeignKeyField(Quality, backref="members", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    role = peewee.CharField(max_length=10)
    title = peewee.CharField(max_length=10, default="")
    language = peewee.CharField(max_length=2, default="fr")
    email = peewee.CharField(max_length=254)
    local_email = peewee.CharField(max_length=254, default="")
    status = peewee.CharField(max_length=10, default=ACTIVE)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("quality", "person"), True),)

    @property
    def is_manager(self):
        return self.role in self.MANAGERS

    def application_codes(self):
        return {row.application for row in self.applications}


class MemberApplication(BaseModel):
    member = peewee.ForeignKeyField(QualityMember, backref="applications", on_delete="CASCADE")
    application = peewee.CharField(max_length=20)

    class Meta:
        indexes = ((("member", "application"), True), (("application", "member"), False))


class AccessEvent(AuditEvent):
    """The history of a company's access management: who (a person of the
    company, or agency staff), what, about whom, when."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="access_events", on_delete="CASCADE")
    quality = peewee.ForeignKeyField(Quality, null=True, backref="events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    subject = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
