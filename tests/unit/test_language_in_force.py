"""The language a page, an e-mail or a command writes in."""
import datetime
import re
from pathlib import Path

from flask import render_template_string

from portal.text.date_formats import lazy_date
from portal.text.lazy_text import forced, language_in_force, lazy_gettext

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def test_an_email_written_during_a_dutch_page_is_in_its_own_language_and_the_page_stays_dutch(app):
    label = lazy_gettext("Help")
    day = lazy_date(datetime.date(2026, 3, 1), "long")
    page = "{{ _('Help') }} {{ label }} {{ day }}"
    with app.test_request_context("/nl/"):
        app.preprocess_request()
        assert render_template_string(page, label=label, day=day) == "Hulp Hulp 1 maart 2026"
        with forced("fr"):
            assert render_template_string(page, label=label, day=day) == "Aide Aide 1 mars 2026"
        assert render_template_string(page, label=label, day=day) == "Hulp Hulp 1 maart 2026"


def test_a_request_s_language_ends_with_it(app):
    client = app.test_client()
    assert client.get("/nl/").status_code == 200
    with app.app_context():
        assert language_in_force() == "fr"  # the default, not the last page's Dutch
        assert str(lazy_gettext("Help")) == "Aide"


def test_a_value_in_a_label_is_escaped_on_a_page(app):
    label = lazy_gettext("Welcome, %(name)s", name="<script>x</script>")
    with app.test_request_context("/en/"):
        app.preprocess_request()
        assert "<script>" not in render_template_string("{{ label }}", label=label)


def test_the_portal_forces_a_language_only_through_forced():
    """flask-babel's force_locale alone would not reach the labels and dates of a page."""
    callers = [path.relative_to(PORTAL) for path in PORTAL.rglob("*.py")
               if re.search(r"\bforce_locale\b", path.read_text()) and path.name != "lazy_text.py"]
    assert callers == []
