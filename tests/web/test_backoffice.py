"""The agency's back office: staff login, the queue, each decision, its e-mails."""
import datetime
import re

import pyotp
import pytest
from peewee import fn
from stdnum.be import bis as be_bis

from portal import clock
from portal.data.db import database
from portal.models import (
    Account,
    Company,
    EstablishmentUnit,
    LegalRepresentative,
    LoginSession,
    Person,
    Registration,
    RegistrationEmail,
    RegistrationEvent,
    RegistrationTally,
    StaffMember,
)
from portal.people.passwords import hash_password, verify_password
from portal.registrations import drafts as steps
from portal.registrations import submission
from portal.registrations.states import median_decision_time
from portal.text.names import name_key
from tests.builders import STAFF_PASSWORD as PASSWORD
from tests.builders import STAFF_SECRET, make_staff, submitted_request
from tests.builders import staff_log_in as log_in
from tests.wizard_driver import WizardDriver, csrf


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def staff_client(app, staff):
    client = app.test_client()
    client.csrf = log_in(client)
    return client


def decide(client, registration, action, reason=""):
    return client.post(f"/en/staff/registrations/{registration.id}/decision",
                       data={"csrf_token": client.csrf, "action": action, "reason": reason})


# Staff accounts and login ---------------------------------------------------------------

def test_create_staff_command(runner, db):
    result = runner.invoke(args=["portal", "create-staff", "--email", "Anna@AFMPS.be", "--name", "Anna",
                                 "--password", "twelve chars at least"])
    assert result.exit_code == 0, result.output
    staff = StaffMember.get()
    assert staff.email == "anna@afmps.be" and staff.account.password_hash.startswith("$argon2id$")
    assert verify_password(staff.account.password_hash, "twelve chars at least")
    assert staff.account.totp_secret is None  # linked at the first login
    again = runner.invoke(args=["portal", "create-staff", "--email", "anna@afmps.be", "--name", "A",
                                "--password", "twelve chars at least"])
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(args=["portal", "create-staff", "--email", "b@afmps.be", "--name", "B", "--password", "short"])
    assert short.exit_code != 0


def test_create_staff_gives_the_roles_named_or_every_role(runner, db):
    every = runner.invoke(args=["portal", "create-staff", "--email", "all@afmps.be", "--name", "All",
                                "--password", "twelve chars at least"])
    named = runner.invoke(args=["portal", "create-staff", "--email", "fi@afmps.be", "--name", "Fi", "--role", "finance",
                                "--role", "inspector", "--password", "twelve chars at least"])
    unknown = runner.invoke(args=["portal", "create-staff", "--email", "x@afmps.be", "--name", "X", "--role", "root",
                                  "--password", "twelve chars at least"])
    assert every.exit_code == 0 and named.exit_code == 0, every.output + named.output
    assert StaffMember.get(StaffMember.email == "all@afmps.be").roles == (
        "reviewer inspector all_dossiers finance account_support administrator")
    assert StaffMember.get(StaffMember.email == "fi@afmps.be").roles == "inspector finance"
    assert unknown.exit_code != 0 and "root" in unknown.output
    assert StaffMember.select().count() == 2


def test_create_staff_asks_the_password_twice(runner, db):
    result = runner.invoke(args=["portal", "create-staff", "--email", "c@afmps.be", "--name", "C"],
                           input="a password typed twice\na password typed twice\n")
    assert result.exit_code == 0 and StaffMember.select().count() == 1


def test_the_home_page_leads_staff_to_their_login(client, db):
    assert 'href="/fr/staff/login"' in body(client.get("/fr/"))
    assert "Se connecter en tant que membre de l'AFMPS" in body(client.get("/fr/staff/login"))


def test_wrong_email_or_password_gets_one_generic_message(client, staff):
    token = csrf(client)
    for email, password in [("agent@afmps.be", "wrong password"), ("nobody@afmps.be", PASSWORD)]:
        response = client.post("/en/staff/login", data={"csrf_token": token, "email": email, "password": password})
        assert response.status_code == 422
        assert "The e-mail address or the password is wrong." in body(response)
    assert LoginSession.select().count() == 0


def test_back_office_pages_need_a_staff_login(client, db):
    response = client.get("/en/staff/registrations")
    assert response.status_code == 303 and "/en/staff/login?next=" in response.headers["Location"]


def test_login_follows_next_only_inside_the_back_office(app, staff):
    client = app.test_client()
    for step, (target, expected) in enumerate([
            ("/en/staff/registrations?status=refused", "/en/staff/registrations?status=refused"),
            ("https://evil.example/staff/", "/en/staff/"),
            ("//evil.example/staff/", "/en/staff/")]):
        token = csrf(client)  # each login gives a new one
        moment = 1_800_000_000 + 30 * step  # one time step later each time: no replay
        app.config["CLOCK"] = lambda: moment
        client.post("/en/staff/login", data={"csrf_token": token, "email": "agent@afmps.be",
                                             "password": PASSWORD, "next": target})
        code = pyotp.TOTP(STAFF_SECRET).at(moment)
        response = client.post("/en/login/code", data={"csrf_token": token, "code": code})
        assert response.headers["Location"] == expected


