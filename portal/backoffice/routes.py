"""The back office's pages, all for a staff session (the staff login is the auth part's)."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from portal.access_control import first_staff_section, role_required, staff_required
from portal.activities import notified as notified_activities
from portal.approvals import four_eyes
from portal.approvals.models import Approval
from portal.backoffice import accounts, bp, companies
from portal.bce import enterprises as bce
from portal.companies import identity_changes
from portal.companies import records as company_records
from portal.companies.models import Company
from portal.people import devices as account_devices
from portal.people import sessions
from portal.people.models import Account, Person
from portal.people.staff_roles import ACCOUNT_SUPPORT, INSPECTOR, REVIEWER
from portal.registrations import belgian as belgian_registrations
from portal.registrations import review, validation
from portal.registrations.models import Registration
from portal.registrations.states import EVENT_LABELS, EXCHANGE_LANGUAGES, KINDS, SEXES, STATUS_LABELS
from portal.text import countries, form_text
from portal.text.countries import country_name
from portal.text.identifiers import format_bce, format_niss
from portal.text.languages import current_language, texts
from portal.text.lazy_text import lazy_gettext as _l
from portal.web.history_pages import SHOWN as HISTORY_SHOWN
from portal.web.history_pages import history_response
from portal.web.pdf import inline_pdf
from portal.web.rendering import render

MAX_REASON = 2000
QUEUE_PAGE = 25  # a reviewer works from the top; 25 rows fit a screen or two


@bp.get("/<lang:lang>/staff/")
@staff_required
def home():
    """The back office's home: the first section the staff member's roles open, or a page that says
    none does yet."""
    section = first_staff_section()
    if section:
        return redirect(url_for(section), 303)
    return render("backoffice/no_role.html")


@bp.get("/<lang:lang>/staff/registrations")
@role_required(REVIEWER)
def queue_page():
    status = request.args.get("status", Registration.SUBMITTED)
    if status not in STATUS_LABELS and status != "all":
        status = Registration.SUBMITTED
    country = request.args.get("country", "").upper()[:2]
    unverified = request.args.get("unverified") == "1"
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    try:
        page = max(1, min(int(request.args.get("page", "1")), 10**6))  # an OFFSET the databases can hold
    except ValueError:
        page = 1
    rows, total, counts = review.queue(status, country, unverified, kind, page, QUEUE_PAGE)
    filters = {"status": status, "country": country, "unverified": "1" if unverified else "", "kind": kind}
    counted = review.counted_up_to(country, unverified, kind)
    return render("backoffice/queue.html", block="results", rows=rows, current_status=status, country=country,
                  total=total, counted=counted, page=page,
                  pages=-(-min(total, counted or total) // QUEUE_PAGE), filters=filters,
                  unverified=unverified, counts=counts, statuses=texts(STATUS_LABELS), kinds=texts(KINDS),
                  kind=kind, country_names=countries.names(),
                  filters_shown=(status, country, unverified, kind, *counts.values()))  # what the filters show


def _registration(registration_id, with_proof=False):
    query = Registration.select() if with_proof else Registration.without_blobs()
    registration = query.where(Registration.id == registration_id).first()
    if registration is None or registration.status not in Registration.SENT:
        abort(404)
    return registration


def _detail(registration_id, status=200, **extra):
    """The request's page (after a decision that could not be made: with why, and `status`)."""
    shown = review.review_of(registration_id)
    if shown is None:
        abort(404)
    registration = shown.registration
    extra.update(status=status, registration=registration, events=shown.events, look_alikes=shown.look_alikes,
                 companies=shown.companies, statuses=texts(STATUS_LABELS), actions=texts(EVENT_LABELS),
                 reasons=texts(review.LOOK_ALIKE_REASONS))
    if registration.kind == Registration.CHANGE:
        company = Company.get_by_id(registration.company_id)
        return render("backoffice/change.html", company=company, rows=identity_changes.rows(registration),
                      current_proof=identity_changes.current_proof(company),
                      requester=Person.get_or_none(Person.id == registration.answers.get("requested_by")),
                      country_name=country_name, **extra)
    if registration.kind == Registration.BELGIAN:
        return render("backoffice/belgian.html", answers=registration.answers,
                      enterprise=bce.find(registration.bce_number, current_language()),
                      person=Person.get_by_id(registration.person_id),
                      company=Company.get_or_none(Company.bce_number == registration.bce_number),
                      roles=belgian_registrations.ROLES, format_niss=format_niss, format_bce=format_bce,
                      languages=EXCHANGE_LANGUAGES, **extra)
    matches = validation.representative_matches(registration.representatives)
    enterprise = bce.find(registration.bce_number, current_language()) if registration.bce_number else None
    return render("backoffice/registration.html", answers=registration.answers, matches=matches,
                  country_name=country_name, format_niss=format_niss,
                  bce=format_bce(registration.bce_number) if registration.bce_number else "", enterprise=enterprise,
                  languages=EXCHANGE_LANGUAGES, sexes=SEXES,
                  summary_key=_summary_key(registration, enterprise, matches), **extra)


