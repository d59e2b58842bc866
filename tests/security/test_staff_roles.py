"""The back office by role (ASVS 8.2.1): every route of the back office names the staff roles that open it,
and a staff member holding one role opens those routes and gets 403 on every other, before any object is
looked up; the menu shows only what the role opens. Inside the inspector's role (ASVS 8.2.2), an inspector
reaches only the dossiers where they are the inspector, unless they hold the second right (all_dossiers).

The routes come from the app's URL map: a new back-office route without its roles fails here."""
import datetime
import io
import re

import pytest

from portal.inspections.actions import version
from portal.models import CorrectiveAction, DossierDocument, DossierEvent, InspectionDossier, StaffMember
from portal.people.staff_roles import (
    ACCOUNT_SUPPORT,
    ADMINISTRATOR,
    ALL_DOSSIERS,
    EVERY_ROLE,
    FINANCE,
    INSPECTOR,
    REVIEWER,
    stored,
)
from tests.builders import make_firm
from tests.harness import AuthActions

# What the menu shows each role: the sections' addresses.
MENU = {"/en/staff/registrations": REVIEWER, "/en/staff/registrations/numbers": REVIEWER,
        "/en/staff/companies": (REVIEWER, INSPECTOR), "/en/staff/inspections": INSPECTOR, "/en/staff/contributions": FINANCE, "/en/staff/people": ACCOUNT_SUPPORT,
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


def staff_with(app, role, *more, name=None):
    """A client logged in as a staff member holding `role` (and `more`), and its CSRF token; the member is
    `client.staff`."""
    client = app.test_client()
    auth = AuthActions(app, client)
    with app.app_context():
        client.staff = auth.staff(email=f"{'.'.join((role, *more))}@afmps.be", name=name or role.title(),
                                  roles=[role, *more])
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
    chief, token = staff_with(app, INSPECTOR, ALL_DOSSIERS, name="Chief Inspector")
    staff_with(app, INSPECTOR)
    staff_with(app, FINANCE)
    page = chief.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page) == ["Chief Inspector", "Inspector"]
    with app.app_context():
        finance = StaffMember.get(StaffMember.email == "finance@afmps.be")
    refused = chief.post(f"/en/staff/companies/{company.id}/inspections",
                         data={"csrf_token": token, "subject": "Visit", "planned_on": "", "inspector": finance.id})
    assert refused.status_code == 422 and "Choose an inspector of the agency." in refused.get_data(as_text=True)
    with app.app_context():
        assert InspectionDossier.select().count() == 0


def test_an_inspector_opens_dossiers_for_themself_and_names_another_only_with_the_second_right(app, db):
    with app.app_context():
        company = make_firm("Inspected", country="BE")
    chief, chief_token = staff_with(app, INSPECTOR, ALL_DOSSIERS, name="Chief Inspector")
    inspector, token = staff_with(app, INSPECTOR)
    page = inspector.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert 'name="inspector"' not in page and "You will be the dossier's inspector." in page
    path = f"/en/staff/companies/{company.id}/inspections"
    refused = inspector.post(path, data={"csrf_token": token, "subject": "Visit", "inspector": chief.staff.id})
    assert refused.status_code == 422 and "naming another inspector needs the right" in refused.get_data(as_text=True)
    with app.app_context():
        assert InspectionDossier.select().count() == 0
    assert inspector.post(path, data={"csrf_token": token, "subject": "Visit"}).status_code == 303
    assert chief.post(path, data={"csrf_token": chief_token, "subject": "Audit",
                                  "inspector": inspector.staff.id}).status_code == 303
    with app.app_context():
        assert {dossier.subject: dossier.inspector_id for dossier in InspectionDossier.select()} == {
            "Visit": inspector.staff.id, "Audit": inspector.staff.id}


def test_the_second_right_alone_opens_nothing_and_is_given_with_the_inspectors_role(app, db, runner):
    with pytest.raises(ValueError):
        stored([ALL_DOSSIERS])
    assert stored([ALL_DOSSIERS, FINANCE, INSPECTOR]) == "inspector all_dossiers finance"
    result = runner.invoke(args=["portal", "create-staff", "--email", "x@afmps.be", "--name", "X Y",
                                 "--password", "a long staff password 42", "--role", ALL_DOSSIERS])
    assert result.exit_code != 0 and "give both" in result.output


MARK = "Omarsdossier"  # in every text of the other inspector's dossier


