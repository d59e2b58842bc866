"""The wizard's pages. Each step is a URL under the draft's secret token, so
the resume link works from any browser and any app server. Views parse the
request, call a rule of steps.py, identification.py or submission.py, and
render; every successful POST answers with a redirect (303, or HX-Location
for htmx)."""
import functools
import json
from typing import NamedTuple

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from markupsafe import escape

from portal.companies import identity as company_identity
from portal.companies import vies
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.registrations import drafts as steps
from portal.registrations import submission
from portal.registrations.models import Registration, RegistrationEvent
from portal.registrations.states import EXCHANGE_LANGUAGES, SEXES, STATUS_LABELS, median_decision_time
from portal.text.countries import (
    EEA_AND_CUSTOMS_UNION,
    all_countries,
    country_name,
    options_html,
    region,
    with_selected,
)
from portal.text.form_text import EMAIL, single_line_errors
from portal.text.identifiers import format_niss, vat_prefix
from portal.text.languages import current_language, texts
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail, rate_limit
from portal.web.page_cache import shared_page
from portal.web.pdf import PdfError, inline_pdf, uploaded_pdf
from portal.web.rendering import render, wants_fragment
from portal.wizard import bp
from portal.wizard import identification as identification_rule

# Extra swap target: the whole wizard frame (progress, errors, the step).
WIZARD_TARGET = "#wizard"
RESUME_SENT = "resume_sent"  # flash category


# A draft by its resume link's secret, without its PDF (up to 10 MB): only the proof's own page reads it.
_DRAFT = Prepared(lambda: Registration.without_blobs().where(
    (Registration.token == slot("token")) & (Registration.kind == Registration.REGISTRATION)).limit(1))


def _registration(token, with_proof=False):
    if with_proof:
        registration = Registration.get_or_none((Registration.token == token)
                                                & (Registration.kind == Registration.REGISTRATION))
    else:
        registration = _DRAFT.first(token=token)
    if registration is None:  # a change request's row is never reached through the wizard
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


def _sent(registration):
    """Where a request that may no longer change goes: its status page."""
    return _go("wizard.submitted", token=registration.token)


def step_view(step):
    """A step's view: it gets the draft and its answers (decoded once), or the
    person is sent where they belong (the status page, an earlier step)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(token):
            registration = _registration(token)
            if not registration.editable:
                return _sent(registration)
            answers = registration.answers
            if not steps.may_open(answers, step):
                return _go(f"wizard.{steps.first_incomplete(answers)}", token=registration.token)
            return view(registration, answers)
        return wrapper
    return decorate


def _agency_request(registration):
    """The agency's message when it asked for more information, else None."""
    if registration.status != Registration.NEEDS_INFORMATION:
        return None
    event = (RegistrationEvent.select().where((RegistrationEvent.registration == registration)
                                              & (RegistrationEvent.action == "information_requested"))
             .order_by(RegistrationEvent.id.desc()).first())
    return event.reason if event else None


_ERROR, _REGISTER = _l("Error:"), _l("Register a company")  # a step's page title: "Error: Company – Register a company"


class StepFrame(NamedTuple):
    """What the frame of a step shows (wizard/_step.html), given to it as one value."""

    registration: Registration
    step: str
    step_number: int
    step_count: int
    steps: tuple
    step_title: str
    page_title: str
    errors: dict
    agency_request: object
    resume_error: object = None
    resume_email: str = ""


def _page(registration, step, status=200, **context):
    context.setdefault("agency_request", _agency_request(registration))
    context.setdefault("errors", {})
    number = steps.STEP_NAMES.index(step) + 1
    titles = texts(steps.STEPS)  # a tuple: the progress list is kept rendered by it (_step.html)
    title = dict(titles)[step]
    page_title = f"{_ERROR} {title} – {_REGISTER}" if context["errors"] else f"{title} – {_REGISTER}"
    frame = StepFrame(registration, step, number, len(titles), titles, title, page_title, context["errors"],
                      context["agency_request"], context.pop("resume_error", None), context.pop("resume_email", ""))
    return render(f"wizard/{step}.html", block="wizard", status=status, registration=registration, step=step,
                  page_title=page_title, frame=frame, **context)


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
@shared_page()
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
    if not registration.editable:
        return redirect(url_for("wizard.submitted", token=token), 303)
    step = steps.first_incomplete(registration.answers)
    return redirect(url_for(f"wizard.{step}", token=token), 303)


@bp.post("/<lang:lang>/register/<token>/resume-link")
def email_resume_link(token):
    registration = _registration(token)
    if not registration.editable:
        return redirect(url_for("wizard.submitted", token=token), 303)
    if rate_limit.exceeded(rate_limit.RESUME_MAIL) or rate_limit.exceeded(rate_limit.RESUME_MAIL, registration.id):
        abort(429)
    address = request.form.get("email", "").strip()[:254]
    step = request.form.get("step", "identification")
    if step not in steps.STEP_NAMES or not steps.may_open(registration.answers, step):
        step = steps.first_incomplete(registration.answers)
    if not EMAIL.match(address) or single_line_errors({"email": address}):
        return _page(registration, step, status=422, **_step_context(registration, step),
                     resume_error=_l("Enter an e-mail address such as name@company.eu."), resume_email=address)
    with database.atomic():
        mail.queue(address, "resume_link", current_language(), _l("Your registration on the FAMHP portal"),
                   link=resume_link(registration))
    mail.send_after_commit()
    flash(address, RESUME_SENT)  # a reload of the step does not send it again
    return _go(f"wizard.{step}", token=token)


