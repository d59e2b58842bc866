"""What every part says about a registration request: the words for its
states and its history, the vocabulary of its answers, and how long the
agency takes to decide. The states themselves are constants of the model
(`Registration.SUBMITTED`, `Registration.EDITABLE`…)."""
import datetime
import statistics

from flask_babel import lazy_gettext as _l

from . import clock
from .models import Registration

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
LANGUAGES = {"fr": _l("French"), "nl": _l("Dutch"), "en": _l("English")}  # of the exchanges with the agency
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
