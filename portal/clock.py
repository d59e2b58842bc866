"""The time, as the portal sees it: the one place that reads the clock.

Tests set app.config["CLOCK"] to a callable returning seconds since the
epoch, and move it, instead of sleeping or rewriting rows. Outside a
request or a command (a test arranging rows), the real clock answers.
"""
import datetime
import time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

BRUSSELS = ZoneInfo("Europe/Brussels")


def now():
    """Seconds since the epoch."""
    if has_app_context():
        return current_app.config.get("CLOCK", time.time)()
    return time.time()


def utc():
    """A naive UTC datetime, like the database's timestamps."""
    return datetime.datetime.fromtimestamp(now(), datetime.timezone.utc).replace(tzinfo=None)


def today():
    """Today's date in Brussels, where the agency's days begin and end."""
    return datetime.datetime.fromtimestamp(now(), BRUSSELS).date()
