"""The wizard's pages. Each step is a URL under the draft's secret token, so
the resume link works from any browser and any app server."""
import functools
import json

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from .. import mail, rate_limit, vies
from ..countries import EEA_AND_CUSTOMS_UNION, all_countries, country_name, region
from ..db import database
from ..identifiers import format_niss, vat_prefix
from ..languages import current_language
from ..backoffice import review
from ..models import Registration, RegistrationEvent
from ..rendering import render, wants_fragment
from . import bp, steps, submission
from .proof import MAX_BYTES, ProofError, check_proof, inline_pdf

# Extra swap target: the whole wizard frame (progress, errors, the step).
WIZARD_TARGET = "#wizard"


def _registration(token):
    registration = Registration.get_or_none(Registration.token == token)
    if registration is None:
        abort(404)
    return registration


def _go(endpoint, **values):
    """After a successful POST: 303 without htmx, HX-Location with it."""
    url = url_for(endpoint, **values)
    if wants_fragment():
        response = make_response("", 204)
        response.headers["HX-Location"] = json.dumps({"path": url, "target": WIZARD_TARGET, "swap": "outerHTML"})
        return response
    return redirect(url, 303)


def _guard(registration, data, step):
    """Where to send the user instead of `step`, or None to stay."""
    if registration.status not in submission.EDITABLE_STATUSES:
        return _go("wizard.submitted", token=registration.token)
    if not steps.may_open(data, step):
        return _go(f"wizard.{steps.first_incomplete(data)}", token=registration.token)
    return None


def step_view(step):
    """A step's view: it gets the draft and its answers (loaded once), or the
    user is sent where they belong (the confirmation, an earlier step)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(token):
            registration = _registration(token)
            data = steps.load(registration)
            return _guard(registration, data, step) or view(registration, data)
        return wrapper
    return decorate


def _agency_request(registration):
    """The agency's message when it asked for more information, else None."""
    if registration.status != "needs_information":
        return None
    event = (RegistrationEvent.select().where((RegistrationEvent.registration == registration)
                                              & (RegistrationEvent.action == "information_requested"))
             .order_by(RegistrationEvent.id.desc()).first())
    return event.reason if event else None


def _page(template, registration, step, status=200, **context):
    context.setdefault("agency_request", _agency_request(registration))
    number = steps.STEP_NAMES.index(step) + 1
    return render(template, block="wizard", status=status, registration=registration, step=step,
                  step_number=number, step_count=len(steps.STEPS), steps=steps.STEPS,
                  step_title=dict(steps.STEPS)[step], fragment=wants_fragment(), **context)


def _next(registration, step):
    following = steps.STEP_NAMES[steps.STEP_NAMES.index(step) + 1]
    return _go(f"wizard.{following}", token=registration.token)


# Start and resume ------------------------------------------------------------------

@bp.before_request
def _limit_anonymous_writes():
    """The wizard is open to anyone: a client that writes faster than a
    person can type is stopped (the preview while typing counts too)."""
    if request.method == "POST" and rate_limit.exceeded(rate_limit.WIZARD_WRITE):
        abort(429)


@bp.get("/<lang:lang>/register")
def start():
    return render("wizard/start.html")


@bp.post("/<lang:lang>/register")
def create():
    if rate_limit.exceeded(rate_limit.REGISTRATION):
        abort(429)
    registration = steps.new_registration(current_language())
    return redirect(url_for("wizard.identification", token=registration.token), 303)


@bp.get("/<lang:lang>/register/<token>/")
def resume(token):
    registration = _registration(token)
    if registration.status not in submission.EDITABLE_STATUSES:
        return redirect(url_for("wizard.submitted", token=token), 303)
    step = steps.first_incomplete(steps.load(registration))
    return redirect(url_for(f"wizard.{step}", token=token), 303)


