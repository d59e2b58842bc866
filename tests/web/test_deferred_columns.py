"""Who is asking is read on every request without the account's secrets; a
request that needs one reads it then, fresh, and never sees None instead."""
import pytest

from portal import sessions
from portal.models import Account
from tests.harness import QueryCount


@pytest.fixture
def jan(auth, client):
    return auth.company_user()


def test_a_page_does_not_read_the_password_hash_or_the_authenticator_secret(app, client, jan):
    assert client.get("/en/portal").status_code == 200
    context, account = current_account(app, client)
    try:
        _, sql, _ = sessions._WHO_IS_ASKING._compiled()
        assert "password_hash" not in sql and "totp_secret" not in sql and "enrolment_code_hash" not in sql
        assert not {"password_hash", "totp_secret", "totp_last_counter"} & set(account.__data__)
    finally:
        context.pop()


def current_account(app, client):
    cookie = client.get_cookie("portal_session").value
    context = app.test_request_context("/en/portal", headers={"Cookie": f"portal_session={cookie}"})
    context.push()
    return context, sessions.current().account


def test_a_secret_left_out_is_read_when_asked_for_fresh_and_in_one_statement(app, client, jan):
    context, account = current_account(app, client)
    try:
        assert "totp_secret" not in account.__data__
        Account.update(totp_last_counter=41).where(Account.id == account.id).execute()  # after the row was read
        with QueryCount() as queries:
            assert account.totp_secret  # never None: it loads
            assert account.totp_last_counter == 41 and account.password_hash.startswith("$argon2")
            assert account.failed_attempts == 0 and account.created_at is not None
        assert len(queries.statements) == 1
    finally:
        context.pop()


def test_a_value_set_before_the_load_is_kept(app, client, jan):
    context, account = current_account(app, client)
    try:
        account.failed_attempts = 3
        assert account.totp_secret and account.failed_attempts == 3
    finally:
        context.pop()


def test_an_account_gone_since_is_an_error_not_none(app, client, jan):
    context, account = current_account(app, client)
    try:
        Account.delete().where(Account.id == account.id).execute()
        for _ in range(2):  # and again: still an error, never None
            with pytest.raises(Account.DoesNotExist):
                account.password_hash
    finally:
        context.pop()


def test_a_row_read_narrow_elsewhere_reads_a_missing_column_as_none(app, jan):
    account = Account.select(Account.id).first()
    assert account.totp_secret is None  # peewee's own behaviour, for rows not marked narrow


def test_my_account_shows_the_sessions_and_the_codes_left_in_two_statements(app, client, jan):
    from portal import clock
    from portal.models import RecoveryCode

    account = Account.get(Account.person == jan.id)
    RecoveryCode.insert_many([{"account": account.id, "code_hash": f"h{i}", "used_at": clock.utc() if i == 0 else None}
                              for i in range(4)]).execute()
    other = Account.create(person=None, password_hash="x", must_change_password=False)
    RecoveryCode.create(account=other, code_hash="not theirs")
    client.get("/en/portal/account")
    with QueryCount() as queries:
        page = client.get("/en/portal/account").get_data(as_text=True)
    assert "3 unused recovery codes left." in page and "(this session)" in page
    assert len(queries.statements) == 2, queries.statements  # who is asking; the sessions with the count
