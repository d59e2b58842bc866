"""A staff member's own account (issue 30, ASVS 6.2.2, 7.4.3, 7.5.1, 7.5.2): "Mon compte" in the back office
for every staff member, whatever their roles; the password and a code again before a way in changes;
their sessions, one or all ended; and "forgot password" with the same rules as a company user's."""
import re

import pyotp
import pytest

from portal.models import Account, LoginSession, StaffMember
from portal.people.passwords import verify_password
from tests.accounts import Login, body
from tests.builders import STAFF_PASSWORD, STAFF_SECRET, make_staff, staff_log_in

NEW = "orange kettle under moonlight"


@pytest.fixture
def login(client):
    return Login(client)


@pytest.fixture
def agent(app, db, clock):
    """A staff member without any role, logged in twice (two browsers): (first, second); the portal's
    clock stands at 1,800,000,000."""
    make_staff(roles=())
    first, second = app.test_client(), app.test_client()
    first.csrf = staff_log_in(first, at=1_800_000_000)
    second.csrf = staff_log_in(second, at=1_800_000_030)
    return first, second


def code_at(seconds):
    return pyotp.TOTP(STAFF_SECRET).at(seconds)


def test_every_staff_member_has_my_account_in_the_header(agent):
    first, _ = agent
    home = body(first.get("/en/staff/", follow_redirects=True))
    assert 'href="/en/staff/account"' in home
    page = body(first.get("/en/staff/account"))
    assert "agent@afmps.be" in page and "Change my password" in page and "Back to the back office" in page
    assert page.count("End this session") == 1 and "(this session)" in page


def test_a_staff_password_changes_with_the_password_and_a_code_again(app, agent, mailbox, clock):
    first, second = agent
    clock.advance(60)

    def change(**typed):
        return first.post("/en/staff/account/password", data={
            "csrf_token": first.csrf, "password": NEW, "password_confirm": NEW, **typed})

    assert change(current=STAFF_PASSWORD).status_code == 422  # no code
    assert change(current="wrong", code=code_at(clock.now)).status_code == 422
    assert change(current=STAFF_PASSWORD, code=code_at(clock.now)).status_code == 303
    assert verify_password(Account.get().password_hash, NEW)
    assert second.get("/en/staff/account").status_code == 303  # the other session ended
    assert first.get("/en/staff/account").status_code == 200
    assert len(mailbox.received("agent@afmps.be")) == 1  # told, in French (the default language of staff)


def test_a_staff_member_ends_their_other_sessions_after_the_password(agent):
    first, second = agent
    refused = first.post("/en/staff/account/sessions/end", data={
        "csrf_token": first.csrf, "session": "others", "sessions_password": "wrong"})
    assert refused.status_code == 422 and second.get("/en/staff/account").status_code == 200
    done = first.post("/en/staff/account/sessions/end", data={
        "csrf_token": first.csrf, "session": "others", "sessions_password": STAFF_PASSWORD})
    assert done.status_code == 303
    assert second.get("/en/staff/account").status_code == 303 and first.get("/en/staff/account").status_code == 200


def test_a_staff_member_cannot_end_a_company_users_session(app, agent, person, ready_account, login, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    theirs = LoginSession.get(LoginSession.person == person)
    first, _ = agent
    response = first.post("/en/staff/account/sessions/end", data={
        "csrf_token": first.csrf, "session": theirs.id, "sessions_password": STAFF_PASSWORD})
    assert response.status_code == 404 and LoginSession.get_by_id(theirs.id).ended_at is None


def test_pages_of_one_side_are_not_the_others(app, agent, login, ready_account, clock):
    first, _ = agent
    assert "/login" in first.get("/en/portal/account").headers["Location"]  # a staff session is no company user's
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert "/en/staff/login" in login.client.get("/en/staff/account").headers["Location"]


def test_the_language_of_a_staff_members_e_mails(agent):
    first, _ = agent
    first.post("/en/staff/account/language", data={"csrf_token": first.csrf, "language": "nl"})
    assert StaffMember.get().language == "nl"


def test_forgot_password_works_for_staff_with_the_same_rules(app, db, mailbox, clock):
    make_staff()
    client = app.test_client()
    page = body(client.get("/en/staff/login"))
    assert 'href="/en/login/forgot"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/en/login/forgot", data={"csrf_token": token, "email": "Agent@AFMPS.be"})
    text = mailbox.received("agent@afmps.be")[-1].get_body(("plain",)).get_content()
    link = re.search(r"http://\S+(/en/login/reset/[\w-]+)", text).group(1)
    no_code = client.post(link, data={"csrf_token": token, "password": NEW, "password_confirm": NEW})
    assert no_code.status_code == 422  # the second factor, as for everyone
    done = client.post(link, data={"csrf_token": token, "password": NEW, "password_confirm": NEW,
                                   "authenticator": "keep", "code": code_at(clock.now)})
    assert done.status_code == 303 and "/staff/" in done.headers["Location"]
    assert verify_password(Account.get().password_hash, NEW)


def test_no_link_for_an_ended_staff_member(app, db, mailbox):
    staff = make_staff()
    StaffMember.update(active=False).where(StaffMember.id == staff.id).execute()
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', body(client.get("/en/login/forgot"))).group(1)
    assert client.post("/en/login/forgot", data={"csrf_token": token, "email": "agent@afmps.be"}).status_code == 200
    assert not mailbox.received("agent@afmps.be")


def test_account_support_ends_every_session_of_a_person(app, db, person, ready_account, login, clock):
    """ASVS 7.4.5."""
    from portal.models import AccountEvent
    from portal.people.staff_roles import ACCOUNT_SUPPORT

    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert login.client.get("/en/portal").status_code == 200
    make_staff(roles=(ACCOUNT_SUPPORT,))
    support = app.test_client()
    support.csrf = staff_log_in(support, at=clock.now)
    page = body(support.get(f"/en/staff/people/{person.id}"))
    assert "1 session open now." in page
    done = support.post(f"/en/staff/people/{person.id}/end-sessions", data={"csrf_token": support.csrf})
    assert done.status_code == 303
    assert login.client.get("/en/portal").status_code == 303
    assert "0 sessions open now." in body(support.get(done.headers["Location"]))
    assert AccountEvent.get().action == "sessions_ended" and AccountEvent.get().staff.email == "agent@afmps.be"
    assert support.get("/en/staff/account").status_code == 200  # support's own session goes on
