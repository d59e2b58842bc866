"""The tables of companies. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.data.db import BaseModel, database
from portal.people.models import AuditEvent, Person
from portal.text.names import name_key, name_words


class Company(BaseModel):
    name = peewee.CharField(max_length=200)
    name_key = peewee.CharField(max_length=200)
    country = peewee.CharField(max_length=2)
    street = peewee.CharField(max_length=200, default="")
    house_number = peewee.CharField(max_length=20, default="")
    box = peewee.CharField(max_length=20, default="")
    postcode = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=100, default="")
    vat_number = peewee.CharField(max_length=20, null=True, unique=True)
    bce_number = peewee.CharField(max_length=10, null=True, unique=True)
    agency_number = peewee.CharField(max_length=10, null=True, unique=True)
    language = peewee.CharField(max_length=2, default="en")
    # True when the firm has an agency number and at least one active
    # activity: what puts it on the public list. Kept by activities.notified.refresh_listing().
    listed = peewee.BooleanField(default=False)
    # The main access manager (GAP), designated by a legal representative.
    main_access_manager = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    is_demo = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utc)
    # A Belgian enterprise: its name, address and units come from the BCE
    # (KBO open data, see bce.py) and are read-only here. The snapshot date of
    # the extract they were last copied from; None for every other company.
    bce_synced_on = peewee.DateField(null=True)
    # False once the BCE no longer lists the enterprise as active.
    bce_active = peewee.BooleanField(default=True)

    class Meta:
        indexes = (
            (("listed", "name_key"), False),
            (("listed", "country", "name_key"), False),
            (("name_key",), False),  # look-alikes of a registration request, listed or not
        )

    def set_name(self, name):
        self.name = name
        self.name_key = name_key(name)

    def save_name_words(self):
        """Rewrite the word and prefix indexes used by the public search for this firm."""
        with database.atomic():
            CompanyNameWord.delete().where(CompanyNameWord.company == self).execute()
            CompanyNameWord.insert_many(
                [{"company": self.id, "word": word} for word in name_words(self.name)]
            ).execute()
            CompanyNamePrefix.delete().where(CompanyNamePrefix.company == self).execute()
            CompanyNamePrefix.insert_many(CompanyNamePrefix.rows_of(self.id, self.name, self.listed,
                                                                    self.country)).execute()



class CompanyNameWord(BaseModel):
    """One word of a firm's name, so that a name search is an index range."""

    company = peewee.ForeignKeyField(Company, on_delete="CASCADE")
    word = peewee.CharField(max_length=40)

    class Meta:
        primary_key = peewee.CompositeKey("word", "company")


class CompanyNamePrefix(BaseModel):
    """The first one to four letters of each word of a firm's name, with what
    the public list sorts and filters by: a short name search ("m", "med")
    reads its page straight from one index range, already in name order, and
    counts its matches there, whatever the number of firms."""

    LENGTH = 4
    prefix = peewee.CharField(max_length=4)
    company = peewee.ForeignKeyField(Company, on_delete="CASCADE")
    name_key = peewee.CharField(max_length=200)
    listed = peewee.BooleanField(default=False)
    country = peewee.CharField(max_length=2)

    class Meta:
        primary_key = peewee.CompositeKey("prefix", "company")
        indexes = ((("prefix", "listed", "name_key", "company"), False),)

    @classmethod
    def rows_of(cls, company_id, name, listed, country):
        prefixes = {word[:length] for word in name_words(name) for length in range(1, cls.LENGTH + 1)}
        key = name_key(name)
        return [{"prefix": prefix, "company": company_id, "name_key": key, "listed": listed, "country": country}
                for prefix in sorted(prefixes)]


class EstablishmentUnit(BaseModel):
    company = peewee.ForeignKeyField(Company, backref="units", on_delete="CASCADE")
    name = peewee.CharField(max_length=200)
    street = peewee.CharField(max_length=200)
    house_number = peewee.CharField(max_length=20)
    box = peewee.CharField(max_length=20, default="")
    postcode = peewee.CharField(max_length=20)
    city = peewee.CharField(max_length=100)
    # The BCE's establishment number, for the units of a Belgian enterprise (read-only here).
    bce_number = peewee.CharField(max_length=10, null=True, index=True)


class ContactPerson(BaseModel):
    """Someone of the company added in "Mon entreprise" (guide 3.2.3): they get
    a login, and the access manager may make them a user."""

    company = peewee.ForeignKeyField(Company, backref="contact_persons", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="contact_of", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utc)
    # What the company says about the person; their own data (names, e-mail) are theirs to change.
    function = peewee.CharField(max_length=100, default="")
    phone = peewee.CharField(max_length=30, default="")

    class Meta:
        indexes = ((("company", "person"), True),)


class LegalRepresentative(BaseModel):
    company = peewee.ForeignKeyField(Company, backref="legal_representatives", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="representations", on_delete="CASCADE")
    function = peewee.CharField(max_length=100, default="")  # as for ContactPerson
    phone = peewee.CharField(max_length=30, default="")

    class Meta:
        indexes = ((("company", "person"), True),)


class CompanyEvent(AuditEvent):
    """The history of "Mon entreprise"."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="company_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
