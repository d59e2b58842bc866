"""The login pages (guide 4.1, 4.2, Figures 22–28)."""
from flask import Response, redirect, request, url_for

from portal import clock
from portal.auth import bp
from portal.auth.login_steps import (
    GENERIC_ERROR,
    STAFF_GENERIC_ERROR,
    TOO_MANY,
    continue_login,
    pending_or_restart,
)
from portal.logins import credentials, device, flow, password_policy, totp
from portal.people import accounts, passkeys, sessions
from portal.people.models import Account, Person, StaffMember
from portal.people.passwords import verify_password
from portal.text.identifiers import format_niss
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import rate_limit
from portal.web.page_cache import shared_page
from portal.web.rendering import render

EXPIRED_TEMPORARY = _l("Your temporary password has expired. Choose a new password with “Forgot password?” "
                       "below, or ask the agency for a new temporary password.")


def temporary_password_expired(account):
    return (account.must_change_password and account.password_expires_at is not None
            and account.password_expires_at < clock.utc())


@bp.get("/<lang:lang>/login")
@shared_page()
def choose():
    return render("auth/choose.html", next_url=request.args.get("next", ""))


@bp.route("/<lang:lang>/login/afmps", methods=["GET", "POST"])
@shared_page()  # the empty form (GET); a POST is this visitor's own
def afmps():
    next_url = request.values.get("next", "")[:500]
    if request.method == "GET":
        return render("auth/password.html", username="", error=None, next_url=next_url)
    username = request.form.get("username", "").strip()[:40]
    password = request.form.get("password", "")[:256]
    digits = "".join(ch for ch in username if ch.isdigit())
    person = Person.get_or_none(Person.niss == digits) if len(digits) == 11 else None
    account = Account.get_or_none(Account.person == person) if person else None
    page = {"username": username, "next_url": next_url}
    if not device.trusted(account) and rate_limit.exceeded(rate_limit.LOGIN):
        return render("auth/password.html", status=429, error=TOO_MANY, **page)
    if not credentials.password_ok(account, password):
        return render("auth/password.html", status=422, error=GENERIC_ERROR, **page)
    if temporary_password_expired(account):
        return render("auth/password.html", status=422, error=EXPIRED_TEMPORARY, **page)
    flow.begin(account, next_url)
    return continue_login(*flow.pending())


@bp.route("/<lang:lang>/staff/login", methods=["GET", "POST"])
def staff_login():
    """Agency staff: e-mail and password; then the same steps as everyone (code, required actions)."""
    next_url = request.values.get("next", "")[:500]
    if request.method == "GET":
        return render("auth/staff_login.html", email="", error=None, next_url=next_url)
    email = request.form.get("email", "").strip().lower()[:254]
    staff = StaffMember.get_or_none(StaffMember.email == email)
    account = staff.account if staff is not None and staff.active else None
    page = {"email": email, "next_url": next_url}
    if not device.trusted(account) and rate_limit.exceeded(rate_limit.LOGIN):
        return render("auth/staff_login.html", status=429, error=TOO_MANY, **page)
    if not credentials.password_ok(account, request.form.get("password", "")[:256]):
        return render("auth/staff_login.html", status=422, error=STAFF_GENERIC_ERROR, **page)
    if temporary_password_expired(account):  # a welcome e-mail read later opens nothing
        return render("auth/staff_login.html", status=422, error=EXPIRED_TEMPORARY, **page)
    flow.begin(account, next_url)
    return continue_login(*flow.pending())


@bp.route("/<lang:lang>/login/code", methods=["GET", "POST"])
def code():
    account, state, restart = pending_or_restart()
    if restart:
        return restart
    has_passkey = passkeys.has_any(account)  # offered first
    if request.method == "GET":
        return render("auth/code.html", error=None, has_passkey=has_passkey)
    check = credentials.code_ok(account, request.form.get("code", ""))
    if not check.accepted:
        return render("auth/code.html", status=422, error=check.error, has_passkey=has_passkey)
    return continue_login(account, flow.update(code_ok=True))


