"""“Forgot password” (guide FAQ 5 and 8), without going around the second factor.

The answer is the same whether an account has the address or not; a blocked
account gets no link. The link is single-use, valid PORTAL_RESET_LINK_MINUTES
(5) minutes, and a newer link voids the older ones. Following it: a new
password, then proof of the second factor:

- "I still have my app": its current code (a wrong one counts toward the
  lockout like any code);
- "I lost my phone": one of the person's recovery codes (spent), after which
  the login links a new authenticator.

The guide's FAQ 8 lets a mailbox alone relink a phone; ASVS 5.0 (6.4.3) does
not, and ASVS wins. A person with neither app nor recovery code still sets
the new password, but cannot log in with it until the agency's support,
after checking who they are, allows a new device (back office). Every reset
and every authenticator change is e-mailed to the person.
"""

from flask import request

from portal.auth import bp
from portal.auth.login_steps import TOO_MANY, continue_login
from portal.data.db import database
from portal.logins import credentials, flow, password_policy, resets
from portal.people.models import Account, Person, StaffMember
from portal.text.languages import current_language
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail, rate_limit
from portal.web.rendering import render

KEEP, LOST = "keep", "lost"


@bp.route("/<lang:lang>/login/forgot", methods=["GET", "POST"])
def forgot():
    if request.method == "GET":
        return render("auth/forgot.html", sent=False, email="")
    email = request.form.get("email", "").strip().lower()[:254]
    if rate_limit.exceeded(rate_limit.RESET_REQUEST):
        return render("auth/forgot.html", status=429, sent=False, email=email, error=TOO_MANY)
    with database.atomic():
        accounts = ([*Account.select().join(Person).where(Person.email == email),
                     *Account.select().join(StaffMember).where((StaffMember.email == email) & StaffMember.active)]
                    if email else [])
        for account in accounts:  # a person's, and a staff member's (the same rules: ASVS 6.2.2 for staff)
            resets.send_link(account, current_language())
    mail.send_after_response()
    return render("auth/forgot.html", sent=True, email=email)


def _second_factor(account, choice):
    """(what the person proved, errors): KEEP, LOST, or None for a lost
    phone without a recovery code."""
    if not account.totp_secret:
        return KEEP, {}  # never linked one: the login links it next
    if choice == KEEP:
        check = credentials.code_ok(account, request.form.get("code", ""), accept=(credentials.TOTP,))
        return KEEP, ({} if check.accepted else {"code": check.error})
    if choice == LOST:
        typed = request.form.get("recovery_code", "").strip()
        if not typed:
            return None, {}
        check = credentials.code_ok(account, typed, accept=(credentials.RECOVERY,))
        return LOST, ({} if check.accepted else {"recovery_code": check.error})
    return None, {"authenticator": _l("Say whether you still have your authenticator app.")}


@bp.route("/<lang:lang>/login/reset/<token>", methods=["GET", "POST"])
def reset(token):
    found, usable = resets.find(token)
    if not usable:
        return render("auth/reset_expired.html", status=410, token=token, known=found is not None)
    account = found.account
    page = {"token": token, "has_authenticator": bool(account.totp_secret)}
    if request.method == "GET":
        return render("auth/reset.html", errors={}, **page)
    new, choice = request.form.get("password", ""), request.form.get("authenticator")
    errors = password_policy.form_errors(new, request.form.get("password_confirm", ""), account.personal_words())
    if account.totp_secret and choice not in (KEEP, LOST):
        errors["authenticator"] = _l("Say whether you still have your authenticator app.")
    proved = None
    if not errors:  # a code is spent only once the password is acceptable
        proved, errors = _second_factor(account, choice)
    if errors:
        return render("auth/reset.html", status=422, errors=errors, typed_choice=choice, **page)
    if not resets.complete(found, new, proved=proved is not None, lost_phone=proved == LOST):
        return render("auth/reset_expired.html", status=410, token=token, known=True)
    mail.send_after_commit()
    if proved is None:
        return render("auth/reset_needs_help.html")
    flow.begin(Account.get_by_id(account.id), code_ok=True)
    return continue_login(*flow.pending())


@bp.post("/<lang:lang>/login/reset/<token>/again")
def reset_again(token):
    """One click on an expired or used link sends a fresh one to the same account."""
    if rate_limit.exceeded(rate_limit.RESET_REQUEST):
        return render("auth/forgot.html", status=429, sent=False, email="", error=TOO_MANY)
    found, _ = resets.find(token)
    if found is not None:
        with database.atomic():
            resets.send_link(found.account, current_language())
        mail.send_after_response()
    return render("auth/forgot.html", sent=True, email="")
