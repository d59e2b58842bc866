"""The agency's work on requests in numbers (the back office's figures): the requests waiting for
review by how long they have waited, and, month by month, the decisions taken and the median time from
a request's first sending to its decision (as `states.median_decision_time` measures it).

Two statements whatever the number of requests kept: the waiting ones are counted by age band in one
GROUP BY (the queue's index `status, submitted_at, id`); the decisions of the months shown are read
once, through the index on `decided_at`, and counted and measured here, in Brussels months, so that
the median is the same on SQLite and PostgreSQL.
"""
import bisect
import datetime
import statistics
from dataclasses import dataclass

from peewee import SQL, Case, fn

from portal import clock
from portal.data.db import database
from portal.registrations.models import Registration
from portal.text.lazy_text import lazy_gettext as _l

MONTHS = 12  # the months shown, this one last
# Upper bounds in days of the age bands of a waiting request, and their names; the last has none.
AGE_BANDS = ((7, _l("Less than a week")), (14, _l("1 to 2 weeks")), (30, _l("2 weeks to a month")),
             (90, _l("1 to 3 months")), (None, _l("More than 3 months")))
DECIDED = (Registration.VALIDATED, Registration.REFUSED)
DAY = 86400.0


@dataclass(frozen=True)
class MonthOfDecisions:
    month: datetime.date  # its first day
    validated: int
    refused: int
    median_days: float = None  # None: no decision that month

    @property
    def decisions(self):
        return self.validated + self.refused


@dataclass(frozen=True)
class WorkNumbers:
    waiting: tuple  # ((band's name, requests waiting for review), …), in AGE_BANDS's order
    months: tuple  # MonthOfDecisions, MONTHS of them, the oldest first
    median_days: float  # over every month shown; None without any decision

    @property
    def waiting_total(self):
        return sum(count for _, count in self.waiting)

    @property
    def decisions(self):
        return sum(month.decisions for month in self.months)


def work_numbers(kind=""):
    """The figures, now, for requests of `kind` (a key of states.KINDS), or of every kind with ""."""
    months, median = decisions_by_month(MONTHS, kind)
    return WorkNumbers(waiting=waiting_by_age(kind), months=months, median_days=median)


def _of_kind(query, kind):
    return query.where(Registration.kind == kind) if kind else query


def waiting_by_age(kind="", now=None):
    """((band's name, requests waiting for review sent that long ago), …) for every band, zeros
    included. A request sent again after the agency asked for information counts from its first
    sending, as the queue orders it."""
    now = now or clock.utc()
    cases = [(Registration.submitted_at > now - datetime.timedelta(days=days), index)
             for index, (days, _) in enumerate(AGE_BANDS) if days is not None]
    band = Case(None, cases, len(AGE_BANDS) - 1)
    query = _of_kind(Registration.select(band, fn.COUNT(Registration.id))
                     .where(Registration.status == Registration.SUBMITTED), kind)
    counted = dict(query.group_by(SQL("1")).tuples())  # by position: each bound is a parameter of its own
    return tuple((name, counted.get(index, 0)) for index, (_, name) in enumerate(AGE_BANDS))


def decisions_by_month(months, kind=""):
    """(MonthOfDecisions for each of the last `months` months in Brussels, this one last, the median
    days to decision over all of them or None): requests validated or refused, from their first
    sending to the decision."""
    shown = clock.months_back(months)
    after = shown[-1] + datetime.timedelta(days=31)
    starts = [clock.brussels_midnight(month) for month in (*shown, after.replace(day=1))]  # in UTC, as stored
    query = _of_kind(Registration.select(Registration.status, Registration.submitted_at, Registration.decided_at)
                     .where((Registration.decided_at >= starts[0]) & Registration.status.in_(DECIDED)
                            & Registration.submitted_at.is_null(False)), kind)
    by_month = {month: ([], []) for month in shown}  # month -> (statuses, days)
    for status, submitted_at, decided_at in database.execute(query).fetchall():  # as the driver gives them
        submitted_at, decided_at = _moment(submitted_at), _moment(decided_at)
        index = bisect.bisect_right(starts, decided_at) - 1
        if index < len(shown):  # a decision dated after this month (a clock moved back) is not shown
            statuses, days = by_month[shown[index]]
            statuses.append(status)
            days.append((decided_at - submitted_at).total_seconds() / DAY)
    rows = tuple(MonthOfDecisions(month, statuses.count(Registration.VALIDATED), statuses.count(Registration.REFUSED),
                                  _median(days))
                 for month, (statuses, days) in by_month.items())
    return rows, _median([day for _, days in by_month.values() for day in days])


def _moment(value):
    """A timestamp as the driver gives it: PostgreSQL's a datetime, SQLite's its ISO text (read here in a
    fraction of the time the model's field takes, which tries one format after another)."""
    return value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)


def _median(days):
    return round(statistics.median(days), 1) if days else None
