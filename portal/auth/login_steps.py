"""What comes after each step of a login, for every way in (password and
code, staff, a reset link): the next required action, or the end of the
login, with its session and the page it was for; and the one refusal."""
from flask import redirect, url_for

from portal.access_control import safe_next, safe_staff_next
from portal.logins import device, flow, lockout
from portal.people import sessions
from portal.text.lazy_text import lazy_gettext as _l
from portal.web.rendering import render

GENERIC_ERROR = _l("The user name or the password is wrong.")
STAFF_GENERIC_ERROR = _l("The e-mail address or the password is wrong.")
TOO_MANY = _l("Too many attempts from your connection. Wait a minute and try again.")
STAGE_ENDPOINTS = {"code": "auth.code", "update_password": "auth.update_password",
                   "authenticator": "auth.authenticator", "recovery_codes": "auth.recovery_codes",
                   "passkey": "auth.required_passkey"}


def refuse(account, status=422):
    """The one answer to a login that cannot go on, whatever the reason."""
    flow.clear()
    if account is not None and account.staff_id:
        return render("auth/staff_login.html", status=status, email="", next_url="", error=STAFF_GENERIC_ERROR)
    return render("auth/password.html", status=status, username="", next_url="", error=GENERIC_ERROR)


def pending_or_restart():
    """(account, state, None) of the login in progress, or (None, None, the answer): back to the password
    page when there is none, the one refusal when the account was blocked since the password step."""
    account, state = flow.pending()
    if account is None:
        return None, None, redirect(url_for("auth.afmps"), 303)
    if account.blocked:
        return None, None, refuse(account)
    return account, state, None


def continue_login(account, state):
    """The next step of a login, or its end: a session, and the page it was for."""
    if account.blocked:  # blocked between two steps: stop here, like the password page
        return refuse(account)
    stage = flow.next_stage(account, state)
    if stage != "done":
        return redirect(url_for(STAGE_ENDPOINTS[stage]), 303)
    flow.clear()
    lockout.record_success(account)
    device.remember(account)
    if account.staff_id:  # staff sessions never carry a person, company sessions never a staff member
        sessions.start(staff=account.staff, account=account)
        return redirect(safe_staff_next(state.get("next")), 303)
    sessions.start(account=account)
    return redirect(safe_next(state.get("next")), 303)
