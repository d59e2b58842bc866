"""The same write, eight times at the same moment, on the real database file
(or the real PostgreSQL server): no 500, and one outcome.

Before every writing transaction began IMMEDIATE on SQLite, two clicks of
"Envoyer" at once gave one 303 and one 500 ("database is locked"), and
parallel wrong guesses read the same failure count and wrote it back, so
none of them locked the account.
"""
import threading

import pyotp
import pytest

from portal import clock
from portal.models import Account, ActivityEvent, Company, LoginSession, OutboxMessage, Registration, RegistrationEvent
from portal.people.passwords import hash_password
from tests.accounts import MINE, TEMPORARY, Login
from tests.builders import all_at_once, codes, make_staff, staff_log_in, submitted_request
from tests.wizard_driver import WizardDriver, csrf

THREADS = 8


def test_eight_clicks_on_send_submit_once(app, db, mailbox):
    wizard = WizardDriver(app.test_client()).complete(representatives=2)
    clients = [app.test_client() for _ in range(THREADS)]
    tokens = [csrf(c) for c in clients]
    url = wizard.url("check")
    responses = all_at_once([lambda c=c, t=t: c.post(url, data={"csrf_token": t}) for c, t in zip(clients, tokens)])
    assert codes(responses) == [303] * THREADS
    assert Registration.get().status == "submitted"
    assert RegistrationEvent.select().count() == 1
    assert OutboxMessage.select().count() == 2  # one confirmation per representative, not sixteen


def test_eight_staff_validating_at_once_make_one_company(app, db, mailbox):
    registration = submitted_request(app)
    staff = [make_staff(email=f"agent{i}@afmps.be") for i in range(THREADS)]
    clients = []
    for member in staff:
        client = app.test_client()
        client.csrf = staff_log_in(client, email=member.email)
        clients.append(client)
    url = f"/en/staff/registrations/{registration.id}/decision"
    responses = all_at_once([lambda c=c: c.post(url, data={"csrf_token": c.csrf, "action": "validate"})
                             for c in clients])
    assert codes(responses) == [303] + [409] * (THREADS - 1)
    assert Company.select().count() == 1
    assert Account.select().where(Account.person.is_null(False)).count() == 2


def test_one_code_typed_in_eight_logins_at_once_opens_one(app, person, mailbox):
    secret = pyotp.random_base32()
    Account.create(person=person, password_hash=hash_password(MINE),
                   must_change_password=False, totp_secret=secret)
    logins = [Login(app.test_client()) for _ in range(THREADS)]
    for login in logins:
        assert login.password().headers["Location"] == "/en/login/code"
    code = pyotp.TOTP(secret).now()
    responses = all_at_once([lambda login=login: login.code(code) for login in logins])
    assert codes(responses) == [303] + [422] * (THREADS - 1)
    assert LoginSession.select().count() == 1


def test_a_first_login_sent_eight_times_at_once_links_one_authenticator(app, person, mailbox):
    Account.create(person=person, password_hash=hash_password(TEMPORARY),
                   must_change_password=True)
    login = Login(app.test_client())
    login.password(password=TEMPORARY)
    responses = all_at_once([lambda: login.post("update-password", password=MINE, password_confirm=MINE)
                             for _ in range(THREADS)])
    assert all(getattr(r, "status_code", 500) < 500 for r in responses), codes(responses)
    assert not Account.get().must_change_password


def test_eight_wrong_passwords_at_once_are_all_counted_and_lock_once(app, person, mailbox):
    Account.create(person=person, password_hash=hash_password(MINE),
                   must_change_password=False, totp_secret=pyotp.random_base32())
    logins = [Login(app.test_client()) for _ in range(THREADS)]
    responses = all_at_once([lambda login=login: login.password(password="not my password at all")
                             for login in logins])
    assert codes(responses) == [422] * THREADS
    account = Account.get()
    assert account.locked_until is not None and account.lockouts == 1
    assert len(mailbox.received("jan@example.be")) == 1  # one lockout, one e-mail


@pytest.mark.parametrize("limit", [3])
def test_eight_requests_at_once_cannot_slip_under_a_rate_limit(app, db, limit):
    app.config["RATE_LIMITS"] = {"register": limit}
    clients = [app.test_client() for _ in range(THREADS)]
    tokens = [csrf(c) for c in clients]
    responses = all_at_once([lambda c=c, t=t: c.post("/en/register", data={"csrf_token": t})
                             for c, t in zip(clients, tokens)])
    assert codes(responses) == [303] * limit + [429] * (THREADS - limit)
    assert Registration.select().count() == limit


