"""Reviewing registration requests: the queue, look-alikes, decisions.

A decision is one conditional UPDATE from a status that still allows it, so
when two staff members decide at once exactly one wins; the other is told.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from peewee import JOIN, SQL, Case, Select, fn

from portal import clock
from portal.companies import identity_changes
from portal.companies.models import Company
from portal.data.db import database, json_rows, json_rows_agg
from portal.data.prepared import Prepared, slot
from portal.people.models import StaffMember
from portal.registrations import belgian as belgian_registrations
from portal.registrations import validation
from portal.registrations.models import Registration, RegistrationEmail, RegistrationEvent, RegistrationTally
from portal.registrations.states import STATUS_LABELS
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

LOOK_ALIKE_REASONS = {
    "name": _l("name"), "vat": _l("VAT number"), "bce": _l("BCE number"), "email": _l("e-mail address"),
}


class AlreadyDecided(Exception):
    def __init__(self, registration):
        super().__init__(registration.status)
        self.registration = registration


class QueueRow(NamedTuple):
    """What the queue shows of a request (a tuple: made, hashed and compared in C, 25 to a page)."""

    id: int
    reference: str
    kind: str
    name: str
    country: str
    submitted_at: object
    vat_number: str
    vat_status: str
    status: str


COUNTED = 500  # the queue counts a filter's matches up to this many, then says "more than"


def queue(status=Registration.SUBMITTED, country="", unverified=False, kind="", page=1, size=50):
    """A page of the requests that match, oldest first, how many match and how
    many requests there are of each status (the queue's tabs): one prepared
    statement per combination of filters (the counts are columns of each row).
    Each status's requests are read in order from the index on (status,
    submitted_at, id). The tabs read the database's tally (RegistrationTally),
    so a tab's count and an unfiltered total are exact; a filter's matches are
    counted up to COUNTED + 1. A view costs about the same at a hundred
    requests as at a hundred thousand, however many were decided."""
    shape = (status in STATUS_LABELS, bool(country), bool(unverified), bool(kind))
    prepared = _QUEUES.get(shape)
    if prepared is None:
        prepared = _QUEUES[shape] = Prepared(lambda: _queue_query(*shape))
    offset = (page - 1) * size
    rows = prepared.raw_rows(status=status, country=country, kind=kind, limit=size, offset=offset,
                             reach=offset + size)
    if not rows:
        if page == 1:
            return (), 0, counts()
        _, total, tabs = queue(status, country, unverified, kind, 1, 1)  # past the end: how many there are
        return (), total, tabs
    moment = Registration.submitted_at.python_value  # SQLite gives the text
    found = tuple(QueueRow(row_id, reference, row_kind, name or "", row_country, moment(submitted_at),
                           vat_number or "", vat_status or "", row_status)
                  for row_id, reference, row_kind, name, row_country, submitted_at, vat_number, vat_status,
                  row_status, *_ in rows)
    first = rows[0]
    tabs = dict(zip(STATUS_LABELS, first[-len(STATUS_LABELS):]))
    if counted_up_to(country, unverified, kind):  # filtered: the row's own count of the matches
        total = first[-1 - len(STATUS_LABELS)]
    else:  # a tab's own count, or the sum of them all
        total = tabs[status] if shape[0] else sum(tabs.values())
    return found, total, tabs


def counted_up_to(country="", unverified=False, kind=""):
    """How far a view's total is counted: a filter's matches up to COUNTED; without a filter exactly (None),
    from the tally."""
    return COUNTED if country or unverified or kind else None


_QUEUES = {}
_QUEUE_COLUMNS = ("id", "reference", "kind", "company_name", "country", "submitted_at", "vat_number", "vat_status",
                  "status")


def _capped_count(query):
    """How many rows `query` has, counting stopped at COUNTED + 1 (a scalar subquery)."""
    return Select([query.limit(COUNTED + 1).alias("counted")], [fn.COUNT(SQL("*"))])


def _tab_counts():
    """How many requests there are of each status (the queue's tabs): a row of the tally each."""
    return [fn.COALESCE(RegistrationTally.select(RegistrationTally.requests)
                        .where(RegistrationTally.status == status), 0).alias(f"tab_{n}")
            for n, status in enumerate(STATUS_LABELS)]


def _matching(model, status, by_country, unverified, by_kind):
    """The requests of `status` that pass the filters, as a query on `model`."""
    query = model.select(*[getattr(model, name) for name in _QUEUE_COLUMNS]).where(model.status == status)
    if by_kind:
        query = query.where(model.kind == slot("kind"))
    if by_country:
        query = query.where(model.country == slot("country"))
    if unverified:
        query = query.where(model.vat_status == "unverified")
    return query


def _queue_query(by_status, *filters):
    """A tab's page is one ordered index range. All sent requests are the four
    ranges, each cut at the page's end, merged in order: never a sort of them all."""
    columns = _tab_counts()
    if any(filters):  # how many match: one capped count over the same ranges
        matched = [_matching(Registration.alias(f"matched_{n}"), status, *filters)
                   for n, status in enumerate([slot("status")] if by_status else Registration.SENT)]
        columns.insert(0, _capped_count(_union(matched)).alias("total"))
    if by_status:
        return (_matching(Registration, slot("status"), *filters).select_extend(*columns)
                .order_by(Registration.submitted_at, Registration.id)
                .limit(slot("limit")).offset(slot("offset")).tuples())
    ranges = []
    for n, status in enumerate(Registration.SENT):
        model = Registration.alias(f"sent_{n}")
        ranges.append(_matching(model, status, *filters).order_by(model.submitted_at, model.id).limit(slot("reach")))
    sent = _union(ranges).alias("sent")
    return (Select([sent], [*[SQL(f'"sent"."{name}"') for name in _QUEUE_COLUMNS], *columns])
            .order_by(SQL('"sent"."submitted_at"'), SQL('"sent"."id"'))
            .limit(slot("limit")).offset(slot("offset")).bind(database).tuples())


def _union(queries):
    """UNION ALL of `queries`, each read as a table of its own (so that each keeps its ORDER BY and LIMIT)."""
    union = queries[0].select_from(SQL("*"))
    for query in queries[1:]:
        union = union + query.select_from(SQL("*"))
    return union


def counts():
    """The tabs' counts alone: for a page with no row to carry them."""
    return dict(zip(STATUS_LABELS, _COUNTS.raw_rows()[0]))


_COUNTS = Prepared(lambda: Select(columns=_tab_counts()).bind(database))


@dataclass(frozen=True)
class LookAlike:
    """Another request (with its reference and status) or a registered company (with its name)."""

    id: int
    reference: str
    name: str
    status: str
    vat_number: str


@dataclass(frozen=True)
class Review:
    """What a reviewer sees of a sent request: the request, its trail (oldest
    first, each event with its staff member), and its possible duplicates:
    other requests, each with what they have in common, and registered companies."""

    registration: Registration
    events: list
    look_alikes: list
    companies: list


def review_of(registration_id):
    """The Review of a sent request, or None: one statement of one row (the
    trail and the look-alikes ride along as JSON columns, worked out from the
    row's own columns, so each runs once whatever the trail's length)."""
    registration = _REVIEW.first(id=registration_id)
    if registration is None:
        return None
    look_alikes, trail = registration.look_alikes, registration.trail  # the query's aliases, as JSON
    del registration.look_alikes, registration.trail  # read here, once: nothing else sees the raw JSON
    found, companies = _read_look_alikes(look_alikes, registration)
    return Review(registration, _read_trail(trail), found, companies)


def _read_trail(value):
    """The trail's JSON rows as events, oldest first, each with its staff member (or None)."""
    events = []
    for event_id, action, reason, created_at, staff_id, staff_name in json_rows(value):
        event = RegistrationEvent(id=event_id, action=action, reason=reason or "",
                                  created_at=datetime.fromisoformat(created_at))  # ISO on both databases
        event.staff = StaffMember(id=staff_id, name=staff_name) if staff_id is not None else None
        events.append(event)
    return sorted(events, key=lambda event: (event.created_at, event.id))


def _read_look_alikes(value, registration):
    """The look-alikes' JSON rows, each request with what it has in common with `registration` (as the
    query chose them: an empty VAT or BCE number is in common with nothing)."""
    found, companies = [], []
    for source, _position, row_id, reference, name, status, vat_number, key, bce_number, same_email \
            in sorted(json_rows(value), key=_in_order):
        alike = LookAlike(row_id, reference or "", name or "", status or "", vat_number or "")
        if source == "company":
            companies.append(alike)
            continue
        same = {"name": key is not None and key == registration.name_key,
                "vat": bool(vat_number) and vat_number == registration.vat_number,
                "bce": bool(bce_number) and bce_number == registration.bce_number, "email": bool(same_email)}
        found.append((alike, [reason for reason, alike_in_it in same.items() if alike_in_it]))
    return found, companies


def _in_order(alike):
    """Requests, oldest first, then companies by id (a JSON array keeps no promised order)."""
    return alike[0] == "company", alike[1]


def _look_alikes_query():
    """Other sent requests (the 50 oldest) then companies (20) with the same name
    key, VAT or BCE number as the request of the enclosing query's row, or
    (requests) a representative's e-mail, as one UNION ALL. Each side first
    gathers its candidates' ids, one index look-up per test (a missing VAT or
    BCE number is NULL, which equals nothing), so that no side scans its table,
    whatever its size."""
    me, key, company = Registration.id, Registration.name_key, Registration.company  # the row's own values
    vat, bce = fn.NULLIF(Registration.vat_number, ""), fn.NULLIF(Registration.bce_number, "")
    given = RegistrationEmail.alias("given")
    mine = given.select(given.email).where(given.registration == me)
    by, shared = Registration.alias("by"), RegistrationEmail.alias("shared")
    candidates = (by.select(by.id).where(by.name_key == key) | by.select(by.id).where(by.vat_number == vat)
                  | by.select(by.id).where(by.bce_number == bce)
                  | shared.select(shared.registration).where(shared.email.in_(mine)))
    other, common = Registration.alias("other"), RegistrationEmail.alias("common")
    emails_in_common = (common.select(fn.COUNT(common.id))
                        .where((common.registration == other.id) & common.email.in_(mine)))
    requests = (other  # what each has in common is told by its own numbers and name key (_read_look_alikes)
                .select(SQL("'request'").alias("source"),
                        fn.ROW_NUMBER().over(order_by=[other.submitted_at, other.id]).alias("position"),
                        other.id, other.reference, SQL("NULL").alias("name"), other.status, other.vat_number,
                        other.name_key, other.bce_number,
                        Case(None, [(emails_in_common > 0, SQL("1"))], SQL("0")).alias("same_email"))
                .where(other.id.in_(candidates) & (other.id != me) & other.status.in_(Registration.SENT)
                       # a change: the company's own requests are not duplicates
                       & (fn.COALESCE(other.company, SQL("0")) != fn.COALESCE(company, SQL("-1"))))
                .order_by(other.submitted_at, other.id).limit(50))
    firm, found = Company.alias("firm"), Company.alias("found")
    firms = (firm.select(firm.id).where(firm.name_key == key) | firm.select(firm.id).where(firm.vat_number == vat)
             | firm.select(firm.id).where(firm.bce_number == bce))
    companies = (found
                 .select(SQL("'company'").alias("source"), found.id.alias("position"), found.id,
                         SQL("NULL").alias("reference"), found.name, SQL("NULL").alias("status"), found.vat_number,
                         SQL("NULL").alias("name_key"), SQL("NULL").alias("bce_number"), SQL("0").alias("same_email"))
                 .where(found.id.in_(firms) & (found.id != fn.COALESCE(company, SQL("-1"))))
                 .order_by(found.id).limit(20))
    both = _union([requests, companies]).alias("alikes")
    columns = [SQL(f'"alikes"."{name}"') for name in ("source", "position", "id", "reference", "name", "status",
                                                      "vat_number", "name_key", "bce_number", "same_email")]
    return Select([both], [json_rows_agg(columns)])


def _trail_query():
    """The trail of the enclosing query's request: each event with its staff member's id and name."""
    event, staff = RegistrationEvent.alias("event"), StaffMember.alias("acting")
    return (event.select(json_rows_agg([event.id, event.action, event.reason, event.created_at, staff.id, staff.name]))
            .join(staff, JOIN.LEFT_OUTER, on=(event.staff == staff.id))
            .where(event.registration == Registration.id))


def _review_query():
    return (Registration.without_blobs()
            .select_extend(_trail_query().alias("trail"), _look_alikes_query().alias("look_alikes"))
            .where((Registration.id == slot("id")) & Registration.status.in_(Registration.SENT)))


_REVIEW = Prepared(_review_query)


def _record(registration, staff, action, reason=""):
    RegistrationEvent.create(registration=registration, staff=staff, action=action, reason=reason)


def _move(registration, to_status, **fields):
    """Change the status if nobody did first; raise AlreadyDecided otherwise."""
    changed = (Registration.update(status=to_status, updated_at=clock.utc(), **fields)
               .where((Registration.id == registration.id) & Registration.status.in_(Registration.OPEN))
               .execute())
    if changed != 1:
        raise AlreadyDecided(Registration.get_by_id(registration.id))


def validate(registration, staff, base_url):
    """A registration: make the company, its units, people and accounts, and
    e-mail each representative. A change: apply it to the company."""
    with database.atomic():
        now = clock.utc()
        _move(registration, Registration.VALIDATED, decided_at=now)
        if registration.kind == Registration.CHANGE:
            identity_changes.apply(registration, staff)
            company = registration.company
        elif registration.kind == Registration.BELGIAN:
            company = belgian_registrations.apply(registration, staff, base_url)
        else:
            company = validation.create_company(registration, base_url)
            Registration.update(company=company).where(Registration.id == registration.id).execute()
        _record(registration, staff, "validated")
    mail.send_after_commit()
    return company


def refuse(registration, staff, reason):
    with database.atomic():
        _move(registration, Registration.REFUSED, decided_at=clock.utc())
        _record(registration, staff, "refused", reason)
        if registration.kind == Registration.CHANGE:
            identity_changes.refused(registration, staff, reason)
            return
        if registration.kind == Registration.BELGIAN:
            belgian_registrations.refused(registration, reason)
            return
        company = registration.company_answers
        for person in registration.representatives:
            mail.queue(person["email"], "registration_refused", company.get("language", "en"),
                       _l("Your registration on the FAMHP portal was refused"),
                       person=person, company=company, reference=registration.reference, reason=reason)
    mail.send_after_commit()


def request_information(registration, staff, message, resume_link):
    with database.atomic():
        _move(registration, Registration.NEEDS_INFORMATION)
        _record(registration, staff, "information_requested", message)
        company = registration.company_answers
        for person in registration.representatives:
            mail.queue(person["email"], "information_requested", company.get("language", "en"),
                       _l("The FAMHP needs more information about your registration"),
                       person=person, company=company, reference=registration.reference,
                       message=message, link=resume_link)
    mail.send_after_commit()
