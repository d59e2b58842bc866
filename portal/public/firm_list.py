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
from peewee import SQL, NodeList, Value

from portal.activities.models import ACTIVITY_KINDS, Activity
from portal.companies.models import Company, CompanyNamePrefix, CompanyNameWord
from portal.data.db import database, from_replica, is_postgres, text_agg
from portal.text.countries import all_countries
from portal.text.lazy_text import lazy_gettext as _l
from portal.text.names import WORD_LENGTH, fold, prefix_range
from portal.web.rendering import pages_around

MAX_NAME_TERMS = 5
# Counting stops here: nobody pages past 500 pages, and counting every match
# of a broad search would cost more than finding the page itself.
MAX_COUNTED = 10_000
# A name search counts this far: past it, pages of 20 reach 50, and a name of
# more letters, a country or an activity narrows it down. It keeps the count
# of the broadest search ("m") as cheap at a million firms as at a thousand.
NAME_COUNTED = 1_000
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
    total: int  # at most cap + 1
    page: int
    per_page: int
    cap: int = None  # counting stopped past this many (MAX_COUNTED by default)

    def __post_init__(self):
        self.cap = self.cap or MAX_COUNTED

    @property
    def capped(self):
        """True when there are more matches than were counted."""
        return self.total > self.cap

    @property
    def shown_total(self):
        return min(self.total, self.cap)

    @property
    def pages(self):
        return max(1, math.ceil(self.shown_total / self.per_page))

    @property
    def first_index(self):
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self):
        return min(self.page * self.per_page, self.shown_total)

    def window(self):
        return pages_around(self.page, self.pages)


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
    # From the primary, even with a replica: a standby's copy of a sequence moves only every 32 values. With
    # a replica a change shows once the replica has it and the page's 30 s are up, not at once.
    if is_postgres():
        # A new sequence reads 1 before and after its first nextval: is_called tells them apart.
        version = database.execute_sql(
            "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM listing_version_seq").fetchone()[0]
    else:
        version = database.execute_sql("SELECT version FROM listing_version WHERE id = 1").fetchone()[0]
    _seen_version[current_app.name] = (version, now)
    return version


def _other_filters(query, search, company_id, name_key, skip_term=None):
    """The filters every plan shares, on the columns the plan reads from."""
    if search.agency_number:
        query = query.where(company_id.in_(Company.select(Company.id)
                                           .where(Company.agency_number == search.agency_number)))
    for term in search.name_terms:
        if term != skip_term:  # a word of the name starts with the term: the key is its words, one space apart
            # (LIKE itself: peewee writes GLOB for SQLite's `%`; the key is lower case already)
            query = query.where(NodeList((Value(" ").concat(name_key), SQL("LIKE"),
                                          Value(f"% {term[:WORD_LENGTH]}%"))))
    if search.activity:
        query = query.where(company_id.in_(Activity.select(Activity.company).where(
            (Activity.kind == search.activity) & (Activity.active == True))))  # noqa: E712  (a peewee expression: SQL's = TRUE)
    return query


def _by_prefix(search, block):
    """Firms with a word starting with `block` (1 to 4 letters), from the prefix index in name order."""
    P = CompanyNamePrefix
    query = P.select().where((P.prefix == block) & (P.listed == True))  # noqa: E712  (a peewee expression: SQL's = TRUE)
    if search.country:
        query = query.where(P.country == search.country)
    return _other_filters(query, search, P.company, P.name_key, skip_term=block), P.name_key, P.company


def _by_word(search, term):
    """Firms with a word starting with `term` (5 letters or more), from the word index."""
    low, high = prefix_range(term)
    W = CompanyNameWord
    query = (Company.select().join(W, on=(W.company == Company.id))
             .where(W.word.between(low, high) & (Company.listed == True)))  # noqa: E712  (a peewee expression: SQL's = TRUE)
    if search.country:
        query = query.where(Company.country == search.country)
    return _other_filters(query, search, Company.id, Company.name_key, skip_term=term), Company.name_key, Company.id


def _plain(search):
    query = Company.select().where(Company.listed == True)  # noqa: E712  (a peewee expression: SQL's = TRUE)
    if search.country:
        query = query.where(Company.country == search.country)
    return _other_filters(query, search, Company.id, Company.name_key), Company.name_key, Company.id


