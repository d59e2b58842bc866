"""The register in numbers: the public list's firms by country, by activity and by the month they first
registered, as charts with their tables.

Counting costs a second cold at 100,000 firms (`make bench`: bench/register_numbers.py), so an app
server counts at most once per version of the list, and follows a new version at most every
PORTAL_NUMBERS_FRESHNESS_SECONDS: the first change after a quiet spell shows at once, a busy day's
changes once per period. The counts are kept apart from the rendered page, so that neither a new
language nor an address with arguments of its own (`?x=1`, `?x=2`…) counts again.
"""
import threading
import time

from flask import current_app

from portal.activities.models import ACTIVITY_KINDS
from portal.activities.register_numbers import MONTHS, register_numbers
from portal.clock import today
from portal.public import bp
from portal.public.firm_list import listing_version
from portal.text.countries import country_name
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import charts
from portal.web.page_cache import shared_page
from portal.web.rendering import render

OTHER_COUNTRIES = _l("Other countries")
_counting = threading.Lock()  # one count at a time per process; the others wait for its result


def _kept():
    """This app's copy: {"version", "followed_at", "figures", "counted_on"} (each app, in tests each
    test's, has its own)."""
    return current_app.extensions.setdefault("register_numbers", {})


def numbers_version():
    """The list's version as this page follows it: a new one is taken when the last was taken at least
    PORTAL_NUMBERS_FRESHNESS_SECONDS ago."""
    kept, now = _kept(), time.monotonic()
    if "version" not in kept or now - kept["followed_at"] >= current_app.config["NUMBERS_FRESHNESS_SECONDS"]:
        version = listing_version()
        if version != kept.get("version"):
            kept.update(version=version, followed_at=now)
    return kept["version"]


def counted():
    """(the figures of the version followed, the day they were counted), counted once per version."""
    version = numbers_version()
    kept = _kept()
    with _counting:
        if kept.get("counted_version") != version:
            kept.update(figures=register_numbers(), counted_on=today(), counted_version=version)
        return kept["figures"], kept["counted_on"]


@bp.route("/<lang:lang>/numbers")
@shared_page(version=numbers_version)
def numbers():
    figures, counted_on = counted()
    return render(
        "public/numbers.html", figures=figures, counted_on=counted_on, months=MONTHS,
        by_country=charts.bar_chart((country_name(code) if code else OTHER_COUNTRIES, count)
                                    for code, count in figures.by_country),
        by_activity=charts.bar_chart((ACTIVITY_KINDS[kind], count) for kind, count in figures.by_activity),
        by_month=charts.month_columns(figures.by_month),
    )
