"""The administrator's pages (issue 30): staff members added with their roles and a temporary password by
e-mail, their roles changed, blocked, unblocked and ended, each change in their trail; the back office
always keeps an administrator, and nobody blocks or ends themself."""
import re

import pytest

from portal.models import Account, LoginSession, StaffEvent, StaffMember
from portal.people.staff_roles import ADMINISTRATOR, FINANCE, INSPECTOR, REVIEWER
from tests.accounts import body, csrf
from tests.builders import STAFF_PASSWORD, make_staff, staff_log_in

NEW = "orange kettle under moonlight"


@pytest.fixture
def admin(app, db):
    make_staff(email="admin@afmps.be", name="Ada Admin", roles=(ADMINISTRATOR,))
    client = app.test_client()
    client.csrf = staff_log_in(client, email="admin@afmps.be")
    return client


def add(admin, **fields):
    data = {"csrf_token": admin.csrf, "name": "Rita Reviewer", "email": "rita@afmps.be", "language": "nl",
            "roles": [REVIEWER, FINANCE]}
    data.update(fields)
    return admin.post("/en/staff/members", data=data)


def member_of(email):
    return StaffMember.get(StaffMember.email == email)


def test_a_new_staff_member_gets_a_temporary_password_and_sets_up_their_own_login(app, admin, mailbox):
    done = add(admin)
    assert done.status_code == 303
    rita = member_of("rita@afmps.be")
    assert rita.roles == "reviewer finance" and rita.language == "nl"
    page = body(admin.get(done.headers["Location"]))
    assert "Rita Reviewer" in page and "Staff member added" in page and "Ada Admin" in page
    text = mailbox.received("rita@afmps.be")[-1].get_body(("plain",)).get_content()
    password = re.search(r"Tijdelijk wachtwoord: (\S+)", text).group(1)  # in her language
    assert "Ada Admin" in text and password not in body(admin.get("/en/staff/members"))
    rita_client = app.test_client()
    token = csrf(rita_client)
    first = rita_client.post("/en/staff/login", data={"csrf_token": token, "email": "rita@afmps.be",
                                                      "password": password})
    assert first.headers["Location"] == "/en/login/update-password"  # her own password first
    changed = rita_client.post("/en/login/update-password", data={"csrf_token": token, "password": NEW,
                                                                  "password_confirm": NEW})
    assert changed.headers["Location"] == "/en/login/authenticator"  # then her own authenticator


def test_what_was_typed_stays_and_each_problem_is_said(admin):
    bad = add(admin, name="  ", email="not an address", language="de", roles=["reviewer", "king"])
    page = body(bad)
    assert bad.status_code == 422 and 'value="not an address"' in page
    for message in ("Enter the staff member's name.", "Enter an e-mail address", "Choose French, Dutch or English."):
        assert message in page
    assert 'id="role-reviewer" name="roles" value="reviewer" checked' in page
    assert StaffMember.select().count() == 1
    assert add(admin).status_code == 303
    taken = add(admin, email="RITA@afmps.be", name="Another Rita")
    assert taken.status_code == 422 and "has this e-mail address already" in body(taken)


def test_roles_change_at_the_next_request_and_go_into_the_trail(app, admin):
    add(admin, roles=[REVIEWER])
    rita = member_of("rita@afmps.be")
    Account.update(must_change_password=False, password_expires_at=None).where(Account.staff == rita.id).execute()
    from portal.people.passwords import hash_password
    from tests.builders import STAFF_SECRET
    Account.update(password_hash=hash_password(STAFF_PASSWORD), totp_secret=STAFF_SECRET).where(
        Account.staff == rita.id).execute()
    rita_client = app.test_client()
    staff_log_in(rita_client, email="rita@afmps.be")
    assert rita_client.get("/en/staff/inspections").status_code == 403
    done = admin.post(f"/en/staff/members/{rita.id}/roles", data={"csrf_token": admin.csrf,
                                                                  "roles": [REVIEWER, INSPECTOR]})
    assert done.status_code == 303
    assert rita_client.get("/en/staff/inspections").status_code == 200
    event = StaffEvent.select().order_by(StaffEvent.id.desc()).first()
    assert (event.action, event.staff.name, event.reason) == ("roles_changed", "Ada Admin",
                                                              "reviewer → reviewer inspector")


