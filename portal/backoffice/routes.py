"""The back office's pages. Every one but the login needs a staff session."""
import functools
import json

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from .. import clock, mail, sessions
from ..auth import flow, lockout
from ..auth.routes import continue_login
from ..countries import all_countries, country_name
from ..db import database
from ..identifiers import format_bce, format_niss
from ..models import Registration, RegistrationEvent, StaffMember
from ..passwords import burn_time, verify_password
from ..rendering import render
from ..wizard.proof import inline_pdf
from ..wizard.steps import LANGUAGES, SEXES
from . import bp, review

MAX_REASON = 2000
QUEUE_PAGE = 50


def staff_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        login = sessions.current()
        if login is None or login.staff_id is None or not login.staff.active:
            return redirect(url_for("backoffice.login", next=request.full_path.rstrip("?")), 303)
        g.staff = login.staff
        return view(*args, **kwargs)
    return wrapper


@bp.route("/<lang:lang>/staff/login", methods=["GET", "POST"])
def login():
    """E-mail and password; then the same steps as everyone (code, required actions)."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render("backoffice/login.html", email="", error=None, next_url=next_url)
    email = request.form.get("email", "").strip().lower()[:254]
    password = request.form.get("password", "")[:256]
    now = clock.utc()
    if lockout.throttled(request.remote_addr, now):
        return render("backoffice/login.html", status=429, email=email, next_url=next_url,
                      error=_l("Too many attempts from your connection. Wait a minute and try again."))
    staff = StaffMember.get_or_none(StaffMember.email == email)
    account = staff.account if staff is not None and staff.active else None
    if account is None:
        burn_time(password)
    elif (lockout.is_locked(account, now) or account.blocked
          or not verify_password(account.password_hash, password)):
        with database.atomic():
            if not lockout.is_locked(account, now):
                lockout.record_failure(account, now)
        mail.send_after_commit()
        account = None
    if account is None:
        return render("backoffice/login.html", status=422, email=email, next_url=next_url,
                      error=_l("The e-mail address or the password is wrong."))
    flow.begin(account, next_url)
    return continue_login(*flow.pending())


@bp.post("/<lang:lang>/staff/logout")
def logout():
    sessions.end()
    return redirect(url_for("public.home"), 303)


@bp.get("/<lang:lang>/staff/registrations")
@staff_required
def queue_page():
    status = request.args.get("status", "submitted")
    if status not in review.STATUSES and status != "all":
        status = "submitted"
    country = request.args.get("country", "").upper()[:2]
    unverified = request.args.get("unverified") == "1"
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    query = review.queue(status, country, unverified)
    total = query.count()
    rows = list(query.paginate(page, QUEUE_PAGE))
    filters = {"status": status, "country": country, "unverified": "1" if unverified else ""}
    return render("backoffice/queue.html", block="results", rows=rows, current_status=status, country=country,
                  total=total, page=page, has_next=page * QUEUE_PAGE < total, filters=filters,
                  unverified=unverified, counts=review.counts(), statuses=review.STATUSES,
                  countries=all_countries(), country_name=country_name, load=json.loads)


def _registration(registration_id, with_proof=False):
    query = Registration.select() if with_proof else Registration.without_proof()
    registration = query.where(Registration.id == registration_id).first()
    if registration is None or registration.status == "draft":
        abort(404)
    return registration


def _detail(registration, status=200, **extra):
    found, companies = review.look_alikes(registration)
    events = (RegistrationEvent.select().where(RegistrationEvent.registration == registration)
              .order_by(RegistrationEvent.created_at, RegistrationEvent.id))
    return render("backoffice/registration.html", status=status, registration=registration,
                  data=json.loads(registration.data), events=list(events), look_alikes=found,
                  companies=companies, statuses=review.STATUSES, actions=review.ACTIONS,
                  reasons=review.LOOK_ALIKE_REASONS,
                  country_name=country_name, format_niss=format_niss,
                  bce=format_bce(registration.bce_number) if registration.bce_number else "",
                  languages=LANGUAGES, sexes=SEXES, **extra)


@bp.get("/<lang:lang>/staff/registrations/<int:registration_id>")
@staff_required
def registration_page(registration_id):
    return _detail(_registration(registration_id))


@bp.get("/<lang:lang>/staff/registrations/<int:registration_id>/proof.pdf")
@staff_required
def proof(registration_id):
    registration = _registration(registration_id, with_proof=True)
    if registration.proof_pdf is None:
        abort(404)
    return inline_pdf(registration.proof_pdf)


@bp.post("/<lang:lang>/staff/registrations/<int:registration_id>/decision")
@staff_required
def decide(registration_id):
    registration = _registration(registration_id)
    action = request.form.get("action")
    reason = request.form.get("reason", "").strip()[:MAX_REASON]
    base_url = current_app.config["BASE_URL"]
    try:
        if action == "validate":
            review.validate(registration, g.staff, base_url)
        elif action in ("refuse", "request_information"):
            if not reason:
                message = (_l("Give the reason for the refusal: the company receives it by e-mail.")
                           if action == "refuse" else
                           _l("Write what the company must add or correct: it receives it by e-mail."))
                return _detail(registration, status=422, errors={f"reason-{action}": message},
                               typed={action: reason})
            if action == "refuse":
                review.refuse(registration, g.staff, reason)
            else:
                link = base_url.rstrip("/") + url_for("wizard.resume", token=registration.token,
                                                      lang=json.loads(registration.data)["company"]["language"])
                review.request_information(registration, g.staff, reason, link)
        else:
            abort(400)
    except review.AlreadyDecided as decided:
        return _detail(decided.registration, status=409, conflict=True)
    return redirect(url_for("backoffice.registration_page", registration_id=registration.id, done=action), 303)
