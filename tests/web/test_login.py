"""Logging in with NISS + password + TOTP, the required actions, the protections."""
import datetime
import re

import pyotp
import pytest

from portal.models import Account, Company, LegalRepresentative, LoginSession, Person, RecoveryCode
from portal.passwords import hash_password, verify_password
from tests.wizard_driver import csrf

NISS = "85073003328"
TEMPORARY = "Kx7p-Qm3r-T9wz-Hb4n"
MINE = "four words are stronger"


class Clock:
    def __init__(self, start=1_800_000_000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(app):
    clock = Clock()
    app.config["CLOCK"] = clock
    return clock


@pytest.fixture
def person(db):
    person = Person.create(niss=NISS, last_name="Peeters", first_name="Jan", sex="M",
                           birth_date=datetime.date(1985, 7, 30), birth_country="BE",
                           email="jan@example.be", language="nl")
    company = Company(country="DE", city="Berlin", street="Hauptstraße", house_number="1", postcode="10115")
    company.set_name("Musterfirma GmbH")
    company.save()
    LegalRepresentative.create(company=company, person=person)
    return person


@pytest.fixture
def new_account(person):
    return Account.create(person=person, password_hash=hash_password(TEMPORARY), must_change_password=True)


@pytest.fixture
def ready_account(person):
    secret = pyotp.random_base32()
    account = Account.create(person=person, password_hash=hash_password(MINE), must_change_password=False,
                             totp_secret=secret)
    account.secret = secret
    return account


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


class Login:
    def __init__(self, client):
        self.client = client
        self.token = csrf(client)

    def post(self, path, **data):
        return self.client.post(f"/en/login/{path}", data={"csrf_token": self.token, **data})

    def password(self, username="85.07.30-033.28", password=MINE, next_url=""):
        return self.post("afmps", username=username, password=password, next=next_url)

    def code(self, code):
        return self.post("code", code=code)


@pytest.fixture
def login(client):
    return Login(client)


def test_login_page_offers_the_guides_two_ways_and_the_staff_entrance(client, db):
    page = body(client.get("/fr/login"))
    assert "Continuer par AFMPS" in page and "Continuer par CSAM" in page
    assert 'href="/fr/staff/login"' in page


def test_first_login_runs_the_required_actions_in_order(login, new_account, clock):
    response = login.password(password=TEMPORARY)
    assert response.headers["Location"] == "/en/login/update-password"
    weak = login.post("update-password", password="password1234", password_confirm="password1234")
    assert weak.status_code == 422 and "too common" in body(weak)
    mine = login.post("update-password", password=MINE, password_confirm=MINE)
    assert mine.headers["Location"] == "/en/login/authenticator"
    page = body(login.client.get("/en/login/authenticator"))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert "Google Authenticator" in page and "FreeOTP" in page
    qr = login.client.get("/en/login/authenticator.svg")
    assert qr.mimetype == "image/svg+xml" and qr.headers["Cache-Control"] == "no-store"
    wrong = login.post("authenticator", code="000000")
    assert wrong.status_code == 422
    linked = login.post("authenticator", code=pyotp.TOTP(secret).at(clock.now))
    assert linked.headers["Location"] == "/en/login/recovery-codes"
    codes_page = body(login.client.get("/en/login/recovery-codes"))
    codes = re.findall(r"<li><code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code></li>", codes_page)
    assert len(codes) == 10
    assert login.post("recovery-codes").status_code == 422  # the box must be ticked
    done = login.post("recovery-codes", saved="yes")
    assert done.headers["Location"] == "/en/portal"
    account = Account.get()
    assert not account.must_change_password and account.totp_secret == secret
    assert verify_password(account.password_hash, MINE)
    assert all(code not in r.code_hash for r in RecoveryCode.select() for code in codes)
    dashboard = body(login.client.get("/en/portal"))
    assert "Welcome, Jan Peeters" in dashboard and "Musterfirma GmbH" in dashboard


def test_portal_pages_need_a_completed_login(login, new_account, clock):
    assert login.client.get("/en/portal").headers["Location"].startswith("/en/login?next=/en/portal")
    login.password(password=TEMPORARY)  # password right, required actions not done
    assert login.client.get("/en/portal").status_code == 303
    assert LoginSession.select().count() == 0


def test_returning_user_logs_in_with_a_code(login, ready_account, clock):
    response = login.password()
    assert response.headers["Location"] == "/en/login/code"
    done = login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert done.headers["Location"] == "/en/portal"
    assert LoginSession.select().count() == 1


def test_wrong_niss_or_password_get_the_same_message(login, ready_account, clock):
    unknown = login.password(username="00012556777")
    wrong = login.password(password="not my password at all")
    assert unknown.status_code == wrong.status_code == 422
    message = "The user name or the password is wrong."
    assert message in body(unknown) and message in body(wrong)


def test_a_code_is_not_accepted_twice(login, ready_account, clock):
    code = pyotp.TOTP(ready_account.secret).at(clock.now)
    login.password()
    assert login.code(code).status_code == 303
    second = Login(login.client.application.test_client())
    second.password()
    clock.advance(5)
    replay = second.code(code)
    assert replay.status_code == 422 and "already used" in body(replay)


def test_a_code_from_a_phone_with_a_wrong_clock_gets_a_hint(login, ready_account, clock):
    login.password()
    response = login.code(pyotp.TOTP(ready_account.secret).at(clock.now - 6 * 60))
    assert response.status_code == 422
    assert "6 minutes off" in body(response) and "Sync now" in body(response)


def test_a_recovery_code_replaces_the_code_once(app, login, ready_account, clock):
    from portal.auth import recovery

    with app.app_context():
        codes = recovery.new_codes(ready_account)
    login.password()
    assert login.code(codes[0].upper()).headers["Location"] == "/en/portal"
    again = Login(app.test_client())
    again.password()
    assert again.code(codes[0]).status_code == 422


def test_five_failures_lock_the_account_for_a_growing_time(login, ready_account, clock, mailbox):
    for _ in range(5):
        assert login.password(password="wrong password here").status_code == 422
    assert Account.get().locked_until is not None
    locked = login.password()  # the right password, but locked: the same answer
    assert locked.status_code == 422 and "The user name or the password is wrong." in body(locked)
    [message] = mailbox.received("jan@example.be")
    assert "1 minuut/minuten geblokkeerd" in message.get_body(("plain",)).get_content()  # in Dutch, his language
    clock.advance(61)
    assert login.password().headers["Location"] == "/en/login/code"
    for _ in range(5):
        login.password(password="wrong password here")
    account = Account.get()
    now = datetime.datetime.fromtimestamp(clock.now, datetime.timezone.utc).replace(tzinfo=None)
    assert (account.locked_until - now).total_seconds() == pytest.approx(120, abs=1)
    clock.advance(13 * 3600)  # a quiet night: the count starts again
    login.password(password="wrong password here")
    assert Account.get().lockouts == 0


def test_too_many_attempts_from_one_address_are_throttled(login, ready_account, clock, monkeypatch):
    from portal.auth import lockout

    monkeypatch.setattr(lockout, "THROTTLE_LIMIT", 3)
    for _ in range(3):
        login.password(username="00012556777")
    assert login.password().status_code == 429
    clock.advance(61)
    assert login.password().status_code == 303


@pytest.mark.parametrize("target,expected", [
    ("/en/portal?company=1", "/en/portal?company=1"),
    ("https://evil.example/portal", "/en/portal"),
    ("//evil.example/portal", "/en/portal"),
    ("/en/staff/registrations", "/en/portal"),
])
def test_next_only_points_inside_the_portal(login, ready_account, clock, target, expected):
    login.password(next_url=target)
    assert login.code(pyotp.TOTP(ready_account.secret).at(clock.now)).headers["Location"] == expected


def test_logout_ends_the_session(login, ready_account, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    login.client.post("/en/logout", data={"csrf_token": login.token})
    assert LoginSession.get().ended_at is not None
    assert login.client.get("/en/portal").status_code == 303


def test_a_pending_login_expires(login, ready_account, clock):
    login.password()
    clock.advance(11 * 60)
    assert login.client.get("/en/login/code").headers["Location"] == "/en/login/afmps"


def test_staff_and_company_sessions_never_mix(app, login, ready_account, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert login.client.get("/en/staff/registrations").status_code == 303


# My account -------------------------------------------------------------------------------

@pytest.fixture
def logged_in(login, ready_account, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    clock.advance(30)
    return login


def test_account_page_lists_sessions_and_ends_another(app, logged_in, ready_account, clock):
    other = Login(app.test_client())
    other.password()
    clock.advance(30)
    other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    page = body(logged_in.client.get("/en/portal/account"))
    assert "(this session)" in page and page.count("End this session") == 1
    other_id = LoginSession.select().order_by(LoginSession.id.desc()).first().id
    logged_in.client.post(f"/en/portal/account/sessions/{other_id}/end", data={"csrf_token": logged_in.token})
    assert other.client.get("/en/portal").status_code == 303
    assert logged_in.client.get("/en/portal").status_code == 200


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, logged_in, ready_account, clock):
    other = Login(app.test_client())
    other.password()
    clock.advance(30)
    other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    post = lambda **data: logged_in.client.post("/en/portal/account/password", data={"csrf_token": logged_in.token, **data})
    wrong = post(current="not it", password="a brand new password", password_confirm="a brand new password")
    assert wrong.status_code == 422 and "current password is not right" in body(wrong)
    assert post(current=MINE, password="a brand new password", password_confirm="a brand new password").status_code == 303
    assert verify_password(Account.get().password_hash, "a brand new password")
    assert other.client.get("/en/portal").status_code == 303
    assert logged_in.client.get("/en/portal").status_code == 200


def test_replacing_the_authenticator_needs_the_current_code(logged_in, ready_account, clock, mailbox):
    post = lambda **data: logged_in.client.post("/en/portal/account/authenticator", data={"csrf_token": logged_in.token, **data})
    assert post(code="000000").status_code == 422
    page = body(post(code=pyotp.TOTP(ready_account.secret).at(clock.now)))
    new_secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert post(step="confirm", code=pyotp.TOTP(new_secret).at(clock.now)).status_code == 303
    assert Account.get().totp_secret == new_secret  # replaced, never kept beside the old one
    assert "was replaced" in mailbox.received("jan@example.be")[0].get_body(("plain",)).get_content() or \
        "werd vervangen" in mailbox.received("jan@example.be")[0].get_body(("plain",)).get_content()


def test_new_recovery_codes_replace_the_old_ones(app, logged_in, ready_account, clock):
    from portal.auth import recovery

    with app.app_context():
        old = recovery.new_codes(ready_account)
    response = logged_in.client.post("/en/portal/account/recovery-codes",
                                     data={"csrf_token": logged_in.token, "recovery_code": pyotp.TOTP(ready_account.secret).at(clock.now)})
    page = body(logged_in.client.get(response.headers["Location"]))
    new = re.findall(r"<li><code>([a-z0-9-]{14})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert "not be shown again" in page
    assert "not be shown again" not in body(logged_in.client.get("/en/portal/account"))


def test_language_preference_for_emails(logged_in):
    logged_in.client.post("/en/portal/account/language", data={"csrf_token": logged_in.token, "language": "fr"})
    assert Person.get().language == "fr"
    bad = logged_in.client.post("/en/portal/account/language", data={"csrf_token": logged_in.token, "language": "de"})
    assert bad.status_code == 422


# Forgot password ----------------------------------------------------------------------------

def reset_link(mailbox, address="jan@example.be"):
    text = mailbox.received(address)[-1].get_body(("plain",)).get_content()
    return re.search(r"http://\S+(/\w\w/login/reset/[\w-]+)", text).group(1)


def test_forgot_password_answers_the_same_for_any_address(login, ready_account, clock, mailbox):
    known = login.post("forgot", email="jan@example.be")
    unknown = login.post("forgot", email="nobody@example.be")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: body(r).replace("jan@example.be", "").replace("nobody@example.be", "")
    assert strip(known) == strip(unknown)
    assert len(mailbox.received("jan@example.be")) == 1 and not mailbox.received("nobody@example.be")


def test_reset_link_keeps_the_authenticator_with_its_code(login, ready_account, clock, mailbox):
    login.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    assert "I still have it" in body(login.client.get(path))
    response = login.client.post(path, data={"csrf_token": login.token, "password": "my renewed password",
                                             "password_confirm": "my renewed password", "authenticator": "keep",
                                             "code": pyotp.TOTP(ready_account.secret).at(clock.now)})
    assert response.headers["Location"] == "/en/portal"
    account = Account.get()
    assert verify_password(account.password_hash, "my renewed password") and account.totp_secret == ready_account.secret
    assert login.client.get(path).status_code == 410  # used once


def test_lost_phone_links_a_new_authenticator_and_tells_the_colleagues(login, ready_account, person, clock, mailbox):
    colleague = Person.create(niss="00012556777", last_name="Janssens", first_name="Els", sex="F",
                              birth_date=datetime.date(2000, 1, 25), birth_country="BE", email="els@example.be")
    LegalRepresentative.create(company=LegalRepresentative.get().company, person=colleague)
    login.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    response = login.client.post(path, data={"csrf_token": login.token, "password": "my renewed password",
                                             "password_confirm": "my renewed password", "authenticator": "lost"})
    assert response.headers["Location"] == "/en/login/authenticator"
    assert Account.get().totp_secret is None  # the old phone no longer opens the account
    assert mailbox.received("els@example.be")
    assert len(mailbox.received("jan@example.be")) == 2  # the link, then the notice


def test_reset_link_expires_and_a_newer_one_voids_it(login, ready_account, clock, mailbox):
    login.post("forgot", email="jan@example.be")
    first = reset_link(mailbox)
    login.post("forgot", email="jan@example.be")
    second = reset_link(mailbox)
    assert first != second
    assert login.client.get(first).status_code == 410
    clock.advance(5 * 60 + 1)
    expired = login.client.get(second)
    assert expired.status_code == 410 and "Send me a new link" in body(expired)
    again = login.client.post(second + "/again", data={"csrf_token": login.token})
    assert again.status_code == 200
    third = reset_link(mailbox)
    assert third not in (first, second) and login.client.get(third).status_code == 200


def test_reset_ends_every_session_of_the_account(app, logged_in, ready_account, clock, mailbox):
    other = Login(app.test_client())
    other.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    clock.advance(30)
    other.client.post(path, data={"csrf_token": other.token, "password": "my renewed password",
                                  "password_confirm": "my renewed password", "authenticator": "keep",
                                  "code": pyotp.TOTP(ready_account.secret).at(clock.now)})
    assert logged_in.client.get("/en/portal").status_code == 303
    assert other.client.get("/en/portal").status_code == 200


def test_a_blocked_person_is_logged_out_at_once_and_cannot_log_in(app, logged_in, ready_account, clock):
    from portal import sessions

    assert logged_in.client.get("/en/portal").status_code == 200
    with app.app_context():
        sessions.block(ready_account)
    assert logged_in.client.get("/en/portal").status_code == 303
    assert LoginSession.get().ended_at is not None
    again = Login(app.test_client())
    response = again.password()
    assert response.status_code == 422 and "The user name or the password is wrong." in body(response)
