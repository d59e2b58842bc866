"""Logging in with NISS + password + TOTP, the required actions, the protections."""
import datetime
import re
from pathlib import Path

import pyotp
import pytest

from portal.clock import utc
from portal.models import Account, LegalRepresentative, LoginSession, Person, RecoveryCode
from portal.people.passwords import hash_password, verify_password
from tests.accounts import MINE, TEMPORARY, Login, body


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
    from portal.people import recovery_codes as recovery

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


def test_too_many_attempts_from_one_address_are_throttled(app, login, ready_account, clock):
    app.config["RATE_LIMITS"] = {"login": 3}
    for _ in range(3):
        login.password(username="00012556777")
    assert login.password().status_code == 429
    clock.advance(61)
    assert login.password().status_code == 303


def test_the_throttle_never_locks_a_person_out_of_a_browser_they_logged_in_from(app, login, ready_account, clock):
    """Colleagues behind one company proxy share an address: an attacker there
    must not stop the people whose browsers the portal already knows."""
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    app.config["RATE_LIMITS"] = {"login": 3}
    attacker = Login(app.test_client())
    for _ in range(4):
        attacker.password(username="00012556777")
    assert attacker.password().status_code == 429  # a new browser: the address limit applies
    clock.advance(31)
    assert login.password().headers["Location"] == "/en/login/code"  # the known browser still gets in


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

    def end(password=MINE, session=other_id):
        return logged_in.client.post("/en/portal/account/sessions/end", data={
            "csrf_token": logged_in.token, "session": session, "sessions_password": password}).status_code

    assert end(password="not it") == 422  # ASVS 7.5.2: the password again first
    assert other.client.get("/en/portal").status_code == 200
    assert end() == 303 and end() == 303  # a second click: done all the same
    assert other.client.get("/en/portal").status_code == 303
    assert logged_in.client.get("/en/portal").status_code == 200
    assert end(session="x") == 404 and end(session="\u00b2") == 404 and end(session=10**6) == 404  # none of theirs


def test_end_all_my_other_sessions(app, logged_in, ready_account, clock):
    others = []
    for _ in range(2):
        other = Login(app.test_client())
        other.password()
        clock.advance(30)
        other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
        others.append(other)
    assert "End all my other sessions" in body(logged_in.client.get("/en/portal/account"))
    done = logged_in.client.post("/en/portal/account/sessions/end", data={
        "csrf_token": logged_in.token, "session": "others", "sessions_password": MINE})
    assert done.status_code == 303
    assert [other.client.get("/en/portal").status_code for other in others] == [303, 303]
    assert logged_in.client.get("/en/portal").status_code == 200


def test_a_session_left_idle_past_the_limit_is_no_longer_listed(app, logged_in, ready_account, clock):
    other = Login(app.test_client())
    other.password()
    other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert body(logged_in.client.get("/en/portal/account")).count("End this session") == 1
    clock.advance(20 * 60)
    assert logged_in.client.get("/en/portal").status_code == 200  # this one stays active, the other sits idle
    clock.advance(11 * 60)
    page = body(logged_in.client.get("/en/portal/account"))
    assert "(this session)" in page and "End this session" not in page
    assert other.client.get("/en/portal").status_code == 303  # it had expired indeed


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, logged_in, ready_account, clock):
    other = Login(app.test_client())
    other.password()
    clock.advance(30)
    other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    def post(**data):
        return logged_in.client.post("/en/portal/account/password", data={"csrf_token": logged_in.token, **data})
    clock.advance(30)  # the other login's code is spent
    code = pyotp.TOTP(ready_account.secret).at(clock.now)
    wrong = post(current="not it", code=code, password="a brand new password", password_confirm="a brand new password")
    assert wrong.status_code == 422 and "current password is not right" in body(wrong)
    no_code = post(current=MINE, password="a brand new password", password_confirm="a brand new password")
    assert no_code.status_code == 422 and "This code is not valid" in body(no_code)  # ASVS 7.5.1: both factors
    assert post(current=MINE, code=code, password="a brand new password",
                password_confirm="a brand new password").status_code == 303
    assert verify_password(Account.get().password_hash, "a brand new password")
    assert other.client.get("/en/portal").status_code == 303
    assert logged_in.client.get("/en/portal").status_code == 200


