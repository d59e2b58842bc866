"""What a person may do for a company, read by every part: which companies
are theirs, their role in access management, whether they may enter the
portal (FAQ 13) and which applications they were granted.

Access is checked at every request from the rows, so a block or a removal
takes effect at the person's next request, not at their next login.
"""
from dataclasses import dataclass

from flask import g
from peewee import JOIN, SQL

from portal.companies.models import Company, ContactPerson, LegalRepresentative
from portal.data.db import text_agg
from portal.data.prepared import Prepared, slot
from portal.rights.applications import PORTAL
from portal.rights.models import MemberApplication, Quality, QualityMember
from portal.text.lazy_text import lazy_gettext as _l

# Why a person may not enter the portal (FAQ 13), each with what to do.
NO_QUALITY = "no_quality"
NOT_DESIGNATED = "not_designated"
BLOCKED = "blocked"
NO_PORTAL_APPLICATION = "no_portal_application"
CAUSES = {
    NO_QUALITY: _l("Your company has not activated the quality “Institution related to the health sector” "
                   "yet (guide 3.2.1). Its main access manager does it in “Access management”."),
    NOT_DESIGNATED: _l("You are not designated as an access manager or a user of the agency's applications "
                       "(guide 3.2.2). Ask your company's access manager to add you."),
    BLOCKED: _l("Your company's access manager has blocked your access. Ask them to unblock it."),
    NO_PORTAL_APPLICATION: _l("Your access does not include the application “MEDSEIP portal”. Ask your "
                              "company's access manager to grant it."),
}


def companies_of(person):
    """The companies a person acts for: as a legal representative, as their
    main access manager, as someone designated for one of their qualities or
    as a contact person. One query: the ids come from a UNION of four index
    look-ups by person (an OR of joins made SQLite read every company: 1 s at
    100,000 firms)."""
    companies = _COMPANIES_OF.rows(person=person.id)
    # Each row also carries the person's designation for the company's health quality: the rights
    # of whichever company the session works for are then known without another round trip.
    for company in companies:
        _keep_designation(person, company, getattr(company, "health", None), company.granted)
    return companies


def _keep_designation(person, company, quality, granted):
    """Keep for this request what a joined row says of the person's designation: the quality
    (None when the outer join found none), their membership (same), its applications ("a,b")."""
    if quality is not None and quality.id is None:
        quality = None
    if quality is not None:
        quality.company = company  # the row it came with: `quality.company` needs no query of its own
    member = getattr(quality, "designated", None)
    if member is not None and member.id is None:
        member = None
    applications = frozenset((granted or "").split(",")) - {""} if member is not None else frozenset()
    g.setdefault("health_quality", {}).setdefault(company.id, quality)
    return g.setdefault("designations", {}).setdefault((person.id, company.id), (quality, member, applications))


def _companies_of_query():
    person = slot("person")
    ids = (LegalRepresentative.select(LegalRepresentative.company).where(LegalRepresentative.person == person)
           | Quality.select(Quality.company).join(QualityMember).where(QualityMember.person == person)
           | Company.select(Company.id).where(Company.main_access_manager == person)
           | ContactPerson.select(ContactPerson.company).where(ContactPerson.person == person))
    query = (Company.select(Company, Quality, QualityMember, _applications().alias("granted"))
             .join_from(Company, Quality, JOIN.LEFT_OUTER, attr="health",
                        on=(Quality.company == Company.id) & (Quality.kind == Quality.HEALTH_INSTITUTION))
             .join_from(Quality, QualityMember, JOIN.LEFT_OUTER, attr="designated",
                        on=(QualityMember.quality == Quality.id) & (QualityMember.person == person))
             .where(Company.id.in_(ids)).order_by(Company.name_key))
    return query, {"health": Quality, "designated": (QualityMember, Quality)}  # where the joined rows go