@bp.route("/<lang:lang>/login/update-password", methods=["GET", "POST"])
def update_password():
    account, state, restart = pending_or_restart()
    if restart:
        return restart
    if flow.next_stage(account, state) != "update_password":
        return continue_login(account, state)
    if request.method == "GET":
        return render("auth/update_password.html", errors={})
    new = request.form.get("password", "")
    errors = password_policy.form_errors(new, request.form.get("password_confirm", ""), account.personal_words())
    if not errors and verify_password(account.password_hash, new):
        errors["password"] = _l("Choose a password other than the temporary one.")
    if errors:
        return render("auth/update_password.html", status=422, errors=errors)
    accounts.replace_temporary_password(account, new)
    return continue_login(account, state)


@bp.route("/<lang:lang>/login/authenticator", methods=["GET", "POST"])
def authenticator():
    account, state, restart = pending_or_restart()
    if restart:
        return restart
    if flow.next_stage(account, state) != "authenticator":
        return continue_login(account, state)
    secret = state.get("new_secret")
    if not secret:
        secret = totp.new_secret()
        flow.update(new_secret=secret)
    context = {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
               "niss": account.label if account.staff_id else format_niss(account.label),
               "needs_enrolment_code": bool(account.enrolment_code_hash)}
    if request.method == "GET":
        return render("auth/authenticator.html", errors={}, **context)
    result = totp.check(secret, request.form.get("code", ""), clock.now())
    errors = {}
    if not result.accepted:
        errors["code"] = (
            _l("This code would be right if your phone's clock were %(minutes)s minutes off. "
               "Set your phone to the network time, then type the new code.", minutes=abs(result.skew_minutes))
            if result.skew_minutes else
            _l("This code does not match. Check that you scanned the QR code shown here, then type the "
               "code your app shows now."))
    elif account.enrolment_code_hash:  # the agency allowed this new device: its code proves who links it
        check = credentials.enrolment_code_ok(account, request.form.get("enrolment_code", ""))
        if not check.accepted:
            errors["enrolment_code"] = check.error
    if errors:
        return render("auth/authenticator.html", status=422, errors=errors, **context)
    codes = accounts.link_authenticator(account, secret, result.counter)
    if codes is None:  # linked by a parallel request of this same login
        return continue_login(Account.get_by_id(account.id), flow.update(code_ok=True))
    return continue_login(account, flow.update(new_secret=None, code_ok=True, recovery_codes=codes))


@bp.get("/<lang:lang>/login/authenticator.svg")
def authenticator_qr():
    account, state = flow.pending()
    if account is None or not state.get("new_secret"):
        return Response(status=404)
    return totp.qr_response(state["new_secret"], account.label)


@bp.route("/<lang:lang>/login/recovery-codes", methods=["GET", "POST"])
def recovery_codes():
    account, state, restart = pending_or_restart()
    if restart:
        return restart
    codes = state.get("recovery_codes")
    if not codes:
        return continue_login(account, state)
    if request.method == "POST" and request.form.get("saved") == "yes":
        return continue_login(account, flow.update(recovery_codes=None))
    error = _l("Tick the box once you have printed or saved the codes.") if request.method == "POST" else None
    return render("auth/recovery_codes.html", status=422 if error else 200, codes=codes, error=error)


@bp.get("/<lang:lang>/login/recovery-codes.txt")
def recovery_codes_file():
    account, state = flow.pending()
    if account is None or not state.get("recovery_codes"):
        return Response(status=404)
    return recovery_codes_download(account, state["recovery_codes"])


def recovery_codes_download(account, codes):
    body = "\n".join(["FAMHP portal / AFMPS / FAGG", account.label, ""] + codes) + "\n"
    response = Response(body, mimetype="text/plain")
    response.headers["Content-Disposition"] = "attachment; filename=afmps-recovery-codes.txt"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<lang:lang>/logout")
def logout():
    """For everyone, company users and staff."""
    flow.clear()
    sessions.end()
    return redirect(url_for("public.home"), 303)