@bp.post("/<lang:lang>/register/<token>/resume-link")
def email_resume_link(token):
    registration = _registration(token)
    if registration.status not in submission.EDITABLE_STATUSES:
        return redirect(url_for("wizard.submitted", token=token), 303)
    if rate_limit.exceeded(rate_limit.RESUME_MAIL) or rate_limit.exceeded(rate_limit.RESUME_MAIL, registration.id):
        abort(429)
    address = request.form.get("email", "").strip()
    next_step = request.form.get("step", "identification")
    if next_step not in steps.STEP_NAMES:
        next_step = "identification"
    if not steps.EMAIL.match(address):
        return _page(f"wizard/{next_step}.html", registration, next_step, status=422,
                     **_step_context(registration, next_step),
                     resume_error=_l("Enter an e-mail address such as name@company.eu."), resume_email=address)
    with database.atomic():
        mail.queue(address, "resume_link", current_language(), _l("Your registration on the FAMHP portal"),
                   link=resume_link(registration))
    mail.send_after_commit()
    return _page(f"wizard/{next_step}.html", registration, next_step,
                 **_step_context(registration, next_step), resume_sent=address)


def resume_link(registration):
    return current_app.config["BASE_URL"].rstrip("/") + url_for("wizard.resume", token=registration.token)


def _step_context(registration, step):
    data = steps.load(registration)
    if step == "identification":
        return _identification_context(registration, data.get("identification", {}), {})
    if step == "company":
        return _company_context(registration, data, data.get("company", {}), {})
    if step == "units":
        return _units_context(data, None, {}, {})
    if step == "representatives":
        return _representatives_context(data, None, {}, {})
    return _check_context(registration, data)


# Step 1 -------------------------------------------------------------------------------

def _country_groups():
    countries = all_countries()
    europe = [(code, name) for code, name in countries if code in EEA_AND_CUSTOMS_UNION]
    others = [(code, name) for code, name in countries if code in ("CH", "GB")]
    rest = [(code, name) for code, name in countries if code not in EEA_AND_CUSTOMS_UNION
            and code not in ("CH", "GB")]
    return [
        (_l("European Economic Area and customs union of the European Union"), europe),
        (_l("Switzerland and the United Kingdom"), others),
        (_l("Outside Europe"), rest),
    ]


def _identification_context(registration, values, errors, vies_result=None):
    country = values.get("country", "")
    return {"values": values, "errors": errors, "country_groups": _country_groups(),
            "place": region(country) if country else None, "prefix": vat_prefix(country) if country else "",
            "vies_result": vies_result, "vies_page": vies.VIES_PUBLIC_PAGE}


@bp.route("/<lang:lang>/register/<token>/company-identification", methods=["GET", "POST"])
@step_view("identification")
def identification(registration, data):
    if request.method == "GET":
        return _page("wizard/identification.html", registration, "identification",
                     **_identification_context(registration, data.get("identification", {}), {}))

    values = steps.identification_values(request.form)
    errors, numbers = steps.check_identification(values, registration)
    if request.form.get("preview") == "1":
        # htmx asks as the user types or picks a country: show the checks and
        # store nothing, so that a preview racing the real submission of the
        # step can never undo it.
        shown = {k: v for k, v in errors.items() if values.get(k) or k == "country"}
        return _page("wizard/identification.html", registration, "identification",
                     **_identification_context(registration, values, shown))
    data["identification"] = values
    steps.mark(data, "identification", False)
    if errors:
        steps.save(registration, data)
        return _page("wizard/identification.html", registration, "identification", status=422,
                     **_identification_context(registration, values, errors))

    fields = {"country": values["country"], "vat_number": numbers["vat"], "bce_number": numbers["bce"],
              "vat_status": "not_applicable", "vies_name": None, "vies_address": None, "vies_checked_at": None}
    if numbers["vat"] and steps.needs_vies(values["country"]):
        prefix, number = steps.split_vat(numbers["vat"], values["country"])
        result = vies.client().check(prefix, number)
        fields["vies_checked_at"] = result.checked_at
        if result.status == vies.VALID:
            fields.update(vat_status="valid", vies_name=result.name, vies_address=result.address)
            _prefill_company(data, result)
        elif result.status in (vies.INVALID, vies.INPUT_ERROR):
            steps.save(registration, data)
            return _page("wizard/identification.html", registration, "identification", status=422,
                         **_identification_context(registration, values, {
                             "vat_number": _l("VIES, the European Commission's service, does not know this "
                                              "VAT number.")}, vies_result=result))
        elif request.form.get("continue_unverified") != "yes":
            steps.save(registration, data)
            return _page("wizard/identification.html", registration, "identification",
                         **_identification_context(registration, values, {}, vies_result=result))
        else:
            fields["vat_status"] = "unverified"
    steps.mark(data, "identification", True)
    steps.save(registration, data, **fields)
    return _next(registration, "identification")


