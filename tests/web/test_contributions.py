"""“Mes contributions” (guide 5.6): a declaration per company and year, changed until the deadline,
a receipt; the agency's parameters, list, export and reminders; other companies' data."""
import datetime
import io
from decimal import Decimal

import pytest

from portal.models import (
    Activity,
    Company,
    ContributionDeclaration,
    ContributionYear,
    MemberApplication,
    Quality,
    QualityMember,
)
from tests.builders import NOT_SCANNED, VIRUS_FOUND, a_pdf, an_infected_pdf, approve_as_second
from tests.harness import AuthActions

HTMX = {"HX-Request": "true"}


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth, app):
    jan = auth.company_user()
    company = jan.company
    Company.update(main_access_manager=jan, listed=True, agency_number="000007").where(Company.id == company.id).execute()
    quality = Quality.create(company=company, kind="health_institution", contact_email="quality@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": a}
                                   for a in ("medseip", "contributions")]).execute()
    for kind in ("distributor", "exporter"):
        Activity.create(company=company, kind=kind, classes="I", started_on=datetime.date(2024, 1, 1))
    with app.app_context():
        from portal import clock
        today = clock.today()
    ContributionYear.create(year=today.year, entity_cost=Decimal("415.74"), turnover_rate=Decimal("0.3073"),
                            turnover_threshold=Decimal("50290.17"), deadline=today + datetime.timedelta(days=10))
    jan.year = today.year
    return jan


@pytest.fixture
def agent(app, db):
    staff_client = app.test_client()
    actions = AuthActions(app, staff_client)
    actions.staff()
    staff_client.csrf = actions.token
    return staff_client


def declare(client, auth, year, proof=None, **changes):
    data = {"csrf_token": auth.token, "turnover": "150 290,17", "action": "send"}
    data.update(changes)
    if proof is not None:
        data["proof"] = (io.BytesIO(proof), "Attestation réviseur.pdf")
    return client.post(f"/en/portal/contributions/{year}", data=data, content_type="multipart/form-data")


