"""“Mon compte”: password, authenticator, recovery codes, sessions, language.

Every code and password typed here counts toward the account's lockout like
a login. The authenticator being linked and new recovery codes live in the
session's row, never in the cookie.
"""
import functools

from flask import Response, abort, redirect, request, url_for
from flask_login import current_user

from portal import clock
from portal.access_control import login_required
from portal.auth import bp
from portal.logins import credentials, password_policy, totp
from portal.people import accounts, sessions
from portal.people import recovery_codes as recovery
from portal.text.languages import LANGUAGE_NAMES
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail
from portal.web.rendering import render


def _scratch(**fields):
    accounts.note_on_session(sessions.current(), **fields)


def _page(status=200, **context):
    context.setdefault("errors", {})
    login = sessions.current()
    new_codes = sessions.take_kept()  # shown once
    if current_user.account:
        alive, remaining = sessions.active_with_codes_left(current_user.person, current_user.account)
    else:  # logged in by eID: no recovery codes
        alive, remaining = sessions.active_for(current_user.person), 0
    return render("auth/account.html", status=status, sessions_list=alive,
                  current_session=login, languages=LANGUAGE_NAMES, remaining_codes=remaining,
                  new_codes=new_codes, new_secret=context.pop("new_secret", login.enrolling_secret), **context)


@bp.get("/<lang:lang>/portal/account")
@login_required
def account():
    return _page(done=request.args.get("done"))


def password_account_required(view):
    """Pages about a password and an authenticator: not for eID/itsme logins."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.account is None:
            return redirect(url_for("auth.account"), 303)
        return view(*args, **kwargs)
    return wrapper


@bp.post("/<lang:lang>/portal/account/password")
@login_required
@password_account_required
def change_password():
    new = request.form.get("password", "")
    if not credentials.password_ok(current_user.account, request.form.get("current", "")[:256]):
        errors = {"current": _l("Your current password is not right.")}
    else:
        errors = password_policy.form_errors(new, request.form.get("password_confirm", ""),
                                             current_user.account.personal_words())
    if errors:
        return _page(status=422, errors=errors)
    accounts.change_password(current_user.account, current_user.person, new, keep=sessions.current())
    mail.send_after_commit()
    return redirect(url_for("auth.account", done="password"), 303)


@bp.post("/<lang:lang>/portal/account/authenticator")
@login_required
@password_account_required
def replace_authenticator():
    """Two steps: a code of the current app (or a recovery code) proves the
    old phone, then the new one is linked with a code of its own."""
    secret = sessions.current().enrolling_secret
    if request.form.get("step") == "confirm" and secret:
        result = totp.check(secret, request.form.get("new_code", ""), clock.now())
        if not result.accepted:
            return _page(status=422, errors={"new_code": _l(
                "This code does not match. Check that you scanned the QR code shown here, then type the code "
                "your app shows now.")})
        accounts.replace_authenticator(current_user.account, current_user.person, secret, result.counter,
                                       keep=sessions.current())
        mail.send_after_commit()
        return redirect(url_for("auth.account", done="authenticator"), 303)
    check = credentials.code_ok(current_user.account, request.form.get("code", ""))
    if not check.accepted:
        return _page(status=422, new_secret=None, errors={"code": check.error})
    _scratch(enrolling_secret=totp.new_secret())
    return _page()


@bp.get("/<lang:lang>/portal/account/authenticator.svg")
@login_required
def new_authenticator_qr():
    secret = sessions.current().enrolling_secret
    if not secret:
        return Response(status=404)
    return totp.qr_response(secret, current_user.person.niss)


@bp.post("/<lang:lang>/portal/account/recovery-codes")
@login_required
@password_account_required
def new_recovery_codes():
    check = credentials.code_ok(current_user.account, request.form.get("recovery_code", ""), accept=(credentials.TOTP,))
    if not check.accepted:
        return _page(status=422, errors={"recovery_code": check.error})
    sessions.keep_for_next_page(recovery.new_codes(current_user.account))
    sessions.end_others(current_user.account, keep=sessions.current())  # a stolen session cannot outlive them
    return redirect(url_for("auth.account", done="codes"), 303)


@bp.post("/<lang:lang>/portal/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id):
    if not sessions.end_one(current_user.person, session_id) and not sessions.is_theirs(current_user.person,
                                                                                        session_id):
        abort(404)  # not one of theirs; one of theirs ended already (a second click) is done all the same
    return redirect(url_for("auth.account", done="session"), 303)


@bp.post("/<lang:lang>/portal/account/language")
@login_required
def language():
    choice = request.form.get("language", "")
    if choice not in LANGUAGE_NAMES:
        return _page(status=422, errors={"language": _l("Choose French, Dutch or English.")})
    accounts.choose_language(current_user.person, choice)
    return redirect(url_for("auth.account", done="language"), 303)