def test_on_sqlite_a_transaction_that_reads_then_writes_waits_its_turn(app, db):
    """Two transactions read a value, then write it back increased. With a
    deferred BEGIN both read at once and the second write fails at once with
    "database is locked" (no busy wait applies to a lock upgrade); with BEGIN
    IMMEDIATE the second waits until the first commits, and reads its result."""
    from portal.data.db import database, is_postgres
    from portal.models import RateLimit

    if is_postgres():
        pytest.skip("PostgreSQL takes row locks at UPDATE; this is about SQLite's BEGIN")
    RateLimit.create(key="counter", window_start=clock.utc(), hits=0)
    first_read = threading.Event()
    second_read = threading.Event()

    def increment(mine, other):
        with app.app_context():
            with database.atomic():
                hits = RateLimit.get(RateLimit.key == "counter").hits
                mine.set()
                other.wait(0.5)  # under IMMEDIATE the other cannot read before this commits
                RateLimit.update(hits=hits + 1).where(RateLimit.key == "counter").execute()
            database.close()
        return "ok"

    results = all_at_once([lambda: increment(first_read, second_read), lambda: increment(second_read, first_read)])
    assert results == ["ok", "ok"]
    assert RateLimit.get(RateLimit.key == "counter").hits == 2


def test_twelve_wrong_codes_at_once_are_not_twelve_guesses(app, person, mailbox, monkeypatch):
    """Each guess reserves its attempt before it is checked: five at most, whatever the timing."""
    from portal.logins import totp

    secret = pyotp.random_base32()
    Account.create(person=person, password_hash=hash_password(MINE),
                   must_change_password=False, totp_secret=secret)
    logins = [Login(app.test_client()) for _ in range(12)]
    for login in logins:
        login.password()
    checked = []
    real_check = totp.check
    monkeypatch.setattr(totp, "check", lambda *args, **kwargs: checked.append(1) or real_check(*args, **kwargs))
    responses = all_at_once([lambda login=login, i=i: login.code(f"{(i * 7919) % 1000000:06d}")
                             for i, login in enumerate(logins)])
    assert codes(responses) == [422] * 12
    assert len(checked) <= 5
    assert Account.get().locked_until is not None
    assert len(mailbox.received("jan@example.be")) == 1


def test_first_activities_notified_at_once_give_each_company_one_number_of_its_own(app, db):
    """Eight companies notify their first activity at the same moment, two of them twice."""
    import datetime as dt

    from portal.activities import notified as notified_activities
    from portal.models import Company

    companies = []
    for i in range(6):
        company = Company(country="DE", city="Berlin")
        company.set_name(f"Parallel {i} GmbH")
        company.save()
        companies.append(company)
    form = notified_activities.ActivityForm(kind="distributor", md=True, classes=("I",),
                                            started_on=dt.date(2025, 1, 1).isoformat())

    def first_activity(company, kind):
        with app.app_context():
            notified_activities.notify(company, None, notified_activities.ActivityForm(**{**form.__dict__, "kind": kind}))
            return "ok"

    calls = [lambda c=c: first_activity(c, "distributor") for c in companies]
    calls += [lambda: first_activity(companies[0], "exporter"), lambda: first_activity(companies[1], "exporter")]
    results = all_at_once(calls)
    assert results == ["ok"] * 8, results
    numbers = [Company.get_by_id(c.id).agency_number for c in companies]
    assert all(numbers) and len(set(numbers)) == 6
    assert ActivityEvent.select().where(ActivityEvent.action == "agency_number").count() == 6


def test_two_removals_at_once_never_leave_a_company_without_a_legal_representative(app, db):
    import datetime as dt

    from portal.companies import records as company_records
    from portal.models import Company, LegalRepresentative, Person

    company = Company(country="DE", city="Berlin")
    company.set_name("Two Reps GmbH")
    company.save()
    links = []
    for i, niss in enumerate(("85073003328", "00012556777")):
        person = Person.create(niss=niss, last_name=f"Rep{i}", first_name="A", sex="F",
                               birth_date=dt.date(1980, 1, 1), birth_country="DE", email=f"rep{i}@two.de")
        links.append(LegalRepresentative.create(company=company, person=person))

    def remove(link):
        other = next(other for other in links if other.id != link.id)  # each removes the other
        with app.app_context():
            try:
                company_records.remove_legal_representative(company, other.person, link)
                return "removed"
            except company_records.RecordError:
                return "refused"

    results = all_at_once([lambda link=link: remove(link) for link in links])
    assert sorted(results) == ["refused", "removed"], results
    assert LegalRepresentative.select().where(LegalRepresentative.company == company).count() == 1


def test_the_same_activity_notified_twice_at_once_is_notified_once(app, db):
    import datetime as dt

    from portal.activities import notified as notified_activities
    from portal.models import Activity, Company

    company = Company(country="DE", city="Berlin")
    company.set_name("Twice GmbH")
    company.save()
    form = notified_activities.ActivityForm(kind="distributor", md=True, classes=("I",),
                                            started_on=dt.date(2025, 1, 1).isoformat())

    def notify():
        with app.app_context():
            try:
                notified_activities.notify(company, None, form)
                return "ok"
            except notified_activities.ActivityError:
                return "refused"

    assert sorted(all_at_once([notify, notify])) == ["ok", "refused"]
    assert Activity.select().where(Activity.company == company).count() == 1
