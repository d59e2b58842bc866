"""Passkeys (issue 32): added in "Mon compte" after the password and a code, used as the second step after the
password or as the whole login, removed; what the server checks of every answer (challenge once and fresh,
origin, RP ID, user verification, counter, whose key), and garbage never giving a 500."""
import html
import json
import re

import pyotp
import pytest

from portal.models import Account, AccountEvent, LoginSession, Passkey, Person, StaffMember
from portal.people import devices, passkeys, staff_members
from portal.people.passwords import hash_password
from tests.accounts import MINE, Login, body
from tests.passkey_device import SoftPasskey

ORIGIN = "http://127.0.0.1:5000"  # the tests' PORTAL_BASE_URL


@pytest.fixture
def logged_in(login, ready_account, clock):
    login.password()
    login.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    clock.advance(30)
    return login


@pytest.fixture
def login(client):
    return Login(client)


def options_in(response):
    """The registration options a page carries (as the browser's script reads them), or None."""
    found = re.search(r'data-passkey-options="([^"]+)"', response.get_data(as_text=True))
    return json.loads(html.unescape(found.group(1))) if found else None


def account_post(login, path="passkeys", **data):
    return login.client.post(f"/en/portal/account/{path}", data={"csrf_token": login.token, **data})


def add_passkey(login, account, clock, device=None, name="Laptop"):
    """The two steps of "Mon compte"; returns the device and the answer to the second step."""
    device = device or SoftPasskey()
    page = account_post(login, passkey_password=MINE, passkey_code=pyotp.TOTP(account.secret).at(clock.now))
    clock.advance(30)
    options = options_in(page)
    return device, account_post(login, step="create", name=name, credential=device.create(options))


def second_step_options(login):
    response = login.client.post("/en/login/passkey/options", headers={"X-CSRF-Token": login.token})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def test_a_passkey_is_added_after_the_password_and_a_code_then_listed_and_emailed(app, logged_in, ready_account,
                                                                                   clock, mailbox):
    page = body(logged_in.client.get("/en/portal/account"))
    assert "My passkeys" in page and "You have no passkey yet." in page
    wrong = account_post(logged_in, passkey_password="not my password", passkey_code="123456")
    assert wrong.status_code == 422 and options_in(wrong) is None
    wrong_code = account_post(logged_in, passkey_password=MINE, passkey_code="000000")
    assert wrong_code.status_code == 422 and options_in(wrong_code) is None
    clock.advance(30)
    page = account_post(logged_in, passkey_password=MINE, passkey_code=pyotp.TOTP(ready_account.secret).at(clock.now))
    options = options_in(page)
    assert options["rp"]["id"] == "127.0.0.1" and options["attestation"] == "none"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    handle = options["user"]["id"]
    assert len(handle) == 43 and "85073003328" not in handle and "jan" not in handle  # 32 random bytes
    assert options["user"]["name"] == "Jan Peeters" and "85073003328" not in json.dumps(options)
    nameless = account_post(logged_in, step="create", name="", credential="")
    assert nameless.status_code == 422 and "Give the passkey a name" in body(nameless)
    device = SoftPasskey()
    done = account_post(logged_in, step="create", name="Blue key",
                        credential=device.create(options_in(nameless)))
    assert done.status_code == 303 and done.headers["Location"] == "/en/portal/account?done=passkey"
    page = body(logged_in.client.get("/en/portal/account"))
    assert "Blue key" in page and "never used" in page
    key = Passkey.get()
    assert key.credential_id == device.id and key.account_id == ready_account.id
    assert Account.get().passkey_handle == handle
    assert [e.action for e in AccountEvent.select()] == ["passkey_added"]
    message = mailbox.received("jan@example.be")[-1]
    assert "Blue key" in message.get_body(("plain",)).get_content()