def _prefill_company(data, result):
    """Offer what VIES knows; never overwrite what the user typed."""
    company = data.setdefault("company", {})
    if result.name and not company.get("name"):
        company["name"] = result.name
    if result.address and not company.get("street"):
        lines = [line.strip() for line in result.address.splitlines() if line.strip()]
        if lines:
            company["street"] = lines[0]
        if len(lines) > 1:
            postcode, _, city = lines[-1].partition(" ")
            company.setdefault("postcode", postcode)
            company.setdefault("city", city)


# Step 2 -------------------------------------------------------------------------------

def _company_context(registration, data, values, errors):
    country = registration.country or data.get("identification", {}).get("country", "")
    return {"values": values, "errors": errors, "languages": steps.LANGUAGES,
            "country_label": country_name(country) if country else "", "vies_prefilled":
            bool(registration.vies_name) and values.get("name") == registration.vies_name}


@bp.route("/<lang:lang>/register/<token>/company-data", methods=["GET", "POST"])
@step_view("company")
def company(registration, data):
    if request.method == "GET":
        return _page("wizard/company.html", registration, "company",
                     **_company_context(registration, data, data.get("company", {}), {}))

    values = steps.company_values(request.form)
    errors = {}
    upload = request.files.get("proof")
    proof = {}
    if request.form.get("remove_proof") == "yes":
        proof = {"proof_pdf": None, "proof_filename": None, "proof_size": None}
    elif upload is not None and upload.filename:
        content = upload.read(MAX_BYTES + 1)
        try:
            check_proof(content)
            proof = {"proof_pdf": content, "proof_size": len(content),
                     "proof_filename": _safe_filename(upload.filename)}
        except ProofError as error:
            errors["proof"] = error.message
    has_proof = bool(proof.get("proof_pdf")) if proof else registration.proof_size is not None
    for name, message in steps.check_company(values, has_proof).items():
        errors.setdefault(name, message)
    data["company"] = values
    steps.mark(data, "company", not errors)
    steps.save(registration, data, **proof)  # what was typed and a valid file are kept, errors or not
    if errors or request.form.get("remove_proof") == "yes":
        return _page("wizard/company.html", registration, "company", status=422 if errors else 200,
                     **_company_context(registration, data, values, errors))
    return _next(registration, "company")


def _safe_filename(name):
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in name if ch.isalnum() or ch in " ._-()")[:150].strip()
    return cleaned or "proof.pdf"


@bp.get("/<lang:lang>/register/<token>/proof.pdf")
def proof_file(token):
    """The draft's PDF, while the draft can be changed; once sent, the resume
    link shows only where the request stands."""
    registration = _registration(token)
    if registration.proof_pdf is None or registration.status not in submission.EDITABLE_STATUSES:
        abort(404)
    return inline_pdf(registration.proof_pdf)


# Steps 3 and 4: lists of rows ------------------------------------------------------------

def _units_context(data, editing, values, errors):
    return {"rows": data.get("units", []), "editing": editing, "values": values, "errors": errors}