def test_the_second_right_comes_with_the_inspectors_role(admin):
    refused = add(admin, roles=["all_dossiers"])
    assert refused.status_code == 422 and "tick both" in body(refused)
    assert add(admin, roles=["inspector", "all_dossiers"]).status_code == 303
    rita = member_of("rita@afmps.be")
    assert rita.roles == "inspector all_dossiers"
    again = admin.post(f"/en/staff/members/{rita.id}/roles", data={"csrf_token": admin.csrf, "roles": ["all_dossiers"]})
    assert again.status_code == 422 and member_of("rita@afmps.be").roles == "inspector all_dossiers"


def test_an_administrator_who_never_logged_in_does_not_count(app, admin):
    """The last administrator who can act keeps the role: one just added (temporary password, no
    authenticator) is no administrator yet."""
    from portal.people import staff_members

    add(admin, email="new@afmps.be", name="New Admin", roles=[ADMINISTRATOR])
    me, new = member_of("admin@afmps.be"), member_of("new@afmps.be")
    with pytest.raises(staff_members.Refused):
        staff_members.set_roles(me, [REVIEWER], new)  # as if the new one acted: Ada is the only one who can
    assert staff_members._other_active_administrators(new) == [me]


def test_the_back_office_always_keeps_an_administrator(admin):
    me = member_of("admin@afmps.be")
    refused = admin.post(f"/en/staff/members/{me.id}/roles", data={"csrf_token": admin.csrf, "roles": [REVIEWER]})
    assert refused.status_code == 422 and "cannot change your own roles" in body(refused)
    assert member_of("admin@afmps.be").roles == "administrator"
    for action in ("block", "end"):
        response = admin.post(f"/en/staff/members/{me.id}/{action}", data={"csrf_token": admin.csrf, "reason": "x"})
        assert response.status_code == 422 and "cannot block or end your own account" in body(response)
    assert not Account.get(Account.staff == me.id).blocked


def test_blocking_ends_every_session_at_once_until_unblocked(app, admin):
    victim = make_staff(email="bob@afmps.be", name="Bob", roles=(FINANCE,))
    bob = app.test_client()
    staff_log_in(bob, email="bob@afmps.be")
    assert bob.get("/en/staff/contributions").status_code == 200
    missing = admin.post(f"/en/staff/members/{victim.id}/block", data={"csrf_token": admin.csrf, "reason": " "})
    assert missing.status_code == 422 and "Write why" in body(missing)
    done = admin.post(f"/en/staff/members/{victim.id}/block", data={"csrf_token": admin.csrf,
                                                                     "reason": "Laptop stolen"})
    assert done.status_code == 303
    assert "/staff/login" in bob.get("/en/staff/contributions").headers["Location"]
    again = app.test_client()
    token = csrf(again)
    refused = again.post("/en/staff/login", data={"csrf_token": token, "email": "bob@afmps.be",
                                                  "password": STAFF_PASSWORD})
    assert refused.status_code == 422
    assert admin.post(f"/en/staff/members/{victim.id}/unblock", data={"csrf_token": admin.csrf}).status_code == 303
    assert again.get("/en/staff/login").status_code == 200
    unblocked = again.post("/en/staff/login", data={"csrf_token": token, "email": "bob@afmps.be",
                                                    "password": STAFF_PASSWORD})
    assert unblocked.headers["Location"] == "/en/login/code"  # the password works again
    trail = body(admin.get(f"/en/staff/members/{victim.id}"))
    assert "Laptop stolen" in trail and "Unblocked" in trail


