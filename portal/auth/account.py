"""“Mon compte”, for company users (/portal/account) and the agency's staff (/staff/account): password,
authenticator, recovery codes, passkeys, sessions, language.

Changing a way in (the password, the authenticator, the recovery codes) asks for the password and a
code again (ASVS 7.5.1), and so does adding a passkey; removing one, and ending sessions, ask for the password
(7.5.2). Every code and password typed
here counts toward the account's lockout like a login. The authenticator being linked and new recovery
codes live in the session's row, never in the cookie. A Belgian logged in by eID or itsme has no
password here: they end their sessions without one (ending a session never opens anything).
"""
import functools

from flask import Response, abort, current_app, redirect, request, url_for
from flask_login import current_user

from portal import clock
from portal.access_control import login_required, staff_required
from portal.auth import bp
from portal.logins import credentials, password_policy, totp
from portal.people import accounts, passkeys, sessions
from portal.people import recovery_codes as recovery
from portal.people.models import LoginSession
from portal.text import form_text
from portal.text.languages import LANGUAGE_NAMES
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail
from portal.web.rendering import render

OTHERS = "others"


def _endpoint(name):
    """The endpoint of one of these pages for whoever is asking: the staff's or the portal's."""
    return f"auth.staff_{name}" if current_user.is_staff else f"auth.{name}"


def _owner():
    return current_user.staff if current_user.is_staff else current_user.person


def _scratch(**fields):
    accounts.note_on_session(sessions.current(), **fields)


def _page(status=200, **context):
    context.setdefault("errors", {})
    login = sessions.current()
    new_codes = sessions.take_kept()  # shown once
    if current_user.account:
        alive, remaining = sessions.active_with_codes_left(current_user.account)
    else:  # logged in by eID: no recovery codes
        alive, remaining = sessions.active_for(current_user.person), 0
    keys = passkeys.of(current_user.account) if current_user.account else []
    return render("auth/account.html", status=status, sessions_list=alive, endpoint=_endpoint, passkeys_list=keys,
                  current_session=login, languages=LANGUAGE_NAMES, remaining_codes=remaining,
                  new_codes=new_codes, new_secret=context.pop("new_secret", login.enrolling_secret), **context)


def _done(what):
    return redirect(url_for(_endpoint("account"), done=what), 303)


def account():
    return _page(done=request.args.get("done"))