def test_replacing_the_authenticator_needs_the_current_code(logged_in, ready_account, clock, mailbox):
    def post(**data):
        return logged_in.client.post("/en/portal/account/authenticator", data={"csrf_token": logged_in.token, **data})
    assert post(authenticator_password=MINE, code="000000").status_code == 422
    assert post(authenticator_password="not it", code=pyotp.TOTP(ready_account.secret).at(clock.now)).status_code == 422
    page = body(post(authenticator_password=MINE, code=pyotp.TOTP(ready_account.secret).at(clock.now)))
    new_secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert post(step="confirm", new_code="123456").status_code == 422
    assert post(step="confirm", new_code=pyotp.TOTP(new_secret).at(clock.now), end_others="yes").status_code == 303
    assert Account.get().totp_secret == new_secret  # replaced, never kept beside the old one
    assert "was replaced" in mailbox.received("jan@example.be")[0].get_body(("plain",)).get_content() or \
        "werd vervangen" in mailbox.received("jan@example.be")[0].get_body(("plain",)).get_content()


def test_new_recovery_codes_replace_the_old_ones(app, logged_in, ready_account, clock):
    from portal.people import recovery_codes as recovery

    with app.app_context():
        old = recovery.new_codes(ready_account)
    response = logged_in.client.post("/en/portal/account/recovery-codes", data={
        "csrf_token": logged_in.token, "codes_password": MINE, "recovery_code": pyotp.TOTP(ready_account.secret).at(clock.now)})
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
    def strip(r):
        return body(r).replace("jan@example.be", "").replace("nobody@example.be", "")
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


def test_lost_phone_with_a_recovery_code_links_a_new_authenticator_and_tells_the_colleagues(
        app, login, ready_account, person, clock, mailbox):
    from portal.people import recovery_codes as recovery

    with app.app_context():
        codes = recovery.new_codes(ready_account)
    colleague = Person.create(niss="00012556777", last_name="Janssens", first_name="Els", sex="F",
                              birth_date=datetime.date(2000, 1, 25), birth_country="BE", email="els@example.be")
    LegalRepresentative.create(company=LegalRepresentative.get().company, person=colleague)
    login.post("forgot", email="jan@example.be")
    path = reset_link(mailbox)
    response = login.client.post(path, data={"csrf_token": login.token, "password": "my renewed password",
                                             "password_confirm": "my renewed password", "authenticator": "lost",
                                             "recovery_code": codes[3]})
    assert response.headers["Location"] == "/en/login/authenticator"
    assert Account.get().totp_secret is None  # the old phone no longer opens the account
    assert mailbox.received("els@example.be")
    subjects = [m["Subject"] for m in mailbox.received("jan@example.be")]
    assert len(subjects) == 3  # the link, the password notice, the authenticator notice
    with app.app_context():
        assert not recovery.use(ready_account, codes[3], utc())  # spent


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
    from portal.people import sessions

    assert logged_in.client.get("/en/portal").status_code == 200
    with app.app_context():
        sessions.block(ready_account)
    assert logged_in.client.get("/en/portal").status_code == 303
    assert LoginSession.get().ended_at is not None
    again = Login(app.test_client())
    response = again.password()
    assert response.status_code == 422 and "The user name or the password is wrong." in body(response)


# Secrets stay on the server -------------------------------------------------------------------

