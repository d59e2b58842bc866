"""The tables of partners. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.companies.models import Company
from portal.data.db import BaseModel
from portal.people.models import AuditEvent, Person


class Supplier(BaseModel):
    """A distributor's supplier (guide 5.5): a manufacturer or its authorised representative,
    typed, or picked among the firms registered in the portal (`registered`)."""

    MANUFACTURER, REPRESENTATIVE = "manufacturer", "authorised_representative"

    company = peewee.ForeignKeyField(Company, backref="suppliers", on_delete="CASCADE")
    role = peewee.CharField(max_length=30)
    name = peewee.CharField(max_length=200)
    country = peewee.CharField(max_length=2)
    street = peewee.CharField(max_length=200, default="")
    postcode = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=100, default="")
    registered = peewee.ForeignKeyField(Company, null=True, on_delete="SET NULL", backref="+")
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)


class MarketedDevice(BaseModel):
    """A device a manufacturer makes available on the Belgian market (guide 5.5)."""

    company = peewee.ForeignKeyField(Company, backref="devices", on_delete="CASCADE")
    name = peewee.CharField(max_length=200)
    reference = peewee.CharField(max_length=100)
    basic_udi_di = peewee.CharField(max_length=30)
    udi_di = peewee.CharField(max_length=30)
    emdn = peewee.CharField(max_length=13)
    device_class = peewee.CharField(max_length=10)
    sterile = peewee.BooleanField(default=False)
    marketed_from = peewee.DateField()
    withdrawn_on = peewee.DateField(null=True)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("company", "udi_di"), True),)


class RepresentedCompany(BaseModel):
    """A manufacturer outside the EU that an authorised representative represents (guide 5.5)."""

    company = peewee.ForeignKeyField(Company, backref="represented", on_delete="CASCADE")
    name = peewee.CharField(max_length=200)
    country = peewee.CharField(max_length=2)
    street = peewee.CharField(max_length=200, default="")
    postcode = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=100, default="")
    contact_name = peewee.CharField(max_length=200, default="")
    contact_email = peewee.CharField(max_length=254, default="")
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)


class PartnerEvent(AuditEvent):
    """The history of "Mes fabricants et représentants autorisés"."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="partner_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