@dataclass
class Plan:
    """Where a search's matches come from: `query` (its filters), the columns
    it orders by, how far it counts, and whether a firm may come twice (two
    words of its name match) and must be grouped."""
    query: object
    name: object
    key: object
    cap: int
    grouped: bool = False
    counted: int = None  # once counted (choosing the plan may have counted it)

    def count(self):
        if self.counted is None:
            matches = self.query.select(self.key)
            self.counted = (matches.distinct() if self.grouped else matches).limit(self.cap + 1).count()
        return self.counted

    def page(self, page, per_page, descending):
        order = (self.name.desc(), self.key.desc()) if descending else (self.name, self.key)
        return list(self.shown(self.query).order_by(*order).paginate(page, per_page).namedtuples())

    def after(self, cursor, limit):
        """At most `limit` firms in name order, after `cursor` (the name key and id of the last one
        before; None: from the first): a range of the same index, however far the client has read."""
        query = self.query
        if cursor is not None:
            name, key = cursor
            query = query.where((self.name > name) | ((self.name == name) & (self.key > key)))
        return list(self.shown(query).order_by(self.name, self.key).limit(limit).namedtuples())

    def shown(self, query):
        """`query` with the firms' own columns, as the list shows them."""
        if query.model is not Company:  # the prefix index: the firms' own columns for the page
            query = query.join(Company, on=(self.key == Company.id))
        query = query.select(Company.id, Company.name, Company.name_key, Company.agency_number, Company.country,
                             Company.city, _active_kinds(Company.id).alias("kinds"))
        return query.group_by(Company.id) if self.grouped else query


def _active_kinds(company_id):
    """The kinds of a firm's active activities, in the firm's own row ("a,b")."""
    other = Activity.alias()
    return other.select(text_agg(other.kind)).where((other.company == company_id) & (other.active == True))  # noqa: E712  (a peewee expression: SQL's = TRUE)


def _rarest(terms):
    """The term with the fewest matches (each counted to NAME_COUNTED at most, through an index): it
    drives, so that a common word paired with a rare one ("international zzzz") reads few rows."""
    def matches(term):
        if len(term) > CompanyNamePrefix.LENGTH:
            low, high = prefix_range(term)
            return (CompanyNameWord.select(CompanyNameWord.company).where(CompanyNameWord.word.between(low, high))
                    .limit(NAME_COUNTED + 1).count())
        return (CompanyNamePrefix.select(CompanyNamePrefix.company).where(CompanyNamePrefix.prefix == term)
                .limit(NAME_COUNTED + 1).count())
    return min(sorted(terms, key=len, reverse=True), key=matches)


def _plan(search):
    """Where the matches come from:

    - no name: the firms in name order (an index), filtered;
    - a term of 1 to 4 letters: its block of the prefix index, in name order;
    - a longer term: the word index when it matches at most NAME_COUNTED firms
      (they are sorted); when it matches more, the block of its first 4
      letters in name order, filtered by the whole term (dense with it then).

    One term drives (the rarest, when there are several); the others filter."""
    terms = search.name_terms
    if not terms:
        return Plan(*_plain(search), MAX_COUNTED)
    driver = _rarest(terms) if len(terms) > 1 else terms[0]
    if len(driver) > CompanyNamePrefix.LENGTH:
        by_word = Plan(*_by_word(search, driver), NAME_COUNTED, grouped=True)
        if by_word.count() <= NAME_COUNTED:
            return by_word
        return Plan(*_by_prefix(search, driver[:CompanyNamePrefix.LENGTH]), NAME_COUNTED)
    return Plan(*_by_prefix(search, driver), NAME_COUNTED)


def search_firms(search, per_page):
    """Two statements (three for a long term): the capped count, then the page
    with each firm's activities. Neither grows with the number of firms: a
    short term reads one range of the prefix index in name order, a long and
    rare one sorts its few matches, a long and common one reads its block.
    From the read replica when there is one."""
    return from_replica(lambda: _search_firms(search, per_page))


def _search_firms(search, per_page):
    if search.errors.get("number"):
        return FirmPage([], {}, 0, 1, per_page)
    plan = _plan(search)
    total = plan.count()
    pages = max(1, math.ceil(min(total, plan.cap) / per_page))
    page = min(search.page, pages)
    if not total:
        return FirmPage([], {}, 0, page, per_page, plan.cap)
    firms = plan.page(page, per_page, search.sort == "-name")
    activities = {firm.id: [Activity(kind=kind) for kind in sorted(set((firm.kinds or "").split(",")) - {""})]
                  for firm in firms}
    return FirmPage(firms, activities, total, page, per_page, plan.cap)


def firms_after(search, cursor, limit):
    """The API's page of a search: at most `limit` firms in name order after `cursor` ((name key, id) of
    the last firm of the page before, or None). From the read replica when there is one; no count."""
    if search.errors.get("number"):
        return []
    return from_replica(lambda: _plan(search).after(cursor, limit))
