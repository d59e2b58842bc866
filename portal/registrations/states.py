"""What every part says about a registration request: the words for its
states and its history, the vocabulary of its answers, and how long the
agency takes to decide. The states themselves are constants of the model
(`Registration.SUBMITTED`, `Registration.EDITABLE`…)."""
import datetime
import secrets
import statistics

from portal import clock
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.registrations.models import Registration
from portal.text.lazy_text import lazy_gettext as _l

STATUS_LABELS = {
    Registration.SUBMITTED: _l("Waiting for review"),
    Registration.NEEDS_INFORMATION: _l("Information requested"),
    Registration.VALIDATED: _l("Validated"),
    Registration.REFUSED: _l("Refused"),
}
EVENT_LABELS = {
    "submitted": _l("Sent by the company"),
    "resubmitted": _l("Sent again by the company"),
    "validated": _l("Validated"),
    "refused": _l("Refused"),
    "information_requested": _l("Information requested"),
}
KINDS = {Registration.REGISTRATION: _l("Registration"), Registration.CHANGE: _l("Change of identity"),
         Registration.BELGIAN: _l("Belgian enterprise")}
EXCHANGE_LANGUAGES = {"fr": _l("French"), "nl": _l("Dutch"), "en": _l("English")}  # of the exchanges with the agency
SEXES = {"F": _l("Female"), "M": _l("Male")}


def median_decision_time(now=None, days=90):
    """The median time from submission to decision over the last `days` days,
    as a timedelta, or None when there was no decision."""
    now = now or clock.utc()
    rows = (Registration.select(Registration.submitted_at, Registration.decided_at)
            .where(Registration.decided_at.between(now - datetime.timedelta(days=days), now))
            .where(Registration.submitted_at.is_null(False) & (Registration.kind == Registration.REGISTRATION))
            .tuples())
    durations = [(decided - submitted).total_seconds() for submitted, decided in rows]
    if not durations:
        return None
    return datetime.timedelta(seconds=statistics.median(durations))


class KeptProof:
    """A checked PDF sent with a request that had errors, kept in a draft row of
    the queue's table until the request is sent or the file removed (nothing
    sent is lost): one per owner (a company's identity change, a person's
    Belgian request), found by the request's kind and the owner's column."""

    def __init__(self, kind, owner):
        self.kind, self.owner = kind, owner
        self._shown = Prepared(lambda: Registration.select(Registration.proof_filename, Registration.proof_size)
                               .where(self._where(slot("owner")) & Registration.proof_size.is_null(False))
                               .limit(1).tuples())

    def _where(self, owner):
        return ((Registration.kind == self.kind) & (getattr(Registration, self.owner) == owner)
                & (Registration.status == Registration.DRAFT))

    def content(self, owner):
        """(bytes, filename) of the kept file, or None."""
        draft = Registration.get_or_none(self._where(owner))
        return (bytes(draft.proof_pdf), draft.proof_filename) if draft and draft.proof_pdf is not None else None

    def shown(self, owner):
        """(filename, size) of the kept file, without the file, or None (a page shows it on every view:
        a prepared statement, prepared.py)."""
        rows = self._shown.raw_rows(owner=owner)
        return tuple(rows[0]) if rows else None

    def keep(self, owner, proof, **fields):
        with database.atomic():
            self.forget(owner)
            Registration.create(kind=self.kind, token=secrets.token_urlsafe(32), proof_pdf=proof[0],
                                proof_filename=proof[1], proof_size=len(proof[0]), **{self.owner: owner}, **fields)

    def forget(self, owner):
        Registration.delete().where(self._where(owner)).execute()
