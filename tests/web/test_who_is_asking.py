"""Who is asking: one statement on every request, with whole rows, so that a
request never reads a column as None because it was left out."""
import pytest

from portal.models import Account
from portal.people import sessions
from tests.harness import QueryCount


@pytest.fixture
def jan(auth, client):
    return auth.company_user()


def current_account(app, client):
    cookie = client.get_cookie("portal_session").value
    context = app.test_request_context("/en/portal", headers={"Cookie": f"portal_session={cookie}"})
    context.push()
    return context, sessions.current().account


def test_who_is_asking_is_one_statement_with_the_account_s_columns_as_stored(app, client, jan):
    client.get("/en/portal")
    Account.update(totp_last_counter=41, failed_attempts=2).where(Account.person == jan.id).execute()
    with QueryCount() as queries:
        context, account = current_account(app, client)
    try:
        assert len(queries.statements) == 1, queries.statements
        assert account.totp_secret and account.password_hash.startswith("$argon2")
        assert account.totp_last_counter == 41 and account.failed_attempts == 2
        assert account.person.id == jan.id and account.created_at is not None
    finally:
        context.pop()


def test_my_account_shows_the_sessions_the_codes_left_and_the_passkeys_in_three_statements(app, client, jan):
    from portal import clock
    from portal.models import Passkey, RecoveryCode

    account = Account.get(Account.person == jan.id)
    RecoveryCode.insert_many([{"account": account.id, "code_hash": f"h{i}", "used_at": clock.utc() if i == 0 else None}
                              for i in range(4)]).execute()
    other = Account.create(person=None, password_hash="x", must_change_password=False)
    RecoveryCode.create(account=other, code_hash="not theirs")
    for name in ("Laptop", "Blue key"):
        Passkey.create(account=account, credential_id=name, public_key=b"k", name=name)
    client.get("/en/portal/account")
    with QueryCount() as queries:
        page = client.get("/en/portal/account").get_data(as_text=True)
    assert "3 unused recovery codes left." in page and "(this session)" in page
    assert "Laptop" in page and "Blue key" in page
    # who is asking; the sessions with the count; the passkeys (one statement however many)
    assert len(queries.statements) == 3, queries.statements
