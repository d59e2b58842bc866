"""“Mon compte”: password, authenticator, recovery codes, sessions, language."""
import functools

from flask import Response, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from .. import clock, mail, sessions
from ..db import database
from ..models import Account, Person
from ..passwords import hash_password, verify_password
from ..rendering import render
from . import bp, password_policy, recovery, totp
from .routes import login_required

NEW_SECRET = "account_new_secret"
NEW_CODES = "account_new_codes"
LANGUAGES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def _page(status=200, **context):
    context.setdefault("errors", {})
    return render("auth/account.html", status=status, sessions_list=sessions.active_for(g.person),
                  current_session=sessions.current(), languages=LANGUAGES,
                  remaining_codes=recovery.remaining(g.account) if g.account else 0,
                  new_codes=session.pop(NEW_CODES, None),
                  **context)


def _code_ok(typed):
    result = totp.check(g.account.totp_secret, typed, clock.now(), g.account.totp_last_counter)
    if result.accepted:
        Account.update(totp_last_counter=result.counter).where(Account.id == g.account.id).execute()
    return result.accepted


@bp.get("/<lang:lang>/portal/account")
@login_required
def account():
    return _page(done=request.args.get("done"))


def password_account_required(view):
    """Pages about a password and an authenticator: not for eID/itsme logins."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.account is None:
            return redirect(url_for("auth.account"), 303)
        return view(*args, **kwargs)
    return wrapper


@bp.post("/<lang:lang>/portal/account/password")
@login_required
@password_account_required
def change_password():
    current, new, confirm = (request.form.get(k, "") for k in ("current", "password", "password_confirm"))
    errors = {}
    if not verify_password(g.account.password_hash, current):
        errors["current"] = _l("Your current password is not right.")
    else:
        problem = password_policy.problems(new, g.account.personal_words())
        if problem:
            errors["password"] = problem
        elif new != confirm:
            errors["password_confirm"] = _l("The two passwords are not the same.")
    if errors:
        return _page(status=422, errors=errors)
    Account.update(password_hash=hash_password(new), must_change_password=False).where(Account.id == g.account.id).execute()
    sessions.end_others(g.account, keep=sessions.current())
    return redirect(url_for("auth.account", done="password"), 303)


@bp.post("/<lang:lang>/portal/account/authenticator")
@login_required
@password_account_required
def replace_authenticator():
    """Two steps: the current code proves the old phone, then the new one is linked."""
    if request.form.get("step") == "confirm" and session.get(NEW_SECRET):
        secret = session[NEW_SECRET]
        result = totp.check(secret, request.form.get("code", ""), clock.now())
        if not result.accepted:
            return _page(status=422, new_secret=secret,
                         errors={"new_code": _l("This code does not match. Check that you scanned the QR code "
                                                "shown here, then type the code your app shows now.")})
        with database.atomic():
            Account.update(totp_secret=secret, totp_last_counter=result.counter).where(
                Account.id == g.account.id).execute()
            sessions.end_others(g.account, keep=sessions.current())
            mail.queue(g.person.email, "authenticator_replaced", g.person.language,
                       _l("The authenticator of your FAMHP portal account was replaced"), person=g.person)
        session.pop(NEW_SECRET, None)
        mail.send_after_commit()
        return redirect(url_for("auth.account", done="authenticator"), 303)
    if not _code_ok(request.form.get("code", "")):
        return _page(status=422, errors={"code": _l("This code is not valid. Try again with the next code.")})
    session[NEW_SECRET] = totp.new_secret()
    return _page(new_secret=session[NEW_SECRET])


@bp.get("/<lang:lang>/portal/account/authenticator.svg")
@login_required
def new_authenticator_qr():
    secret = session.get(NEW_SECRET)
    if not secret:
        return Response(status=404)
    response = Response(totp.qr_svg(totp.provisioning_uri(secret, g.person.niss)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<lang:lang>/portal/account/recovery-codes")
@login_required
@password_account_required
def new_recovery_codes():
    if not _code_ok(request.form.get("recovery_code", "")):
        return _page(status=422, errors={"recovery_code": _l("This code is not valid. Try again with the next code.")})
    session[NEW_CODES] = recovery.new_codes(g.account)
    return redirect(url_for("auth.account", done="codes"), 303)


@bp.post("/<lang:lang>/portal/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id):
    sessions.end_one(g.person, session_id)
    return redirect(url_for("auth.account", done="session"), 303)


@bp.post("/<lang:lang>/portal/account/language")
@login_required
def language():
    choice = request.form.get("language", "")
    if choice not in LANGUAGES:
        return _page(status=422, errors={"language": _l("Choose French, Dutch or English.")})
    Person.update(language=choice).where(Person.id == g.person.id).execute()
    return redirect(url_for("auth.account", done="language"), 303)