def test_staff_link_an_authenticator_at_their_first_login(app, db):
    staff = make_staff("new@afmps.be", "New Agent", secret=None)
    client = app.test_client()
    token = csrf(client)
    response = client.post("/en/staff/login", data={"csrf_token": token, "email": "new@afmps.be", "password": PASSWORD})
    assert response.headers["Location"] == "/en/login/authenticator"
    page = body(client.get("/en/login/authenticator"))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert "new@afmps.be" in page
    client.post("/en/login/authenticator", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    done = client.post("/en/login/recovery-codes", data={"csrf_token": token, "saved": "yes"})
    assert done.headers["Location"] == "/en/staff/"
    assert client.get("/en/staff/").headers["Location"] == "/en/staff/registrations"  # its roles' first section
    assert staff.account.totp_secret == secret
    assert client.get("/en/portal").status_code == 303  # staff sessions are not company sessions


def test_staff_accounts_lock_after_five_failures(client, staff):
    token = csrf(client)
    for _ in range(5):
        client.post("/en/staff/login", data={"csrf_token": token, "email": "agent@afmps.be", "password": "wrong one"})
    locked = client.post("/en/staff/login", data={"csrf_token": token, "email": "agent@afmps.be", "password": PASSWORD})
    assert locked.status_code == 422 and "The e-mail address or the password is wrong." in body(locked)


def test_sessions_live_in_the_database_and_end_at_logout(staff_client):
    assert staff_client.get("/en/staff/registrations").status_code == 200
    assert LoginSession.select().count() == 1
    staff_client.post("/en/logout", data={"csrf_token": staff_client.csrf})
    assert LoginSession.get().ended_at is not None
    assert staff_client.get("/en/staff/registrations").status_code == 303


def test_an_idle_session_expires(staff_client):
    LoginSession.update(last_seen_at=clock.utc() - datetime.timedelta(minutes=31)).execute()
    assert staff_client.get("/en/staff/registrations").status_code == 303


# The queue ---------------------------------------------------------------------------------

def test_queue_lists_requests_oldest_first_with_counts_and_filters(app, staff_client):
    first = submitted_request(app)
    Registration.update(vat_number="DE999", status="submitted").where(Registration.id == first.id).execute()
    second = submitted_request(app)
    Registration.update(submitted_at=clock.utc() - datetime.timedelta(days=3)).where(Registration.id == second.id).execute()
    Registration.update(vat_status="unverified").where(Registration.id == first.id).execute()
    page = body(staff_client.get("/en/staff/registrations"))
    assert page.index(second.reference) < page.index(first.reference)
    assert re.search(r"Waiting for review <span class=\"count\">2</span>", page)
    unverified = body(staff_client.get("/en/staff/registrations?unverified=1"))
    assert first.reference in unverified and second.reference not in unverified
    assert second.reference not in body(staff_client.get("/en/staff/registrations?country=FR"))
    fragment = body(staff_client.get("/en/staff/registrations?status=all",
                                     headers={"HX-Request": "true", "HX-Request-Type": "partial"}))
    assert "<html" not in fragment and first.reference in fragment


def test_the_queue_shows_each_change_at_once_in_the_readers_language_in_two_statements(app, staff_client):
    """Its rows are kept rendered by what they show (fragment_cache): a change is a new row, never a stale one."""
    from portal.models import Registration as Request
    from tests.harness import QueryCount

    request = submitted_request(app)
    staff_client.get("/en/staff/registrations")
    staff_client.get("/en/staff/registrations")  # on PostgreSQL: the statements prepared once
    with QueryCount() as queries:
        page = body(staff_client.get("/en/staff/registrations"))
    assert request.reference in page and "Musterfirma Medizintechnik GmbH" in page
    assert len(queries) == 2, queries.statements  # who is asking; the page of rows with its count and tab counts
    renamed = Request.get_by_id(request.id)
    answers = renamed.answers
    answers["company"]["name"] = "Renamed & Co <GmbH>"
    renamed.status = Request.NEEDS_INFORMATION  # the company edits its answers while the agency waits for them
    Request.update(status=renamed.status).where(Request.id == request.id).execute()
    assert steps.save(renamed, answers, vat_status="unverified")
    Request.update(status=Request.SUBMITTED).where(Request.id == request.id).execute()
    page = body(staff_client.get("/en/staff/registrations"))
    assert "Renamed &amp; Co &lt;GmbH&gt;" in page and "Musterfirma Medizintechnik GmbH" not in page
    assert "(not verified)" in page
    dutch = body(staff_client.get("/nl/staff/registrations"))
    assert "(niet gecontroleerd)" in dutch and "(not verified)" not in dutch
    assert re.search(r"Waiting for review <span class=\"count\">1</span>", page)
    Request.update(status="refused").where(Request.id == request.id).execute()
    waiting = body(staff_client.get("/en/staff/registrations"))  # the tabs and filters are kept rendered too
    assert request.reference not in waiting and re.search(r"Waiting for review <span class=\"count\">0</span>", waiting)
    assert re.search(r"Refused <span class=\"count\">1</span>", waiting)
    refused = body(staff_client.get("/en/staff/registrations?status=refused"))
    assert request.reference in refused and re.search(r"Refused <span class=\"count\">1</span>", refused)
    assert '<option value="refused" selected>' in refused and '<option value="submitted" selected>' in waiting
    beyond = staff_client.get("/en/staff/registrations?status=refused&page=" + "9" * 25)  # past any OFFSET
    assert beyond.status_code == 200 and re.search(r"Refused <span class=\"count\">1</span>", body(beyond))


def test_a_name_saved_with_a_nul_character_keeps_the_queue_readable(app, staff_client):
    """Answers saved with an error next to a field may hold a NUL character, which PostgreSQL's text
    refuses: the name the queue reads (its own column) is kept without it, the answers keep it."""
    from portal.models import Registration as Request

    request = Request.get_by_id(submitted_request(app).id)
    answers = request.answers
    answers["company"]["street"] = "Rue\x00 1"
    answers["company"]["name"] = "Nul\x00 Medical GmbH"
    Request.update(status=Request.NEEDS_INFORMATION).where(Request.id == request.id).execute()
    request.status = Request.NEEDS_INFORMATION
    assert steps.save(request, answers)
    assert Request.get_by_id(request.id).answers["company"]["name"] == "Nul\x00 Medical GmbH"
    for tab in ("?status=needs_information", "?status=all"):
        response = staff_client.get("/en/staff/registrations" + tab)
        assert response.status_code == 200
        page = body(response)
        assert request.reference in page and "Nul Medical GmbH" in page


# A request's page -------------------------------------------------------------------------

def test_request_page_shows_everything_and_look_alikes(app, staff_client):
    first = submitted_request(app)
    Registration.update(vat_number="DE111").where(Registration.id == first.id).execute()
    second = submitted_request(app)
    page = body(staff_client.get(f"/en/staff/registrations/{second.id}"))
    for text in ["Musterfirma Medizintechnik GmbH", "DE136695976", "Confirmed on", "Warehouse", "Max Muster",
                 "erika@musterfirma.de", "extract.pdf", "Sent by the company"]:
        assert text in page, text
    assert first.reference in page and "same</span>" not in page
    assert re.search(re.escape(first.reference) + r"</a>\s*\(Waiting for review\) – same: name, e-mail address", page)
    decide(staff_client, first, "request_information", "Please send a newer extract.")
    trail = body(staff_client.get(f"/en/staff/registrations/{first.id}"))
    assert re.search(r"Information requested</strong>.*?– Agent Peeters\s*<blockquote>Please send a newer extract",
                     trail, re.S)
    assert re.search(re.escape(second.reference) + r"</a>\s*\(Waiting for review\) – same: name, e-mail address", trail)
    pdf = staff_client.get(f"/en/staff/registrations/{second.id}/proof.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in pdf.headers["Content-Security-Policy"]


def test_each_reviewer_gets_their_own_token_in_the_kept_decision_forms(app, staff_client):
    """The decision forms are kept rendered (fragment_cache) with a placeholder for the CSRF token:
    each reader's page carries their own token, and the forms work."""
    from portal.web.page_cache import PLACEHOLDER

    request = submitted_request(app)
    make_staff(email="second@afmps.be", name="Agent Janssens")
    other = app.test_client()
    other.csrf = log_in(other, email="second@afmps.be")
    assert other.csrf != staff_client.csrf
    path = f"/en/staff/registrations/{request.id}"
    for client in (staff_client, other, staff_client):
        page = body(client.get(path))
        assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == {client.csrf}
        assert PLACEHOLDER not in page and page.count(f'action="{path}/decision"') == 3
    assert decide(other, request, "refuse", "").status_code == 422  # no reason: the forms rendered afresh
    refused = decide(other, request, "refuse", "The proof is unreadable.")
    assert refused.status_code == 303
    page = body(staff_client.get(path))
    assert "Refused" in page and f'action="{path}/decision"' not in page  # decided: no forms left


def test_request_page_lists_look_alikes_oldest_first_then_companies_in_two_statements(app, staff_client):
    from tests.harness import QueryCount

    sent = []
    for days in (3, 9, 6):
        sent.append(submitted_request(app))  # the same name and e-mail addresses, each its own VAT number:
        Registration.update(submitted_at=clock.utc() - datetime.timedelta(days=days),  # one request per number
                            vat_number=f"DE{days}00").where(Registration.id == sent[-1].id).execute()
    for name in ("Musterfirma Medizintechnik GmbH", "MUSTERFIRMA  Medizintechnik gmbh"):
        Company.create(name=name, name_key=name_key(name), country="DE")
    path = f"/en/staff/registrations/{sent[0].id}"
    staff_client.get(path)
    with QueryCount() as queries:
        page = body(staff_client.get(path))
    assert len(queries) == 2, queries.statements  # who is asking; the request, its trail and its look-alikes
    shown = re.findall(r"(REG-\d{4}-\d{6})</a>", page)
    assert shown == [sent[1].reference, sent[2].reference]  # never itself; the oldest first
    assert page.count("Registered company: ") == 2
    assert staff_client.get("/en/staff/registrations/999999").status_code == 404



def test_a_long_trail_reads_oldest_first_with_its_staff_in_one_row_of_two_statements(app, staff_client):
    """The trail rides along as one JSON column: however long it is, the request's page is the same two
    statements, the events oldest first (equal times by their order), each with who acted and why."""
    from tests.harness import QueryCount

    request = submitted_request(app)
    for round_number in (1, 2):
        reason = f"Round {round_number}: more, please." + ("" if round_number == 1 else ' "Quoted" <b>x</b> \\ é\nok')
        assert decide(staff_client, request, "request_information", reason).status_code == 303
        with app.app_context():  # the company sends it again
            assert submission.submit(Registration.get_by_id(request.id)) is None
    same_time = RegistrationEvent.select(fn.MAX(RegistrationEvent.created_at)).scalar()
    RegistrationEvent.update(created_at=same_time).where(RegistrationEvent.registration == request.id).execute()
    path = f"/en/staff/registrations/{request.id}"
    staff_client.get(path)
    with QueryCount() as queries:
        page = body(staff_client.get(path))
    assert len(queries) == 2, queries.statements
    trail = page[page.index('id="s-trail"'):]
    assert re.findall(r"<strong>([^<]+)</strong>", trail) == [
        "Sent by the company", "Information requested", "Sent again by the company", "Information requested",
        "Sent again by the company"]
    assert re.findall(r"– Agent Peeters\s*<blockquote>(Round \d)", trail, re.S) == ["Round 1", "Round 2"]
    assert trail.count("Agent Peeters") == 2  # the company's own events name no staff member
    assert 'more, please. "Quoted" &lt;b&gt;x&lt;/b&gt; \\ é\nok</blockquote>' in trail  # as typed, escaped

# Decisions ---------------------------------------------------------------------------------

def test_validation_creates_the_company_people_and_accounts_and_mails_them(app, staff_client, staff, mailbox):
    registration = submitted_request(app, language="fr")
    mailbox.messages.clear()
    response = decide(staff_client, registration, "validate")
    assert response.status_code == 303
    registration = Registration.get_by_id(registration.id)
    assert registration.status == "validated" and registration.decided_at is not None
    company = Company.get(Company.vat_number == "DE136695976")
    assert registration.company_id == company.id and company.language == "fr"
    assert company.agency_number is None and not company.listed  # only with a first activity
    assert EstablishmentUnit.select().where(EstablishmentUnit.company == company).count() == 1
    people = [link.person for link in LegalRepresentative.select().where(LegalRepresentative.company == company)]
    assert sorted(p.first_name for p in people) == ["Erika", "Max"]
    for person in people:
        assert be_bis.is_valid(person.niss)
        account = Account.get(Account.person == person)
        assert account.must_change_password and account.totp_secret is None
        [message] = mailbox.received(person.email)
        text = message.get_body(("plain",)).get_content()
        formatted = f"{person.niss[:2]}.{person.niss[2:4]}.{person.niss[4:6]}-{person.niss[6:9]}.{person.niss[9:]}"
        assert formatted in text
        password = re.search(r"Mot de passe temporaire : (\S+)", text).group(1)
        assert verify_password(account.password_hash, password)  # only the hash is stored
        assert password not in account.password_hash
    event = RegistrationEvent.get(RegistrationEvent.action == "validated")
    assert event.staff_id == staff.id


@pytest.mark.parametrize("language,phrase", [
    ("fr", "L'AFMPS a refusé l'enregistrement"),
    ("nl", "Het FAGG heeft de registratie van"),
    ("en", "The FAMHP refused the registration"),
])
def test_refusal_needs_a_reason_and_mails_it_in_the_companys_language(app, staff_client, mailbox, language, phrase):
    registration = submitted_request(app, language=language)
    response = decide(staff_client, registration, "refuse", "")
    assert response.status_code == 422 and "Give the reason for the refusal" in body(response)
    assert Registration.get_by_id(registration.id).status == "submitted"
    mailbox.messages.clear()
    reason = "The names of the directors are missing from the official proof."
    assert decide(staff_client, registration, "refuse", reason).status_code == 303
    assert Registration.get_by_id(registration.id).status == "refused"
    messages = mailbox.received()
    assert len(messages) == 2
    text = messages[0].get_body(("plain",)).get_content()
    assert phrase in text and reason in text
    page = body(staff_client.get(f"/en/staff/registrations/{registration.id}"))
    assert "Refused" in page and reason in page and "Agent Peeters" in page


def test_asking_for_information_lets_the_company_correct_and_send_again(app, staff_client, mailbox):
    registration = submitted_request(app)
    mailbox.messages.clear()
    message = "Please send an extract of the trade register of less than 3 months."
    assert decide(staff_client, registration, "request_information", message).status_code == 303
    [mail_to_max, _] = sorted(mailbox.received(), key=lambda m: m["To"])[::-1]
    text = mail_to_max.get_body(("plain",)).get_content()
    assert message in text
    link = re.search(r"http://\S+/register/[^/\s]+/", text).group(0)
    company_side = app.test_client()
    token = csrf(company_side)
    path = link.split("127.0.0.1:5000", 1)[1]
    page = company_side.get(path, follow_redirects=True)
    assert message in body(page) and "The agency asks for more information" in body(page)
    response = company_side.post(path + "check", data={"csrf_token": token})
    assert response.status_code == 303
    again = Registration.get_by_id(registration.id)
    assert again.status == "submitted" and again.reference == registration.reference
    actions = [e.action for e in RegistrationEvent.select().order_by(RegistrationEvent.id)]
    assert actions == ["submitted", "information_requested", "resubmitted"]


def test_two_staff_members_deciding_at_once_one_wins(app, staff_client, mailbox):
    registration = submitted_request(app)
    other = app.test_client()
    make_staff("second@afmps.be", "Second Agent")
    other.csrf = log_in(other, "second@afmps.be")
    mailbox.messages.clear()
    assert decide(staff_client, registration, "validate").status_code == 303
    late = decide(other, registration, "refuse", "Too late")
    assert late.status_code == 409
    assert "Another staff member decided on this request first" in body(late)
    assert Registration.get_by_id(registration.id).status == "validated"
    assert Company.select().count() == 1
    assert RegistrationEvent.select().where(RegistrationEvent.action == "refused").count() == 0
    assert all("refused" not in m["Subject"] for m in mailbox.received())


def test_a_failure_halfway_through_validation_leaves_nothing_half_created(app, staff_client, monkeypatch):
    registration = submitted_request(app)
    from portal.people import persons as people

    real = people.person_with_account
    calls = []

    def fail_on_second(row, language):
        calls.append(row)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(row, language)

    monkeypatch.setattr(people, "person_with_account", fail_on_second)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert decide(staff_client, registration, "validate").status_code == 500
    assert Registration.get_by_id(registration.id).status == "submitted"
    for model in (Company, EstablishmentUnit, Person, LegalRepresentative):
        assert model.select().count() == 0, model
    assert Account.select().where(Account.person.is_null(False)).count() == 0
    assert RegistrationEvent.select().where(RegistrationEvent.action == "validated").count() == 0


def _request_naming(app, **representative):
    wizard = WizardDriver(app.test_client())
    wizard.identify()
    wizard.company()
    wizard.next("units")
    assert wizard.add_representative(**representative).status_code == 200
    wizard.next("representatives")
    wizard.submit()
    return Registration.get(Registration.token == wizard.draft)


def test_a_known_niss_with_the_same_names_and_birth_date_keeps_the_person_and_account(app, staff_client, mailbox):
    person = Person.create(niss="85073003328", last_name="Peeters", first_name="Jan", sex="M",
                           birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be")
    Account.create(person=person, password_hash=hash_password("his own password"), must_change_password=False)
    registration = _request_naming(app, niss="85.07.30-033.28", last_name="PEETERS", first_name="Jan",
                                   birth_date="30/07/1985", email="jan.peeters@musterfirma.de")
    assert "same names and date of birth" in body(staff_client.get(f"/en/staff/registrations/{registration.id}"))
    mailbox.messages.clear()
    decide(staff_client, registration, "validate")
    person_accounts = Account.select().where(Account.person.is_null(False))
    assert Person.select().count() == 1 and person_accounts.count() == 1
    assert verify_password(person_accounts.get().password_hash, "his own password")
    assert LegalRepresentative.get().person_id == person.id
    text = mailbox.received("jan@example.be")[0].get_body(("plain",)).get_content()
    assert "You already have a password" in text


def test_a_known_niss_with_other_names_is_a_conflict_the_reviewer_sees(app, staff_client, mailbox):
    """Typing a stranger's NISS must not make the stranger a representative of the company."""
    Person.create(niss="85073003328", last_name="Peeters", first_name="Jan", sex="M",
                  birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be")
    registration = _request_naming(app, niss="85073003328", last_name="Intruder", first_name="Eve",
                                   birth_date="01/01/1990", email="eve@musterfirma.de")
    page = body(staff_client.get(f"/en/staff/registrations/{registration.id}"))
    assert "Conflict: the portal knows this NISS as Jan Peeters, born on Jul 30, 1985." in page
    response = decide(staff_client, registration, "validate")
    assert response.status_code == 409 and "was not validated" in body(response)
    assert Registration.get_by_id(registration.id).status == "submitted"
    assert Company.select().count() == 0 and LegalRepresentative.select().count() == 0
    assert not mailbox.received("jan@example.be")


def test_median_decision_time_over_ninety_days(db):
    now = clock.utc()
    for days, hours in [(1, 10), (2, 30), (3, 50), (200, 5)]:
        Registration.create(token=f"t{days}", status="validated", submitted_at=now - datetime.timedelta(days=days, hours=hours),
                            decided_at=now - datetime.timedelta(days=days))
    assert median_decision_time(now) == datetime.timedelta(hours=30)
    assert median_decision_time(now - datetime.timedelta(days=400)) is None


def test_confirmation_page_tells_how_long_validation_takes(app, client, db):
    now = clock.utc()
    Registration.create(token="old", status="validated", submitted_at=now - datetime.timedelta(days=4),
                        decided_at=now - datetime.timedelta(days=1))
    wizard = WizardDriver(client).complete()
    wizard.submit()
    page = body(wizard.get("submitted"))
    assert "Waiting for review" in page
    assert "Over the last 90 days, the agency took 3 days (median)" in page


def test_queue_is_paged(staff_client, db, monkeypatch):
    from portal.backoffice import routes

    monkeypatch.setattr(routes, "QUEUE_PAGE", 2)
    for i in range(5):
        Registration.create(token=f"q{i}", status="submitted", reference=f"REG-2026-90000{i}", country="DE",
                            data='{"company": {"name": "Firm %d"}}' % i,
                            submitted_at=clock.utc() - datetime.timedelta(days=10 - i))
    first = body(staff_client.get("/en/staff/registrations"))
    assert "5 requests, oldest first" in first
    assert "REG-2026-900000" in first and "REG-2026-900002" not in first
    assert re.search(r'href="/en/staff/registrations\?[^"]*page=2[^"]*" rel="next"', first) and "status=submitted" in first
    third = body(staff_client.get("/en/staff/registrations?page=3"))
    assert "REG-2026-900004" in third and 'rel="next"' not in third


def test_all_sent_requests_page_oldest_first_across_statuses(staff_client, db, monkeypatch):
    """"All" merges the four statuses' own oldest-first ranges, each cut at the page's end: the pages
    follow one another across statuses, drafts never show, and a filter applies to every status."""
    from portal.backoffice import routes

    monkeypatch.setattr(routes, "QUEUE_PAGE", 3)
    statuses = ["validated", "submitted", "submitted", "needs_information", "submitted", "submitted", "draft",
                "refused", "submitted", "validated", "submitted"]
    for i, status in enumerate(statuses):
        Registration.create(token=f"a{i}", status=status, reference=f"REG-2026-7000{i:02d}",
                            country="IT" if i % 2 else "DE", data='{"company": {"name": "Firm %d"}}' % i,
                            submitted_at=None if status == "draft" else clock.utc() - datetime.timedelta(days=30 - i))
    shown = []
    for page in (1, 2, 3, 4):
        listed = body(staff_client.get(f"/en/staff/registrations?status=all&page={page}"))
        assert "10 requests, oldest first" in listed
        shown += re.findall(r"(REG-2026-7000\d\d)</a>", listed)
    assert shown == [f"REG-2026-7000{i:02d}" for i in range(11) if i != 6]
    italian = body(staff_client.get("/en/staff/registrations?status=all&country=IT&page=2"))
    assert re.findall(r"(REG-2026-7000\d\d)</a>", italian) == ["REG-2026-700007", "REG-2026-700009"]
    assert "5 requests, oldest first" in italian  # 1, 3, 5, 7 and 9


def test_the_tabs_count_exactly_and_a_filter_counts_up_to_a_limit(staff_client, db, monkeypatch):
    """The tabs and the unfiltered list say exactly how many requests there are, and page through them
    all; a filter's matches are counted up to review.COUNTED, then the heading says "more than" and the
    page says how to find the rest."""
    from portal.backoffice import routes
    from portal.registrations import review

    monkeypatch.setattr(review, "COUNTED", 3)
    monkeypatch.setattr(routes, "QUEUE_PAGE", 2)
    for i in range(5):
        Registration.create(token=f"c{i}", status="submitted", reference=f"REG-2026-80000{i}", country="DE",
                            data='{"company": {"name": "Firm %d"}}' % i,
                            submitted_at=clock.utc() - datetime.timedelta(days=10 - i))
    Registration.create(token="c9", status="refused", reference="REG-2026-800009", country="DE",
                        data="{}", submitted_at=clock.utc())
    first = body(staff_client.get("/en/staff/registrations"))
    assert re.search(r'Waiting for review <span class="count">5</span>', first)
    assert re.search(r'Refused <span class="count">1</span>', first)
    assert "5 requests, oldest first" in first and "Only the first" not in first
    third = body(staff_client.get("/en/staff/registrations?page=3"))
    assert "REG-2026-800004" in third and 'rel="next"' not in third  # 3 pages of 2 hold the 5
    german = body(staff_client.get("/en/staff/registrations?country=DE"))
    assert re.search(r'Waiting for review <span class="count">5</span>', german)  # a tab counts them all
    assert "More than 3 requests, oldest first" in german
    assert "Only the first 3 are listed: add another filter to find the others." in german
    second = body(staff_client.get("/en/staff/registrations?country=DE&page=2"))
    assert "REG-2026-800002" in second and 'rel="next"' not in second  # 2 pages of 2 hold the 3 counted
    french = body(staff_client.get("/fr/staff/registrations?country=DE"))
    assert "Plus de 3 demandes" in french and "ajoutez un autre filtre" in french
    assert "Meer dan 3 aanvragen" in body(staff_client.get("/nl/staff/registrations?country=DE"))


@pytest.mark.parametrize("query", ["page=99999999999999", "page=-1", "country=%00%00", "country=" + "Z" * 10_000,
                                   "kind=%27", "status=all&page=1000000",
                                   "unverified=1&country=DE&kind=change&status=all&page=3"])
def test_hostile_queue_addresses_never_break_it(staff_client, db, query):
    assert staff_client.get(f"/en/staff/registrations?{query}").status_code in (200, 400)


def _tally():
    return {row.status: row.requests for row in RegistrationTally.select() if row.requests}


def _counted():
    return {status: n for status, n in Registration.select(Registration.status, fn.COUNT(Registration.id))
            .where(Registration.status.in_(Registration.SENT)).group_by(Registration.status).tuples()}


def test_the_tally_follows_every_change_of_a_request_s_status_whatever_makes_it(app, db):
    """The database's triggers keep the tabs' counts: a request sent, moved, sent again, decided, moved
    in bulk, saved whole, deleted or rolled back leaves the tally equal to a count of the requests, and
    drafts are never counted."""
    with app.app_context():
        for i in range(4):
            Registration.create(token=f"draft{i}", reference=None)
        assert _tally() == {}
        sent = [Registration.create(token=f"t{i}", status="submitted", reference=f"REG-2026-60000{i}",
                                    submitted_at=clock.utc()) for i in range(5)]
        assert _tally() == _counted() == {"submitted": 5}
        Registration.update(status="needs_information").where(Registration.id == sent[0].id).execute()
        Registration.update(status="validated").where(Registration.id.in_([r.id for r in sent[1:3]])).execute()
        sent[3].status = "refused"
        sent[3].save()  # every column written back, the status among them
        sent[4].save()  # the same status written again: no change
        Registration.update(status="submitted").where(Registration.token == "draft0").execute()  # sent
        assert _tally() == _counted() == {"submitted": 2, "needs_information": 1, "validated": 2, "refused": 1}
        with pytest.raises(RuntimeError), database.atomic():
            Registration.update(status="refused").where(Registration.id == sent[4].id).execute()
            raise RuntimeError("rolled back")
        Registration.delete().where(Registration.id.in_([sent[0].id, sent[1].id])).execute()
        Registration.delete().where(Registration.status == "draft").execute()
        assert _tally() == _counted() == {"submitted": 2, "validated": 1, "refused": 1}


def test_the_daily_maintenance_puts_a_wrong_tally_right_and_says_so(app, db, runner, caplog):
    """A change made with the triggers off leaves the tally wrong: `purge-drafts` (daily) recounts,
    puts it right and logs the difference; a right tally is left as it is."""
    from portal.registrations import tally as request_tally

    with app.app_context():
        request_tally.recount()  # the four rows, as the migration leaves them (the tests empty every table)
        for i in range(3):
            Registration.create(token=f"r{i}", status="submitted", reference=f"REG-2026-40000{i}",
                                submitted_at=clock.utc())
        RegistrationTally.update(requests=7).where(RegistrationTally.status == "submitted").execute()
        RegistrationTally.delete().where(RegistrationTally.status == "refused").execute()
    result = runner.invoke(args=["portal", "purge-drafts"])
    assert "Recounted the requests of each status: submitted 7 -> 3, refused None -> 0" in result.output
    assert "differed from a count and was put right" in caplog.text
    with app.app_context():
        assert _tally() == _counted() == {"submitted": 3}
        assert RegistrationTally.select().count() == 4
    again = runner.invoke(args=["portal", "purge-drafts"])
    assert "Recounted the requests of each status: the tally was right." in again.output


def test_parallel_moves_in_opposite_directions_keep_the_tally_and_never_deadlock(app, db):
    """Reviewers asking for information while companies send their requests again move the same two
    rows of the tally in opposite directions, at once, and so do transactions that move two requests
    each: every move lands, none fails (no deadlock), and the tally still counts the requests."""
    import threading

    with app.app_context():
        there = [Registration.create(token=f"p{i}", status="submitted" if i % 2 else "needs_information",
                                     reference=f"REG-2026-5000{i:02d}", submitted_at=clock.utc()).id
                 for i in range(20)]
        database.close()
    failures = []

    def move(ids):
        with app.app_context():
            try:
                for _ in range(10):
                    for row_id in ids:
                        with database.atomic():
                            row = Registration.get_by_id(row_id)
                            to = "needs_information" if row.status == "submitted" else "submitted"
                            Registration.update(status=to).where(Registration.id == row_id).execute()
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                failures.append(error)
            finally:
                database.close()

    def decide_both(waiting, sent):  # an operator's transaction that moves two requests, out of the tally's order
        with app.app_context():
            try:
                for _ in range(10):
                    for moves in ((sent, "validated"), (waiting, "refused")), ((sent, "submitted"),
                                                                                 (waiting, "needs_information")):
                        with database.atomic():
                            for row_id, to in moves:
                                Registration.update(status=to).where(Registration.id == row_id).execute()
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                failures.append(error)
            finally:
                database.close()

    threads = [threading.Thread(target=move, args=(there[n:10:2],)) for n in (0, 1)]
    threads += [threading.Thread(target=decide_both, args=pair) for pair in (there[10:12], there[12:14])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with app.app_context():
        assert _tally() == _counted() == {"submitted": 10, "needs_information": 10}


def test_the_queue_reads_each_status_in_order_from_its_index_never_a_whole_table(app, staff_client):
    """At 10,000 requests the queue sorted every request of its tab and counted every sent request:
    5 ms a view on PostgreSQL, growing with each decision. SQLite's plan, which needs no statistics, is
    held here: the page is read in index order, each tab's count is one row of the tally."""
    from portal.data.db import database, is_postgres
    from portal.data.prepared import Slot
    from portal.registrations import review

    if is_postgres():
        pytest.skip("PostgreSQL chooses by the tables' statistics; the load bench measures it")
    with app.app_context():
        review.queue("submitted", "", False, "", 1, 25)
        _, sql, params, _ = review._QUEUES[(True, False, False, False)].written_once()
        values = {"status": "submitted", "limit": 25, "offset": 0}
        plan = [row[3] for row in database.execute_sql(
            "EXPLAIN QUERY PLAN " + sql, [values[p.name] if isinstance(p, Slot) else p for p in params]).fetchall()]
    assert "SEARCH t1 USING INDEX registration_status_submitted_at_id (status=?)" in plan, plan
    assert not [step for step in plan if "TEMP B-TREE" in step or step.startswith("SCAN t")], plan
    assert plan.count("SEARCH t2 USING INDEX sqlite_autoindex_registration_tally_1 (status=?)") == 4, plan

def test_a_company_s_proof_in_force_is_looked_up_by_its_company_with_many_drafts_about(app, db):
    """SQLite's statistics count the requests without a company (drafts, requests waiting) as one value.
    With drafts outnumbering the validated requests, each linked to its company as validation leaves
    it, Mon entreprise still finds its proof through the company's own requests, not by walking every
    validated one (3 ms a view at 10,000, when the bench's history had no companies)."""
    from portal.companies import identity_changes
    from portal.data.db import is_postgres
    from portal.data.prepared import Slot

    if is_postgres():
        pytest.skip("PostgreSQL's statistics hold the share of NULLs; the load bench measures it")
    with app.app_context():
        firms = []
        for i in range(100):
            firm = Company(country="DE")
            firm.set_name(f"Firm {i}")
            firm.save()
            firms.append(firm.id)
        Registration.insert_many([{"token": f"v{i}", "status": "validated", "reference": f"REG-2026-3{i:05d}",
                                   "proof_size": 1, "decided_at": clock.utc(), "company": firm}
                                  for i, firm in enumerate(firms)]).execute()
        Registration.insert_many([{"token": f"d{i}"} for i in range(300)]).execute()
        database.execute_sql("ANALYZE")
        _, sql, params, _ = identity_changes._CURRENT_PROOF.written_once()
        plan = [row[3] for row in database.execute_sql(
            "EXPLAIN QUERY PLAN " + sql, [firms[0] if isinstance(p, Slot) else p for p in params]).fetchall()]
        assert identity_changes.current_proof(Company.get_by_id(firms[0])).token == "v0"
    assert [step for step in plan if "company_id=?" in step], plan
    assert not [step for step in plan if step.startswith("SCAN")], plan


def test_look_alikes_by_vat_and_bce_number_and_registered_companies_but_never_itself(app, staff_client):
    sent = []
    for name in ("Erste Medizin GmbH", "Zweite Medizin GmbH", "Dritte Medizin GmbH"):
        sent.append(submitted_request(app, name=name))  # each through the wizard, which holds its VAT number
        Registration.update(vat_number=f"DE{len(sent)}00").where(Registration.id == sent[-1].id).execute()
    first, second, third = sent
    Registration.update(vat_number="DE555").where(Registration.id.in_([first.id, second.id])).execute()
    Registration.update(vat_number="DE777", bce_number="0123456749").where(Registration.id == third.id).execute()
    RegistrationEmail.delete().execute()  # no e-mail in common: only the numbers link them
    Company.create(name="Zweite Medizin GmbH", name_key=name_key("Zweite Medizin GmbH"), country="DE",
                   vat_number="DE777")
    page = body(staff_client.get(f"/en/staff/registrations/{second.id}"))
    assert re.search(re.escape(first.reference) + r"</a>\s*\(Waiting for review\) – same: VAT number</li>", page)
    assert "Registered company: Zweite Medizin GmbH DE777" in page
    assert f">{second.reference}</a>" not in page and third.reference not in page
    Registration.update(bce_number="0123456749").where(Registration.id == first.id).execute()
    page = body(staff_client.get(f"/en/staff/registrations/{third.id}"))
    assert re.search(re.escape(first.reference) + r"</a>\s*\(Waiting for review\) – same: BCE number</li>", page)
    assert "Registered company: Zweite Medizin GmbH DE777" in page


def test_the_queue_pages_through_its_requests_and_counts_them_on_every_page(app, staff_client, monkeypatch):
    from portal.backoffice import routes

    monkeypatch.setattr(routes, "QUEUE_PAGE", 2)
    sent = []
    for n in range(3):
        sent.append(submitted_request(app))
        Registration.update(vat_number=f"DE{n}00", submitted_at=clock.utc() - datetime.timedelta(days=3 - n)).where(
            Registration.id == sent[-1].id).execute()  # each holds its own VAT number; the oldest first
    first_page = body(staff_client.get("/en/staff/registrations"))
    assert "3 requests, oldest first" in first_page
    assert sent[0].reference in first_page and sent[1].reference in first_page and sent[2].reference not in first_page
    second_page = body(staff_client.get("/en/staff/registrations?page=2"))
    assert "3 requests, oldest first" in second_page and sent[2].reference in second_page
    beyond = body(staff_client.get("/en/staff/registrations?page=9"))
    assert "3 requests, oldest first" in beyond and "No request matches." in beyond
    assert "0 requests" in body(staff_client.get("/en/staff/registrations?country=JP"))


def test_a_request_renamed_while_the_agency_waits_is_a_look_alike_by_its_new_name(app, staff_client):
    first = submitted_request(app)
    Registration.update(vat_number="DE100").where(Registration.id == first.id).execute()
    second = submitted_request(app, name="Zweite Medizin GmbH")
    RegistrationEmail.delete().execute()  # nothing else in common
    page = f"/en/staff/registrations/{second.id}"
    assert first.reference not in body(staff_client.get(page))
    renamed = Registration.get_by_id(first.id)
    Registration.update(status=Registration.NEEDS_INFORMATION).where(Registration.id == first.id).execute()
    renamed.status = Registration.NEEDS_INFORMATION
    answers = renamed.answers
    answers["company"]["name"] = "ZWEITE  medizin GmbH"
    assert steps.save(renamed, answers)
    assert re.search(re.escape(first.reference) + r"</a>\s*\(Information requested\) – same: name</li>",
                     body(staff_client.get(page)))


def test_look_alikes_read_companies_and_requests_by_index_never_a_whole_table(app, staff_client):
    """At 100,000 companies a scan made the request's page take 200 ms (the load bench found it). SQLite
    plans without statistics, so its plan is the one to hold; PostgreSQL's depends on table sizes."""
    from portal.data.db import database, is_postgres
    from portal.data.prepared import Slot
    from portal.registrations import review

    if is_postgres():
        pytest.skip("PostgreSQL chooses by the tables' statistics; the load bench measures it")
    request = submitted_request(app)
    with app.app_context():
        _, sql, params, _ = review._REVIEW.written_once()
        plan = database.execute_sql("EXPLAIN QUERY PLAN " + sql,
                                    [request.id if isinstance(p, Slot) else p for p in params]).fetchall()
    scans = [row[3] for row in plan if row[3].startswith("SCAN ") and not row[3].startswith(("SCAN t", "SCAN alikes",
                                                                                              "SCAN (subquery"))]
    assert not scans, plan
    assert any("company_name_key" in row[3] for row in plan) and any("registration_name_key" in row[3] for row in plan)


def test_a_registration_whose_bce_number_the_bce_lists_as_bankrupt_says_so(app, staff_client, runner, tmp_path):
    """Issue 27, item 7: a company from abroad with a Belgian enterprise number (a branch) too."""
    from portal.demo.kbo_synthetic import enterprise_number, write_full

    path = str(write_full(tmp_path / "full.zip", 10, 140, datetime.date(2026, 10, 2)))
    assert runner.invoke(args=["portal", "import-kbo", path]).exit_code == 0
    bankrupt, normal = submitted_request(app), submitted_request(app)
    Registration.update(bce_number=enterprise_number(3)).where(Registration.id == bankrupt.id).execute()
    Registration.update(bce_number=enterprise_number(1)).where(Registration.id == normal.id).execute()
    assert ("Cette entreprise est en faillite selon la BCE (situation juridique : Faillite)."
            in body(staff_client.get(f"/fr/staff/registrations/{bankrupt.id}")))
    assert "is bankrupt" not in body(staff_client.get(f"/en/staff/registrations/{normal.id}"))
