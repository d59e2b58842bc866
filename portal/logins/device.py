"""Device cookies (OWASP: "Slow down online guessing attacks with device
cookies"): a browser in which a person completed a login gets a signed
cookie naming that account. The per-address login limit does not apply to
it for that account, so an attacker hammering from behind the same company
proxy never locks out the people who work there; a stranger's browser, and
an attacker's, gets the address limit and the account's lockout.
"""
from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "portal_device"
MAX_AGE = 180 * 24 * 3600
KEEP = 5  # accounts remembered by one browser


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def _known():
    try:
        value = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=MAX_AGE)
    except BadSignature:
        return []
    return [item for item in value if isinstance(item, int)] if isinstance(value, list) else []


def trusted(account):
    return account is not None and account.id in _known()


def remember(account):
    """After a completed login: the response of this request sets the cookie."""
    g.device_accounts = ([account.id] + [known for known in _known() if known != account.id])[:KEEP]


def set_cookie(response):
    """after_app_request hook of the auth blueprint."""
    accounts = g.get("device_accounts")
    if accounts:
        response.set_cookie(COOKIE, _serializer().dumps(accounts), max_age=MAX_AGE, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
