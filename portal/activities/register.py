"""The public register as open data: what it says about each listed firm, read in batches or one firm at a time.

It says what the public list shows (Company.listed: an agency number and at least one active activity),
and nothing else: the agency number, the name, the country, the city and the active activities, each as
its code and its label in French, Dutch and English. The downloads read the firms in agency-number
order, in batches of BATCH by an index range (keyset), so that a download of 100,000 firms holds one
batch in memory at a time; a firm listed or removed during a download is in it or not, never twice.
"""
import functools
from dataclasses import dataclass

from peewee import fn

from portal import clock
from portal.activities.models import ACTIVITY_KINDS, Activity
from portal.companies.models import Company
from portal.data.db import database, from_replica, text_agg
from portal.text.countries import names
from portal.text.languages import LANGUAGES
from portal.text.lazy_text import forced

BATCH = 1000


@dataclass(frozen=True)
class RegisteredFirm:
    agency_number: str
    name: str
    country: str
    city: str
    kinds: tuple  # the codes of its active activities, in ACTIVITY_KINDS' order

    def as_record(self):
        """The firm as the JSON download and the API give it."""
        return {"agency_number": self.agency_number, "name": self.name, "country": country_record(self.country),
                "city": self.city, "activities": [activity_record(kind) for kind in self.kinds]}


def country_record(code):
    return {"code": code, "names": {language: country_name_in(code, language) for language in LANGUAGES}}


def activity_record(kind):
    return {"code": kind, "labels": activity_labels()[kind]}


@functools.cache  # once per process, whole before any thread reads it
def activity_labels():
    """{kind: {"fr": …, "nl": …, "en": …}} of every activity."""
    labels = {}
    for language in LANGUAGES:
        with forced(language):
            for kind, label in ACTIVITY_KINDS.items():
                labels.setdefault(kind, {})[language] = str(label)
    return labels


@functools.cache
def _country_names():
    """{language: {code: name}}."""
    countries = {}
    for language in LANGUAGES:
        with forced(language):
            countries[language] = names()
    return countries


def country_name_in(code, language):
    return _country_names()[language].get(code, code)


@functools.lru_cache(maxsize=4096)
def kinds_of(text):
    """The kinds of "a,b" (a firm's active activities as one cell), in ACTIVITY_KINDS' order."""
    present = set((text or "").split(","))
    return tuple(kind for kind in ACTIVITY_KINDS if kind in present)


def _active_kinds():
    other = Activity.alias()
    return (other.select(text_agg(other.kind))
            .where((other.company == Company.id) & (other.active == True)))  # noqa: E712  (SQL's = TRUE)


def _listed():
    return (Company.select(Company.agency_number, Company.name, Company.country, Company.city,
                           _active_kinds().alias("kinds"))
            .where((Company.listed == True) & Company.agency_number.is_null(False)))  # noqa: E712  (SQL's = TRUE)


def _firms(query):
    """The firms of `query`'s rows, read as the driver gives them (five text columns: no conversion to make)."""
    return [RegisteredFirm(number, name, country, city, kinds_of(kinds))
            for number, name, country, city, kinds in database.execute(query)]


def listed_in_batches(batch=None):
    """Every listed firm, in agency-number order: lists of at most `batch` (BATCH) firms, each read by one
    query (from the read replica when there is one) that starts after the last number of the one before."""
    batch = batch or BATCH
    after = ""
    while True:
        firms = from_replica(lambda: _firms(_listed().where(Company.agency_number > after)
                                            .order_by(Company.agency_number).limit(batch)))
        if not firms:
            return
        yield firms
        if len(firms) < batch:
            return
        after = firms[-1].agency_number


def listed_firm(agency_number):
    """The listed firm with this agency number (digits, zero-padded to six), or None."""
    firms = from_replica(lambda: _firms(_listed().where(Company.agency_number == agency_number)))
    return firms[0] if firms else None


def listed_count():
    return from_replica(lambda: Company.select(fn.COUNT(Company.id)).where(Company.listed == True).scalar())  # noqa: E712  (SQL's = TRUE)


_dates = {}  # version -> when this process first read it (seconds since the epoch)


def data_date(version):
    """The date of the data of the register's `version` (the list's version, which every change to a firm
    or an activity moves on): the moment this process first read that version, to the second. Another
    server, or this one after a restart, may give a later moment for the same version, never an earlier
    one than the change that made it."""
    when = _dates.get(version)
    if when is None:
        if len(_dates) > 64:
            _dates.clear()
        when = _dates[version] = int(clock.now())
    return when
