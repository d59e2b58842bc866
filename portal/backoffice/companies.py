"""The agency's view of registered companies: find one, and see its data,
its people, its activities and the history of every change (issue 12:
"the agency sees the history")."""
from flask_login import current_user

from portal.activities import notified as notified_activities
from portal.companies import identity_changes
from portal.companies import records as company_records
from portal.companies.models import Company
from portal.inspections import dossiers as inspections
from portal.inspections import inspectors, risk_indicator
from portal.registrations.models import Registration
from portal.registrations.states import KINDS, STATUS_LABELS
from portal.text.countries import country_name
from portal.text.identifiers import IdentifierError, format_bce, format_niss, normalise_bce
from portal.text.names import name_key
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.rendering import render


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


def record(company, staff):
    """Everything the company page shows `staff` (an inspector sees the dossiers they hold)."""
    dossiers, others = inspectors.of_company(company, staff)
    return {
        "representatives": company_records.legal_representatives_of(company),
        "contacts": company_records.contact_persons_of(company),
        "units": company_records.units_of(company),
        "activities": notified_activities.activities_of(company),
        "requests": list(Registration.without_blobs().where((Registration.company == company)
                                                            & Registration.status.in_(Registration.SENT))
                         .order_by(Registration.submitted_at.desc())),
        "pending": identity_changes.pending(company),
        "dossiers": dossiers, "other_dossiers": others,
        "questionnaire": inspections.questionnaire_of(company),
        "risk": risk_indicator.of_companies([company.id])[company.id],
        "company_events": company_records.history_shown(company, HISTORY_SHOWN + 1),
        "activity_events": notified_activities.history_shown(company, HISTORY_SHOWN + 1),
    }


def page(company, status=200, **extra):
    """The company's page for the staff member of the session; `extra` carries a form's errors when opening
    a dossier failed."""
    staff = current_user.staff
    extra.setdefault("dossier_errors", {})
    extra.setdefault("dossier_values", {})
    return render("backoffice/company.html", status=status, company=company, country_name=country_name,
                  format_bce=format_bce, format_niss=format_niss, statuses=STATUS_LABELS, kinds=KINDS,
                  company_labels=company_records.EVENT_LABELS, activity_labels=notified_activities.EVENT_LABELS,
                  inspectors=[(str(inspector.id), inspector.name) for inspector in inspectors.to_name(staff)],
                  names_inspector=inspectors.sees_all(staff),
                  qms_choices=inspections.QMS_CHOICES, history_shown=HISTORY_SHOWN, **record(company, staff), **extra)