@pytest.fixture
def another_inspectors_dossier(app, db):
    """Omar's dossier (with a document and an action waiting for him), and Ines, an inspector without the
    second right, logged in; Ines holds a dossier of her own."""
    from portal.demo.tiles import blank_pdf
    from portal.inspections import dossiers as inspections
    from portal.inspections.documents import check

    ines, token = staff_with(app, INSPECTOR, name="Ines")
    with app.app_context():
        company = make_firm(f"{MARK} Medical", country="BE")
        omar = StaffMember.create(email="omar@afmps.be", name="Omar", roles="inspector")
        theirs = inspections.open_dossier(company, omar, {"subject": f"{MARK} visit", "planned_on": "",
                                                          "inspector": ""})
        document = inspections.add_document(theirs, check(blank_pdf()), f"{MARK}.pdf", "report", f"{MARK} note",
                                            staff=omar)
        action = CorrectiveAction.create(dossier=theirs, action=f"{MARK} action", owner=MARK, status="done",
                                         review="to_confirm", due_on=datetime.date(2020, 1, 1))
        own = inspections.open_dossier(company, ines.staff, {"subject": "Her own visit", "planned_on": "",
                                                             "inspector": ""})
    ines.csrf = token
    return ines, company, theirs, document, action, own


def _snapshot():
    return {"dossiers": [(d.id, d.status, d.inspector_id, d.waiting_for) for d in InspectionDossier.select()],
            "documents": DossierDocument.select().count(), "events": DossierEvent.select().count(),
            "actions": [(a.id, a.status, a.review, a.due_on) for a in CorrectiveAction.select()]}


def test_an_inspector_reaches_no_dossier_of_another_inspector(app, another_inspectors_dossier):
    """Every back-office route with a dossier's id, read from the URL map, answers 404 to an inspector
    without the second right for another inspector's dossier, with a form that would otherwise be taken,
    and changes nothing; an inspector with the second right opens it."""
    from tests.builders import a_pdf

    ines, company, theirs, document, action, own = another_inspectors_dossier
    ids = {"lang": "en", "dossier_id": theirs.id, "document_id": document.id, "action_id": action.id}
    routes = [rule for rule in app.url_map.iter_rules() if "/staff/" in rule.rule and "dossier_id" in rule.arguments]
    assert {rule.endpoint for rule in routes} >= {
        "backoffice.dossier_page", "backoffice.dossier_document", "backoffice.add_dossier_document",
        "backoffice.close_dossier", "backoffice.confirm_action", "backoffice.reopen_action"}
    with app.app_context():
        before = _snapshot()
    shown = version(action)  # the action as Omar's page shows it: the confirmation a form would send
    answers = []
    for rule in routes:
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule)
        if "GET" in rule.methods:
            response = ines.get(path)
        else:
            response = ines.post(path, content_type="multipart/form-data", data={
                "csrf_token": ines.csrf, "version": shown, "reason": "Not shown.",
                "kind": "report", "note": "", "document": (io.BytesIO(a_pdf()), "report.pdf")})
        answers.append((rule.endpoint, response.status_code, MARK.encode() in response.data))
    assert {answer[1:] for answer in answers} == {(404, False)}, answers
    with app.app_context():
        assert _snapshot() == before
    # her own dossier with the other dossier's action or document: not found either
    assert ines.post(f"/en/staff/inspections/{own.id}/actions/{action.id}/confirm", data={
        "csrf_token": ines.csrf, "version": shown}).status_code == 404
    assert ines.get(f"/en/staff/inspections/{own.id}/documents/{document.id}").status_code == 404
    chief, token = staff_with(app, INSPECTOR, ALL_DOSSIERS, name="Chief")
    assert MARK in chief.get(f"/en/staff/inspections/{theirs.id}").get_data(as_text=True)
    assert chief.post(f"/en/staff/inspections/{theirs.id}/actions/{action.id}/confirm", data={
        "csrf_token": token, "version": shown}).status_code == 303


def test_an_inspector_guessing_ids_finds_only_their_own_dossiers(app, another_inspectors_dossier):
    ines, company, theirs, document, action, own = another_inspectors_dossier
    found = [guess for guess in range(1, max(theirs.id, own.id) + 20)
             if ines.get(f"/en/staff/inspections/{guess}").status_code == 200]
    assert found == [own.id]
    for listing in ("/en/staff/inspections", "/en/staff/inspections?scope=all"):
        page = ines.get(listing).get_data(as_text=True)
        assert own.reference in page and theirs.reference not in page and "All open dossiers" not in page
    page = ines.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert own.reference in page and theirs.reference not in page and f"{MARK} visit" not in page
    assert "Another inspector holds 1 dossier of this company." in page
    chief, _ = staff_with(app, INSPECTOR, ALL_DOSSIERS, name="Chief")
    page = chief.get("/en/staff/inspections?scope=all").get_data(as_text=True)
    assert theirs.reference in page and own.reference in page
    page = chief.get(f"/en/staff/companies/{company.id}").get_data(as_text=True)
    assert theirs.reference in page and "Another inspector holds" not in page


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
    # registrations, their numbers and companies; contributions and approvals
    for client, only, links in ((reviewer, "/en/staff/registrations", 3), (finance, "/en/staff/contributions", 2),
                                (reviewer, "/en/staff/registrations", 3)):
        page = client.get(only).get_data(as_text=True)
        menu = re.search(r'<nav aria-label="Back office" class="staff-nav">(.*?)</nav>', page, re.S).group(1)
        assert only in menu and len(re.findall(r"href=", menu)) == links
