"""The login pages (guide 4.1, 4.2, Figures 22–28)."""
import functools

from flask import Response, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from .. import clock, mail, sessions
from ..db import database
from ..identifiers import format_niss
from ..models import Account, Person
from ..passwords import burn_time, hash_password, verify_password
from ..rendering import render
from . import bp, flow, lockout, password_policy, recovery, totp

GENERIC_ERROR = _l("The user name or the password is wrong.")
STAGE_ENDPOINTS = {"code": "auth.code", "update_password": "auth.update_password",
                   "authenticator": "auth.authenticator", "recovery_codes": "auth.recovery_codes"}


def login_required(view):
    """A portal page: only after a completed login (password, code, required actions)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        login = sessions.current()
        if login is None or login.person_id is None:
            return redirect(url_for("auth.choose", next=request.full_path.rstrip("?")), 303)
        g.account = login.account  # None after an eID/itsme login without a password account
        g.person = login.person
        return view(*args, **kwargs)
    return wrapper


def _local_path_within(target, part):
    """True for a path of this site (no scheme, no host) whose path contains `part`."""
    return bool(target and target.startswith("/") and not target.startswith("//") and "\\" not in target
                and part in target.split("?", 1)[0])


def safe_next(target):
    """Only a page of the portal itself; anything else leads to the portal's home."""
    return target if _local_path_within(target, "/portal") else url_for("tiles.dashboard")


def safe_staff_next(target):
    """Only a page of the back office; anything else leads to the queue."""
    return target if _local_path_within(target, "/staff/") else url_for("backoffice.queue_page")


def continue_login(account, state):
    stage = flow.next_stage(account, state)
    if stage != "done":
        return redirect(url_for(STAGE_ENDPOINTS[stage]), 303)
    flow.clear()
    lockout.record_success(account)
    if account.staff_id:  # staff sessions never carry a person, company sessions never a staff member
        sessions.start(staff=account.staff)
        return redirect(safe_staff_next(state.get("next")), 303)
    sessions.start(account=account)
    return redirect(safe_next(state.get("next")), 303)


def _pending_or_restart():
    account, state = flow.pending()
    if account is None:
        return None, None, redirect(url_for("auth.afmps"), 303)
    return account, state, None


@bp.get("/<lang:lang>/login")
def choose():
    return render("auth/choose.html", next_url=request.args.get("next", ""))


@bp.route("/<lang:lang>/login/afmps", methods=["GET", "POST"])
def afmps():
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render("auth/password.html", username="", error=None, next_url=next_url)
    username = request.form.get("username", "").strip()[:40]
    password = request.form.get("password", "")[:256]
    now = clock.utc()
    if lockout.throttled(request.remote_addr, now):
        return render("auth/password.html", status=429, username=username, next_url=next_url,
                      error=_l("Too many attempts from your connection. Wait a minute and try again."))
    digits = "".join(ch for ch in username if ch.isdigit())
    person = Person.get_or_none(Person.niss == digits) if len(digits) == 11 else None
    account = Account.get_or_none(Account.person == person) if person else None
    if account is None:
        burn_time(password)
        return render("auth/password.html", status=422, username=username, next_url=next_url, error=GENERIC_ERROR)
    right = verify_password(account.password_hash, password) and not account.blocked
    if lockout.is_locked(account, now) or not right:
        with database.atomic():
            if not lockout.is_locked(account, now):
                lockout.record_failure(account, now)
        mail.send_after_commit()
        return render("auth/password.html", status=422, username=username, next_url=next_url, error=GENERIC_ERROR)
    flow.begin(account, next_url)
    return continue_login(*flow.pending())


@bp.route("/<lang:lang>/login/code", methods=["GET", "POST"])
def code():
    account, state, restart = _pending_or_restart()
    if restart:
        return restart
    if request.method == "GET":
        return render("auth/code.html", error=None)
    typed = request.form.get("code", "").strip()[:40]
    now = clock.utc()
    if lockout.is_locked(account, now):
        return render("auth/code.html", status=422, error=_l("This code is not valid. Try again with the next code."))
    if recovery.looks_like_recovery_code(typed):
        if recovery.use(account, typed, now):
            flow.update(code_ok=True)
            return continue_login(account, dict(state, code_ok=True))
        error = _l("This recovery code is not valid or was already used.")
    else:
        result = totp.check(account.totp_secret, typed, clock.now(), account.totp_last_counter)
        if result.accepted:
            Account.update(totp_last_counter=result.counter).where(Account.id == account.id).execute()
            flow.update(code_ok=True)
            return continue_login(account, dict(state, code_ok=True))
        if result.skew_minutes:
            error = _l("This code would be right if your phone's clock were %(minutes)s minutes off. "
                       "Set your phone to the network time, or in Google Authenticator choose Settings, "
                       "Time correction for codes, Sync now; then type the new code.",
                       minutes=abs(result.skew_minutes))
        elif result.replayed:
            error = _l("This code was already used. Wait for the next code of your app.")
        else:
            error = _l("This code is not valid. Try again with the next code.")
    with database.atomic():
        lockout.record_failure(account, now)
    mail.send_after_commit()
    return render("auth/code.html", status=422, error=error)


