"""The back office by role (ASVS 8.2.1): every route of the back office names the staff roles that open it,
and a staff member holding one role opens those routes and gets 403 on every other, before any object is
looked up; the menu shows only what the role opens.

The routes come from the app's URL map: a new back-office route without its roles fails here."""
import re

import pytest

from portal.models import InspectionDossier, StaffMember
from portal.people.staff_roles import ACCOUNT_SUPPORT, ADMINISTRATOR, EVERY_ROLE, FINANCE, INSPECTOR, REVIEWER
from tests.builders import make_firm
from tests.harness import AuthActions

# What the menu shows each role: the sections' addresses.
MENU = {"/en/staff/registrations": REVIEWER, "/en/staff/companies": (REVIEWER, INSPECTOR),
        "/en/staff/inspections": INSPECTOR, "/en/staff/contributions": FINANCE, "/en/staff/people": ACCOUNT_SUPPORT,
        "/en/staff/approvals": (ACCOUNT_SUPPORT, FINANCE), "/en/staff/members": ADMINISTRATOR}


def back_office_routes(app):
    """(rule, its roles) of every route under /staff/ (whatever blueprint holds it) but the staff login;
    a page for every staff member (the back office's home, "Mon compte") has every role."""
    for rule in app.url_map.iter_rules():
        if "/staff/" in rule.rule and rule.endpoint != "auth.staff_login":
            view = app.view_functions[rule.endpoint]
            yield rule, EVERY_ROLE if getattr(view, "any_staff", False) else getattr(view, "staff_roles", None)


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
        to_login = "/staff/login" in response.headers.get("Location", "")
        if (response.status_code == 403) == allowed or response.status_code >= 500 or to_login:
            wrong.append(f"{method} {rule.rule}: {response.status_code}")
    assert wrong == []


def test_a_staff_member_holding_several_roles_opens_each_and_an_inactive_one_none(app, db):
    client, token = staff_with(app, REVIEWER)
    with app.app_context():
        StaffMember.update(roles="reviewer finance").where(StaffMember.email == "reviewer@afmps.be").execute()
    assert client.get("/en/staff/registrations").status_code == 200
    assert client.get("/en/staff/contributions").status_code == 200
    assert client.get("/en/staff/inspections").status_code == 403
    with app.app_context():
        StaffMember.update(active=False).where(StaffMember.email == "reviewer@afmps.be").execute()
    assert "/en/staff/login" in client.get("/en/staff/registrations").headers["Location"]


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


def test_a_visitor_and_a_company_user_are_sent_to_the_staff_login_from_every_route(app, db, client, auth):
    def answers():
        token = auth.token or auth._csrf()
        for rule, _ in back_office_routes(app):
            method = "GET" if "GET" in rule.methods else "POST"
            response = client.open(address(rule), method=method, data={"csrf_token": token} if method == "POST" else None)
            yield rule.rule, response.status_code, "/en/staff/login" in response.headers.get("Location", "")

    assert {answer[1:] for answer in answers()} == {(303, True)}
    auth.company_user()
    assert {answer[1:] for answer in answers()} == {(303, True)}


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


def test_the_company_page_shows_each_role_its_own_sections(app, db):
    with app.app_context():
        company = make_firm("Reviewed", country="BE")
    reviewer, _ = staff_with(app, REVIEWER)
    inspector, _ = staff_with(app, INSPECTOR)
    seen_by_reviewer = reviewer.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    seen_by_inspector = inspector.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert 'id="s-requests"' in seen_by_reviewer and 'id="s-inspections"' not in seen_by_reviewer
    assert 'id="s-inspections"' in seen_by_inspector and 'id="s-requests"' not in seen_by_inspector
    assert "Risk indicator" in seen_by_inspector and "Risk indicator" not in seen_by_reviewer


def test_two_staff_members_of_one_server_each_see_their_own_menu(app, db):
    reviewer, _ = staff_with(app, REVIEWER)
    finance, _ = staff_with(app, FINANCE)
    for client, only in ((reviewer, "/en/staff/registrations"), (finance, "/en/staff/contributions"),
                         (reviewer, "/en/staff/registrations")):
        page = client.get(only).get_data(as_text=True)
        menu = re.search(r'<nav aria-label="Back office" class="staff-nav">(.*?)</nav>', page, re.S).group(1)
        assert only in menu and len(re.findall(r"href=", menu)) == 2  # registrations and companies; contributions and approvals
