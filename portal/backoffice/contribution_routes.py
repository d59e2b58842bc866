"""The agency's side of “Mes contributions”: each year's parameters, the
declarations of a year, who has not declared, the CSV export. The rules are
the shared `contributions` module's."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access_control import role_required
from portal.approvals import four_eyes
from portal.approvals.models import Approval
from portal.backoffice import bp
from portal.contributions import declarations as rules
from portal.contributions.models import ContributionDeclaration
from portal.people.staff_roles import FINANCE
from portal.text.lazy_text import lazy_gettext as _l
from portal.web.csv_export import csv_response
from portal.web.pdf import inline_pdf
from portal.web.rendering import render


def _page(status=200, **context):
    years = rules.open_years()
    year = request.args.get("year", type=int) or (years[0].year if years else None)
    params = rules.year_of(year) if year else None
    rows, (missing_count, missing) = ([], (0, [])) if params is None else (rules.declarations(year),
                                                                             rules.not_declared(year))
    context.setdefault("errors", {})
    context.setdefault("values", {})
    waiting = [approval for approval in four_eyes.waiting_for(current_user.staff)
               if approval.kind == Approval.CONTRIBUTION_YEAR]
    changes = four_eyes.history(Approval.CONTRIBUTION_YEAR, params.year) if params else []
    return render("backoffice/contributions.html", status=status, years=years, params=params, rows=rows,
                  missing=missing, missing_count=missing_count, estimate=rules.estimate, waiting=waiting,
                  changes=changes, statuses=four_eyes.STATUS_LABELS, **context)


@bp.get("/<lang:lang>/staff/contributions")
@role_required(FINANCE)
def contributions_page():
    return _page(done=request.args.get("done"))


@bp.post("/<lang:lang>/staff/contributions/years")
@role_required(FINANCE)
def save_contribution_year():
    """A year's parameters, checked now, take effect when a second member of finance approves them."""
    values = rules.year_values(request.form)
    try:
        year, _columns = rules.checked_year(values)
    except rules.ContributionError as refused:
        return _page(status=422, errors=refused.errors, values=values)
    try:
        four_eyes.ask(Approval.CONTRIBUTION_YEAR, year, current_user.staff, "", payload=values)
    except four_eyes.AlreadyWaiting:
        return _page(status=409, values=values, errors={"year": _l(
            "A change of this year's parameters already waits for approval: have it approved, refused or "
            "withdrawn first.")})
    return redirect(url_for("backoffice.contributions_page", year=year, done="year_asked"), 303)


@bp.get("/<lang:lang>/staff/contributions/<int:year>/export.csv")
@role_required(FINANCE)
def export_contributions(year):
    if rules.year_of(year) is None:
        abort(404)
    return csv_response(rules.export_csv(year), f"contributions-{year}.csv")


@bp.get("/<lang:lang>/staff/contributions/declarations/<int:declaration_id>/document.pdf")
@role_required(FINANCE)
def contribution_document(declaration_id):
    found = ContributionDeclaration.without_blobs().where(ContributionDeclaration.id == declaration_id).first()
    if found is None or found.proof_size is None or found.status != ContributionDeclaration.SUBMITTED:
        abort(404)  # a draft is the company's own until it is sent
    return inline_pdf(rules.proof_of(found))
