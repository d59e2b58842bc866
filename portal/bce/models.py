"""The tables of bce. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.data.db import BaseModel


class KboExtract(BaseModel):
    """An extract imported (its meta.csv): an older one is refused."""

    number = peewee.IntegerField(index=True)
    kind = peewee.CharField(max_length=10)  # "full" or "update"
    snapshot_date = peewee.DateField()
    extract_timestamp = peewee.CharField(max_length=30, default="")
    version = peewee.CharField(max_length=20, default="")
    rows = peewee.TextField(default="{}")  # JSON: rows read per file
    seconds = peewee.FloatField(default=0)
    imported_at = peewee.DateTimeField(default=utc)


class KboCode(BaseModel):
    """The meaning of a code (legal form, status, NACE…) in one language."""

    category = peewee.CharField(max_length=40)
    code = peewee.CharField(max_length=20)
    language = peewee.CharField(max_length=2)
    description = peewee.TextField()

    class Meta:
        primary_key = peewee.CompositeKey("category", "code", "language")


class KboEnterprise(BaseModel):
    number = peewee.CharField(max_length=10, primary_key=True)
    status = peewee.CharField(max_length=2)
    juridical_situation = peewee.CharField(max_length=3, default="")
    type_of_enterprise = peewee.CharField(max_length=1, default="")
    juridical_form = peewee.CharField(max_length=3, default="")
    juridical_form_cac = peewee.CharField(max_length=3, default="")
    start_date = peewee.DateField(null=True)


class KboEstablishment(BaseModel):
    number = peewee.CharField(max_length=10, primary_key=True)
    enterprise_number = peewee.CharField(max_length=10, index=True)
    start_date = peewee.DateField(null=True)


class KboBranch(BaseModel):
    """A Belgian branch of a foreign entity."""

    id = peewee.CharField(max_length=10, primary_key=True)
    enterprise_number = peewee.CharField(max_length=10, index=True)
    start_date = peewee.DateField(null=True)


class KboDenomination(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    language = peewee.CharField(max_length=1)  # 0 unknown, 1 FR, 2 NL, 3 DE, 4 EN
    kind = peewee.CharField(max_length=3)  # 001 legal name, 002 abbreviation, 003 commercial name
    name = peewee.TextField()

    class Meta:
        primary_key = False


class KboAddress(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    kind = peewee.CharField(max_length=4)  # REGO registered office, BAET establishment, ABBR branch
    country_nl = peewee.TextField(default="")
    country_fr = peewee.TextField(default="")
    zipcode = peewee.CharField(max_length=20, default="")
    municipality_nl = peewee.TextField(default="")
    municipality_fr = peewee.TextField(default="")
    street_nl = peewee.TextField(default="")
    street_fr = peewee.TextField(default="")
    house_number = peewee.CharField(max_length=20, default="")
    box = peewee.CharField(max_length=20, default="")
    extra = peewee.TextField(default="")
    struck_off = peewee.DateField(null=True)

    class Meta:
        primary_key = False


class KboContact(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    entity_contact = peewee.CharField(max_length=3)
    kind = peewee.CharField(max_length=5)  # TEL, EMAIL, WEB
    value = peewee.TextField()

    class Meta:
        primary_key = False


class KboActivity(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    activity_group = peewee.CharField(max_length=3)
    nace_version = peewee.CharField(max_length=4)
    nace_code = peewee.CharField(max_length=10)
    classification = peewee.CharField(max_length=4)  # MAIN, SECO, ANCI

    class Meta:
        primary_key = False
