"""Logging in with a passkey (people.passkeys): as the second step after the password, offered before the
code of the app; as the whole login ("Se connecter avec une clé d'accès"), from the password pages; and the
passkey a staff member adds at login when an administrator requires one.

The options come from a POST that keeps the challenge on the login's row (the browser's script asks for them,
with the CSRF header); the browser's answer comes back in a plain form (`credential`), so a refusal is a page
with its message next to the button and in the error summary, as for a code. Every answer is counted toward
the account's lockout (logins.credentials.passkey_ok); a login with a passkey alone is also counted per address
before the account is known, like the password pages.
"""
from flask import Response, current_app, request

from portal.auth import bp
from portal.auth.login_steps import GENERIC_ERROR, STAFF_GENERIC_ERROR, TOO_MANY, continue_login, pending_or_restart
from portal.logins import credentials, flow
from portal.people import passkeys
from portal.web import mail, rate_limit
from portal.web.rendering import render

STAFF = "staff"


def _base():
    return current_app.config["BASE_URL"]


def _options(options_json):
    response = Response(options_json, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _no_options():
    return Response('{"error": "no login in progress"}', status=409, mimetype="application/json")


def _response():
    return request.form.get("credential", "")[:passkeys.MAX_RESPONSE + 1]


# --- the second step ---

@bp.post("/<lang:lang>/login/passkey/options")
def passkey_options():
    account, _ = flow.pending()
    if account is None or account.blocked or not passkeys.has_any(account):
        return _no_options()
    options_json, challenge = passkeys.authentication_options(account, _base())
    flow.keep_passkey_challenge(challenge)
    return _options(options_json)


@bp.post("/<lang:lang>/login/passkey")
def passkey_step():
    account, state, restart = pending_or_restart()
    if restart:
        return restart
    check = credentials.passkey_ok(account, _response(), flow.take_passkey_challenge(), _base())
    if not check.accepted:
        return render("auth/code.html", status=422, error=None, passkey_error=check.error,
                      has_passkey=passkeys.has_any(account))
    return continue_login(account, flow.update(code_ok=True))


# --- the whole login ---

def _entrance_page(entrance, status, error):
    if entrance == STAFF:
        return render("auth/staff_login.html", status=status, email="", next_url="", error=None, passkey_error=error)
    return render("auth/password.html", status=status, username="", next_url="", error=None, passkey_error=error)


@bp.post("/<lang:lang>/login/passkey-only/options")
def passkey_login_options():
    if rate_limit.exceeded(rate_limit.LOGIN):
        return Response('{"error": "too many"}', status=429, mimetype="application/json")
    flow.begin_without_account(request.form.get("next", "")[:500])
    options_json, challenge = passkeys.authentication_options(None, _base())
    flow.keep_passkey_challenge(challenge, without_account=True)
    return _options(options_json)


@bp.post("/<lang:lang>/login/passkey-only")
def passkey_login():
    """A passkey alone: it names the account (a discoverable credential), proves possession and, with the
    user verified by the authenticator, a second factor. The same refusals as the password's for a blocked
    account or an ended staff member."""
    entrance = STAFF if request.form.get("entrance") == STAFF else "afmps"
    challenge = flow.take_passkey_challenge(without_account=True)
    next_url = flow.pending_next()
    try:
        key, _ = passkeys.find(_response())
    except passkeys.Refused as refused:
        if rate_limit.exceeded(rate_limit.LOGIN):
            return _entrance_page(entrance, 429, TOO_MANY)
        return _entrance_page(entrance, 422, refused.message)
    account = key.account
    if account.staff_id and not account.staff.active:
        return _entrance_page(entrance, 422, STAFF_GENERIC_ERROR if entrance == STAFF else GENERIC_ERROR)
    check = credentials.passkey_ok(account, _response(), challenge, _base())
    mail.send_after_commit()
    if not check.accepted:
        return _entrance_page(entrance, 422, check.error)
    flow.begin(account, next_url, code_ok=True)
    return continue_login(*flow.pending())


# --- the passkey an administrator requires of staff ---

@bp.route("/<lang:lang>/login/new-passkey", methods=["GET", "POST"])
def required_passkey():
    account, state, restart = pending_or_restart()
    if restart:
        return restart
    if flow.next_stage(account, state) != "passkey":
        return continue_login(account, state)
    if request.method == "GET":
        return render("auth/required_passkey.html", errors={}, name="")
    name = request.form.get("name", "").strip()[:200]
    error = passkeys.name_error(name)
    if error:
        return render("auth/required_passkey.html", status=422, errors={"name": error}, name=name)
    try:
        passkeys.add(account, _response(), flow.take_passkey_challenge(), _base(), name)
    except passkeys.Refused as refused:
        return render("auth/required_passkey.html", status=422, errors={"passkey": refused.message}, name=name)
    mail.send_after_commit()
    return continue_login(account, state)


@bp.post("/<lang:lang>/login/new-passkey/options")
def required_passkey_options():
    account, state = flow.pending()
    if account is None or account.blocked or flow.next_stage(account, state) != "passkey":
        return _no_options()
    options_json, challenge = passkeys.registration_options(account, _base())
    flow.keep_passkey_challenge(challenge)
    return _options(options_json)