def test_the_challenge_answers_once_and_for_five_minutes(logged_in, ready_account, clock):
    page = account_post(logged_in, passkey_password=MINE, passkey_code=pyotp.TOTP(ready_account.secret).at(clock.now))
    options = options_in(page)
    clock.advance(5 * 60 + 1)
    late = account_post(logged_in, step="create", name="Laptop", credential=SoftPasskey().create(options))
    assert late.status_code == 422 and "ran out" in body(late)
    again = account_post(logged_in, step="create", name="Laptop", credential=SoftPasskey().create(options))
    assert again.status_code == 422  # taken by the first answer, late as it was
    assert Passkey.select().count() == 0
    device, done = add_passkey(logged_in, ready_account, clock)
    assert done.status_code == 303
    replay = account_post(logged_in, step="create", name="Twice", credential=device.create(options))
    assert replay.status_code == 422 and Passkey.select().count() == 1
    assert LoginSession.get(LoginSession.ended_at.is_null()).passkey_challenge is None


@pytest.mark.parametrize("lie", ["origin", "rp_id", "not_verified"])
def test_a_passkey_made_for_another_site_or_without_verifying_the_person_is_refused(logged_in, ready_account, clock,
                                                                                   lie):
    page = account_post(logged_in, passkey_password=MINE, passkey_code=pyotp.TOTP(ready_account.secret).at(clock.now))
    answer = SoftPasskey().create(options_in(page), **{
        "origin": {"origin": "https://afmps-portal.example"}, "rp_id": {"rp_id": "afmps-portal.example"},
        "not_verified": {"verified": False}}[lie])
    refused = account_post(logged_in, step="create", name="Laptop", credential=answer)
    assert refused.status_code == 422 and "could not be checked" in body(refused)
    assert Passkey.select().count() == 0


def test_the_second_step_offers_the_passkey_first_and_logs_in_with_it(app, logged_in, ready_account, clock):
    device, _ = add_passkey(logged_in, ready_account, clock)
    login = Login(app.test_client())
    login.password()
    page = body(login.client.get("/en/login/code"))
    assert page.index("Use my passkey") < page.index('name="code"')  # offered first; the code still there
    options = second_step_options(login)
    assert options["userVerification"] == "required"
    assert [c["id"] for c in options["allowCredentials"]] == [device.id]
    done = login.post("passkey", credential=device.get(options))
    assert done.status_code == 303 and done.headers["Location"] == "/en/portal"
    key = Passkey.get()
    assert key.sign_count == device.sign_count and key.last_used_at is not None
    assert "last used" in body(login.client.get("/en/portal/account"))


@pytest.mark.parametrize("lie", ["origin", "rp_id", "not_verified", "counter_back", "counter_still", "replayed"])
def test_a_wrong_assertion_is_refused_and_counted(app, logged_in, ready_account, clock, lie):
    device, _ = add_passkey(logged_in, ready_account, clock)
    login = Login(app.test_client())
    login.password()
    first = device.get(second_step_options(login), count=5)
    assert login.post("passkey", credential=first).status_code == 303  # its counter is 5 now
    login = Login(app.test_client())
    login.password()
    options = second_step_options(login)
    answer = {"origin": lambda: device.get(options, origin="https://afmps-portal.example"),
              "rp_id": lambda: device.get(options, rp_id="afmps-portal.example"),
              "not_verified": lambda: device.get(options, verified=False),
              "counter_back": lambda: device.get(options, count=3),  # a copy of the key, used before
              "counter_still": lambda: device.get(options, count=5),
              "replayed": lambda: first}[lie]()
    refused = login.post("passkey", credential=answer)
    text = body(refused)
    assert refused.status_code == 422 and "There is a problem" in text and 'id="error-passkey"' in text
    if lie.startswith("counter"):
        assert "its counter went back" in text
        assert AccountEvent.get(AccountEvent.action == "passkey_copy_refused").reason == "Laptop"  # support sees it
    assert Account.get().failed_attempts == 1
    assert Passkey.get().sign_count == 5
    assert login.client.get("/en/portal").status_code == 303  # no session


