"""Passkeys in a real Chromium, with its virtual authenticator (the DevTools protocol's WebAuthn domain): a
person adds a passkey in "Mon compte", logs out, logs in with it as the second step and as the whole login;
a copy of the key whose counter went back, a server at another origin and a removed key are refused; in
French, Dutch and English, every page audited by axe. Without JavaScript the pages say a passkey needs it and
the code of the app logs in."""
import datetime

import pyotp
import pytest
from playwright.sync_api import expect

from portal.data.db import database
from portal.models import (
    Account,
    Company,
    LegalRepresentative,
    Passkey,
    Person,
    StaffMember,
    StaffSetting,
)
from portal.people import recovery_codes, staff_members
from portal.people.passwords import hash_password
from tests.browser.visitor import Visitor

pytestmark = pytest.mark.browser
NISS = "70123100240"
PASSWORD = "four words are stronger"
ERROR_TITLE = {"fr": "Erreur", "nl": "Fout", "en": "Error"}
COPIED = {"fr": "compteur", "nl": "teller", "en": "counter"}


@pytest.fixture
def person(localhost_server):
    """A legal representative with a password, an app and recovery codes; returns (TOTP secret, codes)."""
    with localhost_server.app.app_context():
        Person.delete().where(Person.niss == NISS).execute()  # and, with it, their account, passkeys and links
        person = Person.create(niss=NISS, last_name="Lambert", first_name="Sophie", sex="F",
                               birth_date=datetime.date(1970, 12, 31), birth_country="FR",
                               email="sophie@exemple.fr", language="fr")
        company = Company(country="FR", street="Rue de la Paix", house_number="4", postcode="75002", city="Paris")
        company.set_name("Lambert Santé SAS")
        company.save()
        LegalRepresentative.create(company=company, person=person)
        secret = pyotp.random_base32()
        account = Account.create(person=person, password_hash=hash_password(PASSWORD), must_change_password=False,
                                 totp_secret=secret)
        codes = recovery_codes.new_codes(account)
        database.close()
    return secret, codes


@pytest.fixture
def with_authenticator(new_context, localhost_server):
    """A visitor with JavaScript whose browser has a platform authenticator (a fingerprint reader that
    always recognises its person); `visitor.cdp` and `visitor.authenticator` drive it."""
    def make(lang):
        context = new_context(locale={"fr": "fr-BE", "nl": "nl-BE", "en": "en-GB"}[lang])
        page = context.new_page()
        visitor = Visitor(page, localhost_server.url, javascript=True)
        visitor.cdp = context.new_cdp_session(page)
        visitor.cdp.send("WebAuthn.enable")
        visitor.authenticator = visitor.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True}})["authenticatorId"]
        return visitor
    return make


def navigate(visitor, action):
    with visitor.page.expect_navigation():
        action()
    visitor.check_page()


def password_step(visitor, lang):
    visitor.goto(f"/{lang}/login/afmps")
    visitor.page.locator("#field-username").fill(NISS)
    visitor.page.locator("#field-password").fill(PASSWORD)
    navigate(visitor, lambda: visitor.page.locator("main form button[type=submit]").click())


def log_out(visitor):
    navigate(visitor, lambda: visitor.page.locator("form[action$='/logout'] button").click())


def passkey_alone(visitor, lang):
    visitor.goto(f"/{lang}/login/afmps")
    navigate(visitor, lambda: visitor.page.locator("#field-passkey").click())


