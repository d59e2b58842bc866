"""The public list of registered firms: parsing a search, running it.

A firm is listed when it has an agency number and at least one active
activity (Company.listed). Every filter is an index lookup or range, so the
cost follows the page size, not the number of firms.
"""
import math
import re
import time
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import SQL, NodeList, Value, fn

from ..countries import all_countries
from ..db import database, is_postgres
from ..models import ACTIVITY_KINDS, Activity, Company, CompanyNameWord
from ..names import WORD_LENGTH, fold, prefix_range

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


_seen_version = {}  # per process: (version, when it was read)


def listing_version():
    """The version of the list (migration 0021: every change to a company or an
    activity moves it on); rendered pages of another version are out of date.
    Read at most every PORTAL_LIST_FRESHNESS_SECONDS per process, so that a
    page served from the process's copy costs no SQL at all."""
    freshness = current_app.config["LIST_FRESHNESS_SECONDS"]
    now = time.monotonic()
    seen = _seen_version.get(current_app.name)
    if seen is not None and now - seen[1] < freshness:
        return seen[0]
    if is_postgres():
        version = database.execute_sql("SELECT last_value FROM listing_version_seq").fetchone()[0]
    else:
        version = database.execute_sql("SELECT version FROM listing_version WHERE id = 1").fetchone()[0]
    _seen_version[current_app.name] = (version, now)
    return version


# A name search that matches at most this many firms sorts them (few rows); a
# broader one walks the firms in name order and stops at the page (no sort).
FEW_MATCHES = 1000


def _filtered(search, walk=False):
    query = Company.select().where(Company.listed == True)  # noqa: E712
    if search.country:
        query = query.where(Company.country == search.country)
    if search.agency_number:
        query = query.where(Company.agency_number == search.agency_number)
    for term in search.name_terms:
        if walk:  # a word of the name starts with the term: the key is the name's words, one space apart
            # (LIKE itself: peewee writes GLOB for SQLite's `%`; the key is lower case already)
            query = query.where(NodeList((Value(" ").concat(Company.name_key), SQL("LIKE"),
                                          Value(f"% {term[:WORD_LENGTH]}%"))))
        else:
            low, high = prefix_range(term)
            words = CompanyNameWord.select(CompanyNameWord.company).where(CompanyNameWord.word.between(low, high))
            query = query.where(Company.id.in_(words))
    if search.activity:
        with_activity = Activity.select(Activity.company).where(
            (Activity.kind == search.activity) & (Activity.active == True))  # noqa: E712
        query = query.where(Company.id.in_(with_activity))
    return query


def _active_kinds():
    """The kinds of a firm's active activities, in the firm's own row ("a,b")."""
    other = Activity.alias()
    joined = (fn.string_agg(other.kind, ",") if is_postgres() else fn.group_concat(other.kind, ","))
    return (other.select(joined).where((other.company == Company.id) & (other.active == True)))  # noqa: E712


def search_firms(search, per_page):
    """Two statements: the (capped) count through the word index, then the page.
    A name search matching few firms finds them through the word index and
    sorts them; a broad one walks the firms in name order and stops once the
    page is full, so neither grows with the number of firms."""
    if search.errors.get("number"):
        return FirmPage([], {}, 0, 1, per_page)
    total = _filtered(search).select(Company.id).limit(MAX_COUNTED + 1).count()
    pages = max(1, math.ceil(min(total, MAX_COUNTED) / per_page))
    page = min(search.page, pages)
    if not total:
        return FirmPage([], {}, 0, page, per_page)
    query = _filtered(search, walk=bool(search.name_terms) and total > FEW_MATCHES)
    order = Company.name_key.desc() if search.sort == "-name" else Company.name_key
    firms = list(
        query.select(Company.id, Company.name, Company.agency_number, Company.country, Company.city,
                     _active_kinds().alias("kinds"))
        .order_by(order, Company.id)
        .paginate(page, per_page)
    )
    activities = {firm.id: [Activity(kind=kind) for kind in sorted(set((firm.kinds or "").split(",")) - {""})]
                  for firm in firms}
    return FirmPage(firms, activities, total, page, per_page)