def _representatives_context(data, editing, values, errors):
    return {"rows": data.get("representatives", []), "editing": editing, "values": values,
            "errors": errors, "sexes": steps.SEXES, "countries": all_countries(),
            "format_niss": format_niss, "country_name": country_name}


LISTS = {
    "units": ("units", steps.unit_values, lambda values, rows: (steps.check_unit(values), values),
              _units_context, "wizard/units.html"),
    "representatives": ("representatives", steps.representative_values,
                        lambda values, rows: steps.check_representative(values, rows),
                        _representatives_context, "wizard/representatives.html"),
}


def _list_step(registration, data, step):
    key, read, check, context, template = LISTS[step]
    rows = data.setdefault(key, [])
    if request.method == "GET":
        editing = request.args.get("edit")
        values = next((row for row in rows if row["id"] == editing), {}) if editing else {}
        return _page(template, registration, step, **context(data, editing if values else None, values, {}))

    action = request.form.get("action", "")
    row_id = request.form.get("row", "")
    if action == "delete":
        data[key] = [row for row in rows if row["id"] != row_id]
        steps.mark(data, step, False)
        steps.save(registration, data)
        return _page(template, registration, step, **context(data, None, {}, {}))
    if action == "save":
        values = read(request.form)
        others = [row for row in rows if row["id"] != row_id]
        errors, stored = check(values, others)
        if errors:
            return _page(template, registration, step, status=422,
                         **context(data, row_id or "new", values, errors))
        stored["id"] = row_id if any(row["id"] == row_id for row in rows) else steps.new_row_id()
        data[key] = [stored if row["id"] == stored["id"] else row for row in rows]
        if stored not in data[key]:
            data[key].append(stored)
        steps.mark(data, step, False)
        steps.save(registration, data)
        return _page(template, registration, step, **context(data, None, {}, {}), saved=True)
    # "Next"
    if step == "representatives" and not rows:
        return _page(template, registration, step, status=422, **context(data, "new", {}, {
            "list": _l("Add at least one legal representative.")}))
    steps.mark(data, step, True)
    steps.save(registration, data)
    return _next(registration, step)


@bp.route("/<lang:lang>/register/<token>/establishment-units", methods=["GET", "POST"])
@step_view("units")
def units(registration, data):
    return _list_step(registration, data, "units")


@bp.route("/<lang:lang>/register/<token>/legal-representatives", methods=["GET", "POST"])
@step_view("representatives")
def representatives(registration, data):
    return _list_step(registration, data, "representatives")


# Step 5: check and send --------------------------------------------------------------

def _check_context(registration, data):
    ident = data.get("identification", {})
    return {"data": data, "ident": ident, "company_values": data.get("company", {}),
            "country_label": country_name(ident.get("country", "")) if ident.get("country") else "",
            "languages": steps.LANGUAGES, "sexes": steps.SEXES, "country_name": country_name,
            "format_niss": format_niss, "bce": steps.display_bce(registration.bce_number)}


@bp.get("/<lang:lang>/register/<token>/check")
@step_view("check")
def check(registration, data):
    return _page("wizard/check.html", registration, "check", **_check_context(registration, data))


@bp.post("/<lang:lang>/register/<token>/check")
@step_view("check")  # a second click, a reload: the guard leads to the confirmation
def submit(registration, data):
    problems = submission.submit(registration)
    if problems:
        return _page("wizard/check.html", registration, "check", status=422,
                     **_check_context(registration, data), errors=problems)
    mail.send_after_commit()
    return _go("wizard.submitted", token=registration.token)


@bp.get("/<lang:lang>/register/<token>/submitted")
def submitted(token):
    registration = _registration(token)
    if registration.status in submission.EDITABLE_STATUSES:
        return redirect(url_for("wizard.resume", token=token), 303)
    return render("wizard/submitted.html", registration=registration, fragment=wants_fragment(),
                  median=review.median_decision_time(), statuses=review.STATUSES)
