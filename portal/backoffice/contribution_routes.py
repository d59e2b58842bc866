"""The agency's side of “Mes contributions”: each year's parameters, the
declarations of a year, who has not declared, the CSV export. The rules are
the shared `contributions` module's."""
from flask import abort, redirect, request, url_for

from portal.access_control import role_required
from portal.backoffice import bp
from portal.contributions import declarations as rules
from portal.contributions.models import ContributionDeclaration
from portal.people.staff_roles import FINANCE
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
    return render("backoffice/contributions.html", status=status, years=years, params=params, rows=rows,
                  missing=missing, missing_count=missing_count, estimate=rules.estimate, **context)


@bp.get("/<lang:lang>/staff/contributions")
@role_required(FINANCE)
def contributions_page():
    return _page(done=request.args.get("done"))


@bp.post("/<lang:lang>/staff/contributions/years")
@role_required(FINANCE)
def save_contribution_year():
    values = rules.year_values(request.form)
    try:
        rules.save_year(values)
    except rules.ContributionError as refused:
        return _page(status=422, errors=refused.errors, values=values)
    return redirect(url_for("backoffice.contributions_page", year=values["year"], done="year"), 303)


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