def password_account_required(view):
    """Pages about a password and an authenticator: not for eID/itsme logins."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.account is None:
            return redirect(url_for(_endpoint("account")), 303)
        return view(*args, **kwargs)
    return wrapper


def _proved_again(password_field="current", code_field="code", accept=(credentials.TOTP, credentials.RECOVERY)):
    """The password and a code typed again (ASVS 7.5.1): {} when both are right, else the errors by field.
    The code is checked (and spent) only after the right password."""
    if not credentials.password_ok(current_user.account, request.form.get(password_field, "")[:256]):
        return {password_field: _l("Your current password is not right.")}
    check = credentials.code_ok(current_user.account, request.form.get(code_field, ""), accept=accept)
    return {} if check.accepted else {code_field: check.error}


def change_password():
    new = request.form.get("password", "")
    errors = password_policy.form_errors(new, request.form.get("password_confirm", ""),
                                         current_user.account.personal_words())
    if not errors:  # the password and the code are checked (and a code spent) once the new one is acceptable
        errors = _proved_again()
    if errors:
        return _page(status=422, errors=errors)
    accounts.change_password(current_user.account, new, keep=sessions.current())
    mail.send_after_commit()
    return _done("password")


def replace_authenticator():
    """Two steps: the password and a code of the current app (or a recovery code) prove who is asking,
    then the new phone is linked with a code of its own."""
    secret = sessions.current().enrolling_secret
    if request.form.get("step") == "confirm" and secret:
        result = totp.check(secret, request.form.get("new_code", ""), clock.now())
        if not result.accepted:
            return _page(status=422, errors={"new_code": _l(
                "This code does not match. Check that you scanned the QR code shown here, then type the code "
                "your app shows now.")})
        accounts.replace_authenticator(current_user.account, secret, result.counter,
                                       keep=sessions.current(), end_others=request.form.get("end_others") == "yes")
        mail.send_after_commit()
        return _done("authenticator")
    errors = _proved_again(password_field="authenticator_password")
    if errors:
        return _page(status=422, new_secret=None, errors=errors)
    _scratch(enrolling_secret=totp.new_secret())
    return _page()


def new_authenticator_qr():
    secret = sessions.current().enrolling_secret
    if not secret:
        return Response(status=404)
    return totp.qr_response(secret, current_user.account.label if current_user.account else "")


def new_recovery_codes():
    errors = _proved_again(password_field="codes_password", code_field="recovery_code", accept=(credentials.TOTP,))
    if errors:
        return _page(status=422, errors=errors)
    sessions.keep_for_next_page(recovery.new_codes(current_user.account))
    if request.form.get("end_others") == "yes":  # offered, ticked by default: a stolen session cannot outlive them
        sessions.end_others(current_user.account, keep=sessions.current())
    return _done("codes")


def _passkey_options():
    """New registration options, their challenge kept on the session's row (proof, for CHALLENGE_FOR, that
    the password and a code were typed again)."""
    options_json, challenge = passkeys.registration_options(current_user.account, current_app.config["BASE_URL"])
    passkeys.keep_challenge(LoginSession, sessions.current().id, challenge)
    return options_json


def add_passkey():
    """Two steps: the password and a code again prove who is asking (7.5.1); then the browser makes the passkey
    with the options of that moment and the person names it. A name to correct keeps the proof; a passkey
    refused asks for the password and a code again."""
    login = sessions.current()
    if request.form.get("step") != "create":
        errors = _proved_again(password_field="passkey_password", code_field="passkey_code")
        if errors:
            return _page(status=422, errors=errors)
        return _page(passkey_options=_passkey_options())
    name = request.form.get("name", "").strip()[:200]
    error = passkeys.name_error(name)
    if error:  # new options in place of the first, within the first's time: the proof does not last longer
        options_json, challenge = passkeys.registration_options(current_user.account, current_app.config["BASE_URL"])
        if passkeys.replace_challenge(LoginSession, login.id, challenge):
            return _page(status=422, errors={"passkey_name": error}, passkey_name=name, passkey_options=options_json)
    challenge = passkeys.take_challenge(LoginSession, login.id)
    if challenge is None:
        return _page(status=422, errors={"passkey_password": passkeys.TOO_LATE})
    try:
        passkeys.add(current_user.account, request.form.get("credential", "")[:passkeys.MAX_RESPONSE + 1],
                     challenge, current_app.config["BASE_URL"], name)
    except passkeys.Refused as refused:
        return _page(status=422, errors={"passkey_password": refused.message})
    mail.send_after_commit()
    return _done("passkey")


def remove_passkey():
    """One of the person's own passkeys, after the password and a code (7.5.1: a change of the second
    factors); another's is not found. Ending the other sessions is offered, ticked (7.4.3): a key removed
    because it was stolen must not leave the thief's session open."""
    errors = _proved_again(password_field="passkeys_password", code_field="passkeys_code")
    if errors:
        return _page(status=422, errors=errors)
    if not passkeys.remove(current_user.account, form_text.row_id(request.form.get("passkey", ""))):
        abort(404)
    if request.form.get("end_others") == "yes":
        sessions.end_others(current_user.account, keep=sessions.current())
    mail.send_after_commit()
    return _done("passkey_removed")


def end_sessions():
    """End one other session, or every other one, after the password (a person logged in by eID has none
    here)."""
    if current_user.account is not None and not credentials.password_ok(
            current_user.account, request.form.get("sessions_password", "")[:256]):
        return _page(status=422, errors={"sessions_password": _l("Your current password is not right.")})
    chosen = request.form.get("session", "")
    if chosen == OTHERS:
        sessions.end_others(_owner(), keep=sessions.current())
        return _done("sessions")
    session_id = form_text.row_id(chosen)
    if session_id < 0:
        abort(404)
    if not sessions.end_one(_owner(), session_id) and not sessions.is_theirs(_owner(), session_id):
        abort(404)  # not one of theirs; one of theirs ended already (a second click) is done all the same
    return _done("session")


def language():
    choice = request.form.get("language", "")
    if choice not in LANGUAGE_NAMES:
        return _page(status=422, errors={"language": _l("Choose French, Dutch or English.")})
    accounts.choose_language(_owner(), choice)
    return _done("language")


# The same pages at two addresses: the portal's, after a company user's login, and the back office's,
# after a staff member's (any role: every staff member has an account to look after).
for path, view, methods, guards in (
        ("", account, ["GET"], ()),
        ("/password", change_password, ["POST"], (password_account_required,)),
        ("/authenticator", replace_authenticator, ["POST"], (password_account_required,)),
        ("/authenticator.svg", new_authenticator_qr, ["GET"], ()),
        ("/recovery-codes", new_recovery_codes, ["POST"], (password_account_required,)),
        ("/passkeys", add_passkey, ["POST"], (password_account_required,)),
        ("/passkeys/remove", remove_passkey, ["POST"], (password_account_required,)),
        ("/sessions/end", end_sessions, ["POST"], ()),
        ("/language", language, ["POST"], ())):
    guarded = view
    for guard in guards:
        guarded = guard(guarded)
    bp.add_url_rule(f"/<lang:lang>/portal/account{path}", view.__name__, login_required(guarded), methods=methods)
    bp.add_url_rule(f"/<lang:lang>/staff/account{path}", f"staff_{view.__name__}", staff_required(guarded),
                    methods=methods)