def expect_refused(visitor, lang, words=None):
    assert visitor.page.title().startswith(ERROR_TITLE[lang])
    alert = visitor.page.get_by_role("alert")
    expect(alert).to_be_visible()
    if words:
        expect(alert).to_contain_text(words)
    assert "/portal" not in visitor.path()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_passkey_added_logs_in_and_a_copy_another_origin_or_a_removed_key_do_not(with_authenticator, person,
                                                                                   localhost_server, lang):
    secret, codes = person
    visitor = with_authenticator(lang)
    page = visitor.page
    visitor.log_in(NISS, PASSWORD, secret, lang=lang)
    assert visitor.path() == f"/{lang}/portal"

    # Mon compte: the password and a code again, then the passkey, named.
    visitor.goto(f"/{lang}/portal/account")
    expect(page.locator("#a-passkeys")).to_be_visible()
    page.locator("#field-passkey_password").fill(PASSWORD)
    page.locator("#field-passkey_code").fill(codes[0])
    navigate(visitor, lambda: page.locator("form[action$='/account/passkeys'] button[type=submit]").click())
    page.locator("#field-passkey_name").fill("Ordinateur de Sophie")
    navigate(visitor, lambda: page.locator("#field-passkey").click())
    expect(page.locator("section[aria-labelledby=a-passkeys]")).to_contain_text("Ordinateur de Sophie")
    assert len(visitor.cdp.send("WebAuthn.getCredentials", {"authenticatorId": visitor.authenticator})[
        "credentials"]) == 1
    log_out(visitor)

    # The second step: the passkey offered first, instead of the code.
    password_step(visitor, lang)
    expect(page.locator("#field-passkey")).to_be_visible()
    navigate(visitor, lambda: page.locator("#field-passkey").click())
    assert visitor.path() == f"/{lang}/portal"
    log_out(visitor)

    # The whole login: "Se connecter avec une clé d'accès".
    passkey_alone(visitor, lang)
    assert visitor.path() == f"/{lang}/portal"
    log_out(visitor)

    # A server at another origin (another port of the same host) refuses what this page's passkey signed.
    real = localhost_server.app.config["BASE_URL"]
    localhost_server.app.config["BASE_URL"] = real.rsplit(":", 1)[0] + ":1"
    try:
        passkey_alone(visitor, lang)
        expect_refused(visitor, lang)
    finally:
        localhost_server.app.config["BASE_URL"] = real

    # A copy of the key, made before its last uses: its counter went back.
    stored = visitor.cdp.send("WebAuthn.getCredentials", {"authenticatorId": visitor.authenticator})["credentials"][0]
    assert stored["signCount"] >= 2
    visitor.cdp.send("WebAuthn.removeCredential", {"authenticatorId": visitor.authenticator,
                                                   "credentialId": stored["credentialId"]})
    visitor.cdp.send("WebAuthn.addCredential", {"authenticatorId": visitor.authenticator,
                                                "credential": {**stored, "signCount": 0}})
    passkey_alone(visitor, lang)
    expect_refused(visitor, lang, COPIED[lang])

    # Lost it: a recovery code instead, then the passkey removed; it no longer logs in.
    password_step(visitor, lang)
    page.locator("#field-code").fill(codes[1])
    navigate(visitor, lambda: page.locator("form[action$='/login/code'] button[type=submit]").click())
    visitor.goto(f"/{lang}/portal/account")
    page.locator("#field-passkeys_password").fill(PASSWORD)
    page.locator("#field-passkeys_code").fill(codes[2])
    navigate(visitor, lambda: page.locator("form[action$='/passkeys/remove'] button[type=submit]").click())
    expect(page.locator("section[aria-labelledby=a-passkeys]")).not_to_contain_text("Ordinateur de Sophie")
    log_out(visitor)
    visitor.cdp.send("WebAuthn.removeCredential", {"authenticatorId": visitor.authenticator,
                                                   "credentialId": stored["credentialId"]})
    visitor.cdp.send("WebAuthn.addCredential", {"authenticatorId": visitor.authenticator,
                                                "credential": {**stored, "signCount": 1000}})
    passkey_alone(visitor, lang)
    expect_refused(visitor, lang)


def test_without_javascript_the_page_says_so_and_the_code_logs_in(new_context, person, localhost_server):
    secret, _ = person
    with localhost_server.app.app_context():
        account = Account.get(Account.totp_secret == secret)
        Passkey.create(account=account, credential_id="AAAA", public_key=b"\x00", name="Clé bleue")
        database.close()
    context = new_context(java_script_enabled=False, locale="fr-BE")
    auditor_context = new_context(locale="fr-BE")
    auditor_context.route("**/*.js", lambda route: route.abort())
    auditor = auditor_context.new_page()
    auditor.goto(localhost_server.url + "/healthz")
    visitor = Visitor(context.new_page(), localhost_server.url, javascript=False, auditor=auditor)
    password_step(visitor, "fr")
    page = visitor.page
    expect(page.locator("[data-passkey-unavailable]")).to_contain_text("JavaScript")
    expect(page.locator("#field-passkey")).to_be_hidden()
    page.locator("#field-code").fill(pyotp.TOTP(secret).now())
    navigate(visitor, lambda: page.locator("form[action$='/login/code'] button[type=submit]").click())
    assert visitor.path() == "/fr/portal"


@pytest.fixture
def passkeys_required_then_not(localhost_server):
    """The rule is the whole back office's: it is lifted again after the test, or every later staff login of
    the server (other tests' included) would be asked for a passkey."""
    yield
    with localhost_server.app.app_context():
        StaffSetting.delete().execute()
        database.close()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_staff_member_adds_the_passkey_an_administrator_requires_then_logs_in_with_it(
        with_authenticator, localhost_server, passkeys_required_then_not, lang):
    email = f"inspecteur.{lang}@afmps.be"
    with localhost_server.app.app_context():
        StaffSetting.delete().execute()
        admin = StaffMember.create(email=f"admin.{lang}@afmps.be", name="Anne Admin", roles="administrator")
        staff_members.require_passkeys(True, admin)
        member = StaffMember.create(email=email, name="Ivo Inspecteur", roles="inspector", language=lang)
        secret = pyotp.random_base32()
        Account.create(staff=member, password_hash=hash_password(PASSWORD), must_change_password=False,
                       totp_secret=secret)
        database.close()
    visitor = with_authenticator(lang)
    page = visitor.page
    visitor.log_in_staff(email, PASSWORD, secret, lang=lang)
    assert visitor.path() == f"/{lang}/login/new-passkey"
    page.locator("#field-name").fill("Portable du bureau")
    navigate(visitor, lambda: page.locator("#field-passkey").click())
    assert visitor.path().startswith(f"/{lang}/staff")
    log_out(visitor)
    visitor.goto(f"/{lang}/staff/login")
    navigate(visitor, lambda: page.locator("#field-passkey").click())
    assert visitor.path().startswith(f"/{lang}/staff")