def _applications():
    """The designation's applications as one text ("a,b,c"), in its own row."""
    granted = MemberApplication.alias()
    return granted.select(text_agg(granted.application)).where(granted.member == QualityMember.id)


_COMPANIES_OF = Prepared(_companies_of_query)


def health_quality(company, fresh=False):
    """The company's health quality, or None; read once per request (the
    pages of access management ask several times). `fresh` reads it again,
    for a check that decides a write."""
    cache = g.setdefault("health_quality", {})
    if fresh or company.id not in cache:
        quality = _HEALTH_QUALITY.first(company=company.id)
        if quality is not None:
            quality.company = company  # its company is this one: `quality.company` needs no query of its own
        cache[company.id] = quality
    return cache[company.id]


_HEALTH_QUALITY = Prepared(lambda: Quality.select().where((Quality.company == slot("company"))
                                                          & (Quality.kind == Quality.HEALTH_INSTITUTION)).limit(1))


def membership(person, company):
    """The person's designation for the company's health quality, or None, as the pages' gates read it
    (once per request)."""
    return _designation(person, company)[1]


def is_legal_representative(person, company):
    return bool(_IS_REPRESENTATIVE.raw_rows(person=person, company=company))


def is_contact_person(person, company):
    return bool(_IS_CONTACT.raw_rows(person=person, company=company))


# Asked on every access page: prepared once (prepared.py).
_IS_REPRESENTATIVE = Prepared(lambda: LegalRepresentative.select(SQL("1")).where(
    (LegalRepresentative.company == slot("company")) & (LegalRepresentative.person == slot("person"))).limit(1))
_IS_CONTACT = Prepared(lambda: ContactPerson.select(SQL("1")).where(
    (ContactPerson.company == slot("company")) & (ContactPerson.person == slot("person"))).limit(1))


def is_main_access_manager(person, company):
    return company.main_access_manager_id == person.id


@dataclass
class Rights:
    """What the person may do for the company, decided once per request."""
    company: Company
    member: QualityMember = None
    applications: frozenset = frozenset()
    cause: str = None  # why the portal's tiles are closed, or None

    @property
    def may_enter(self):
        return self.cause is None

    def has(self, application):
        return self.may_enter and application in self.applications


def _designation(person, company):
    """(health quality, the person's designation for it, its applications),
    read in one query once per request for the pages' gates; the writes of
    access management read their rows fresh instead."""
    kept = g.get("designations", {}).get((person.id, company.id))
    if kept is not None:
        return kept
    quality = _DESIGNATION.first(person=person.id, company=company.id)
    return _keep_designation(person, company, quality, quality.granted if quality else None)


def _designation_query():
    """One row: the quality, the person's designation (if any) and its applications as "a,b,c"."""
    return (Quality.select(Quality, QualityMember, _applications().alias("granted"))
            .join(QualityMember, JOIN.LEFT_OUTER, attr="designated",
                  on=(QualityMember.quality == Quality.id) & (QualityMember.person == slot("person")))
            .where((Quality.company == slot("company")) & (Quality.kind == Quality.HEALTH_INSTITUTION)))


_DESIGNATION = Prepared(_designation_query)


def rights(person, company):
    quality, member, granted = _designation(person, company)
    if quality is None:
        return Rights(company, cause=NO_QUALITY)
    if member is None:
        return Rights(company, cause=NOT_DESIGNATED)
    if member.status == QualityMember.BLOCKED:
        return Rights(company, member, cause=BLOCKED)
    if PORTAL not in granted:
        return Rights(company, member, granted, cause=NO_PORTAL_APPLICATION)
    return Rights(company, member, granted)


def may_manage_access(person, company):
    """Access management is open to the company's legal representatives,
    its main access manager and the managers of its quality (not to users)."""
    if is_main_access_manager(person, company):
        return True
    _, member, _ = _designation(person, company)
    if member is not None and member.is_manager and member.status == QualityMember.ACTIVE:
        return True
    return is_legal_representative(person, company)
