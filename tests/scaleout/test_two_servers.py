"""Two app servers on one PostgreSQL, the README's production shape: a person logs in on one and goes
on on the other, failures counted on both lock the account once, a draft started on one is resumed on
the other. (Send-mail runs on several servers at once: tests/web/test_mail.py.)"""
import datetime
import os
import re
import signal

import pyotp
import pytest
import requests

from portal.models import Account, Person, Registration
from portal.people.passwords import hash_password
from tests.scaleout.servers import serve

PASSWORD = "four words are stronger"

pytestmark = pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="several app servers share a PostgreSQL database (make test's second pass)")


@pytest.fixture
def servers(app, db, database_url, smtp_server):
    """Two gunicorn servers (one worker each) on the test database, with one secret key."""
    env = dict(os.environ, PORTAL_ENV="development", PORTAL_DATABASE_URL=database_url, PORTAL_LOG_LEVEL="WARNING",
               PORTAL_SECRET_KEY="two-servers-share-this-secret-key-of-40-chars", PORTAL_SMTP_HOST="127.0.0.1",
               PORTAL_SMTP_PORT=str(smtp_server.port))
    started = []
    try:
        for _ in range(2):
            started.append(serve(env))
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)


@pytest.fixture
def person(db):
    jan = Person.create(niss="85073003328", last_name="Peeters", first_name="Jan", sex="M",
                        birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be",
                        language="en")
    secret = pyotp.random_base32()
    Account.create(person=jan, password_hash=hash_password(PASSWORD), must_change_password=False, totp_secret=secret)
    jan.secret = secret
    return jan


def token_of(response):
    return re.search(r'name="csrf-token" content="([^"]+)"', response.text).group(1)


def test_a_login_begun_on_one_server_goes_on_on_the_other(servers, person):
    one, other = servers
    browser = requests.Session()
    token = token_of(browser.get(f"{one}/en/login/afmps"))
    step = browser.post(f"{other}/en/login/afmps", data={"csrf_token": token, "username": person.niss,
                                                          "password": PASSWORD}, allow_redirects=False)
    assert step.status_code == 303 and step.headers["Location"] == "/en/login/code"
    done = browser.post(f"{one}/en/login/code", data={"csrf_token": token, "code": pyotp.TOTP(person.secret).now()},
                        allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"] == "/en/portal"
    portal = browser.get(f"{other}/en/portal")
    assert "Jan Peeters" in portal.text
    browser.post(f"{other}/en/logout", data={"csrf_token": token_of(portal)})  # the login's new token
    assert browser.get(f"{one}/en/portal", allow_redirects=False).status_code == 303  # ended for both


def test_failures_on_both_servers_add_up_to_one_lockout(servers, person):
    browser = requests.Session()
    token = token_of(browser.get(f"{servers[0]}/en/login/afmps"))
    for attempt in range(5):
        wrong = browser.post(f"{servers[attempt % 2]}/en/login/afmps", allow_redirects=False,
                             data={"csrf_token": token, "username": person.niss, "password": "not the password"})
        assert wrong.status_code == 422
    assert Account.get(Account.person == person).locked_until is not None
    for base in servers:  # the right password, on either server: locked
        right = browser.post(f"{base}/en/login/afmps", allow_redirects=False,
                             data={"csrf_token": token, "username": person.niss, "password": PASSWORD})
        assert right.status_code == 422


def test_a_draft_started_on_one_server_is_resumed_on_the_other(servers, db):
    one, other = servers
    browser = requests.Session()
    token = token_of(browser.get(f"{one}/en/register"))
    draft = browser.post(f"{one}/en/register", data={"csrf_token": token}, allow_redirects=False).headers["Location"]
    typed = browser.post(f"{other}{draft}", allow_redirects=False,
                         data={"csrf_token": token, "country": "DE", "bce_registered": "no", "vat_number": "136695976"})
    assert typed.status_code in (200, 303, 422)
    page = requests.get(f"{one}{draft}").text  # the resume link alone, in another browser, on the first server
    assert 'value="136695976"' in page or "DE136695976" in page
    assert Registration.select().count() == 1