def cookie_contents(app, client):
    cookie = client.get_cookie("portal_session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_the_cookie_never_holds_the_new_authenticator_or_the_recovery_codes(app, login, new_account, clock):
    """Flask's cookie is signed, not encrypted: anyone who sees it can read it."""
    login.password(password=TEMPORARY)
    login.post("update-password", password=MINE, password_confirm=MINE)
    page = body(login.client.get("/en/login/authenticator"))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert secret not in str(cookie_contents(app, login.client))
    login.post("authenticator", code=pyotp.TOTP(secret).at(clock.now))
    codes = re.findall(r"<li><code>([a-z0-9-]{14})</code></li>", body(login.client.get("/en/login/recovery-codes")))
    contents = str(cookie_contents(app, login.client))
    assert len(codes) == 10 and not any(code in contents for code in codes)
    assert login.client.get("/en/login/recovery-codes").headers["Cache-Control"] == "no-store"


def test_my_account_keeps_the_new_authenticator_on_the_server(app, logged_in, ready_account, clock):
    logged_in.client.post("/en/portal/account/authenticator", data={
        "csrf_token": logged_in.token, "authenticator_password": MINE, "code": pyotp.TOTP(ready_account.secret).at(clock.now)})
    assert LoginSession.get().enrolling_secret
    assert LoginSession.get().enrolling_secret not in str(cookie_contents(app, logged_in.client))


def test_recovery_codes_are_stored_as_a_keyed_hash(app, ready_account):
    import hashlib

    from portal.people import recovery_codes as recovery

    with app.app_context():
        code = recovery.new_codes(ready_account)[0]
    stored = {row.code_hash for row in RecoveryCode.select()}
    plain = hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert plain not in stored  # a stolen table cannot be tried offline without the server's key
    app.config["SECRET_KEY"] = "another-secret-key-of-enough-length-00"
    with app.app_context():
        assert not recovery.use(ready_account, code, utc())


# Every code typed in "Mon compte" counts toward the lockout ------------------------------------

@pytest.mark.parametrize("path,password_field,field", [("authenticator", "authenticator_password", "code"),
                                                      ("recovery-codes", "codes_password", "recovery_code")])
def test_wrong_codes_on_my_account_lock_the_account(logged_in, ready_account, clock, path, password_field, field,
                                                    mailbox):
    for _ in range(5):
        response = logged_in.client.post(f"/en/portal/account/{path}", data={"csrf_token": logged_in.token,
                                                                             password_field: MINE, field: "000000"})
        assert response.status_code == 422
    assert Account.get().locked_until is not None
    right = logged_in.client.post(f"/en/portal/account/{path}", data={
        "csrf_token": logged_in.token, password_field: MINE, field: pyotp.TOTP(ready_account.secret).at(clock.now + 30)})
    assert right.status_code == 422


def test_a_wrong_current_password_on_my_account_counts(logged_in, ready_account):
    for _ in range(5):
        logged_in.client.post("/en/portal/account/password", data={
            "csrf_token": logged_in.token, "current": "not my password at all", "password": "a brand new password",
            "password_confirm": "a brand new password"})
    assert Account.get().locked_until is not None


# Temporary passwords and the password rules ---------------------------------------------------

def test_a_temporary_password_expires(app, login, new_account, clock):
    Account.update(password_expires_at=utc() - datetime.timedelta(seconds=1)).execute()
    app.config.pop("CLOCK")
    response = login.password(password=TEMPORARY)
    assert response.status_code == 422 and "temporary password has expired" in body(response)
    Account.update(password_expires_at=utc() + datetime.timedelta(days=1)).execute()
    assert login.password(password=TEMPORARY).headers["Location"] == "/en/login/update-password"


def test_validation_gives_a_temporary_password_for_seven_days(app, db):
    from portal.people.persons import person_with_account as _person_with_account

    with app.app_context():
        person, password = _person_with_account({"niss": "", "last_name": "Muster", "first_name": "Max", "sex": "M",
                                                 "birth_date": "1970-05-01", "birth_country": "DE",
                                                 "email": "max@musterfirma.de"}, "en")
    left = Account.get(Account.person == person).password_expires_at - utc()
    assert datetime.timedelta(days=6, hours=23) < left <= datetime.timedelta(days=7)


def test_the_strength_of_a_new_password_is_shown_as_it_is_typed(login, new_account, clock):
    login.password(password=TEMPORARY)
    headers = {"HX-Request": "true", "X-CSRF-Token": login.token}
    weak = login.client.post("/en/password-strength", data={"password": "jan peeters 1985"}, headers=headers)
    assert weak.status_code == 200 and "<html" not in body(weak) and "Do not use your NISS" in body(weak)
    strong = login.client.post("/en/password-strength", data={"password": "orange kettle under moonlight"},
                               headers=headers)
    assert 'value="4"' in body(strong) and "Strong" in body(strong)
    assert 'hx-post="/en/password-strength"' in body(login.client.get("/en/login/update-password"))


def test_a_very_long_password_is_judged_not_crashed(login, new_account, clock):
    login.password(password=TEMPORARY)
    long_one = "the quick brown fox jumps over the lazy dog " * 2 + "and then some more words"
    assert 72 < len(long_one) <= 128
    headers = {"HX-Request": "true", "X-CSRF-Token": login.token}
    assert login.client.post("/en/password-strength", data={"password": long_one}, headers=headers).status_code == 200
    done = login.post("update-password", password=long_one, password_confirm=long_one)
    assert done.status_code == 303


def test_changing_the_password_in_my_account_is_emailed_and_voids_reset_links(app, logged_in, ready_account, clock,
                                                                                mailbox):
    logged_in.post("forgot", email="jan@example.be")
    link = re.search(r"http://\S+(/\w\w/login/reset/[\w-]+)",
                     mailbox.received("jan@example.be")[-1].get_body(("plain",)).get_content()).group(1)
    response = logged_in.client.post("/en/portal/account/password", data={
        "csrf_token": logged_in.token, "current": MINE, "code": pyotp.TOTP(ready_account.secret).at(clock.now),
        "password": "orange kettle under moonlight",
        "password_confirm": "orange kettle under moonlight"})
    assert response.status_code == 303
    assert "My account" in mailbox.received("jan@example.be")[-1].get_body(("plain",)).get_content() or \
        "Mijn account" in mailbox.received("jan@example.be")[-1].get_body(("plain",)).get_content()
    assert logged_in.client.get(link).status_code == 410


def test_logging_in_again_ends_the_session_the_browser_had(login, ready_account, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    clock.advance(30)
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    sessions = list(LoginSession.select().order_by(LoginSession.id))
    assert len(sessions) == 2 and sessions[0].ended_at is not None and sessions[1].ended_at is None


@pytest.mark.parametrize("ticked", [True, False])
def test_new_recovery_codes_offer_to_end_the_other_sessions(app, logged_in, ready_account, clock, ticked):
    """ASVS 7.4.3: offered, and ticked on the page; a person who unticks it keeps their other sessions."""
    other = Login(app.test_client())
    other.password()
    other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    clock.advance(30)
    assert 'name="end_others" value="yes" checked' in body(logged_in.client.get("/en/portal/account"))
    logged_in.client.post("/en/portal/account/recovery-codes", data={
        "csrf_token": logged_in.token, "codes_password": MINE,
        "recovery_code": pyotp.TOTP(ready_account.secret).at(clock.now), **({"end_others": "yes"} if ticked else {})})
    assert other.client.get("/en/portal").status_code == (303 if ticked else 200)
    assert logged_in.client.get("/en/portal").status_code == 200


def test_my_account_has_a_way_out(logged_in):
    page = body(logged_in.client.get("/en/portal/account"))
    assert 'action="/en/logout"' in page


# What ASVS asks to be shown, not only done (docs/security.md: 6.2.6 to 6.2.10, 7.3.2, 8.4.1) --------------

def test_a_session_ends_twelve_hours_after_it_began_however_busy(logged_in, clock):
    """ASVS 7.3.2: a request every 20 minutes keeps the idle clock at bay, never the absolute limit."""
    for _ in range(35):  # 35 × 20 minutes: 11 h 40 min after the login, still in
        clock.advance(20 * 60)
        assert logged_in.client.get("/en/portal").status_code == 200
    clock.advance(20 * 60 + 1)  # past 12 hours
    assert logged_in.client.get("/en/portal").headers["Location"].startswith("/en/login")


def test_a_chosen_password_never_expires(login, ready_account, clock):
    """ASVS 6.2.10: no periodic change; two years later the same password still logs in."""
    clock.advance(2 * 365 * 24 * 3600)
    assert login.password().headers["Location"] == "/en/login/code"
    assert login.code(pyotp.TOTP(ready_account.secret).at(clock.now)).headers["Location"] == "/en/portal"


@pytest.mark.parametrize("typed", ["Four words are stronger", "FOUR WORDS ARE STRONGER", "four words are stronger ",
                                   " four words are stronger", "four words are strong"])
def test_the_password_is_checked_exactly_as_typed(login, ready_account, typed):
    """ASVS 6.2.8: no change of case, no trimming, no truncation."""
    assert login.password(password=typed).status_code == 422


def test_ending_another_persons_session_does_nothing(app, logged_in, ready_account, clock):
    """ASVS 8.4.1: a session id of someone else, sent by a logged-in person, is not found, and lives on."""
    other = Person.create(niss="70123100141", last_name="Other", first_name="Olga", sex="F",
                          birth_date=datetime.date(1970, 12, 31), birth_country="BE", email="olga@example.be")
    secret = pyotp.random_base32()
    Account.create(person=other, password_hash=hash_password(MINE), must_change_password=False, totp_secret=secret)
    hers = Login(app.test_client())
    hers.password(username="70123100141")
    hers.code(pyotp.TOTP(secret).at(clock.now))
    her_session = LoginSession.get(LoginSession.person == other)
    ended = logged_in.client.post("/en/portal/account/sessions/end", data={
        "csrf_token": logged_in.token, "session": her_session.id, "sessions_password": MINE})
    assert ended.status_code == 404
    assert hers.client.get("/en/portal").status_code == 200
    assert LoginSession.get_by_id(her_session.id).ended_at is None


def test_password_fields_are_masked_and_open_to_password_managers(app, logged_in, client):
    """ASVS 6.2.6 and 6.2.7: every password field is type=password with an autocomplete a password manager
    reads, and nothing blocks pasting."""
    pages = {"/en/login/afmps": client, "/en/staff/login": client, "/en/portal/account": logged_in.client}
    for path, browser in pages.items():
        page = body(browser.get(path))
        fields = [tag for tag in re.findall(r"<input[^>]*>", page) if "password" in re.search(r'name="([^"]*)"', tag)[1]]
        assert fields, path
        for tag in fields:
            assert 'type="password"' in tag, (path, tag)
            assert re.search(r'autocomplete="(current-password|new-password)"', tag), (path, tag)
        assert "onpaste" not in page.lower(), path
    for script in (Path(app.root_path) / "static" / "js").glob("*.js"):  # the portal's own scripts block nothing
        assert "paste" not in script.read_text().lower(), script
