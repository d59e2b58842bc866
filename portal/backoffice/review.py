"""Reviewing registration requests: the queue, look-alikes, decisions.

A decision is one conditional UPDATE from a status that still allows it, so
when two staff members decide at once exactly one wins; the other is told.
"""
from flask_babel import lazy_gettext as _l
from peewee import fn

from .. import belgian_registrations, clock, identity_changes, mail
from ..db import database
from ..models import Company, Registration, RegistrationEmail, RegistrationEvent
from ..names import name_key
from ..registrations import STATUS_LABELS
from . import validation

LOOK_ALIKE_REASONS = {
    "name": _l("name"), "vat": _l("VAT number"), "bce": _l("BCE number"), "email": _l("e-mail address"),
}


class AlreadyDecided(Exception):
    def __init__(self, registration):
        super().__init__(registration.status)
        self.registration = registration


def queue(status=Registration.SUBMITTED, country="", unverified=False, kind=""):
    query = Registration.without_blobs().where(Registration.status.in_(Registration.SENT))
    if kind:
        query = query.where(Registration.kind == kind)
    if status in STATUS_LABELS:
        query = query.where(Registration.status == status)
    if country:
        query = query.where(Registration.country == country)
    if unverified:
        query = query.where(Registration.vat_status == "unverified")
    return query.order_by(Registration.submitted_at, Registration.id)


def counts():
    rows = (Registration.select(Registration.status, fn.COUNT(Registration.id))
            .where(Registration.status.in_(Registration.SENT)).group_by(Registration.status).tuples())
    found = dict(rows)
    return {status: found.get(status, 0) for status in STATUS_LABELS}


def look_alikes(registration):
    """Other requests and companies with the same name, VAT, BCE number or a
    representative's e-mail: possible duplicates the reviewer should see.
    Every test is an index lookup."""
    key = name_key(registration.company_answers.get("name", ""))
    emails = [row["email"] for row in registration.representatives]
    same_email = RegistrationEmail.select(RegistrationEmail.registration).where(RegistrationEmail.email.in_(emails))
    matches = (Registration.name_key == key) | Registration.id.in_(same_email)
    if registration.vat_number:
        matches |= Registration.vat_number == registration.vat_number
    if registration.bce_number:
        matches |= Registration.bce_number == registration.bce_number
    others = (Registration.without_blobs()
              .where((Registration.id != registration.id) & Registration.status.in_(Registration.SENT) & matches))
    if registration.company_id:  # a change: the company's own requests are not duplicates
        others = others.where(Registration.company.is_null() | (Registration.company != registration.company_id))
    others = (others
              .order_by(Registration.submitted_at).limit(50))
    emails_of = {}
    for row in RegistrationEmail.select().where(RegistrationEmail.registration.in_([o.id for o in others])):
        emails_of.setdefault(row.registration_id, set()).add(row.email)
    found = []
    for other in others:
        reasons = [reason for reason, same in [
            ("name", other.name_key == key),
            ("vat", bool(registration.vat_number) and other.vat_number == registration.vat_number),
            ("bce", bool(registration.bce_number) and other.bce_number == registration.bce_number),
            ("email", bool(emails_of.get(other.id, set()) & set(emails))),
        ] if same]
        found.append((other, reasons))
    same_company = Company.name_key == key
    if registration.vat_number:
        same_company |= Company.vat_number == registration.vat_number
    if registration.bce_number:
        same_company |= Company.bce_number == registration.bce_number
    companies = Company.select().where(same_company)
    if registration.company_id:
        companies = companies.where(Company.id != registration.company_id)
    return found, list(companies.limit(20))


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
