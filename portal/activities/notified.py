"""The activities a medical-device economic operator notifies to the agency
("Mes activités", guide 5.3), and what the first one brings: the agency
number and a place in the public list (FAQ 1).

The kinds follow the Belgian law of 22 December 2020 on medical devices, the
law of 15 June 2022 on in-vitro diagnostic devices and their royal decrees:
a kind covers medical devices (MD, classes I to III) and/or IVDs (classes A
to D); manufacturers, authorised representatives and importers give their
EUDAMED single registration number (SRN). Shared by the tile, the agency's
side and the demo data, so that all of them take the same path.
"""
import datetime
import re
from dataclasses import dataclass

from peewee import JOIN, fn

from portal import clock
from portal.activities.models import ACTIVITY_KINDS, Activity, ActivityContact, ActivityEvent
from portal.companies.models import Company, CompanyNamePrefix, ContactPerson, EstablishmentUnit
from portal.data.db import database, lock_name
from portal.data.prepared import Prepared, slot
from portal.people.models import Person
from portal.people.persons import parse_date
from portal.text.form_text import MULTI_LINE_MESSAGE, multi_line_ok, row_id, single_line_errors
from portal.text.lazy_text import lazy_gettext as _l

MD_CLASSES = ("I", "Is", "Im", "Ir", "IIa", "IIb", "III")
IVD_CLASSES = ("A", "A sterile", "B", "C", "D")
SRN_ROLES = {"manufacturer": "MF", "custom_manufacturer": "MF", "authorised_representative": "AR",
             "importer": "IM"}
SRN = re.compile(r"^([A-Z]{2})-(MF|AR|IM)-(\d{9})$")
FAQ_URL = "https://www.afmps.be/fr/humain/produits_de_sante/dispositifs_medicaux/faq"
EVENT_LABELS = {"notified": _l("Activity notified"), "changed": _l("Activity changed"),
                "deactivated": _l("Activity deactivated"), "agency_number": _l("Agency number given")}
AGENCY_NUMBER_DIGITS = 6


class ActivityError(Exception):
    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


@dataclass(frozen=True)  # hashable: part of the key of the form kept rendered
class ActivityForm:
    kind: str = ""
    md: bool = False
    ivd: bool = False
    classes: tuple = ()
    unit: str = ""  # "" for the head office, else an establishment unit's id
    srn: str = ""
    started_on: str = ""
    contacts: tuple = ()  # ids of the company's contact persons, as text

    @classmethod
    def from_form(cls, form):
        return cls(kind=form.get("kind", "")[:40], md=form.get("md") == "yes", ivd=form.get("ivd") == "yes",
                   classes=tuple(c for c in form.getlist("classes") if c in MD_CLASSES + IVD_CLASSES),
                   unit=form.get("unit", "")[:12], srn=form.get("srn", "").strip().upper().replace(" ", "")[:20],
                   started_on=form.get("started_on", "").strip()[:10],
                   contacts=tuple(dict.fromkeys(c[:12] for c in form.getlist("contacts")))[:50])

    @classmethod
    def of(cls, activity):
        classes = tuple(c for c in (activity.classes or "").split("|") if c)
        return cls(kind=activity.kind, md=activity.medical_devices, ivd=activity.ivds, classes=classes,
                   unit=str(activity.unit_id or ""), srn=activity.srn or "",
                   started_on=activity.started_on.strftime("%d/%m/%Y") if activity.started_on else "",
                   contacts=tuple(str(contact_id) for contact_id, in _CONTACTS_NAMED.raw_rows(activity=activity.id)))


_CONTACTS_NAMED = Prepared(lambda: ActivityContact.select(ActivityContact.contact)
                           .where(ActivityContact.activity == slot("activity")).order_by(ActivityContact.id).tuples())