def resume_link(registration):
    return current_app.config["BASE_URL"].rstrip("/") + url_for("wizard.resume", token=registration.token)


def _step_context(registration, step):
    answers = registration.answers
    if step == "identification":
        return _identification_context(answers.get("identification", {}), {})
    if step == "company":
        return _company_context(registration, answers.get("company", {}), {})
    if step in LISTS:
        return LISTS[step].context(answers, None, {}, {})
    return _check_context(registration)


# Step 1 -------------------------------------------------------------------------------

def _country_groups(selected=""):
    """The countries in three groups, as <optgroup>s written once per language."""
    return with_selected(_country_group_html(current_language()), selected)


@functools.lru_cache(maxsize=8)
def _country_group_html(language):
    countries = all_countries()
    europe = [(code, name) for code, name in countries if code in EEA_AND_CUSTOMS_UNION]
    others = [(code, name) for code, name in countries if code in ("CH", "GB")]
    rest = [(code, name) for code, name in countries if code not in EEA_AND_CUSTOMS_UNION
            and code not in ("CH", "GB")]
    groups = [(_l("European Economic Area and customs union of the European Union"), europe),
              (_l("Switzerland and the United Kingdom"), others), (_l("Outside Europe"), rest)]
    return "".join(f'<optgroup label="{escape(str(label))}">{options_html(group)}</optgroup>' for label, group in groups)


def _identification_context(values, errors, vies_result=None):
    country = values.get("country", "")
    return {"values": values, "errors": errors, "country_groups": _country_groups,
            "place": region(country) if country else None, "prefix": vat_prefix(country) if country else "",
            "vies_result": vies_result, "vies_page": vies.VIES_PUBLIC_PAGE}


@bp.route("/<lang:lang>/register/<token>/company-identification", methods=["GET", "POST"])
@step_view("identification")
def identification(registration, answers):
    if request.method == "GET":
        return _page(registration, "identification",
                     **_identification_context(answers.get("identification", {}), {}))
    values = steps.identification_values(request.form)
    if request.form.get("preview") == "1":
        # htmx asks as the person types or picks a country: show the offline
        # checks and store nothing, so that a preview racing the real
        # submission of the step can never undo it.
        errors, _ = company_identity.check_identification(values, company_identity.numbers_taken_by_others(registration))
        shown = {k: v for k, v in errors.items() if values.get(k) or k == "country"}
        return _page(registration, "identification", **_identification_context(values, shown))
    outcome = company_identity.identify(values, company_identity.numbers_taken_by_others(registration),
                                       request.form.get("continue_unverified") == "yes")
    answers["identification"] = values
    steps.mark(answers, "identification", outcome.complete)
    if outcome.complete and outcome.columns.get("vat_status") == "valid":
        identification_rule.prefill_company(answers, outcome.vies_result)
    if not steps.save(registration, answers, **outcome.columns):
        return _sent(registration)
    if outcome.complete:
        return _next(registration, "identification")
    return _page(registration, "identification", status=outcome.status,
                 **_identification_context(values, outcome.errors, outcome.vies_result))


# Step 2 -------------------------------------------------------------------------------

def _company_context(registration, values, errors):
    country = registration.country or registration.answers.get("identification", {}).get("country", "")
    return {"values": values, "errors": errors, "languages": EXCHANGE_LANGUAGES,
            "country_label": country_name(country) if country else "", "vies_prefilled":
            bool(registration.vies_name) and values.get("name") == registration.vies_name}


def _uploaded_proof():
    """({columns to store}, error) for the PDF sent with step 2, if any."""
    if request.form.get("remove_proof") == "yes":
        return {"proof_pdf": None, "proof_filename": None, "proof_size": None}, None
    try:
        proof = uploaded_pdf(request.files.get("proof"))
    except PdfError as error:
        return {}, error.message
    if proof is None:
        return {}, None
    content, filename = proof
    return {"proof_pdf": content, "proof_size": len(content), "proof_filename": filename}, None


@bp.route("/<lang:lang>/register/<token>/company-data", methods=["GET", "POST"])
@step_view("company")
def company(registration, answers):
    if request.method == "GET":
        return _page(registration, "company", **_company_context(registration, answers.get("company", {}), {}))
    values = steps.company_values(request.form)
    proof, proof_error = _uploaded_proof()
    has_proof = bool(proof.get("proof_pdf")) if proof else registration.proof_size is not None
    errors = {"proof": proof_error} if proof_error else {}
    for name, message in steps.check_company(values, has_proof).items():
        errors.setdefault(name, message)
    answers["company"] = values
    steps.mark(answers, "company", not errors)
    if not steps.save(registration, answers, **proof):  # what was typed and a valid file are kept, errors or not
        return _sent(registration)
    if errors or request.form.get("remove_proof") == "yes":
        return _page(registration, "company", status=422 if errors else 200,
                     **_company_context(registration, values, errors))
    return _next(registration, "company")


