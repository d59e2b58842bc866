"""“Forgot password” never goes around the second factor (ASVS 6.4.3), and
the agency's support can allow a new device after checking who someone is."""
import re

import pyotp
import pytest

from portal.models import Account, AccountEvent, LoginSession, PasswordReset
from portal.people import recovery_codes as recovery
from tests.accounts import Login, body
from tests.builders import approve_as_second, make_staff, staff_log_in

NEW = "my renewed password"


def reset_link(mailbox, address="jan@example.be"):
    texts = [m.get_body(("plain",)).get_content() for m in mailbox.received(address)]
    links = [re.search(r"http://\S+(/\w\w/login/reset/[\w-]+)", t) for t in texts]
    return [link.group(1) for link in links if link][-1]


@pytest.fixture
def login(client):
    return Login(client)


def send_reset(login, mailbox, **form):
    login.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    return path, login.post_to(path, **{"password": NEW, "password_confirm": NEW, **form})


def test_a_mailbox_alone_no_longer_relinks_a_phone(login, ready_account, clock, mailbox):
    """Before: "I lost my phone" with nothing else linked the attacker's own authenticator."""
    path, response = send_reset(login, mailbox, authenticator="lost")
    assert response.status_code == 200 and "cannot log in yet" in body(response)
    account = Account.get()
    assert account.totp_secret == ready_account.secret  # the real phone stays the only one
    assert LoginSession.select().count() == 0
    again = Login(login.client.application.test_client())
    assert again.password(password=NEW).headers["Location"] == "/en/login/code"  # still asks for the code
    assert login.client.get(path).status_code == 410


def test_a_wrong_recovery_code_is_refused_counted_and_nothing_changes(login, ready_account, clock, mailbox):
    path, response = send_reset(login, mailbox, authenticator="lost", recovery_code="abcd-efgh-jkmn")
    assert response.status_code == 422 and "recovery code is not valid" in body(response)
    account = Account.get()
    assert account.failed_attempts == 1 and account.totp_secret == ready_account.secret
    assert login.client.get(path).status_code == 200  # the link was not used up


def test_a_wrong_current_code_counts_toward_the_lockout(login, ready_account, clock, mailbox):
    login.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    for _ in range(5):
        response = login.client.post(path, data={"csrf_token": login.token, "password": NEW, "password_confirm": NEW,
                                                 "authenticator": "keep", "code": "000000"})
        assert response.status_code == 422
    assert Account.get().locked_until is not None
    right = login.client.post(path, data={"csrf_token": login.token, "password": NEW, "password_confirm": NEW,
                                          "authenticator": "keep", "code": pyotp.TOTP(ready_account.secret).at(clock.now)})
    assert right.status_code == 422  # locked: even the right code waits


def test_a_weak_password_spends_no_code(app, login, ready_account, clock, mailbox):
    with app.app_context():
        codes = recovery.new_codes(ready_account)
    path, response = send_reset(login, mailbox, password="password1234", password_confirm="password1234",
                                authenticator="lost", recovery_code=codes[0])
    assert response.status_code == 422
    with app.app_context():
        assert ready_account.recovery_codes_left() == 10


def test_every_reset_is_emailed_to_the_person(login, ready_account, clock, mailbox):
    send_reset(login, mailbox, authenticator="keep", code=pyotp.TOTP(ready_account.secret).at(clock.now))
    subjects = [m["Subject"] for m in mailbox.received("jan@example.be")]
    assert len(subjects) == 2 and "gewijzigd" in subjects[1]  # the link, then the notice, in his language


# A blocked account has no way back in ----------------------------------------------------

def test_a_blocked_account_gets_no_reset_link(app, login, ready_account, clock, mailbox):
    from portal.people import sessions

    with app.app_context():
        sessions.block(ready_account)
    response = login.post("forgot", email="jan@example.be")
    assert response.status_code == 200 and "If an account of the portal has this e-mail address" in body(response)
    assert not mailbox.received("jan@example.be")


def test_a_link_sent_before_the_block_stops_working(app, login, ready_account, clock, mailbox):
    from portal.people import sessions

    login.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    with app.app_context():
        sessions.block(ready_account)
    assert login.client.get(path).status_code == 410
    response = login.client.post(path, data={"csrf_token": login.token, "password": NEW, "password_confirm": NEW,
                                             "authenticator": "keep",
                                             "code": pyotp.TOTP(ready_account.secret).at(clock.now)})
    assert response.status_code == 410
    assert not LoginSession.select().exists() and PasswordReset.get().used_at is None
    again = login.client.post(path + "/again", data={"csrf_token": login.token})
    assert again.status_code == 200 and len(mailbox.received("jan@example.be")) == 1  # no new link


def test_an_account_blocked_between_password_and_code_is_stopped(app, login, ready_account, clock):
    from portal.people import sessions

    assert login.password().headers["Location"] == "/en/login/code"
    with app.app_context():
        sessions.block(ready_account)
    response = login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert response.status_code == 422 and "The user name or the password is wrong." in body(response)
    assert not LoginSession.select().exists()


def test_a_blocked_staff_member_cannot_log_in(app, client, db):
    from portal.people import sessions

    staff = make_staff()
    with app.app_context():
        sessions.block(staff.account)
    token = Login(client).token
    response = client.post("/en/staff/login", data={"csrf_token": token, "email": "agent@afmps.be",
                                                    "password": "a long staff password 42"})
    assert response.status_code == 422 and "The e-mail address or the password is wrong." in body(response)


# The agency allows a new device --------------------------------------------------------------

