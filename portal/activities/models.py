"""The tables of activities. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.companies.models import Company, ContactPerson, EstablishmentUnit
from portal.data.db import BaseModel
from portal.people.models import AuditEvent, Person
from portal.text.lazy_text import lazy_gettext as _l

# Activities an economic operator notifies ("Mes activités"), in display order.
ACTIVITY_KINDS = {
    "manufacturer": _l("Manufacturer"),
    "custom_manufacturer": _l("Manufacturer of custom-made devices"),
    "system_producer": _l("System or procedure pack producer"),
    "steriliser": _l("Steriliser"),
    "authorised_representative": _l("Authorised representative"),
    "importer": _l("Importer"),
    "distributor": _l("Distributor"),
    "exporter": _l("Exporter"),
    "relabeller": _l("Relabeller or repackager"),
    "reprocessor": _l("Reprocessor of single-use devices"),
    "home_services": _l("Services to patients at home"),
}


class Activity(BaseModel):
    """An activity notified to the agency (see notified_activities)."""

    NAMED_BY = ("kind",)  # its label

    company = peewee.ForeignKeyField(Company, backref="activities", on_delete="CASCADE")
    kind = peewee.CharField(max_length=40)
    active = peewee.BooleanField(default=True)
    notified_at = peewee.DateTimeField(default=utc)
    medical_devices = peewee.BooleanField(default=True)
    ivds = peewee.BooleanField(default=False)
    classes = peewee.CharField(max_length=100, default="")  # "I|IIa|A sterile"
    unit = peewee.ForeignKeyField(EstablishmentUnit, null=True, on_delete="SET NULL")  # None: the head office
    srn = peewee.CharField(max_length=20, null=True)
    started_on = peewee.DateField(null=True)
    ended_on = peewee.DateField(null=True)
    end_reason = peewee.TextField(default="")

    class Meta:
        indexes = ((("kind", "active", "company"), False),)

    @property
    def label(self):
        return ACTIVITY_KINDS.get(self.kind, self.kind)


class ActivityContact(BaseModel):
    """A contact person of the company named for one of its activities."""

    activity = peewee.ForeignKeyField(Activity, backref="contacts", on_delete="CASCADE")
    contact = peewee.ForeignKeyField(ContactPerson, backref="activities", on_delete="CASCADE")

    class Meta:
        indexes = ((("activity", "contact"), True),)


class ActivityEvent(AuditEvent):
    """The history of a company's activities and of its agency number."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="activity_events", on_delete="CASCADE")
    activity = peewee.ForeignKeyField(Activity, null=True, on_delete="SET NULL")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