def test_a_removed_passkey_no_longer_logs_in(app, logged_in, ready_account, clock, mailbox):
    device, _ = add_passkey(logged_in, ready_account, clock)
    key = Passkey.get()
    other = Login(app.test_client())  # another session of the same person, which the removal ends (ticked)
    other.password()
    clock.advance(30)  # each code of a later time step: the one that added the key is spent
    other.code(pyotp.TOTP(ready_account.secret).at(clock.now))
    assert other.client.get("/en/portal").status_code == 200
    clock.advance(30)
    code = pyotp.TOTP(ready_account.secret).at(clock.now)
    wrong = account_post(logged_in, "passkeys/remove", passkeys_password="not it", passkeys_code=code, passkey=str(key.id))
    assert wrong.status_code == 422 and Passkey.select().count() == 1
    no_code = account_post(logged_in, "passkeys/remove", passkeys_password=MINE, passkeys_code="", passkey=str(key.id))
    assert no_code.status_code == 422 and Passkey.select().count() == 1  # 7.5.1: the password and a code
    done = account_post(logged_in, "passkeys/remove", passkeys_password=MINE, passkeys_code=code, passkey=str(key.id),
                        end_others="yes")
    assert done.status_code == 303 and Passkey.select().count() == 0
    assert other.client.get("/en/portal").status_code == 303  # the other session ended
    assert [e.action for e in AccountEvent.select().order_by(AccountEvent.id)] == ["passkey_added", "passkey_removed"]
    assert "Laptop" in mailbox.received("jan@example.be")[-1].get_body(("plain",)).get_content()
    login = Login(app.test_client())
    login.password()
    options = second_step_options_or_none(login)
    assert options is None  # no passkey left to offer
    refused = login.post("passkey", credential=device.get({"challenge": "AAAA", "rpId": "127.0.0.1"}))
    assert refused.status_code == 422 and "not one of this account's" in body(refused)
    alone = Login(app.test_client())
    options = alone.client.post("/en/login/passkey-only/options", headers={"X-CSRF-Token": alone.token}).get_json()
    refused = alone.post("passkey-only", credential=device.get(options))
    assert refused.status_code == 422 and "not one of this account's" in body(refused)


def second_step_options_or_none(login):
    response = login.client.post("/en/login/passkey/options", headers={"X-CSRF-Token": login.token})
    return response.get_json() if response.status_code == 200 else None


def test_a_passkey_alone_logs_in_and_keeps_the_page_it_was_for(app, logged_in, ready_account, clock):
    device, _ = add_passkey(logged_in, ready_account, clock)
    visitor = Login(app.test_client())
    page = body(visitor.client.get("/en/login/afmps"))
    assert "Log in with a passkey" in page and "A passkey needs JavaScript" in page
    options = visitor.client.post("/en/login/passkey-only/options", data={"next": "/en/portal/account"},
                                  headers={"X-CSRF-Token": visitor.token}).get_json()
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    done = visitor.post("passkey-only", credential=device.get(options))
    assert done.status_code == 303 and done.headers["Location"] == "/en/portal/account"
    assert LoginSession.select().where(LoginSession.ended_at.is_null()).count() == 2
    without_csrf = app.test_client().post("/en/login/passkey-only/options")
    assert without_csrf.status_code == 400


def test_a_passkey_alone_meets_the_same_lockout_and_block(app, logged_in, ready_account, clock, mailbox):
    device, _ = add_passkey(logged_in, ready_account, clock)
    visitor = Login(app.test_client())

    def attempt(**lie):
        options = visitor.client.post("/en/login/passkey-only/options",
                                      headers={"X-CSRF-Token": visitor.token}).get_json()
        return visitor.post("passkey-only", credential=device.get(options, **lie))
    for _ in range(5):
        assert attempt(origin="https://afmps-portal.example").status_code == 422
    assert Account.get().locked_until is not None
    assert attempt().status_code == 422  # locked: the right passkey opens nothing
    clock.advance(16 * 60)
    Account.update(blocked=True).execute()
    assert attempt().status_code == 422
    Account.update(blocked=False).execute()
    assert attempt().status_code == 303