def test_ending_closes_the_account_for_good(app, admin):
    victim = make_staff(email="bob@afmps.be", name="Bob", roles=(FINANCE,))
    bob = app.test_client()
    staff_log_in(bob, email="bob@afmps.be")
    done = admin.post(f"/en/staff/members/{victim.id}/end", data={"csrf_token": admin.csrf, "reason": "Retired"})
    assert done.status_code == 303
    ended = member_of("bob@afmps.be")
    assert not ended.active and ended.roles == "" and Account.get(Account.staff == ended.id).blocked
    assert not LoginSession.select().where((LoginSession.staff == ended.id) & LoginSession.ended_at.is_null()).exists()
    page = body(admin.get(f"/en/staff/members/{victim.id}"))
    assert "Ended" in page and "Save the roles" not in page and "Retired" in page
    for path in ("roles", "unblock", "block"):
        assert admin.post(f"/en/staff/members/{victim.id}/{path}", data={
            "csrf_token": admin.csrf, "roles": [ADMINISTRATOR], "reason": "back"}).status_code in (404, 422)
    assert member_of("bob@afmps.be").roles == "" and Account.get(Account.staff == ended.id).blocked


def test_an_unknown_member_is_not_found(admin):
    assert admin.get("/en/staff/members/999").status_code == 404
    assert admin.post("/en/staff/members/999/block", data={"csrf_token": admin.csrf, "reason": "x"}).status_code == 404


def test_a_temporary_password_of_staff_expires(app, admin, mailbox):
    """A welcome e-mail read later, by someone else, opens nothing: the password works 7 days, and the
    mailbox alone never links an authenticator."""
    import datetime

    from portal import clock

    add(admin)
    text = mailbox.received("rita@afmps.be")[-1].get_body(("plain",)).get_content()
    password = re.search(r"Tijdelijk wachtwoord: (\S+)", text).group(1)
    Account.update(password_expires_at=clock.utc() - datetime.timedelta(seconds=1)).where(
        Account.staff == member_of("rita@afmps.be").id).execute()
    late = app.test_client()
    response = late.post("/en/staff/login", data={"csrf_token": csrf(late), "email": "rita@afmps.be",
                                                  "password": password})
    assert response.status_code == 422 and "temporary password has expired" in body(response)


def test_nobody_changes_their_own_roles_and_the_other_administrators_are_told(app, admin, mailbox):
    make_staff(email="otto@afmps.be", name="Otto Other", roles=(ADMINISTRATOR,))
    me = member_of("admin@afmps.be")
    refused = admin.post(f"/en/staff/members/{me.id}/roles", data={"csrf_token": admin.csrf,
                                                                   "roles": [ADMINISTRATOR, FINANCE]})
    assert refused.status_code == 422 and "cannot change your own roles" in body(refused)
    assert member_of("admin@afmps.be").roles == "administrator"
    add(admin, roles=[FINANCE])
    told = mailbox.received("otto@afmps.be")[-1]
    assert "Rita Reviewer" in told["Subject"]
    text = told.get_body(("plain",)).get_content()
    assert "Ada Admin" in text and "rita@afmps.be" in text
    assert not mailbox.received("admin@afmps.be")  # not the one who made the change


def test_staff_addresses_stay_within_the_agencys_domains(app, admin):
    for address in ("a@b@c.be", "ali\u00a0ce@afmps.be", "\u0430lice@afmps.be", "@afmps.be"):
        response = add(admin, email=address)
        assert response.status_code == 422 and "Enter an e-mail address" in body(response), address
    app.config["STAFF_EMAIL_DOMAINS"] = ("afmps.be",)
    outside = add(admin, email="alice.m@gmail.com")
    assert outside.status_code == 422 and "Enter an address of the agency: afmps.be." in body(outside)
    assert add(admin, email="alice@afmps.be").status_code == 303


def test_what_a_blocked_member_asked_for_no_longer_waits(app, admin):
    from portal.models import Approval

    asker = make_staff(email="bob@afmps.be", name="Bob", roles=(FINANCE,))
    Approval.create(kind="contribution_year", subject=2040, waiting_key="contribution_year:2040",
                    payload="{}", requested_by=asker)
    admin.post(f"/en/staff/members/{asker.id}/block", data={"csrf_token": admin.csrf, "reason": "Left in a hurry"})
    withdrawn = Approval.get()
    assert withdrawn.status == Approval.WITHDRAWN and withdrawn.waiting_key is None
    assert withdrawn.decided_by.email == "admin@afmps.be"