@bp.route("/<lang:lang>/login/update-password", methods=["GET", "POST"])
def update_password():
    account, state, restart = _pending_or_restart()
    if restart:
        return restart
    if flow.next_stage(account, state) != "update_password":
        return continue_login(account, state)
    if request.method == "GET":
        return render("auth/update_password.html", errors={})
    new = request.form.get("password", "")
    confirm = request.form.get("password_confirm", "")
    error = password_policy.problems(new, account.personal_words())
    errors = {}
    if error:
        errors["password"] = error
    elif new != confirm:
        errors["password_confirm"] = _l("The two passwords are not the same.")
    elif verify_password(account.password_hash, new):
        errors["password"] = _l("Choose a password other than the temporary one.")
    if errors:
        return render("auth/update_password.html", status=422, errors=errors)
    Account.update(password_hash=hash_password(new), must_change_password=False).where(Account.id == account.id).execute()
    account.must_change_password = False
    return continue_login(account, state)


@bp.route("/<lang:lang>/login/authenticator", methods=["GET", "POST"])
def authenticator():
    account, state, restart = _pending_or_restart()
    if restart:
        return restart
    if flow.next_stage(account, state) != "authenticator":
        return continue_login(account, state)
    secret = state.get("new_secret")
    if not secret:
        secret = totp.new_secret()
        flow.update(new_secret=secret)
    context = {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
               "niss": account.label if account.staff_id else format_niss(account.label)}
    if request.method == "GET":
        return render("auth/authenticator.html", error=None, **context)
    result = totp.check(secret, request.form.get("code", ""), clock.now())
    if not result.accepted:
        error = (_l("This code would be right if your phone's clock were %(minutes)s minutes off. "
                    "Set your phone to the network time, then type the new code.", minutes=abs(result.skew_minutes))
                 if result.skew_minutes else
                 _l("This code does not match. Check that you scanned the QR code shown here, then type the "
                    "code your app shows now."))
        return render("auth/authenticator.html", status=422, error=error, **context)
    with database.atomic():
        Account.update(totp_secret=secret, totp_last_counter=result.counter).where(Account.id == account.id).execute()
        codes = recovery.new_codes(account)
    account.totp_secret = secret
    flow.update(new_secret=None, code_ok=True, recovery_codes=codes)
    return continue_login(account, dict(state, code_ok=True, recovery_codes=codes))


@bp.get("/<lang:lang>/login/authenticator.svg")
def authenticator_qr():
    account, state = flow.pending()
    if account is None or not state.get("new_secret"):
        return Response(status=404)
    uri = totp.provisioning_uri(state["new_secret"], account.label)
    response = Response(totp.qr_svg(uri), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<lang:lang>/login/recovery-codes", methods=["GET", "POST"])
def recovery_codes():
    account, state, restart = _pending_or_restart()
    if restart:
        return restart
    codes = state.get("recovery_codes")
    if not codes:
        return continue_login(account, state)
    if request.method == "POST" and request.form.get("saved") == "yes":
        flow.update(recovery_codes=None)
        return continue_login(account, dict(state, recovery_codes=None))
    error = _l("Tick the box once you have printed or saved the codes.") if request.method == "POST" else None
    return render("auth/recovery_codes.html", status=422 if error else 200, codes=codes, error=error)


@bp.get("/<lang:lang>/login/recovery-codes.txt")
def recovery_codes_file():
    account, state = flow.pending()
    if account is None or not state.get("recovery_codes"):
        return Response(status=404)
    body = "\n".join(["FAMHP portal / AFMPS / FAGG", account.label, ""]
                     + state["recovery_codes"]) + "\n"
    response = Response(body, mimetype="text/plain")
    response.headers["Content-Disposition"] = "attachment; filename=afmps-recovery-codes.txt"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<lang:lang>/logout")
def logout():
    sessions.end()
    flow.clear()
    return redirect(url_for("public.home"), 303)
