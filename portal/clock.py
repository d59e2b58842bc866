"""The time, as the portal sees it: the one place that reads the clock.

Tests set app.config["CLOCK"] to a callable returning seconds since the
epoch, and move it, instead of sleeping or rewriting rows. Outside a
request or a command (a test arranging rows), the real clock answers.

The app's settings are a `Config` that notes when any app of the process is
given a clock of its own: until then (always, in production) the clock is
read without going through Flask's context, which every row a query makes
pays for each of its `default=utc` columns.
"""
import datetime
import time
from zoneinfo import ZoneInfo

import flask
from flask import current_app, has_app_context

BRUSSELS = ZoneInfo("Europe/Brussels")
EPOCH = datetime.datetime(1970, 1, 1)  # naive UTC, as the database's timestamps
_moved = False  # whether an app of this process was given a clock of its own


class Config(flask.Config):
    """Flask's settings, telling this module when "CLOCK" is set (whichever way it is set)."""

    def __setitem__(self, key, value):
        global _moved
        if key == "CLOCK":
            _moved = True
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]


def now():
    """Seconds since the epoch."""
    if _moved and has_app_context():
        return current_app.config.get("CLOCK", time.time)()
    return time.time()


def utc():
    """A naive UTC datetime, like the database's timestamps (every model made from a row calls this for its
    default creation time: the sum is half the time of making a timezone-aware one and dropping the zone)."""
    return EPOCH + datetime.timedelta(seconds=now())


def today():
    """Today's date in Brussels, where the agency's days begin and end."""
    return datetime.datetime.fromtimestamp(now(), BRUSSELS).date()


def months_back(count):
    """The first days of the last `count` months in Brussels, the oldest first, this month last."""
    this_month = today()
    months = [this_month.year * 12 + this_month.month - 1 - back for back in range(count - 1, -1, -1)]
    return [datetime.date(month // 12, month % 12 + 1, 1) for month in months]


def brussels_midnight(day):
    """The naive UTC datetime (as the database's timestamps) at which `day` begins in Brussels."""
    start = datetime.datetime.combine(day, datetime.time(), BRUSSELS)
    return start.astimezone(datetime.timezone.utc).replace(tzinfo=None)