def test_a_declaration_with_turnover_needs_the_signed_document_and_gives_a_receipt(operator, auth, client):
    year = operator.year
    assert f"Declaration {year} to send by" in body(client.get("/en/portal/tiles/contributions", headers=HTMX))
    missing = declare(client, auth, year)
    assert missing.status_code == 422 and "signed by the company's auditor" in body(missing)
    assert 'value="150 290,17"' in body(missing)
    wrong = declare(client, auth, year, proof=a_pdf(), turnover="a lot")
    assert wrong.status_code == 422 and "Enter the turnover in euros" in body(wrong)
    assert "File received: Attestation réviseur.pdf" in body(wrong)  # the good file is kept
    sent = declare(client, auth, year)
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/contributions/{year}/receipt")
    found = ContributionDeclaration.get()
    assert found.status == "submitted" and found.turnover == Decimal("150290.17") and found.entities == 2
    receipt = body(client.get(f"/en/portal/contributions/{year}/receipt"))
    assert "€150,290.17" in receipt and "€831.48" in receipt and "€307.30" in receipt and "€1,138.78" in receipt
    assert f"Declaration {year} sent" in body(client.get("/en/portal/tiles/contributions", headers=HTMX))
    pdf = client.get(f"/en/portal/contributions/{year}/document.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "sandbox" in pdf.headers["Content-Security-Policy"]


def test_private_individuals_only_needs_no_turnover_nor_document(operator, auth, client):
    response = declare(client, auth, operator.year, private_only="yes", turnover="")
    assert response.status_code == 303
    found = ContributionDeclaration.get()
    assert found.private_only and found.turnover is None
    assert "€831.48" in body(client.get(f"/en/portal/contributions/{operator.year}/receipt"))


def test_a_declaration_changes_until_the_deadline_then_is_read_only(operator, auth, client, app):
    declare(client, auth, operator.year, proof=a_pdf())
    assert declare(client, auth, operator.year, turnover="200.000,00").status_code == 303
    assert ContributionDeclaration.get().turnover == Decimal("200000.00")
    assert ContributionDeclaration.select().count() == 1  # one per company and year
    ContributionYear.update(deadline=datetime.date(2000, 1, 1)).execute()
    late = declare(client, auth, operator.year, turnover="1")
    assert late.status_code == 422 and "deadline" in body(late)
    assert ContributionDeclaration.get().turnover == Decimal("200000.00")
    assert 'id="contribution-form"' not in body(client.get(f"/en/portal/contributions/{operator.year}"))


def test_a_draft_is_kept_and_not_counted_as_declared(operator, auth, client, agent):
    assert declare(client, auth, operator.year, action="draft", turnover="12,50").status_code == 303
    assert ContributionDeclaration.get().status == "draft"
    page = body(agent.get(f"/en/staff/contributions?year={operator.year}"))
    assert "1 registered firm has not declared" in page and "Musterfirma GmbH" in page


def test_the_agency_sets_the_years_sees_the_declarations_and_exports_them(operator, auth, client, agent, app):
    bad = agent.post("/en/staff/contributions/years", data={"csrf_token": agent.csrf, "year": "20x6",
                                                            "entity_cost": "abc", "turnover_rate": "9",
                                                            "turnover_threshold": "", "deadline": ""})
    assert bad.status_code == 422 and 'value="abc"' in body(bad)
    for message in ("Enter the year", "cost per entity", "rate in percent", "threshold in euros"):
        assert message in body(bad), message
    asked = agent.post("/en/staff/contributions/years", data={
        "csrf_token": agent.csrf, "year": "2031", "entity_cost": "420,00", "turnover_rate": "0,31",
        "turnover_threshold": "51 000", "deadline": ""})
    assert asked.status_code == 303 and not ContributionYear.select().where(ContributionYear.year == 2031).exists()
    approve_as_second(app, asked.headers["Location"])  # four eyes: a second member of finance
    assert ContributionYear.get(ContributionYear.year == 2031).deadline == datetime.date(2031, 6, 30)
    Company.update(name="=HYPERLINK(\"http://evil\")").where(Company.id == operator.company.id).execute()
    declare(client, auth, operator.year, proof=a_pdf())
    page = body(agent.get(f"/en/staff/contributions?year={operator.year}"))
    assert "1 declaration for" in page and "0 registered firms have not declared" in page
    export = agent.get(f"/en/staff/contributions/{operator.year}/export.csv")
    assert export.mimetype == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    import csv

    raw = export.get_data()
    assert raw.startswith("\ufeff".encode())  # a BOM, as every CSV the portal exports: accents read right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["company", "famhp_number"] and rows[1][0].startswith("'=HYPERLINK")  # never a formula
    assert rows[1][5:8] == ["150290.17", "2", "1138.78"]
    assert client.get(f"/en/staff/contributions/{operator.year}/export.csv").status_code == 303  # not for companies


def test_firms_that_have_not_declared_are_reminded_once(operator, app, runner, mailbox):
    result = runner.invoke(args=["portal", "remind-contributions"])
    assert "Reminded 1" in result.output
    assert "contribution declaration" in mailbox.received("quality@musterfirma.de")[-1]["Subject"]
    again = runner.invoke(args=["portal", "remind-contributions"])
    assert "Reminded 0" in again.output


def test_another_companys_declaration_is_never_seen(operator, auth, client):
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    ContributionDeclaration.create(company=other, year=operator.year, status="submitted", turnover=Decimal("9"),
                                   proof_pdf=a_pdf(), proof_filename="autre.pdf", proof_size=10,
                                   submitted_at=datetime.datetime(2026, 1, 1))
    assert client.get(f"/en/portal/contributions/{operator.year}/document.pdf").status_code == 404
    assert client.get(f"/en/portal/contributions/{operator.year}/receipt").status_code == 303
    assert "autre.pdf" not in body(client.get(f"/en/portal/contributions/{operator.year}"))
    assert client.get("/en/portal/contributions/1999").status_code == 404


def test_without_the_application_nothing_is_declared(operator, auth, client):
    MemberApplication.delete().where(MemberApplication.application == "contributions").execute()
    assert declare(client, auth, operator.year, private_only="yes").status_code == 303
    assert not ContributionDeclaration.select().exists()


def test_a_sent_declaration_is_changed_only_by_sending_it_again(operator, auth, client, agent):
    """The review's finding: a draft over a sent declaration emptied it, and the receipt answered 500."""
    declare(client, auth, operator.year, proof=a_pdf())
    sent = ContributionDeclaration.get()
    draft = declare(client, auth, operator.year, action="draft", turnover="")
    assert draft.status_code == 422 and "sent already" in body(draft)
    wrong = declare(client, auth, operator.year, proof=a_pdf() + b"\n% another file", turnover="a lot")
    assert wrong.status_code == 422
    after = ContributionDeclaration.get()
    assert after.turnover == sent.turnover and after.proof_size == sent.proof_size  # the sent file stays
    assert client.get(f"/en/portal/contributions/{operator.year}/receipt").status_code == 200
    assert agent.get(f"/en/staff/contributions?year={operator.year}").status_code == 200
    from portal.models import ContributionEvent
    assert [e.action for e in ContributionEvent.select().order_by(ContributionEvent.id)] == ["declared"]


def test_a_cost_per_entity_fits_its_column(operator, agent):
    response = agent.post("/en/staff/contributions/years", data={
        "csrf_token": agent.csrf, "year": "2032", "entity_cost": "999 999 999,00", "turnover_rate": "0,3",
        "turnover_threshold": "50 000", "deadline": ""})
    assert response.status_code == 422 and "cost per entity" in body(response)


def test_a_firm_without_an_active_activity_owes_nothing_and_is_not_reminded(operator, runner, mailbox):
    Activity.update(active=False).execute()
    result = runner.invoke(args=["portal", "remind-contributions"])
    assert "Reminded 0" in result.output and not mailbox.received("quality@musterfirma.de")


def test_a_drafts_document_is_not_the_agencys_to_open(operator, auth, client, agent):
    declare(client, auth, operator.year, action="draft", proof=a_pdf())
    draft = ContributionDeclaration.get()
    assert agent.get(f"/en/staff/contributions/declarations/{draft.id}/document.pdf").status_code == 404


def test_the_accountants_document_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays(
        app, operator, auth, client, virus_scanner, tmp_path):
    infected = declare(client, auth, operator.year, proof=an_infected_pdf(), turnover="123 456,78")
    assert infected.status_code == 422 and VIRUS_FOUND in body(infected)
    assert 'value="123 456,78"' in body(infected)
    app.config["CLAMD_SOCKET"] = str(tmp_path / "stopped-clamd.sock")
    unscanned = declare(client, auth, operator.year, proof=a_pdf(), turnover="123 456,78", action="draft")
    assert unscanned.status_code == 422 and NOT_SCANNED in body(unscanned)
    assert 'value="123 456,78"' in body(unscanned)
    assert not ContributionDeclaration.select().where(ContributionDeclaration.proof_size.is_null(False)).exists()
    app.config["CLAMD_SOCKET"] = virus_scanner.socket
    assert declare(client, auth, operator.year, proof=a_pdf()).status_code == 303
    assert ContributionDeclaration.get().proof_size is not None
