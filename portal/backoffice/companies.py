"""The agency's view of registered companies: find one, and see its data,
its people, its activities and the history of every change (issue 12:
"the agency sees the history")."""
from peewee import JOIN

from .. import company_records, identity_changes, notified_activities
from ..identifiers import IdentifierError, normalise_bce
from ..models import Activity, Company, ContactPerson, EstablishmentUnit, LegalRepresentative, Person, Registration
from ..names import name_key


def find_companies(query, limit=50):
    """Companies by agency number, VAT number, BCE number or the start of their name."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    compact = query.replace(" ", "").replace(".", "").upper()
    exact = (Company.agency_number == compact) | (Company.vat_number == compact)
    try:
        exact |= Company.bce_number == normalise_bce(query)
    except IdentifierError:
        pass
    found = list(Company.select().where(exact).limit(limit))
    if found:
        return found
    key = name_key(query)
    if not key:
        return []
    return list(Company.select().where((Company.name_key >= key) & (Company.name_key < key + "\uffff"))
                .order_by(Company.name_key).limit(limit))


def record(company):
    """Everything the company page shows."""
    return {
        "representatives": list(LegalRepresentative.select(LegalRepresentative, Person).join(Person)
                                .where(LegalRepresentative.company == company)),
        "contacts": list(ContactPerson.select(ContactPerson, Person).join(Person)
                         .where(ContactPerson.company == company)),
        "units": list(EstablishmentUnit.select().where(EstablishmentUnit.company == company)
                      .order_by(EstablishmentUnit.name)),
        "activities": list(Activity.select(Activity, EstablishmentUnit)
                           .join(EstablishmentUnit, JOIN.LEFT_OUTER, on=(Activity.unit == EstablishmentUnit.id))
                           .where(Activity.company == company).order_by(Activity.active.desc(), Activity.notified_at)),
        "requests": list(Registration.without_proof().where((Registration.company == company)
                                                            & Registration.status.in_(Registration.SENT))
                         .order_by(Registration.submitted_at.desc())),
        "pending": identity_changes.pending(company),
        "company_events": company_records.history(company, 200),
        "activity_events": notified_activities.history(company, 200),
    }
