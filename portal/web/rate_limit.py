"""Rate limits: how often one client (or one object) may do one thing.

Counted in the database, so every app server shares the count, with one
atomic statement: parallel requests can neither lose a hit nor all slip in
under the limit. `client()` is the address of the browser as the trusted
TLS proxy saw it (PORTAL_TRUSTED_PROXIES), never a header a client could set
when no proxy is configured.
"""
import datetime
import ipaddress
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


def client():
    """The client's address; for IPv6 its /64, which one subscriber gets whole."""
    address = request.remote_addr or "unknown"
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            pass
    return address[:64]


def exceeded(limit, subject=None):
    """Count one hit of `limit` for `subject` (the client by default); True
    once the hits in the current window are more than allowed. An operator
    (or a test harness that plays many visitors from one address) may set
    other numbers in app.config["RATE_LIMITS"], by limit name."""
    allowed = current_app.config.get("RATE_LIMITS", {}).get(limit.name, limit.hits)
    subject = client() if subject is None else str(subject)
    now = clock.utc()
    expired = RateLimit.window_start < now - limit.per
    query = (RateLimit
             .insert(key=f"{limit.name}:{subject}"[:160], window_start=now, hits=1)
             .on_conflict(conflict_target=[RateLimit.key], update={
                 RateLimit.hits: Case(None, [(expired, 1)], RateLimit.hits + 1),
                 RateLimit.window_start: Case(None, [(expired, now)], RateLimit.window_start),
             })
             .returning(RateLimit.hits))
    (hits,), = query.tuples().execute()
    return hits > allowed


def purge(now=None):
    """Forget windows older than a day (cron, with the drafts)."""
    now = now or clock.utc()
    return RateLimit.delete().where(RateLimit.window_start < now - datetime.timedelta(days=1)).execute()
