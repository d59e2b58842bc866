"""“Mon entreprise” (guide 5.2): the company's data, its establishment units,
its contact persons and legal representatives (their rows, read first and
edited on demand, are company_rows'), and its history. Needs the application
"Source authentique des acteurs"; every object is looked up within the
session's company."""
from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.access_control import application_required, current_company
from portal.bce import enterprises as bce
from portal.companies import identity_changes, records
from portal.registrations.states import EXCHANGE_LANGUAGES
from portal.text.countries import country_name
from portal.text.identifiers import format_bce, format_niss, vat_prefix
from portal.text.languages import current_language
from portal.text.lazy_text import lazy_gettext as _l
from portal.tiles import bp
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.pdf import PdfError, inline_pdf, uploaded_pdf
from portal.web.rendering import render

APPLICATION = "saa"


def company_page(status=200, **context):
    """The page reads what it shows, and no form's values (the forms come on demand); its rows and
    history as prepared.Shown: kept rendered, they make no models."""
    company = current_company()
    context.setdefault("errors", {})
    pending = identity_changes.pending(company)
    bce_company = company.bce_synced_on is not None
    return render(
        "tiles/company.html", status=status, company=company, languages=EXCHANGE_LANGUAGES,
        country_name=country_name, format_bce=format_bce, format_niss=format_niss, **records.rows_shown(company),
        events=records.history_shown(company, HISTORY_SHOWN + 1), history_shown=HISTORY_SHOWN,
        event_labels=records.EVENT_LABELS, done=request.args.get("done"),
        pending=pending, change_rows=identity_changes.rows(pending) if pending else [],
        current_proof=identity_changes.current_proof_name(company),
        may_change_representatives=records.may_change_representatives(current_user.person, company),
        bce_company=bce_company,
        enterprise=bce.find(company.bce_number, current_language()) if bce_company else None, **context)


def summary(company):
    """The dashboard tile: the company's data as the session already holds it,
    and a change of its identity waiting for the agency (one query)."""
    return {"pending": identity_changes.pending(company)}


def _done(what):
    return redirect(url_for("tiles.company", done=what), 303)


@bp.get("/<lang:lang>/portal/company")
@application_required(APPLICATION)
def company():
    return company_page()


@bp.get("/<lang:lang>/portal/company/history")
@application_required(APPLICATION)
def company_history():
    """Every entry of the company's history, newest first, a page at a time."""
    company = current_company()
    return history_response(lambda limit: records.history(company, limit), "company", records.EVENT_LABELS,
                            title=_l("History"), subject=company.name, back=(url_for("tiles.company"), _l("My company")))


@bp.post("/<lang:lang>/portal/company/identity")
@application_required(APPLICATION)
def ask_change():
    """The name, VAT or BCE number or official proof: a request the agency validates."""
    company = current_company()
    values = identity_changes.values_from(request.form, "identity_")
    if request.form.get("remove_proof") == "yes":
        identity_changes.forget_proof(company)
        return identity_page(identity_values=values)
    proof, proof_error = None, None
    try:
        proof = uploaded_pdf(request.files.get("identity_proof"))
    except PdfError as error:
        proof_error = error.message
    asked = identity_changes.ask(company, current_user.person, values, proof, proof_error,
                                 continue_unverified=request.form.get("continue_unverified") == "yes")
    if asked.request is not None:
        return _done("change_asked")
    if proof is not None:  # a good file is kept while the rest is corrected
        identity_changes.keep_proof(company, proof)
    errors = {"identity_" + name: message for name, message in asked.errors.items()}
    return identity_page(status=422 if errors else 200, errors=errors, identity_values=values,
                         vies_unavailable=asked.vies_unavailable)


@bp.get("/<lang:lang>/portal/company/identity")
@application_required(APPLICATION)
def identity_form():
    """The change of the name, VAT or BCE number or official proof, on a page of its own (a file goes with
    it: sent without htmx)."""
    company = current_company()
    if company.bce_synced_on is not None or identity_changes.pending(company):
        return redirect(url_for("tiles.company") + "#s-identity", 303)
    return identity_page()


def identity_page(status=200, **context):
    company = current_company()
    context.setdefault("errors", {})
    context.setdefault("identity_values", identity_changes.current_values(company))
    return render("tiles/company_form.html", status=status, shape="identity", company=company,
                  title=_l("Change the name, the VAT or BCE number or the official proof"),
                  kept_proof=identity_changes.kept_proof(company), vat_prefix=vat_prefix(company.country),
                  **context)


@bp.get("/<lang:lang>/portal/company/proof.pdf")
@application_required(APPLICATION)
def proof():
    """The official proof in force (the agency validated it)."""
    found = identity_changes.current_proof(current_company())
    if found is None:
        abort(404)
    return inline_pdf(identity_changes.proof_content(found))