def test_one_account_never_removes_nor_uses_anothers_passkey(app, logged_in, ready_account, clock):
    device, _ = add_passkey(logged_in, ready_account, clock)
    mine = Passkey.get()
    other = Person.create(niss="90010100185", last_name="Maes", first_name="Els", sex="F",
                          birth_date=Person.get().birth_date, birth_country="BE", email="els@example.be")
    secret = pyotp.random_base32()
    Account.create(person=other, password_hash=hash_password(MINE), must_change_password=False, totp_secret=secret)
    intruder = Login(app.test_client())
    intruder.password(username="90010100185")
    intruder.code(pyotp.TOTP(secret).at(clock.now))
    clock.advance(30)
    removed = account_post(intruder, "passkeys/remove", passkeys_password=MINE,
                           passkeys_code=pyotp.TOTP(secret).at(clock.now), passkey=str(mine.id))
    assert removed.status_code == 404 and Passkey.select().count() == 1
    theirs = SoftPasskey()
    theirs.credential_id, theirs.key = device.credential_id, device.key  # my key, in their hands
    second = Login(app.test_client())
    second.password(username="90010100185")
    assert second_step_options_or_none(second) is None  # they have no passkey: none offered
    refused = second.post("passkey", credential=device.get({"challenge": "AAAA", "rpId": "127.0.0.1"}))
    assert refused.status_code == 422 and second.client.get("/en/portal").status_code == 303


def test_a_credential_is_added_to_one_account_once(logged_in, ready_account, clock):
    device, _ = add_passkey(logged_in, ready_account, clock)
    clock.advance(30)
    _, again = add_passkey(logged_in, ready_account, clock, device=device, name="Same key")
    assert again.status_code == 422 and "already added" in body(again)
    assert [key.name for key in Passkey.select()] == ["Laptop"]


def test_the_agency_allowing_a_new_device_drops_the_passkeys(app, logged_in, ready_account, clock):
    add_passkey(logged_in, ready_account, clock)
    with app.app_context():
        devices.allow_new_device(Account.get(), "Lost phone and laptop; identity checked by video call")
    assert Passkey.select().count() == 0


GARBAGE = ["", "null", "[]", "{}", '{"id": 1}', '{"id": "x"}', "x" * 200_000, "[" * 60_000 + "]" * 60_000,
           json.dumps({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
                       "response": {"clientDataJSON": "%%%", "authenticatorData": "!!", "signature": "",
                                    "attestationObject": "AAAA"}}),
           json.dumps({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
                       "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA",
                                    "attestationObject": "oA", "userHandle": 5}}),
           "\x01\x7f{", "é" * 40_000,
           '{"id": "\\ud800"}', '{"id": "\\u0000"}', '{"id": "AAAA\\u0000"}']  # a lone surrogate, NULs: no id


@pytest.mark.parametrize("garbage", range(len(GARBAGE)))
def test_garbage_for_a_passkey_is_refused_in_words_never_a_500(app, logged_in, ready_account, clock, garbage):
    answer = GARBAGE[garbage]
    device, _ = add_passkey(logged_in, ready_account, clock)
    page = account_post(logged_in, passkey_password=MINE, passkey_code=pyotp.TOTP(ready_account.secret).at(clock.now))
    assert options_in(page)
    added = account_post(logged_in, step="create", name="Garbage", credential=answer)
    assert added.status_code == 422 and "There is a problem" in body(added)
    login = Login(app.test_client())
    login.password()
    second_step_options(login)
    second = login.post("passkey", credential=answer)
    assert second.status_code == 422 and "There is a problem" in body(second)
    alone = Login(app.test_client())
    alone.client.post("/en/login/passkey-only/options", headers={"X-CSRF-Token": alone.token})
    first = alone.post("passkey-only", credential=answer)
    assert first.status_code == 422 and "There is a problem" in body(first)
    options = alone.client.post("/en/login/passkey-only/options", data={"next": answer[:600]},
                                headers={"X-CSRF-Token": alone.token})
    assert options.status_code == 200
    assert Passkey.select().count() == 1


