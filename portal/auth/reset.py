"""“Forgot password” (guide FAQ 5 and 8).

The answer is the same whether an account has the address or not. The link
is single-use, valid PORTAL_RESET_LINK_MINUTES (5) minutes, and a newer link
voids the older ones. Following it: a new password, then either the current
code of the authenticator (which is kept) or, for a lost phone, a new
authenticator linked with a new QR code; the old one is dropped, never kept
beside the new one, and the person and the other legal representatives of
their companies are told by e-mail.
"""
import datetime
import hashlib
import secrets

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l

from .. import clock, mail, sessions
from ..db import database
from ..languages import current_language
from ..models import Account, LegalRepresentative, PasswordReset, Person
from ..passwords import hash_password
from ..rendering import render
from . import bp, flow, lockout, password_policy, totp
from .routes import continue_login


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(account, language):
    """Void the account's older links and e-mail a new one (inside a transaction)."""
    token = secrets.token_urlsafe(32)
    PasswordReset.update(voided=True).where((PasswordReset.account == account) & PasswordReset.used_at.is_null()).execute()
    PasswordReset.create(account=account, token_hash=_hash(token), created_at=clock.utc())
    link = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.reset", token=token, lang=language)
    mail.queue(account.email, "password_reset", account.language, _l("Choose a new password for the FAMHP portal"),
               name=account.display_name, link=link, minutes=current_app.config["RESET_LINK_MINUTES"])


def find(token):
    """(reset, usable) for a link's token; reset is None when unknown."""
    reset = PasswordReset.get_or_none(PasswordReset.token_hash == _hash(token))
    if reset is None:
        return None, False
    age = clock.utc() - reset.created_at
    fresh = age <= datetime.timedelta(minutes=current_app.config["RESET_LINK_MINUTES"])
    return reset, fresh and reset.used_at is None and not reset.voided


def _notify_authenticator_replaced(person):
    companies = [link.company for link in LegalRepresentative.select().where(LegalRepresentative.person == person)]
    others = {link.person for link in LegalRepresentative.select().where(
        LegalRepresentative.company.in_([c.id for c in companies]) & (LegalRepresentative.person != person))}
    mail.queue(person.email, "authenticator_replaced", person.language,
               _l("The authenticator of your FAMHP portal account was replaced"), person=person)
    for other in others:
        mail.queue(other.email, "colleague_authenticator_replaced", other.language,
                   _l("The authenticator of a colleague's FAMHP portal account was replaced"),
                   person=other, colleague=person)


@bp.route("/<lang:lang>/login/forgot", methods=["GET", "POST"])
def forgot():
    if request.method == "GET":
        return render("auth/forgot.html", sent=False, email="")
    email = request.form.get("email", "").strip().lower()[:254]
    now = clock.utc()
    if lockout.throttled(request.remote_addr, now):
        return render("auth/forgot.html", status=429, sent=False, email=email,
                      error=_l("Too many attempts from your connection. Wait a minute and try again."))
    with database.atomic():
        accounts = Account.select().join(Person).where(Person.email == email) if email else []
        for account in accounts:
            send_link(account, current_language())
    mail.send_after_commit()
    return render("auth/forgot.html", sent=True, email=email)


@bp.route("/<lang:lang>/login/reset/<token>", methods=["GET", "POST"])
def reset(token):
    found, usable = find(token)
    if not usable:
        return render("auth/reset_expired.html", status=410, token=token, known=found is not None)
    account = found.account
    if request.method == "GET":
        return render("auth/reset.html", errors={}, token=token, has_authenticator=bool(account.totp_secret))
    new, confirm = request.form.get("password", ""), request.form.get("password_confirm", "")
    keep = request.form.get("authenticator") == "keep"
    person = account.person
    errors = {}
    problem = password_policy.problems(new, account.personal_words())
    if problem:
        errors["password"] = problem
    elif new != confirm:
        errors["password_confirm"] = _l("The two passwords are not the same.")
    result = None
    if account.totp_secret and request.form.get("authenticator") not in ("keep", "lost"):
        errors["authenticator"] = _l("Say whether you still have your authenticator app.")
    elif account.totp_secret and keep:
        result = totp.check(account.totp_secret, request.form.get("code", ""), clock.now(), account.totp_last_counter)
        if not result.accepted:
            errors["code"] = _l("This code is not valid. Try again with the next code.")
    if errors:
        return render("auth/reset.html", status=422, errors=errors, token=token,
                      has_authenticator=bool(account.totp_secret), typed_choice=request.form.get("authenticator"))
    with database.atomic():
        used = (PasswordReset.update(used_at=clock.utc())
                .where((PasswordReset.id == found.id) & PasswordReset.used_at.is_null()).execute())
        if used != 1:
            return render("auth/reset_expired.html", status=410, token=token, known=True)
        fields = {"password_hash": hash_password(new), "must_change_password": False,
                  "failed_attempts": 0, "locked_until": None, "lockouts": 0}
        if result is not None:
            fields["totp_last_counter"] = result.counter
        elif account.totp_secret:
            fields.update(totp_secret=None, totp_last_counter=None)  # lost phone: link a new one now
            if person is not None:
                _notify_authenticator_replaced(person)
        Account.update(**fields).where(Account.id == account.id).execute()
        sessions.end_others(account)
    mail.send_after_commit()
    account = Account.get_by_id(account.id)
    flow.begin(account)
    flow.update(code_ok=result is not None)
    return continue_login(*flow.pending())


@bp.post("/<lang:lang>/login/reset/<token>/again")
def reset_again(token):
    """One click on an expired or used link sends a fresh one to the same account."""
    found, _ = find(token)
    if found is not None:
        with database.atomic():
            send_link(found.account, current_language())
        mail.send_after_commit()
    return render("auth/forgot.html", sent=True, email="")