def staff_allows_a_new_device(app, person, clock):
    """One member of account support asks, a second approves and reads the code: (second's client, code)."""
    make_staff()
    asker = app.test_client()
    asker.csrf = staff_log_in(asker, at=clock.now)
    asked = asker.post(f"/en/staff/people/{person.id}/new-device",
                       data={"csrf_token": asker.csrf, "reason": "Identity card seen in a video call"})
    assert asked.status_code == 303
    staff, page = approve_as_second(app, asked.headers["Location"], at=clock.now)
    code = re.search(r'<code class="secret enrolment-code">([a-z0-9-]+)</code>', page).group(1)
    return staff, code


def test_support_allows_a_new_device_after_checking_who_the_person_is(app, login, ready_account, person, clock,
                                                                       mailbox):
    send_reset(login, mailbox, authenticator="lost")  # no phone, no recovery code
    make_staff()
    staff = app.test_client()
    staff.csrf = staff_log_in(staff, at=clock.now)
    found = body(staff.get("/en/staff/people?q=85.07.30-033.28"))
    assert "Jan Peeters" in found and f"/en/staff/people/{person.id}" in found
    page = body(staff.get(f"/en/staff/people/{person.id}"))
    assert "Allow a new device" in page and "Linked" in page
    url = f"/en/staff/people/{person.id}/new-device"
    missing = staff.post(url, data={"csrf_token": staff.csrf, "reason": "  "})
    assert missing.status_code == 422 and "how you checked who the person is" in body(missing).lower()
    assert Account.get().totp_secret is not None
    done = staff.post(url, data={"csrf_token": staff.csrf, "reason": "Identity card seen in a video call"})
    assert done.status_code == 303
    waiting = body(staff.get(done.headers["Location"]))
    assert "Waiting for a second approval" in waiting and "Withdraw my request" in waiting
    assert "/approve" not in waiting and "enrolment-code" not in waiting  # not their own to approve
    assert Account.get().totp_secret is not None and not AccountEvent.select().exists()  # nothing yet
    second, shown = approve_as_second(app, done.headers["Location"], at=clock.now)
    asked, allowed = AccountEvent.select().order_by(AccountEvent.id)
    assert (asked.action, asked.staff.email, asked.reason) == ("new_device_requested", "agent@afmps.be",
                                                              "Identity card seen in a video call")
    assert (allowed.action, allowed.staff.email) == ("new_device_allowed", "second@afmps.be")
    assert "video call" in shown and "Second Janssens" in shown and "Agent Peeters" in shown
    code = re.search(r'<code class="secret enrolment-code">([a-z0-9-]+)</code>', shown).group(1)
    notice = mailbox.received("jan@example.be")[-1].get_body(("plain",)).get_content()
    assert "QR" in notice and code not in notice  # the code never travels by e-mail
    assert "Agent Peeters" in notice and "Second Janssens" in notice  # both names
    told = mailbox.received("agent@afmps.be")[-1]
    assert "Second Janssens" in told["Subject"]
    fresh = Login(app.test_client())
    assert fresh.password(password=NEW).headers["Location"] == "/en/login/authenticator"
    page = body(fresh.client.get("/en/login/authenticator"))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    wrong = fresh.post("authenticator", code=pyotp.TOTP(secret).at(clock.now), enrolment_code="abcd-efgh-jkmn")
    assert wrong.status_code == 422 and "not the code the agency gave you" in body(wrong)
    linked = fresh.post("authenticator", code=pyotp.TOTP(secret).at(clock.now + 30), enrolment_code=code.upper())
    assert linked.headers["Location"] == "/en/login/recovery-codes"
    assert Account.get().enrolment_code_hash is None


def test_a_mailbox_holder_cannot_link_a_phone_after_the_agency_allowed_one(app, login, ready_account, person,
                                                                           clock, mailbox):
    """The review's takeover: support clears the phone, the attacker resets the password and links theirs."""
    staff_allows_a_new_device(app, person, clock)
    attacker = Login(app.test_client())
    attacker.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    response = attacker.client.post(path, data={"csrf_token": attacker.token, "password": NEW, "password_confirm": NEW})
    assert response.headers["Location"] == "/en/login/authenticator"
    page = body(attacker.client.get("/en/login/authenticator"))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    for guess in ("", "aaaa-bbbb-cccc"):
        refused = attacker.post("authenticator", code=pyotp.TOTP(secret).at(clock.now), enrolment_code=guess)
        assert refused.status_code == 422
    assert Account.get(Account.person == person).totp_secret is None
    assert not LoginSession.select().where(LoginSession.person.is_null(False)).exists()


def test_allowing_a_new_device_is_for_staff_only(login, ready_account, person, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    response = login.client.post(f"/en/staff/people/{person.id}/new-device",
                                 data={"csrf_token": login.token, "reason": "me"})
    assert response.status_code == 303 and "/staff/login" in response.headers["Location"]
    assert Account.get().totp_secret == ready_account.secret


def test_a_lost_phone_takes_the_passkeys_with_it(app, login, ready_account, clock, mailbox):
    """A reset by a recovery code unlinks the app and drops the passkeys: the lost phone held one, or
    whoever took the account added one (issue 32's review); a reset with the app's code keeps them."""
    from portal.models import Passkey

    for n in range(2):
        Passkey.create(account=ready_account.id, credential_id=f"key{n}", public_key=b"k", sign_count=0, name=f"Key {n}")
    send_reset(login, mailbox, authenticator="keep", code=pyotp.TOTP(ready_account.secret).at(clock.now))
    assert Passkey.select().count() == 2
    with app.app_context():
        codes = recovery.new_codes(ready_account)
    path, response = send_reset(login, mailbox, authenticator="lost", recovery_code=codes[0])
    assert response.status_code in (200, 303) and Account.get().totp_secret is None
    assert not Passkey.select().exists()
