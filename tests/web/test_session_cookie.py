"""The session cookie's signature is checked once per cookie and remembered:
what a person or an attacker would notice is that nothing else changed. A
cookie changed by one byte, an old one, one signed by a retired key is no
session, even right after the genuine cookie was accepted."""
import datetime

import pytest

from portal.web import session_cookie


def cookie_of(client):
    return client.get_cookie("portal_session").value


@pytest.fixture
def logged_in(auth, client):
    auth.company_user()
    assert client.get("/en/portal").status_code == 200  # the cookie is now a known one
    return client


def with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("portal_session", value)
    return other


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_a_cookie_changed_by_one_byte_is_no_session(app, logged_in, where):
    value = cookie_of(logged_in)
    index = 3 if where == "payload" else len(value) - 2
    changed = value[:index] + ("A" if value[index] != "A" else "B") + value[index + 1:]
    assert with_cookie(app, value).get("/en/portal").status_code == 200
    response = with_cookie(app, changed).get("/en/portal")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_a_known_cookie_older_than_the_session_lifetime_is_no_session(app, logged_in, monkeypatch):
    value = cookie_of(logged_in)
    app.permanent_session_lifetime = datetime.timedelta(hours=1)
    assert with_cookie(app, value).get("/en/portal").status_code == 200
    later = session_cookie.time.time() + 2 * 3600
    monkeypatch.setattr(session_cookie, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    assert with_cookie(app, value).get("/en/portal").status_code in (302, 303)


def test_a_cookie_of_a_retired_key_is_no_session_once_the_key_is_dropped(app, logged_in):
    value = cookie_of(logged_in)
    old = app.secret_key
    app.secret_key = "a new key of at least thirty-two characters, for the test"
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert with_cookie(app, value).get("/en/portal").status_code == 200  # still signed by a key in use
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert with_cookie(app, value).get("/en/portal").status_code in (302, 303)


def test_each_request_gets_a_session_of_its_own(app, logged_in):
    value = cookie_of(logged_in)
    interface = app.session_interface
    with app.test_request_context("/en/portal", headers={"Cookie": f"portal_session={value}"}) as context:
        first = interface.open_session(app, context.request)
        first["login"] = "changed in this request only"
        second = interface.open_session(app, context.request)
    assert second["login"] != first["login"]
    assert len(interface.verified) >= 1


def test_a_page_that_reads_the_session_varies_on_the_cookie_once(logged_in):
    response = logged_in.get("/en/portal")
    names = [part.strip() for part in response.headers["Vary"].split(",")]
    assert names.count("Cookie") == 1 and "HX-Request" in names
    assert "Set-Cookie" not in response.headers  # nothing changed: nothing written


def test_a_copy_of_a_known_cookie_is_no_session_once_its_owner_logged_out(app, logged_in):
    """The signature stays valid, and is remembered; the login behind it is what ends."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    value = cookie_of(logged_in)
    with ThreadPoolExecutor(4) as pool:  # the same cookie from four places at once
        assert set(pool.map(lambda _: with_cookie(app, value).get("/en/portal").status_code, range(8))) == {200}
    token = re.search(r'name="csrf-token" content="([^"]+)"', logged_in.get("/en/portal").get_data(as_text=True))
    assert logged_in.post("/en/logout", data={"csrf_token": token.group(1)}).status_code in (302, 303)
    assert with_cookie(app, value).get("/en/portal").status_code in (302, 303)
