"""The public list of registered firms: parsing a search, running it.

A firm is listed when it has an agency number and at least one active
activity (Company.listed). Every filter is an index lookup or range, so the
cost follows the page size, not the number of firms.
"""
import math
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..countries import all_countries
from ..db import database, is_postgres
from ..models import ACTIVITY_KINDS, Activity, Company, CompanyNameWord
from ..names import fold, prefix_range

MAX_NAME_TERMS = 5
# Counting stops here: nobody pages past 500 pages, and counting every match
# of a broad search would cost more than finding the page itself.
MAX_COUNTED = 10_000
SORTS = {"name": _l("Name (A to Z)"), "-name": _l("Name (Z to A)")}


@dataclass
class FirmSearch:
    name: str = ""
    number: str = ""
    country: str = ""
    activity: str = ""
    sort: str = "name"
    page: int = 1
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args):
        search = cls(
            name=args.get("name", "").strip()[:200],
            number=args.get("number", "").strip()[:40],
            country=args.get("country", "").strip().upper()[:2],
            activity=args.get("activity", "").strip()[:40],
            sort=args.get("sort", "name"),
        )
        if search.sort not in SORTS:
            search.sort = "name"
        try:
            search.page = max(1, min(int(args.get("page", "1")), 10**6))
        except ValueError:
            search.page = 1
        if search.number and not re.fullmatch(r"[\d .\-]+", search.number):
            search.errors["number"] = _l("An agency number has digits only, for example 001234.")
        if search.country and search.country not in dict(all_countries()):
            search.errors["country"] = _l("Choose a country from the list.")
            search.country = ""
        if search.activity and search.activity not in ACTIVITY_KINDS:
            search.errors["activity"] = _l("Choose an activity from the list.")
            search.activity = ""
        return search

    @property
    def name_terms(self):
        return fold(self.name).split()[:MAX_NAME_TERMS]

    @property
    def agency_number(self):
        """The number as stored: digits, zero-padded to six."""
        digits = re.sub(r"\D", "", self.number)
        return digits.zfill(6) if digits else ""

    def query_args(self, **changes):
        """The URL arguments of this search, without defaults, for links."""
        values = {"name": self.name, "number": self.number, "country": self.country,
                  "activity": self.activity, "sort": self.sort, "page": self.page}
        values.update(changes)
        defaults = {"sort": "name", "page": 1}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


@dataclass
class FirmPage:
    firms: list
    activities: dict  # company id -> [Activity]
    total: int  # at most MAX_COUNTED
    page: int
    per_page: int

    @property
    def capped(self):
        """True when there are more matches than were counted."""
        return self.total > MAX_COUNTED

    @property
    def shown_total(self):
        return min(self.total, MAX_COUNTED)

    @property
    def pages(self):
        return max(1, math.ceil(self.shown_total / self.per_page))

    @property
    def first_index(self):
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self):
        return min(self.page * self.per_page, self.shown_total)

    def window(self, size=2):
        """Page numbers to link: the first, the last, and a few around this one."""
        shown = {1, self.pages} | set(range(self.page - size, self.page + size + 1))
        return sorted(p for p in shown if 1 <= p <= self.pages)


def listing_version():
    """The version of the list (migration 0021: every change to a company or an
    activity moves it on); rendered pages of another version are out of date."""
    if is_postgres():
        return database.execute_sql("SELECT last_value FROM listing_version_seq").fetchone()[0]
    return database.execute_sql("SELECT version FROM listing_version WHERE id = 1").fetchone()[0]


def _filtered(search):
    query = Company.select().where(Company.listed == True)  # noqa: E712
    if search.country:
        query = query.where(Company.country == search.country)
    if search.agency_number:
        query = query.where(Company.agency_number == search.agency_number)
    for term in search.name_terms:
        low, high = prefix_range(term)
        words = CompanyNameWord.select(CompanyNameWord.company).where(
            CompanyNameWord.word.between(low, high))
        query = query.where(Company.id.in_(words))
    if search.activity:
        with_activity = Activity.select(Activity.company).where(
            (Activity.kind == search.activity) & (Activity.active == True))  # noqa: E712
        query = query.where(Company.id.in_(with_activity))
    return query


def search_firms(search, per_page):
    if search.errors.get("number"):
        return FirmPage([], {}, 0, 1, per_page)
    query = _filtered(search)
    total = query.select(Company.id).limit(MAX_COUNTED + 1).count()
    pages = max(1, math.ceil(min(total, MAX_COUNTED) / per_page))
    page = min(search.page, pages)
    order = Company.name_key.desc() if search.sort == "-name" else Company.name_key
    firms = list(
        query.select(Company.id, Company.name, Company.agency_number, Company.country, Company.city)
        .order_by(order, Company.id)
        .paginate(page, per_page)
    )
    activities = {}
    if firms:
        rows = (Activity.select(Activity.company, Activity.kind)
                .where(Activity.company.in_([f.id for f in firms]) & (Activity.active == True))  # noqa: E712
                .order_by(Activity.company, Activity.kind))
        for row in rows:
            activities.setdefault(row.company_id, []).append(row)
    return FirmPage(firms, activities, total, page, per_page)
