"""The back office's trails, each on its own pages (issue 31): a page shows a trail's last entries and
"See the whole history", which leads here, newest first, a page at a time. Each is guarded as the page
it belongs to: the same role, the same object (an inspector reads only the timeline of a dossier they
hold)."""
from flask import abort, url_for

from portal.access_control import role_required
from portal.activities import notified as notified_activities
from portal.backoffice import accounts, bp
from portal.backoffice.inspection_routes import dossier_held
from portal.companies import records as company_records
from portal.companies.models import Company
from portal.inspections import dossiers as inspections
from portal.people import staff_members
from portal.people.models import Account, Person, StaffMember
from portal.people.staff_roles import ACCOUNT_SUPPORT, ADMINISTRATOR, INSPECTOR, REVIEWER
from portal.text.lazy_text import lazy_gettext as _l
from portal.web.history_pages import history_response


def _company(company_id):
    return Company.get_or_none(Company.id == company_id) or abort(404)


@bp.get("/<lang:lang>/staff/companies/<int:company_id>/history")
@role_required(REVIEWER, INSPECTOR)
def company_history(company_id):
    company = _company(company_id)
    return history_response(lambda limit: company_records.history(company, limit), "company",
                            company_records.EVENT_LABELS, title=_l("History"), subject=company.name,
                            back=(url_for("backoffice.company_page", company_id=company.id), company.name),
                            endpoint="backoffice.company_history", args={"company_id": company.id}, staff_side=True)


@bp.get("/<lang:lang>/staff/companies/<int:company_id>/activities/history")
@role_required(REVIEWER, INSPECTOR)
def company_activities_history(company_id):
    company = _company(company_id)
    return history_response(lambda limit: notified_activities.history(company, limit), "activity",
                            notified_activities.EVENT_LABELS, title=_l("History of the activities"),
                            subject=company.name,
                            back=(url_for("backoffice.company_page", company_id=company.id), company.name),
                            endpoint="backoffice.company_activities_history", args={"company_id": company.id},
                            staff_side=True)


@bp.get("/<lang:lang>/staff/inspections/<int:dossier_id>/timeline")
@role_required(INSPECTOR)
def dossier_timeline(dossier_id):
    dossier = dossier_held(dossier_id)
    return history_response(lambda limit: inspections.timeline(dossier, limit), "dossier", inspections.EVENT_LABELS,
                            title=_l("Timeline"), subject=dossier.subject,
                            back=(url_for("backoffice.dossier_page", dossier_id=dossier.id), dossier.subject),
                            endpoint="backoffice.dossier_timeline", args={"dossier_id": dossier.id},
                            staff_side=True)


@bp.get("/<lang:lang>/staff/people/<int:person_id>/history")
@role_required(ACCOUNT_SUPPORT)
def person_history(person_id):
    person = Person.get_or_none(Person.id == person_id) or abort(404)
    account = Account.get_or_none(Account.person == person) or abort(404)
    name = f"{person.first_name} {person.last_name}"
    return history_response(lambda limit: accounts.history(account, limit), "audit", accounts.ACTIONS,
                            title=_l("History"), subject=name,
                            back=(url_for("backoffice.person_page", person_id=person.id), name),
                            endpoint="backoffice.person_history", args={"person_id": person.id}, staff_side=True)


@bp.get("/<lang:lang>/staff/members/<int:member_id>/history")
@role_required(ADMINISTRATOR)
def staff_member_history(member_id):
    member = StaffMember.get_or_none(StaffMember.id == member_id)
    if member is None or member.account is None:
        abort(404)
    return history_response(lambda limit: staff_members.history(member, limit), "audit", staff_members.ACTIONS,
                            title=_l("History"), subject=member.name,
                            back=(url_for("backoffice.staff_member_page", member_id=member.id), member.name),
                            endpoint="backoffice.staff_member_history", args={"member_id": member.id},
                            staff_side=True)
