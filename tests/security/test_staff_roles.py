"""The back office by role (ASVS 8.2.1): every route of the back office names the staff roles that open it,
and a staff member holding one role opens those routes and gets 403 on every other, before any object is
looked up; the menu shows only what the role opens.

The routes come from the app's URL map: a new back-office route without its roles fails here."""
import re

import pytest

from portal.models import InspectionDossier, StaffMember
from portal.people.staff_roles import ACCOUNT_SUPPORT, EVERY_ROLE, FINANCE, INSPECTOR, REVIEWER
from tests.builders import make_firm
from tests.harness import AuthActions

# What the menu shows each role: the sections' addresses.
MENU = {"/en/staff/registrations": REVIEWER, "/en/staff/companies": (REVIEWER, INSPECTOR),
        "/en/staff/inspections": INSPECTOR, "/en/staff/contributions": FINANCE, "/en/staff/people": ACCOUNT_SUPPORT}


def back_office_routes(app):
    """(rule, its roles) of every back-office route but its home (which any staff member opens)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("backoffice.") and rule.endpoint != "backoffice.home":
            yield rule, getattr(app.view_functions[rule.endpoint], "staff_roles", None)


def address(rule):
    """The rule's address, with 1 for every id (the role is checked before the object is looked up)."""
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "en" if m.group(1) == "lang" else "1", rule.rule)


def staff_with(app, role):
    client = app.test_client()
    auth = AuthActions(app, client)
    with app.app_context():
        auth.staff(email=f"{role}@afmps.be", name=role.title(), roles=[role])
    return client, auth.token


def test_every_back_office_route_names_the_roles_that_open_it(app):
    routes = list(back_office_routes(app))
    assert len(routes) >= 19
    assert [rule.rule for rule, roles in routes if not roles] == []
    assert {role for _, roles in routes for role in roles} <= set(EVERY_ROLE)


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_a_staff_member_opens_the_routes_of_their_role_and_no_other(app, db, role):
    client, token = staff_with(app, role)
    wrong = []
    for rule, roles in back_office_routes(app):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(address(rule), method=method, data={"csrf_token": token} if method == "POST" else None)
        allowed = role in roles
        if (response.status_code == 403) == allowed or response.status_code >= 500:
            wrong.append(f"{method} {rule.rule}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_the_menu_and_the_home_show_only_what_the_role_opens(app, db, role):
    client, _ = staff_with(app, role)
    home = client.get("/en/staff/")
    opened = [path for path, roles in MENU.items() if role in (roles if isinstance(roles, tuple) else (roles,))]
    if opened:
        assert home.status_code == 303 and home.headers["Location"] == opened[0]
        page = client.get(opened[0]).get_data(as_text=True)
    else:
        page = home.get_data(as_text=True)
        assert home.status_code == 200 and "Your roles open no page of the back office yet." in page
    menu = re.search(r'<nav aria-label="Back office" class="staff-nav">(.*?)</nav>', page, re.S).group(1)
    assert sorted(re.findall(r'href="([^"]+)"', menu)) == sorted(opened)


def test_a_visitor_is_sent_to_the_staff_login_and_a_company_user_is_refused(app, db, client, auth):
    assert "/en/staff/login" in client.get("/en/staff/registrations").headers["Location"]
    auth.company_user()
    response = client.get("/en/staff/registrations")
    assert response.status_code == 303 and "/en/staff/login" in response.headers["Location"]


def test_a_dossier_goes_only_to_an_inspector(app, db):
    with app.app_context():
        company = make_firm("Inspected", country="BE")
    inspector, token = staff_with(app, INSPECTOR)
    staff_with(app, FINANCE)
    page = inspector.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page) == ["Inspector"]
    with app.app_context():
        finance = StaffMember.get(StaffMember.email == "finance@afmps.be")
    refused = inspector.post(f"/en/staff/companies/{company.id}/inspections",
                             data={"csrf_token": token, "subject": "Visit", "planned_on": "", "inspector": finance.id})
    assert refused.status_code == 422 and "Choose an inspector of the agency." in refused.get_data(as_text=True)
    with app.app_context():
        assert InspectionDossier.select().count() == 0


def test_a_reviewer_sees_no_form_to_open_a_dossier(app, db):
    with app.app_context():
        company = make_firm("Reviewed", country="BE")
    reviewer, _ = staff_with(app, REVIEWER)
    page = reviewer.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert "Open an inspection dossier" not in page and 'id="dossier-form"' not in page
