"""The back office's requests in numbers: what waits for review and for how long, the decisions of each
month and the median time to a decision, for reviewers only."""
import datetime
import re
import secrets

import pytest

from portal.models import Registration
from portal.people.staff_roles import FINANCE, INSPECTOR, REVIEWER
from portal.registrations.work_numbers import MONTHS

# The test clock (tests/accounts.Clock) stands at 15 January 2027, 08:00 UTC.
NOW = datetime.datetime(2027, 1, 15, 8)
DAY = datetime.timedelta(days=1)


def table(page, chart_id):
    found = re.search(rf'<table class="data-table" id="{chart_id}-table">(.*?)</table>', page, re.S).group(1)
    return [tuple(re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)) for row in re.findall(r"<tr>(.*?)</tr>", found)][1:]


def sent(kind=Registration.REGISTRATION, status=Registration.SUBMITTED, submitted=None, decided=None):
    return Registration.create(token=secrets.token_urlsafe(16), kind=kind, status=status, submitted_at=submitted,
                               decided_at=decided)


@pytest.fixture
def work(db, clock):
    for days in (1, 3, 10, 20, 45, 200):
        sent(submitted=NOW - days * DAY)
    sent(kind=Registration.CHANGE, submitted=NOW - 2 * DAY)
    sent(status=Registration.NEEDS_INFORMATION, submitted=NOW - 5 * DAY)  # waits for the company, not the agency
    sent(status=Registration.DRAFT)  # never sent
    # Decisions: two in January 2027 (2 and 6 days), three in November 2026 (1, 3 and 11 days), none between.
    sent(status=Registration.VALIDATED, submitted=NOW - 4 * DAY, decided=NOW - 2 * DAY)
    sent(status=Registration.REFUSED, submitted=NOW - 10 * DAY, decided=NOW - 4 * DAY)
    november = datetime.datetime(2026, 11, 20, 10)
    sent(status=Registration.VALIDATED, submitted=november - DAY, decided=november)
    sent(status=Registration.VALIDATED, submitted=november - 3 * DAY, decided=november)
    sent(kind=Registration.CHANGE, status=Registration.VALIDATED, submitted=november - 11 * DAY, decided=november)
    # Decided before the months shown: counted nowhere.
    sent(status=Registration.REFUSED, submitted=datetime.datetime(2025, 1, 2), decided=datetime.datetime(2025, 1, 9))


def test_requests_waiting_for_review_by_age(client, auth, work):
    auth.staff(roles=[REVIEWER])
    page = client.get("/en/staff/registrations/numbers").get_data(as_text=True)
    assert "7 requests wait for a decision" in page
    assert table(page, "waiting") == [("Less than a week", "3"), ("1 to 2 weeks", "1"), ("2 weeks to a month", "1"),
                                      ("1 to 3 months", "1"), ("More than 3 months", "1")]


def test_decisions_and_the_median_time_to_decision_per_month(client, auth, work):
    auth.staff(roles=[REVIEWER])
    page = client.get("/en/staff/registrations/numbers").get_data(as_text=True)
    decisions = table(page, "decisions")
    assert len(decisions) == MONTHS and decisions[-1] == ("January 2027", "1", "1", "2")
    assert ("November 2026", "3", "0", "3") in decisions and ("December 2026", "0", "0", "0") in decisions
    medians = dict((month, median) for month, median, _ in table(page, "median"))
    assert medians["January 2027"] == "4" and medians["November 2026"] == "3"
    assert medians["December 2026"] == "–"  # no decision, no median
    assert "half of the requests were decided within 3 days" in page  # 1, 2, 3, 6, 11
    assert 'role="img"' in page and page.count('<rect class="chart-bar"') == 5 + 2 + 2


def test_counts_one_kind_of_request(client, auth, work):
    auth.staff(roles=[REVIEWER])
    page = client.get("/en/staff/registrations/numbers?kind=change").get_data(as_text=True)
    assert table(page, "waiting")[0] == ("Less than a week", "1")
    assert ("November 2026", "1", "0", "1") in table(page, "decisions")
    assert 'name="kind"' in page and '<option value="change" selected>' in page
    everything = client.get("/en/staff/registrations/numbers?kind=nonsense").get_data(as_text=True)
    assert table(everything, "waiting")[0] == ("Less than a week", "3")


def test_an_htmx_request_gets_the_figures_alone(client, auth, work):
    auth.staff(roles=[REVIEWER])
    response = client.get("/en/staff/registrations/numbers?kind=belgian",
                          headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page and 'id="figures"' in page


@pytest.mark.parametrize("lang,heading,month", [
    ("fr", "Les demandes en chiffres", "janvier 2027"), ("nl", "Aanvragen in cijfers", "januari 2027")])
def test_in_french_and_dutch(client, auth, work, lang, heading, month):
    auth.staff(roles=[REVIEWER])
    page = client.get(f"/{lang}/staff/registrations/numbers").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page and table(page, "decisions")[-1] == (month, "1", "1", "2")


@pytest.mark.parametrize("role", [INSPECTOR, FINANCE])
def test_refused_to_staff_who_do_not_review(client, auth, db, role):
    auth.staff(roles=[role])
    assert client.get("/en/staff/registrations/numbers").status_code == 403
    assert "/en/staff/registrations/numbers" not in client.get("/en/staff/account").get_data(as_text=True)


def test_reviewers_find_it_in_the_menu(client, auth, db):
    auth.staff(roles=[REVIEWER])
    menu = re.search(r'class="staff-nav">(.*?)</nav>', client.get("/en/staff/registrations").get_data(as_text=True),
                     re.S).group(1)
    assert 'href="/en/staff/registrations/numbers">Requests in numbers</a>' in menu


def test_a_decision_counts_in_its_month_in_brussels(client, auth, db, clock):
    new_year = datetime.datetime(2026, 12, 31, 23, 30)  # 00:30 on 1 January 2027 in Brussels
    sent(status=Registration.REFUSED, submitted=new_year - 2 * DAY, decided=new_year)
    auth.staff(roles=[REVIEWER])
    decisions = table(client.get("/en/staff/registrations/numbers").get_data(as_text=True), "decisions")
    assert decisions[-2:] == [("December 2026", "0", "0", "0"), ("January 2027", "0", "1", "1")]
