"""Login sessions kept in the database, so that every app server knows them.

The browser's signed cookie holds a random token; the database holds its
SHA-256 and the times that decide when it expires (30 minutes idle, 12 hours
at most, both configurable). Starting a session clears whatever the cookie
held before, its CSRF token included, so a session id or a token planted
before login is worthless after it.
"""
import datetime
import hashlib
import json
import secrets

from flask import current_app, g, session
from peewee import JOIN

from portal import clock
from portal.data.prepared import Prepared, slot
from portal.people.models import Account, LoginSession, Person, RecoveryCode, StaffMember

COOKIE_KEY = "login"


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start(staff=None, account=None, person=None, method="password", assurance=None):
    """A new login session with a new token; a session this browser already
    had ends (logging in again never leaves the old token alive)."""
    previous = session.get(COOKIE_KEY)
    if previous:
        LoginSession.update(ended_at=clock.utc()).where(
            (LoginSession.token_hash == _hash(previous)) & LoginSession.ended_at.is_null()).execute()
        g.pop("login_session", None)
    token = secrets.token_urlsafe(32)
    if account is not None and person is None:
        person = account.person
    LoginSession.create(token_hash=_hash(token), staff=staff, account=account, person=person,
                        method="staff" if staff else method, assurance=assurance)
    session.clear()  # the CSRF token too: one planted in this browser before the login is worthless after it
    session[COOKIE_KEY] = token
    return token


# One query for who is asking: the session with its account, person or staff member, whole rows (a
# column left out would read as None, not as its value).
_WHO_IS_ASKING = Prepared(lambda: LoginSession.select(LoginSession, Account, Person, StaffMember)
                          .join_from(LoginSession, Account, JOIN.LEFT_OUTER)
                          .join_from(LoginSession, Person, JOIN.LEFT_OUTER)
                          .join_from(LoginSession, StaffMember, JOIN.LEFT_OUTER)
                          .where(LoginSession.token_hash == slot("token_hash")).limit(1))


def _expired(login, now):
    config = current_app.config
    idle = datetime.timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = datetime.timedelta(hours=config["SESSION_MAX_HOURS"])
    return login.ended_at is not None or now - login.last_seen_at > idle or now - login.created_at > absolute


def _of(who):
    """The condition on LoginSession for the sessions of `who`: an Account (its person's or its staff
    member's), a Person or a StaffMember. Never a condition on an empty column, which would be
    everybody's."""
    if isinstance(who, Account):
        column, value = (LoginSession.staff, who.staff_id) if who.staff_id else (LoginSession.person, who.person_id)
    elif isinstance(who, StaffMember):
        column, value = LoginSession.staff, who.id
    else:
        column, value = LoginSession.person, who.id
    if value is None:
        raise ValueError("the sessions of nobody")
    return column, value


def block(account):
    """Block an account: it can no longer log in, and its sessions end now.

    Ending the sessions here is what makes the block immediate; the login
    pages refuse blocked accounts, so no request needs to check the flag."""
    Account.update(blocked=True).where(Account.id == account.id).execute()
    end_others(account)


def current(now=None):
    """The LoginSession of this request, or None; refreshes its idle clock."""
    if "login_session" in g:
        return g.login_session
    g.login_session = None
    token = session.get(COOKIE_KEY)
    if not token:
        return None
    now = now or clock.utc()
    login = _WHO_IS_ASKING.first(token_hash=_hash(token))
    if login is None or _expired(login, now):
        session.pop(COOKIE_KEY, None)
        return None
    if now - login.last_seen_at > datetime.timedelta(minutes=1):  # one write a minute at most
        LoginSession.update(last_seen_at=now).where(LoginSession.id == login.id).execute()
    if login.account_id:
        if login.person_id and login.account.person_id == login.person_id:
            login.account.person = login.person
    g.login_session = login
    return login


def end():
    """Log out: the session row ends and the cookie keeps nothing at all."""
    login = current()
    if login is not None:  # a code kept for a page never shown goes with it
        LoginSession.update(ended_at=clock.utc(), fresh_codes=None, enrolling_secret=None).where(
            LoginSession.id == login.id).execute()
    session.clear()
    g.login_session = None


def end_others(who, keep=None):
    """End every session of `who` (an account, a person, a staff member) but `keep`: after a password
    or authenticator change, when an access manager blocks the person, when they or the agency's
    support end them all. Returns how many ended."""
    column, value = _of(who)
    query = LoginSession.update(ended_at=clock.utc()).where((column == value) & LoginSession.ended_at.is_null())
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    return query.execute()


def active_for(who, now=None):
    """The sessions of `who` still alive: not ended, and neither idle nor older than the limits (a
    browser closed hours ago is not "logged in")."""
    column, value = _of(who)
    return _ALIVE[column.name].rows(owner=value, **_alive_since(now))


def active_with_codes_left(account, now=None):
    """The account's sessions alive, and how many unused recovery codes it has (the "my account" page's
    two answers, in one statement: each row carries the count)."""
    column, value = _of(account)
    rows = _ALIVE_WITH_CODES[column.name].rows(owner=value, account=account.id, **_alive_since(now))
    return rows, (rows[0].codes_left if rows else account.recovery_codes_left())


def _alive_since(now):
    now = now or clock.utc()
    config = current_app.config
    return {"seen_since": now - datetime.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            "started_since": now - datetime.timedelta(hours=config["SESSION_MAX_HOURS"])}


def _alive_query(column, *extra):
    return (LoginSession.select(*LoginSession._meta.sorted_fields, *extra)
            .where((column == slot("owner")) & LoginSession.ended_at.is_null()
                   & (LoginSession.last_seen_at >= slot("seen_since"))
                   & (LoginSession.created_at >= slot("started_since")))
            .order_by(LoginSession.created_at.desc()))


_ALIVE = {column.name: Prepared(lambda column=column: _alive_query(column))
          for column in (LoginSession.person, LoginSession.staff)}
_ALIVE_WITH_CODES = {column.name: Prepared(lambda column=column: _alive_query(
    column, RecoveryCode.unused_count(slot("account")).alias("codes_left")))
    for column in (LoginSession.person, LoginSession.staff)}


def is_theirs(who, session_id):
    column, value = _of(who)
    return LoginSession.select().where((LoginSession.id == session_id) & (column == value)).exists()


def end_one(who, session_id):
    column, value = _of(who)
    return (LoginSession.update(ended_at=clock.utc())
            .where((LoginSession.id == session_id) & (column == value) & LoginSession.ended_at.is_null()).execute())


def keep_for_next_page(secret):
    """A secret to show once on the next page of this login (new recovery
    codes, an enrolment code), kept in the session's row, not the cookie."""
    login = current()
    LoginSession.update(fresh_codes=json.dumps(secret)).where(LoginSession.id == login.id).execute()
    login.fresh_codes = json.dumps(secret)


def take_kept():
    """The secret kept for this page, once; None when there is none."""
    login = current()
    if login is None or not login.fresh_codes:
        return None
    LoginSession.update(fresh_codes=None).where(LoginSession.id == login.id).execute()
    secret, login.fresh_codes = json.loads(login.fresh_codes), None
    return secret
