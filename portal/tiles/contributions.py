"""“Mes contributions” (guide 5.6): choose the year, declare (private
individuals only, or last year's turnover with the signed document), change
it until the deadline, print the receipt. Needs the application
"Contributions"; the rules are the shared `contributions` module's."""
from flask import abort, redirect, request, url_for
from flask_login import current_user
from peewee import JOIN

from portal.access_control import application_required, current_company
from portal.contributions import declarations as rules
from portal.contributions.models import ContributionDeclaration, ContributionYear
from portal.data.prepared import Prepared, slot
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import bp
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.pdf import PdfError, inline_pdf, uploaded_pdf
from portal.web.rendering import render

APPLICATION = "contributions"


def summary(company):
    """The dashboard tile: the newest year and whether the company declared it (one query)."""
    params = _NEWEST_YEAR.first(company=company.id)
    if params is None:
        return {"params": None, "declared": None, "is_open": False}
    return {"params": params, "declared": params.declared_status == ContributionDeclaration.SUBMITTED,
            "is_open": rules.is_open(params)}


_NEWEST_YEAR = Prepared(lambda: ContributionYear.select(ContributionYear,
                                                        ContributionDeclaration.status.alias("declared_status"))
                        .join(ContributionDeclaration, JOIN.LEFT_OUTER,
                              on=(ContributionDeclaration.year == ContributionYear.year)
                              & (ContributionDeclaration.company == slot("company")))
                        .order_by(ContributionYear.year.desc()).objects().limit(1))


def _year_or_404(year):
    params = rules.year_of(year)
    if params is None:
        abort(404)
    return params


@bp.get("/<lang:lang>/portal/contributions")
@application_required(APPLICATION)
def contributions():
    company = current_company()
    years = rules.open_years()
    chosen = request.args.get("year", type=int)
    if chosen is not None:  # "Sélectionnez l'année concernée" without JavaScript: a GET form
        return redirect(url_for("tiles.contribution", year=chosen), 303)
    declared = {row.year: row for row in ContributionDeclaration.without_blobs()  # one query, not one a year
                .where(ContributionDeclaration.company == company)}
    return render("tiles/contributions.html", years=years, declared=declared, is_open=rules.is_open)


def _page(params, status=200, **context):
    company = current_company()
    found = rules.declaration_of(company, params.year)
    context.setdefault("errors", {})
    context.setdefault("values", {"private_only": found.private_only if found else False,
                                  "turnover": format(found.turnover, ",.2f").replace(",", " ").replace(".", ",")
                                  if found and found.turnover is not None else ""})
    entities = rules.entities_of(company)
    typed = context["values"]
    try:
        turnover = rules.parse_amount(typed["turnover"]) if not typed["private_only"] else None
    except ValueError:
        turnover = None
    return render("tiles/contribution.html", status=status, params=params, declaration=found,
                  estimate=rules.estimate(params, entities, turnover, typed["private_only"]),
                  is_open=rules.is_open(params), events=rules.history(company, params.year, HISTORY_SHOWN + 1),
                  history_shown=HISTORY_SHOWN, event_labels=rules.EVENT_LABELS, done=request.args.get("done"), **context)


@bp.get("/<lang:lang>/portal/contributions/<int:year>/history")
@application_required(APPLICATION)
def contribution_history(year):
    params = _year_or_404(year)
    company = current_company()
    return history_response(lambda limit: rules.history(company, params.year, limit), "contribution",
                            rules.EVENT_LABELS, title=_l("History"), subject=str(params.year),
                            back=(url_for("tiles.contribution", year=params.year), _l("My contributions")))


@bp.route("/<lang:lang>/portal/contributions/<int:year>", methods=["GET", "POST"])
@application_required(APPLICATION)
def contribution(year):
    params = _year_or_404(year)
    if request.method == "GET":
        return _page(params)
    values = rules.values_from(request.form)
    proof, proof_error = None, None
    try:
        proof = uploaded_pdf(request.files.get("proof"))
    except PdfError as error:
        proof_error = error.message
    sending = request.form.get("action") != "draft"
    try:
        rules.declare(current_company(), current_user.person, params, values, proof, proof_error, sending)
    except rules.ContributionError as refused:
        return _page(params, status=422, errors=refused.errors, values=values)
    if sending:
        return redirect(url_for("tiles.contribution_receipt", year=year), 303)
    return redirect(url_for("tiles.contribution", year=year, done="saved"), 303)


@bp.get("/<lang:lang>/portal/contributions/<int:year>/receipt")
@application_required(APPLICATION)
def contribution_receipt(year):
    params = _year_or_404(year)
    found = rules.declaration_of(current_company(), year)
    if found is None or found.status != found.SUBMITTED:
        return redirect(url_for("tiles.contribution", year=year), 303)
    return render("tiles/contribution_receipt.html", params=params, declaration=found,
                  estimate=rules.estimate(params, found.entities, found.turnover, found.private_only))


@bp.get("/<lang:lang>/portal/contributions/<int:year>/document.pdf")
@application_required(APPLICATION)
def contribution_proof(year):
    found = rules.declaration_of(current_company(), year)
    if found is None or found.proof_size is None:
        abort(404)
    return inline_pdf(rules.proof_of(found))
