"""Rate limits: how often one client (or one object) may do one thing.

Counted in the database, so every app server shares the count, with one
atomic statement: parallel requests can neither lose a hit nor all slip in
under the limit. `client()` is the address of the browser as the trusted
TLS proxy saw it (PORTAL_TRUSTED_PROXIES), never a header a client could set
when no proxy is configured.
"""
import datetime
import ipaddress
import threading
from dataclasses import dataclass

import peewee
from flask import current_app, request
from peewee import Case

from portal import clock
from portal.data.db import BaseModel


class RateLimit(BaseModel):
    """Hits of one purpose by one client (or on one object) in the current window."""

    key = peewee.CharField(max_length=160, unique=True)
    window_start = peewee.DateTimeField()
    hits = peewee.IntegerField(default=0)


@dataclass(frozen=True)
class Limit:
    name: str
    hits: int
    per: datetime.timedelta


LOGIN = Limit("login", 30, datetime.timedelta(minutes=1))  # password pages, per address
RESET_REQUEST = Limit("reset", 10, datetime.timedelta(minutes=15))  # "forgot password" and resends, per address
RESET_MAIL = Limit("reset-mail", 3, datetime.timedelta(minutes=15))  # reset e-mails, per account
REGISTRATION = Limit("register", 10, datetime.timedelta(hours=1))  # new drafts, per address
RESUME_MAIL = Limit("resume-mail", 5, datetime.timedelta(hours=1))  # resume-link e-mails, per address
WIZARD_WRITE = Limit("wizard", 120, datetime.timedelta(minutes=1))  # any wizard POST, per address
STRENGTH = Limit("strength", 120, datetime.timedelta(minutes=1))  # password strength as typed, per address
UPLOADS = Limit("uploads", 30, datetime.timedelta(minutes=10))  # PDF files sent (proofs), per address
DOCUMENTS = Limit("documents", 50, datetime.timedelta(days=1))  # documents a company sends the inspectors, per company
DOSSIER_MAIL = Limit("dossier-mail", 1, datetime.timedelta(hours=1))  # news of a dossier, per dossier and side
NEW_PEOPLE = Limit("new-people", 20, datetime.timedelta(days=1))  # people a company adds (an e-mail each), per company
DOWNLOADS = Limit("downloads", 30, datetime.timedelta(hours=1))  # the whole register (seconds of a worker each), per address


def client():
    """The client's address; for IPv6 its /64, which one subscriber gets whole."""
    address = request.remote_addr or "unknown"
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            pass
    return address[:64]


def allowed_hits(limit):
    """What `limit` allows: its own number, unless an operator (or a test harness that plays many visitors
    from one address) set another in app.config["RATE_LIMITS"], by limit name."""
    return current_app.config.get("RATE_LIMITS", {}).get(limit.name, limit.hits)


def exceeded(limit, subject=None):
    """Count one hit of `limit` for `subject` (the client by default); True
    once the hits in the current window are more than allowed."""
    subject = client() if subject is None else str(subject)
    return _count(limit, subject, 1) > allowed_hits(limit)


def _count(limit, subject, hits):
    """Add `hits` to the window of `limit` for `subject` (a new window when the last one is over); the hits of
    the window so far, on every app server."""
    now = clock.utc()
    expired = RateLimit.window_start < now - limit.per
    query = (RateLimit
             .insert(key=f"{limit.name}:{subject}"[:160], window_start=now, hits=hits)
             .on_conflict(conflict_target=[RateLimit.key], update={
                 RateLimit.hits: Case(None, [(expired, hits)], RateLimit.hits + hits),
                 RateLimit.window_start: Case(None, [(expired, now)], RateLimit.window_start),
             })
             .returning(RateLimit.hits))
    (total,), = query.tuples().execute()
    return total


_tallies_lock = threading.Lock()
MAX_TALLIES = 20_000  # clients a process keeps a tally of at once; past it, it starts again from the database


def exceeded_often(limit, subject=None):
    """`exceeded` for a limit hit at every request of a busy route (the register's API): the hits are added
    to the shared count a few at a time, every `allowed / 20` hits (at most 10) or after a second, so that
    most requests write nothing. A client is refused once the count on every server plus the hits this
    process has not yet added pass the limit: each app process may hold back up to `every - 1` hits (9 at
    600 a minute), so a client may pass the limit by that many per process; a limit of 20 or fewer is
    counted at every hit, as `exceeded` does."""
    allowed = allowed_hits(limit)
    subject = client() if subject is None else str(subject)
    every = max(1, min(10, allowed // 20))
    key = (limit.name, subject)
    now = clock.now()
    # per app (each test's its own): (limit name, subject) -> [hits not yet counted, hits counted, when counted]
    tallies = current_app.extensions.setdefault("rate_tallies", {})
    with _tallies_lock:
        if len(tallies) > MAX_TALLIES:
            tallies.clear()
        tally = tallies.setdefault(key, [0, 0, None])
        tally[0] += 1
        flush = tally[0] if tally[0] >= every or tally[2] is None or now - tally[2] >= 1 else 0
        if flush:
            tally[0] -= flush
        pending, counted = tally[0], tally[1]
    if flush:
        counted = _count(limit, subject, flush)
        with _tallies_lock:
            tally[1], tally[2] = counted, now
    return counted + pending > allowed


def purge(now=None):
    """Forget windows older than a day (cron, with the drafts)."""
    now = now or clock.utc()
    return RateLimit.delete().where(RateLimit.window_start < now - datetime.timedelta(days=1)).execute()
