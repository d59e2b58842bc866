"""Dates on the pages read exactly as flask-babel wrote them, in each language."""
import datetime

import pytest
from flask_babel import format_date as babel_date
from flask_babel import format_datetime as babel_datetime

from portal.text.date_formats import format_date, format_datetime
from portal.text.lazy_text import forced

# Every 7 hours and 13 minutes for two years: both summer-time changes, every month, hours before and after noon.
MOMENTS = [datetime.datetime(2025, 1, 1, 0, 5) + i * datetime.timedelta(hours=7, minutes=13) for i in range(2430)]


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("length", ["short", "medium", "long", "full"])
def test_each_date_and_time_reads_as_flask_babel_wrote_it(app, language, length):
    with app.test_request_context(f"/{language}/"), forced(language):
        for moment in MOMENTS:
            assert format_datetime(moment, length) == babel_datetime(moment, length), moment
            assert format_date(moment, length) == babel_date(moment, length), moment
            assert format_date(moment.date(), length) == babel_date(moment.date(), length), moment


def test_brussels_time_with_its_summer_change(app):
    with app.test_request_context("/fr/"), forced("fr"):
        assert format_datetime(datetime.datetime(2026, 3, 29, 0, 30), "short") == "29/03/2026 01:30"
        assert format_datetime(datetime.datetime(2026, 3, 29, 1, 30), "short") == "29/03/2026 03:30"
        assert format_date(datetime.datetime(2026, 12, 31, 23, 30), "long") == "1 janvier 2027"


def test_the_template_filters_write_the_page_language_and_an_emails_own(app):
    from flask import render_template_string

    moment = datetime.datetime(2026, 7, 14, 9, 5)
    source = "{{ m|datetimeformat('long') }} / {{ m|dateformat('long') }}"
    with app.test_request_context("/nl/"), forced("nl"):
        assert render_template_string(source, m=moment) == f"{babel_datetime(moment, 'long')} / 14 juli 2026"
        with forced("fr"):  # an e-mail in the person's language, sent from a Dutch page
            assert render_template_string(source, m=moment) == f"{babel_datetime(moment, 'long')} / 14 juillet 2026"


def test_a_macro_without_the_pages_context_writes_the_pages_language_then_an_emails_own(app):
    """The trail's macro is imported without the page's context: its dates read the locale and zone
    kept for the request, and a forced locale (an e-mail) gets its own, then the page's again."""
    moment = datetime.datetime(2026, 7, 14, 9, 5)
    with app.test_request_context("/nl/"), forced("nl"):
        assert format_date(moment, "long") == "14 juli 2026"
        with forced("fr"):
            assert format_date(moment, "long") == "14 juillet 2026"
            assert format_datetime(moment, "short") == "14/07/2026 11:05"
        assert format_date(moment, "long") == "14 juli 2026"
    with app.test_request_context("/en/"), forced("en"):
        assert format_date(moment, "long") == "July 14, 2026"


def test_a_date_kept_as_iso_text_and_a_date_in_a_lazy_text_read_as_every_other_date(app):
    """A birth date or an expiry date kept in a JSON column, and a date in an e-mail's subject, read
    "15 janv. 2026" like the rest of the page, never "2026-01-15"."""
    from portal.text.date_formats import lazy_date
    from portal.text.lazy_text import lazy_gettext

    subject = lazy_gettext("since %(date)s", date=lazy_date(datetime.date(2026, 1, 15)))
    with app.test_request_context("/fr/"), forced("fr"):
        assert format_date("2026-01-15") == "15 janv. 2026" and format_date("") == ""
        assert str(subject) == "depuis le 15 janv. 2026"
        with forced("en"):  # the same text, written for an English reader
            assert str(subject) == "since Jan 15, 2026"


@pytest.mark.parametrize("language,long,short,name", [
    ("fr", "septembre 2026", "sept. 2026", "sept."), ("nl", "september 2026", "sep 2026", "sep"),
    ("en", "September 2026", "Sep 2026", "Sep")])
def test_a_month_reads_in_the_readers_language(app, language, long, short, name):
    from portal.text.date_formats import format_month, month_name
    with app.test_request_context(f"/{language}/"), forced(language):
        day = datetime.date(2026, 9, 14)
        assert (format_month(day), format_month(day, "short"), month_name(day)) == (long, short, name)
