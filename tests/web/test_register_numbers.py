"""The register in numbers: the public list's firms counted by country, by activity and by the month
they first registered, each chart with its table, in three languages."""
import datetime
import re

import pytest

from portal.activities.register_numbers import MONTHS
from portal.models import Activity
from tests.builders import make_firm

# The test clock (tests/accounts.Clock) stands at 15 January 2027.
JANUARY_2027 = datetime.datetime(2027, 1, 10, 9)


def table(page, chart_id):
    """The rows of a chart's table: [(label, value), …] as written."""
    found = re.search(rf'<table class="data-table" id="{chart_id}-table">(.*?)</table>', page, re.S).group(1)
    return [(label, value) for label, value in
            re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td></tr>', found)]


def svg(page, chart_id):
    return re.search(rf'<svg[^>]*aria-labelledby="{chart_id}-image".*?</svg>', page, re.S).group(0)


def registered_in(company, moment):
    Activity.update(notified_at=moment).where(Activity.company == company).execute()


@pytest.fixture
def register(db, clock):
    """Four listed firms in three countries, and two that the public list does not show."""
    orthoflex = make_firm("Orthoflex GmbH", "DE", "000101", ["manufacturer", "distributor"])
    registered_in(orthoflex, JANUARY_2027)
    medisense = make_firm("Medisense AG", "DE", "000102", ["importer"])
    registered_in(medisense, datetime.datetime(2026, 11, 3))
    cardio = make_firm("Cardio SA", "FR", "000103", ["distributor", "distributor"])  # one kind at two places
    registered_in(cardio, datetime.datetime(2026, 11, 28))
    old = make_firm("Old Timer BV", "NL", "000104", ["manufacturer"])
    registered_in(old, datetime.datetime(2020, 3, 1))  # before the months shown: in the totals only
    make_firm("Unlisted Without Number Ltd", "GB", None, ["manufacturer"])
    make_firm("Dormant Medical BV", "BE", "000105", [], inactive=["distributor"])


def test_counts_only_the_firms_the_public_list_shows(client, register):
    page = client.get("/en/numbers").get_data(as_text=True)
    assert "On January 15, 2027, 4 firms are on the list of registered firms." in page
    assert table(page, "by-country") == [("Germany", "2"), ("France", "1"), ("Netherlands", "1")]
    activities = dict(table(page, "by-activity"))
    assert activities["Manufacturer"] == "2"  # not the firm without a number
    assert activities["Distributor"] == "2"  # not the dormant firm; the firm at two places once
    assert activities["Importer"] == "1"
    assert activities["Exporter"] == "0"  # every activity is shown, none left out
    assert len(activities) == 11


def test_first_registrations_by_month_with_the_empty_months_as_zero(client, register):
    Activity.create(company=Activity.get(Activity.kind == "importer").company, kind="exporter",
                    notified_at=JANUARY_2027)  # a later activity moves nothing: the first one counts
    months = table(client.get("/en/numbers").get_data(as_text=True), "by-month")
    assert len(months) == MONTHS
    assert months[0] == ("February 2025", "0") and months[-1] == ("January 2027", "1")
    assert dict(months)["November 2026"] == "2"
    assert dict(months)["December 2026"] == "0"
    assert sum(int(value) for _, value in months) == 3


def test_each_chart_draws_the_figures_of_its_table(client, register):
    page = client.get("/en/numbers").get_data(as_text=True)
    for chart_id in ("by-country", "by-activity", "by-month"):
        drawing = svg(page, chart_id)
        assert 'role="img"' in drawing and 'viewBox="0 0 640 ' in drawing
        assert "style=" not in drawing  # the CSP allows no inline style
        assert f'<caption id="{chart_id}-caption">' in page
        non_zero = [value for _, value in table(page, chart_id) if value != "0"]
        assert drawing.count("<rect ") == len(non_zero)
    countries = svg(page, "by-country")
    heights = [float(w) for w in re.findall(r'<rect class="chart-bar"[^>]*width="([\d.]+)"', countries)]
    assert heights[0] == 2 * heights[1] == 2 * heights[2]  # Germany's bar twice France's
    assert [text for text in re.findall(r'class="chart-value"[^>]*>([^<]+)<', countries)] == ["2", "1", "1"]


@pytest.mark.parametrize("lang,heading,country,month,activity", [
    ("fr", "Le registre en chiffres", "Allemagne", "janvier 2027", "Fabricant"),
    ("nl", "Het register in cijfers", "Duitsland", "januari 2027", "Fabrikant"),
    ("en", "The register in numbers", "Germany", "January 2027", "Manufacturer"),
])
def test_the_page_speaks_each_language(client, register, lang, heading, country, month, activity):
    page = client.get(f"/{lang}/numbers").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert table(page, "by-country")[0] == (country, "2")
    assert (month, "1") in table(page, "by-month")
    assert (activity, "2") in table(page, "by-activity")


def test_numbers_are_written_in_the_readers_language(client, db, clock, monkeypatch):
    from portal.activities import register_numbers
    monkeypatch.setattr(register_numbers, "firms_by_country", lambda: [("DE", 12345), ("FR", 2)])
    assert table(client.get("/fr/numbers").get_data(as_text=True), "by-country")[0] == ("Allemagne", "12\u202f345")
    assert table(client.get("/en/numbers").get_data(as_text=True), "by-country")[0] == ("Germany", "12,345")


def test_countries_past_the_twentieth_are_counted_together(client, db, clock):
    codes = ["AT", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
             "LU", "LV", "MT", "PL", "PT"]
    for index, code in enumerate(codes):
        make_firm(f"Firm {code}", code, f"{index + 1:06d}")
    rows = table(client.get("/en/numbers").get_data(as_text=True), "by-country")
    assert len(rows) == 21 and rows[-1] == ("Other countries", "2")


def test_the_counts_are_kept_and_follow_a_changed_list_once_per_period(app, client, register):
    first = client.get("/en/numbers")
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    assert client.get("/en/numbers", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    make_firm("Newcomer SRL", "IT", "000106", ["exporter"])
    # Within PORTAL_NUMBERS_FRESHNESS_SECONDS of the last count: the same figures, not a count per change.
    assert "4 firms are on the list" in client.get("/en/numbers?another=address").get_data(as_text=True)
    app.config["NUMBERS_FRESHNESS_SECONDS"] = 0  # the period is over
    page = client.get("/en/numbers").get_data(as_text=True)
    assert "5 firms are on the list" in page and ("Italy", "1") in table(page, "by-country")


def test_an_empty_register_shows_zeros_not_an_error(client, db, clock):
    page = client.get("/nl/numbers").get_data(as_text=True)
    assert "staan 0 firma's op de lijst" in page
    assert table(page, "by-country") == []
    assert all(value == "0" for _, value in table(page, "by-month"))


def test_linked_from_the_list_and_the_footer(client, db):
    for path in ("/en/firms", "/en/"):
        assert 'href="/en/numbers"' in client.get(path).get_data(as_text=True)
