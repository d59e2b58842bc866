"""The pages of “Continuer par CSAM”, and its simulator for development."""
import logging

from flask import abort, current_app, redirect, request, session, url_for

from portal.access_control import safe_next
from portal.auth import bp
from portal.logins.csam import FederalAuthClient, LoginRefused
from portal.people import persons, sessions
from portal.people.models import Account, Person
from portal.text.languages import LANGUAGES, current_language, use_language
from portal.text.names import name_key
from portal.web.rendering import render

log = logging.getLogger(__name__)
KEY = "csam_login"


def _client():
    config = current_app.config
    return FederalAuthClient(config["FAS_ISSUER"], config["FAS_CLIENT_ID"], config["FAS_CLIENT_SECRET"],
                             min_acr=config["FAS_MIN_ACR"])


def _callback_uri():
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.csam_callback")


def _same_names(person, claims):
    return (name_key(str(claims.get("surname", ""))) == name_key(person.last_name)
            and name_key(str(claims.get("givenName", ""))).startswith(name_key(person.first_name)))


def _log_in(niss, method, assurance, claims=None, names=None):
    """`claims`: what the federal service says of the person (None for the
    development simulator, which gives `names` instead)."""
    person = Person.get_or_none(Person.niss == niss)
    if person is None:
        given, surname = names or (str((claims or {}).get("givenName", "")), str((claims or {}).get("surname", "")))
        person = persons.first_eid_login(niss, given, surname, current_language())
    if person is None:
        return render("auth/profile_not_valid.html", status=403)
    if not person.niss_verified and claims is not None:
        # The NISS was only typed by a company: the eID's holder takes this
        # person's account only under the same names. Anyone can type
        # someone else's number in a registration.
        if not _same_names(person, claims):
            log.warning("eID login for person %s refused: names differ from those typed at registration", person.id)
            return render("auth/profile_not_valid.html", status=403)
        removed = persons.verified_by_eid(person)
        if removed:
            log.warning("eID login verified person %s: the password login made from typed data is removed", person.id)
    account = Account.get_or_none(Account.person == person)
    if account is not None and account.blocked:
        return render("auth/profile_not_valid.html", status=403)
    kept = session.pop(KEY, {}) or {}
    sessions.start(account=account, person=person, method=method, assurance=assurance)
    return redirect(safe_next(kept.get("next", "")), 303)


@bp.route("/<lang:lang>/login/csam", methods=["GET", "POST"])
def csam():
    """The federal login starts from a POST with the CSRF token (ASVS 7.6.2): another site can link here,
    not start it. A GET shows the button (an old bookmark, a link from a mail)."""
    next_url = request.values.get("next", "")[:500]
    if not current_app.config.get("FAS_ISSUER"):
        if current_app.config["PRODUCTION"]:
            abort(503)
        session[KEY] = {"next": next_url}
        return render("auth/csam_simulator.html", people=Person.select().order_by(Person.last_name).limit(50))
    if request.method == "GET":
        return render("auth/csam_start.html", next_url=next_url)
    try:
        url, kept = _client().start(_callback_uri())
    except OSError:
        log.warning("the federal authentication service cannot be reached")
        return render("auth/csam_unavailable.html", status=503)
    except LoginRefused as error:  # e.g. its discovery document names another issuer
        log.warning("CSAM login refused: %s", error.reason)
        return render("auth/csam_failed.html", status=400)
    session[KEY] = dict(kept, next=next_url, lang=current_language())
    return redirect(url, 303)


@bp.post("/<lang:lang>/login/csam/simulator")
def csam_simulator():
    if current_app.config.get("FAS_ISSUER") or current_app.config["PRODUCTION"]:
        abort(404)
    niss = "".join(ch for ch in request.form.get("niss", "") if ch.isdigit())
    return _log_in(niss, "simulator", "simulator",
                   names=(request.form.get("given_name", ""), request.form.get("surname", "")))


@bp.get("/login/csam/callback")
def csam_callback():
    if not current_app.config.get("FAS_ISSUER"):
        abort(404)  # no provider configured: nothing can call back
    kept = session.get(KEY) or {}
    if kept.get("lang") in LANGUAGES:
        use_language(kept["lang"])  # the callback's address has no language: use the one the login began in
    if request.args.get("error"):
        session.pop(KEY, None)
        return render("auth/profile_not_valid.html", status=403)
    try:
        claims = _client().finish(request.args.get("code", ""), request.args.get("state", ""), kept, _callback_uri())
    except (LoginRefused, OSError) as error:
        session.pop(KEY, None)
        log.warning("CSAM login refused: %s", getattr(error, "reason", type(error).__name__))
        return render("auth/csam_failed.html", status=400)
    niss = "".join(ch for ch in str(claims.get("egovNRN", "")) if ch.isdigit())
    return _log_in(niss, "csam", claims.get("acr"), claims)
