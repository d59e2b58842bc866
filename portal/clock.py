"""The time, as the app sees it: tests set app.config["CLOCK"] instead of sleeping."""
import datetime
import time

from flask import current_app


def now():
    """Seconds since the epoch."""
    return current_app.config.get("CLOCK", time.time)()


def utc():
    """A naive UTC datetime, like the database's timestamps."""
    return datetime.datetime.fromtimestamp(now(), datetime.timezone.utc).replace(tzinfo=None)