def check(company, form, exclude=None):
    """{field: message} for what is wrong, the columns to store and the
    contact persons named (the company's own only)."""
    errors = {}
    if form.kind not in ACTIVITY_KINDS:
        errors["kind"] = _l("Choose the activity.")
    if not (form.md or form.ivd):
        errors["md"] = _l("Say whether the activity is about medical devices, in-vitro diagnostic devices or both.")
    md_classes = [c for c in form.classes if c in MD_CLASSES]
    ivd_classes = [c for c in form.classes if c in IVD_CLASSES]
    if (form.md and not md_classes) or (form.ivd and not ivd_classes):
        errors["classes"] = _l("Tick at least one class for each kind of device.")
    unit = None
    if form.unit:
        unit = EstablishmentUnit.get_or_none((EstablishmentUnit.id == row_id(form.unit))
                                             & (EstablishmentUnit.company == company))
        if unit is None:
            errors["unit"] = _l("Choose the head office or one of the company's establishment units.")
    contacts = []
    if form.contacts:
        wanted = {row_id(text) for text in form.contacts}
        contacts = list(ContactPerson.select(ContactPerson.id).where((ContactPerson.id.in_(sorted(wanted)))
                                                                     & (ContactPerson.company == company)))
        if len(contacts) != len(wanted):
            errors["contacts"] = _l("Choose the contact persons among the company's own (see “My company”).")
    role = SRN_ROLES.get(form.kind)
    if role:
        match = SRN.match(form.srn)
        if not match:
            errors["srn"] = _l("Give the EUDAMED single registration number (SRN), such as %(example)s.",
                               example=f"DE-{role}-000012345")
        elif match.group(2) != role:
            errors["srn"] = _l("This SRN is not one of this activity: it should contain “-%(role)s-”.", role=role)
    started = parse_date(form.started_on)
    if started is None:
        errors["started_on"] = _l("Enter the start date as day, month and year, for example 31/01/2024.")
    elif started.year < 1900:
        errors["started_on"] = _l("Check the year of the start date.")
    elif started > clock.today() + datetime.timedelta(days=366):
        errors["started_on"] = _l("The start date is more than a year away.")
    errors.update(single_line_errors({"srn": form.srn}))
    if not errors:
        same = Activity.select().where((Activity.company == company) & (Activity.kind == form.kind)
                                       & (Activity.active == True)  # noqa: E712  (a peewee expression: SQL's = TRUE)
                                       & (Activity.unit == unit if unit else Activity.unit.is_null()))
        if exclude is not None:
            same = same.where(Activity.id != exclude.id)
        if same.exists():
            errors["kind"] = _l("The company already notified this activity for this place.")
    columns = {"kind": form.kind, "medical_devices": form.md, "ivds": form.ivd,
               "classes": "|".join(md_classes + ivd_classes), "unit": unit,
               "srn": form.srn if role else None, "started_on": started}
    return errors, columns, contacts


def _set_contacts(activity, contacts):
    ActivityContact.delete().where(ActivityContact.activity == activity).execute()
    if contacts:
        ActivityContact.insert_many([{"activity": activity.id, "contact": contact.id} for contact in contacts]).execute()


def notify(company, actor, form):
    """Notify an activity; the company's first one gives it its agency number."""
    with database.atomic():
        if not Company.select(Company.agency_number).where(Company.id == company.id).scalar():
            # A first activity: take the numbers' turn before anything locks the company's row
            # (inserting the activity does, through its foreign key), or two first notifications
            # wait on each other.
            lock_name("agency_numbers")  # until this transaction ends, on every app server
        Company.lock_row(company.id)
        errors, columns, contacts = check(company, form)  # inside: a parallel request cannot slip in a duplicate
        if errors:
            raise ActivityError(errors)
        activity = Activity.create(company=company, **columns)
        _set_contacts(activity, contacts)
        ActivityEvent.create(company=company, actor=actor, activity=activity, action="notified")
        number = give_agency_number(company, actor)
        refresh_listing(Company.get_by_id(company.id))
    company.agency_number = number
    return activity


def change(activity, actor, form):
    if not activity.active:
        raise ActivityError({"kind": _l("An ended activity cannot be changed: notify it again.")})
    with database.atomic():
        Company.lock_row(activity.company_id)
        errors, columns, contacts = check(activity.company, form, exclude=activity)
        if errors:
            raise ActivityError(errors)
        Activity.update(**columns).where(Activity.id == activity.id).execute()
        _set_contacts(activity, contacts)
        ActivityEvent.create(company=activity.company, actor=actor, activity=activity, action="changed")


