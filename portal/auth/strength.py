"""How strong a new password is, shown as the person types (htmx); without
JavaScript the same rules answer when the form is sent."""
from flask import abort, request

from portal.auth import bp
from portal.logins import flow, password_policy
from portal.people import sessions
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import rate_limit
from portal.web.rendering import render

LABELS = {0: _l("Very weak"), 1: _l("Very weak"), 2: _l("Weak"), 3: _l("Good"), 4: _l("Strong")}


def _personal_words():
    """The words of the person setting the password, when the portal knows who."""
    account, _ = flow.pending()
    if account is None:
        login = sessions.current()
        account = login.account if login is not None else None
    return account.personal_words() if account is not None else ()


@bp.post("/<lang:lang>/password-strength")
def password_strength():
    if rate_limit.exceeded(rate_limit.STRENGTH):
        abort(429)
    password = request.form.get("password", "")[:password_policy.MAX_LENGTH + 1]
    if not password:
        return render("auth/_strength.html", score=None, problem=None, label=None)
    personal = _personal_words()
    score = password_policy.strength(password, personal)
    return render("auth/_strength.html", score=score, label=LABELS[score],
                  problem=password_policy.problems(password, personal))