@bp.get("/<lang:lang>/register/<token>/proof.pdf")
def proof_file(token):
    """The draft's PDF, while the draft can be changed; once sent, the resume
    link shows only where the request stands."""
    registration = _registration(token, with_proof=True)
    if registration.proof_pdf is None or not registration.editable:
        abort(404)
    return inline_pdf(registration.proof_pdf)


# Steps 3 and 4: lists of rows ------------------------------------------------------------

def _units_context(answers, editing, values, errors):
    return {"rows": answers.get("units", []), "editing": editing, "values": values, "errors": errors}


def _representatives_context(answers, editing, values, errors):
    return {"rows": answers.get("representatives", []), "editing": editing, "values": values,
            "errors": errors, "sexes": texts(SEXES), "countries": all_countries(),
            "format_niss": format_niss, "country_name": country_name}


class ListStep:
    def __init__(self, key, read, check, context, required=None):
        self.key, self.read, self.check, self.context, self.required = key, read, check, context, required


LISTS = {
    "units": ListStep("units", steps.unit_values, lambda values, rows: (steps.check_unit(values), values),
                      _units_context),
    "representatives": ListStep("representatives", steps.representative_values, steps.check_representative,
                                _representatives_context, required=_l("Add at least one legal representative.")),
}


def _list_step(registration, answers, step):
    spec = LISTS[step]
    rows = answers.setdefault(spec.key, [])
    if request.method == "GET":
        editing = request.args.get("edit")
        values = next((row for row in rows if row["id"] == editing), {}) if editing else {}
        return _page(registration, step, **spec.context(answers, editing if values else None, values, {}))
    action = request.form.get("action", "")
    row_id = request.form.get("row", "")
    if action == "delete":
        steps.remove_row(answers, spec.key, row_id)
        steps.mark(answers, step, False)
        return _saved_or_sent(registration, answers, step, spec)
    typed = any(value for value in spec.read(request.form).values())
    if action == "save" or typed:  # "Next" with a filled form adds the row first: nothing typed is lost
        values = spec.read(request.form)
        errors = steps.store_row(answers, spec.key, spec.check, values, row_id)
        if errors:
            return _page(registration, step, status=422, **spec.context(answers, row_id or "new", values, errors))
        if action == "save":
            steps.mark(answers, step, False)
            return _saved_or_sent(registration, answers, step, spec, saved=True)
    if spec.required and not answers[spec.key]:
        return _page(registration, step, status=422,
                     **spec.context(answers, "new", {}, {"list": spec.required}))
    steps.mark(answers, step, True)
    if not steps.save(registration, answers):
        return _sent(registration)
    return _next(registration, step)


def _saved_or_sent(registration, answers, step, spec, saved=False):
    if not steps.save(registration, answers):
        return _sent(registration)
    return _page(registration, step, saved=saved, **spec.context(answers, None, {}, {}))


@bp.route("/<lang:lang>/register/<token>/establishment-units", methods=["GET", "POST"])
@step_view("units")
def units(registration, answers):
    return _list_step(registration, answers, "units")


@bp.route("/<lang:lang>/register/<token>/legal-representatives", methods=["GET", "POST"])
@step_view("representatives")
def representatives(registration, answers):
    return _list_step(registration, answers, "representatives")


# Step 5: check and send --------------------------------------------------------------

def _check_context(registration):
    answers = registration.answers
    ident = answers.get("identification", {})
    return {"answers": answers, "ident": ident, "company_values": answers.get("company", {}),
            "country_label": country_name(ident.get("country", "")) if ident.get("country") else "",
            "languages": EXCHANGE_LANGUAGES, "sexes": texts(SEXES), "country_name": country_name,
            "format_niss": format_niss, "bce": steps.display_bce(registration.bce_number)}


@bp.get("/<lang:lang>/register/<token>/check")
@step_view("check")
def check(registration, answers):
    return _page(registration, "check", **_check_context(registration))


@bp.post("/<lang:lang>/register/<token>/check")
@step_view("check")  # a second click, a reload: the guard leads to the status page
def submit(registration, answers):
    problems = submission.submit(registration)
    if problems:
        return _page(registration, "check", status=422, **_check_context(registration), errors=problems)
    mail.send_after_commit()
    return _sent(registration)


@bp.get("/<lang:lang>/register/<token>/submitted")
def submitted(token):
    registration = _registration(token)
    if registration.editable:
        return redirect(url_for("wizard.resume", token=token), 303)
    return render("wizard/submitted.html", block="wizard", registration=registration,
                  median=median_decision_time(), statuses=STATUS_LABELS)