def deactivate(activity, actor, ended_on, reason):
    errors = {}
    ended = parse_date(ended_on or "")
    if ended is None:
        errors["ended_on"] = _l("Enter the end date as day, month and year, for example 31/01/2026.")
    elif activity.started_on and ended < activity.started_on:
        errors["ended_on"] = _l("The end date comes before the start date.")
    if not reason.strip():
        errors["end_reason"] = _l("Say why the activity ends.")
    elif not multi_line_ok(reason):
        errors["end_reason"] = MULTI_LINE_MESSAGE
    if errors:
        raise ActivityError(errors)
    with database.atomic():
        changed = (Activity.update(active=False, ended_on=ended, end_reason=reason.strip()[:500])
                   .where((Activity.id == activity.id) & (Activity.active == True)).execute())  # noqa: E712  (a peewee expression: SQL's = TRUE)
        if changed:
            ActivityEvent.create(company=activity.company, actor=actor, activity=activity, action="deactivated",
                                 reason=reason.strip()[:500])
            refresh_listing(Company.get_by_id(activity.company_id))  # the last one takes it off the list


def refresh_listing(company):
    """Put the company on the public list, or take it off: it is listed when it has an agency number and
    at least one active activity."""
    active = company.activities.where(Activity.active == True).exists()  # noqa: E712  (a peewee expression: SQL's = TRUE)
    listed = bool(company.agency_number) and active
    if listed != company.listed:
        company.listed = listed
        Company.update(listed=listed).where(Company.id == company.id).execute()
        CompanyNamePrefix.update(listed=listed).where(CompanyNamePrefix.company == company.id).execute()
    return listed


def give_agency_number(company, actor=None):
    """The company's agency number: given once, at its first activity, the
    next free one; kept for ever (a deactivated firm keeps it). Numbers are
    given one at a time (an advisory lock on PostgreSQL, the writing
    transaction on SQLite), and the company is read again once the turn has come: two first
    notifications at once, of one company or of several, each get one number,
    without waiting on each other in a circle."""
    with database.atomic():
        lock_name("agency_numbers")  # until this transaction ends, on every app server
        current = Company.select(Company.agency_number).where(Company.id == company.id).scalar()
        if current:
            return current
        highest = Company.select(fn.MAX(Company.agency_number)).where(
            fn.LENGTH(Company.agency_number) == AGENCY_NUMBER_DIGITS).scalar()
        number = f"{int(highest or 0) + 1:0{AGENCY_NUMBER_DIGITS}d}"
        Company.update(agency_number=number).where(Company.id == company.id).execute()
        ActivityEvent.create(company=company, actor=actor, action="agency_number", reason=number)
    return number


def activities_of(company):
    """The company's activities, each with its establishment unit (or none), the active ones first, then by
    when they were notified."""
    return _ACTIVITIES.rows(company=company.id)


_ACTIVITIES = Prepared(lambda: Activity.select(Activity, EstablishmentUnit)
                       .join(EstablishmentUnit, JOIN.LEFT_OUTER, on=(Activity.unit == EstablishmentUnit.id))
                       .where(Activity.company == slot("company"))
                       .order_by(Activity.active.desc(), Activity.notified_at))


def activities_shown(company):
    """The same rows as activities_of, as a prepared.Shown: for the page, which keeps its list rendered."""
    return _ACTIVITIES.shown(company=company.id)


def named_contacts(company):
    """{activity id: the names of the contact persons it names, in the order they were named} (one query)."""
    named = {}
    for activity_id, first_name, last_name in _NAMED.raw_rows(company=company.id):
        named[activity_id] = (*named.get(activity_id, ()), f"{first_name} {last_name}")
    return named


_NAMED = Prepared(lambda: ActivityContact.select(ActivityContact.activity, Person.first_name, Person.last_name)
                  .join(Activity, on=(ActivityContact.activity == Activity.id))
                  .switch(ActivityContact).join(ContactPerson, on=(ActivityContact.contact == ContactPerson.id))
                  .join(Person, on=(ContactPerson.person == Person.id))
                  .where(Activity.company == slot("company")).order_by(ActivityContact.id).tuples())


def history(company, limit=200):
    return ActivityEvent.trail(company=company, limit=limit)


def history_shown(company, limit):
    """The newest entries of the history, as a prepared.Shown: for the page, which keeps them rendered."""
    return ActivityEvent.trail_shown(company=company, limit=limit)