def test_staff_add_a_passkey_at_login_once_an_administrator_requires_it(app, auth, clock, mailbox):
    admin = auth.staff(email="admin@afmps.be", name="Admin", roles=["administrator"])
    page = body(auth.client.get("/en/staff/members"))
    assert "Require a passkey of every staff member" in page
    done = auth.client.post("/en/staff/members/passkeys", data={"csrf_token": auth.token, "required": "yes"})
    assert done.status_code == 303
    with app.app_context():
        assert staff_members.passkeys_required() and staff_members.passkey_rule().changed_by_id == admin.id
    member = StaffMember.create(email="inspector@afmps.be", name="Ines Inspector", roles="inspector")
    secret = pyotp.random_base32()
    Account.create(staff=member, password_hash=hash_password(MINE), must_change_password=False, totp_secret=secret)
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', body(client.get("/en/staff/login"))).group(1)
    client.post("/en/staff/login", data={"csrf_token": token, "email": "inspector@afmps.be", "password": MINE})
    asked = client.post("/en/login/code", data={"csrf_token": token, "code": pyotp.TOTP(secret).at(clock.now)})
    assert asked.headers["Location"] == "/en/login/new-passkey"
    assert client.get("/en/staff/inspections").status_code == 303  # no session before the passkey
    page = body(client.get("/en/login/new-passkey"))
    assert "Add a passkey" in page and "A passkey needs JavaScript" in page
    options = client.post("/en/login/new-passkey/options", headers={"X-CSRF-Token": token}).get_json()
    device = SoftPasskey()
    nameless = client.post("/en/login/new-passkey", data={"csrf_token": token, "name": "", "credential": ""})
    assert nameless.status_code == 422
    finished = client.post("/en/login/new-passkey", data={"csrf_token": token, "name": "Office laptop",
                                                         "credential": device.create(options)})
    assert finished.status_code == 303 and finished.headers["Location"].startswith("/en/staff")
    assert Passkey.get().account.staff_id == member.id
    clock.advance(30)
    again = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', body(again.get("/en/staff/login"))).group(1)
    password = again.post("/en/staff/login", data={"csrf_token": token, "email": "inspector@afmps.be",
                                                   "password": MINE})
    assert password.headers["Location"] == "/en/login/code"  # the next login: no more asking
    options = again.post("/en/login/passkey/options", headers={"X-CSRF-Token": token}).get_json()
    with_key = again.post("/en/login/passkey", data={"csrf_token": token, "credential": device.get(options)})
    assert with_key.headers["Location"].startswith("/en/staff")
    assert auth.client.post("/en/staff/members/passkeys", data={"csrf_token": auth.token}).status_code == 303
    with app.app_context():
        assert not staff_members.passkeys_required()


def test_without_javascript_the_pages_say_so_and_the_script_is_a_file_of_the_portal(app, logged_in, ready_account,
                                                                                     clock):
    add_passkey(logged_in, ready_account, clock)
    login = Login(app.test_client())
    login.password()
    page = body(login.client.get("/en/login/code"))
    assert "A passkey needs JavaScript" in page and 'name="code"' in page
    assert re.search(r'<button[^>]*data-passkey="get"[^>]*hidden', page)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert any("passkeys" in attributes for attributes in scripts)
    csp = login.client.get("/en/login/code").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "default-src 'self'" in csp


def test_transports_the_browser_makes_up_are_dropped(logged_in, ready_account, clock):
    """The transports are not signed: a value that is no list of known ones is not kept (nor a 500)."""
    page = account_post(logged_in, passkey_password=MINE, passkey_code=pyotp.TOTP(ready_account.secret).at(clock.now))
    answer = json.loads(SoftPasskey().create(options_in(page)))
    answer["response"]["transports"] = 5
    done = account_post(logged_in, step="create", name="Odd", credential=json.dumps(answer))
    assert done.status_code == 303 and Passkey.get().transports == ""


def test_a_name_to_correct_does_not_make_the_proof_last_longer(logged_in, ready_account, clock):
    page = account_post(logged_in, passkey_password=MINE, passkey_code=pyotp.TOTP(ready_account.secret).at(clock.now))
    assert options_in(page)
    clock.advance(4 * 60)
    nameless = account_post(logged_in, step="create", name="", credential="")
    assert nameless.status_code == 422 and options_in(nameless)  # new options, to correct the name
    clock.advance(2 * 60)  # six minutes after the password and the code, two after the new options
    late = account_post(logged_in, step="create", name="Laptop", credential=SoftPasskey().create(options_in(nameless)))
    assert late.status_code == 422 and "ran out" in body(late) and Passkey.select().count() == 0


def test_the_origin_is_written_as_a_browser_writes_it():
    assert passkeys.relying_party("https://Portal.AFMPS.be:443/") == ("portal.afmps.be", "https://portal.afmps.be")
    assert passkeys.relying_party("http://127.0.0.1:5000/") == ("127.0.0.1", "http://127.0.0.1:5000")
    assert passkeys.relying_party("https://[::1]:8443") == ("::1", "https://[::1]:8443")