def _summary_key(registration, enterprise, matches):
    """Everything the request's summary sections (identification, company, units, representatives) show,
    for the fragment cache that keeps them rendered (issue 31): what the company sent (the stored JSON), the
    VIES answer, the BCE's warning and the people the portal knows by the representatives' NISS."""
    return (registration.id, registration.data, registration.country,
            registration.bce_number, registration.vat_number, registration.vat_status, registration.vies_checked_at,
            registration.vies_name, registration.vies_address, registration.proof_filename,
            enterprise.situation_warning if enterprise else None,
            tuple((match, known.first_name, known.last_name, known.birth_date) if known else (match,)
                  for match, known in matches))


@bp.get("/<lang:lang>/staff/registrations/<int:registration_id>")
@role_required(REVIEWER)
def registration_page(registration_id):
    return _detail(registration_id)


@bp.get("/<lang:lang>/staff/registrations/<int:registration_id>/proof.pdf")
@role_required(REVIEWER)
def proof(registration_id):
    registration = _registration(registration_id, with_proof=True)
    if registration.proof_pdf is None:
        abort(404)
    return inline_pdf(registration.proof_pdf)


@bp.post("/<lang:lang>/staff/registrations/<int:registration_id>/decision")
@role_required(REVIEWER)
def decide(registration_id):
    registration = _registration(registration_id)
    action = request.form.get("action")
    reason = request.form.get("reason", "").strip()[:MAX_REASON]
    base_url = current_app.config["BASE_URL"]
    try:
        if action == "validate":
            review.validate(registration, current_user.staff, base_url)
        elif action == "refuse" or (action == "request_information" and registration.kind == Registration.REGISTRATION):
            if not reason or not form_text.multi_line_ok(reason):
                message = (form_text.MULTI_LINE_MESSAGE if reason else
                           _l("Give the reason for the refusal: the company receives it by e-mail.")
                           if action == "refuse" else
                           _l("Write what the company must add or correct: it receives it by e-mail."))
                return _detail(registration.id, status=422, errors={f"reason-{action}": message},
                               typed={action: reason})
            if action == "refuse":
                review.refuse(registration, current_user.staff, reason)
            else:
                link = base_url.rstrip("/") + url_for("wizard.resume", token=registration.token,
                                                      lang=registration.company_answers["language"])
                review.request_information(registration, current_user.staff, reason, link)
        else:
            abort(400)
    except review.AlreadyDecided as decided:
        return _detail(decided.registration.id, status=409, conflict=True)
    except validation.IdentityConflict:
        return _detail(registration.id, status=409, identity_conflict=True)
    except identity_changes.NumberTaken:
        return _detail(registration.id, status=409, number_taken=True)
    except belgian_registrations.NotInBce:
        return _detail(registration.id, status=409, not_in_bce=True)
    except belgian_registrations.AlreadyAnswered:
        return _detail(registration.id, status=409, already_answered=True)
    return redirect(url_for("backoffice.registration_page", registration_id=registration.id, done=action), 303)


# Registered companies -----------------------------------------------------------------

@bp.get("/<lang:lang>/staff/companies")
@role_required(REVIEWER, INSPECTOR)
def companies_page():
    query = request.args.get("q", "").strip()[:200]
    return render("backoffice/companies.html", query=query, companies=companies.find_companies(query),
                  country_name=country_name, format_bce=format_bce)


@bp.get("/<lang:lang>/staff/companies/<int:company_id>")
@role_required(REVIEWER, INSPECTOR)
def company_page(company_id):
    return companies.page(_company(company_id))


def _company(company_id):
    return Company.get_or_none(Company.id == company_id) or abort(404)


