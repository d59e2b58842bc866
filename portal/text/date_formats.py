"""The templates' `datetimeformat` and `dateformat` filters, as flask-babel
writes them (the reader's language, Brussels time), with less work per date.

flask-babel looks up the locale and the time zone, parses the locale's
pattern and builds a formatter object for every date it writes, which a list
of fifty requests pays fifty times. Here each (language, kind, length)
is compiled once into a `%` format with one small function per field; a
pattern with a field not handled here (an AM/PM marker, a zone name) is
written by Babel itself, exactly as before.
"""
import datetime
import re
import zoneinfo

from babel import dates
from flask import current_app, has_app_context
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_timezone

from portal.text.lazy_text import Lazy, locale_in_force

NAMED = ("short", "medium", "long", "full")
_FIELD = re.compile(r"%\((\w+)\)s")


def _month_name(width):
    return lambda value, locale: locale.months["format"][width][value.month]


FIELDS = {
    "d": lambda value, locale: str(value.day),
    "dd": lambda value, locale: f"{value.day:02d}",
    "M": lambda value, locale: str(value.month),
    "MM": lambda value, locale: f"{value.month:02d}",
    "MMM": _month_name("abbreviated"),
    "MMMM": _month_name("wide"),
    "y": lambda value, locale: str(value.year),
    "yy": lambda value, locale: f"{value.year % 100:02d}",
    "yyyy": lambda value, locale: f"{value.year:04d}",
    "H": lambda value, locale: str(value.hour),
    "HH": lambda value, locale: f"{value.hour:02d}",
    "mm": lambda value, locale: f"{value.minute:02d}",
    "ss": lambda value, locale: f"{value.second:02d}",
}


def _filler(pattern, locale):
    """A function writing `pattern` for a value, or None when a field needs Babel."""
    fields = _FIELD.findall(pattern.format)
    if not all(field in FIELDS for field in fields):
        return None
    text, getters = pattern.format, [(field, FIELDS[field]) for field in fields]
    return lambda value: text % {field: get(value, locale) for field, get in getters}


def _part(pattern, locale, by_babel):
    """Write `pattern` with the compiled fields, or through Babel's `by_babel` when a field needs it."""
    fill = _filler(pattern, locale)
    return fill or (lambda value: by_babel(value, pattern.pattern, locale=locale))


def _date_part(length, locale):
    return _part(dates.get_date_format(length, locale=locale), locale, dates.format_date)


def _time_part(length, locale):
    return _part(dates.get_time_format(length, locale=locale), locale,
                 lambda value, pattern, locale: dates.format_time(value, pattern, tzinfo=None, locale=locale))


_compiled = {}


def _parts(kind, length, locale):
    key = (locale, kind, length)  # a Locale hashes and compares by its parts, in a fraction of str()
    found = _compiled.get(key)
    if found is None:
        if kind == "date":
            found = _date_part(length, locale)
        else:
            glue = dates.get_datetime_format(length, locale=locale).replace("'", "")
            found = (glue, _time_part(length, locale), _date_part(length, locale))
        _compiled[key] = found
    return found


_zones = {}


def _zone_in_force():
    """The portal's zone, read from its settings when no zone is chosen per request
    (flask-babel's look-up then gives the same, at a cost on every page)."""
    if current_app.extensions["babel"].timezone_selector is None:
        return _zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return _zone(str(get_timezone()))


def _zone(name):
    zone = _zones.get(name)
    if zone is None:  # zoneinfo (in C) rather than pytz: the same times, a fraction of the cost
        zone = _zones[name] = zoneinfo.ZoneInfo(name)
    return zone


def _local(moment, zone):
    """A UTC datetime (naive ones are UTC) in the portal's time zone, as flask-babel rebases it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(zone)


def format_datetime(value, format="medium", zone=None):
    if value is None or format not in NAMED or not has_app_context():
        return babel_format_datetime(value, format)
    glue, time_part, date_part = _parts("datetime", format, locale_in_force())
    moment = _local(value, zone or _zone_in_force())
    return glue.replace("{0}", time_part(moment)).replace("{1}", date_part(moment.date()))


def format_date(value, format="medium", zone=None):
    if isinstance(value, str):  # a date kept as ISO text (in a JSON column): "2026-01-15"
        if not value:
            return ""
        value = datetime.date.fromisoformat(value)
    if value is None or format not in NAMED or not has_app_context():
        return babel_format_date(value, format)
    if isinstance(value, datetime.datetime):
        value = _local(value, zone or _zone_in_force()).date()
    return _parts("date", format, locale_in_force())(value)


MONTH_SKELETONS = {"short": "yMMM", "long": "yMMMM"}  # "janv. 2026", "janvier 2026"


def format_month(value, length="long"):
    """A month (any date in it) with its year, in the reader's language: "janvier 2026", "januari 2026"."""
    return dates.format_skeleton(MONTH_SKELETONS[length], value, locale=locale_in_force())


def month_name(value):
    """A month's short name alone ("janv.", "jan.", "Jan"), in the reader's language."""
    return locale_in_force().months["stand-alone"]["abbreviated"][value.month]


def lazy_date(value, format="medium"):
    """A date for a text made at import or before its language is known (`_l(…, date=lazy_date(d))`, an
    e-mail's subject): written in the language in force when the text is."""
    return Lazy(format_date, value, format)


def init_app(app):
    """After flask-babel, whose filters of the same names these replace. Without a zone chosen per
    request, the filters write in the portal's zone, read from the settings once."""
    zone = None
    if app.extensions["babel"].timezone_selector is None:
        zone = _zone(app.config["BABEL_DEFAULT_TIMEZONE"])
    app.jinja_env.filters["datetimeformat"] = lambda value, format="medium": format_datetime(value, format, zone)
    app.jinja_env.filters["dateformat"] = lambda value, format="medium": format_date(value, format, zone)
    app.jinja_env.filters["monthformat"] = format_month