# The company's two trails, each on its own pages (issue 31), guarded as the company's page.
@bp.get("/<lang:lang>/staff/companies/<int:company_id>/history")
@role_required(REVIEWER, INSPECTOR)
def company_history(company_id):
    company = _company(company_id)
    return history_response(lambda limit: company_records.history(company, limit), "company",
                            company_records.EVENT_LABELS, title=_l("History"), subject=company.name,
                            back=(url_for("backoffice.company_page", company_id=company.id), company.name), staff_side=True)


@bp.get("/<lang:lang>/staff/companies/<int:company_id>/activities/history")
@role_required(REVIEWER, INSPECTOR)
def company_activities_history(company_id):
    company = _company(company_id)
    return history_response(lambda limit: notified_activities.history(company, limit), "activity",
                            notified_activities.EVENT_LABELS, title=_l("History of the activities"),
                            subject=company.name,
                            back=(url_for("backoffice.company_page", company_id=company.id), company.name),
                            staff_side=True)


# People and their accounts ------------------------------------------------------------

@bp.get("/<lang:lang>/staff/people")
@role_required(ACCOUNT_SUPPORT)
def people():
    query = request.args.get("q", "").strip()[:254]
    return render("backoffice/people.html", query=query, people=accounts.find_people(query),
                  format_niss=format_niss)


def _person(person_id):
    person = Person.get_or_none(Person.id == person_id)
    if person is None:
        abort(404)
    return person, Account.get_or_none(Account.person == person)


@bp.get("/<lang:lang>/staff/people/<int:person_id>")
@role_required(ACCOUNT_SUPPORT)
def person_page(person_id, status=200, **extra):
    person, account = _person(person_id)
    return render("backoffice/person.html", status=status, person=person, account=account,
                  waiting=four_eyes.waiting(Approval.NEW_DEVICE, account.id) if account else None,
                  events=accounts.history(account, HISTORY_SHOWN + 1) if account else [], actions=accounts.ACTIONS,
                  history_shown=HISTORY_SHOWN,
                  format_niss=format_niss, remaining_codes=account.recovery_codes_left() if account else 0,
                  alive=len(sessions.active_for(person)),
                  done=request.args.get("done"), enrolment_code=sessions.take_kept(), **extra)


@bp.get("/<lang:lang>/staff/people/<int:person_id>/history")
@role_required(ACCOUNT_SUPPORT)
def person_history(person_id):
    """The account's whole trail, behind the person's page (issue 31)."""
    person, account = _person(person_id)
    if account is None:
        abort(404)
    name = f"{person.first_name} {person.last_name}"
    return history_response(lambda limit: accounts.history(account, limit), "audit", accounts.ACTIONS,
                            title=_l("History"), subject=name,
                            back=(url_for("backoffice.person_page", person_id=person.id), name), staff_side=True)


@bp.post("/<lang:lang>/staff/people/<int:person_id>/end-sessions")
@role_required(ACCOUNT_SUPPORT)
def end_person_sessions(person_id):
    """ASVS 7.4.5: support ends every session of a person (a stolen laptop, a call from the company)."""
    person, account = _person(person_id)
    account_devices.end_sessions(person, account, current_user.staff)
    return redirect(url_for("backoffice.person_page", person_id=person_id, done="sessions"), 303)


@bp.post("/<lang:lang>/staff/people/<int:person_id>/new-device")
@role_required(ACCOUNT_SUPPORT)
def allow_new_device(person_id):
    person, account = _person(person_id)
    if account is None:
        abort(404)
    reason = request.form.get("reason", "").strip()[:MAX_REASON]
    if not reason or not form_text.multi_line_ok(reason):
        return person_page(person_id, status=422, typed_reason=reason, errors={"reason": form_text.MULTI_LINE_MESSAGE
                           if reason else _l("Write how you checked who the person is (for example: identity "
                                             "card seen in a video call).")})
    try:  # takes effect when a second member of account support approves it (approvals.four_eyes)
        four_eyes.ask(Approval.NEW_DEVICE, account.id, current_user.staff, reason)
    except four_eyes.AlreadyWaiting:
        return person_page(person_id, status=409, typed_reason=reason, errors={"reason": _l(
            "A new device for this person already waits for approval.")})
    return redirect(url_for("backoffice.person_page", person_id=person_id, done="asked"), 303)
