"""“Mon entreprise”: the company's identity (name, VAT and BCE numbers,
official proof) changes through a request the agency validates in the
registration queue (issue 12); until then the tile shows it pending."""
import io

import pytest

from portal.models import Company, CompanyEvent, MemberApplication, OutboxMessage, Quality, QualityMember, Registration
from tests.builders import NOT_SCANNED, VIRUS_FOUND, an_infected_pdf
from tests.harness import AuthActions
from tests.wizard_driver import a_pdf


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth):
    jan = auth.company_user()
    Company.update(main_access_manager=jan, vat_number="DE136695976").where(Company.id == jan.company.id).execute()
    quality = Quality.create(company=jan.company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": code} for code in ("medseip", "saa")]).execute()
    return jan


@pytest.fixture
def agent(app, db):
    staff_client = app.test_client()
    actions = AuthActions(app, staff_client)
    actions.staff()
    staff_client.csrf = actions.token
    return staff_client


def ask(client, auth, proof=None, **changes):
    data = {"csrf_token": auth.token, "identity_name": "Musterfirma Medizintechnik GmbH",
            "identity_bce_registered": "no", "identity_bce_number": "", "identity_vat_number": "136695976"}
    data.update(changes)
    if proof is not None:
        data["identity_proof"] = (io.BytesIO(proof), "Handelsregister 2026.pdf")
    return client.post("/en/portal/company/identity", data=data, content_type="multipart/form-data")


def decide(agent, request, action, reason=""):
    return agent.post(f"/en/staff/registrations/{request.id}/decision",
                      data={"csrf_token": agent.csrf, "action": action, "reason": reason})


def test_a_new_name_waits_for_the_agency_then_applies_when_validated(operator, auth, client, agent, mailbox):
    assert ask(client, auth).status_code == 303
    company = Company.get_by_id(operator.company.id)
    assert company.name == "Musterfirma GmbH"  # nothing changes before the agency's decision
    request = Registration.get(Registration.kind == "change")
    assert request.status == "submitted" and request.company_id == company.id and request.reference.startswith("CHG-")
    page = body(client.get("/en/portal/company"))
    assert "A change is waiting for the agency's decision" in page and request.reference in page
    assert "Musterfirma Medizintechnik GmbH" in page
    tile = body(client.get("/en/portal/tiles/company", headers={"HX-Request": "true"}))
    assert "waiting for the agency's decision" in tile and request.reference in tile

    queue = body(agent.get("/en/staff/registrations?kind=change"))
    assert request.reference in queue and "Change of identity" in queue
    detail = body(agent.get(f"/en/staff/registrations/{request.id}"))
    assert "What changes" in detail and "Musterfirma GmbH" in detail and "Musterfirma Medizintechnik GmbH" in detail
    assert "Ask for information" not in detail  # a change is validated or refused

    assert decide(agent, request, "validate").status_code == 303
    company = Company.get_by_id(company.id)
    assert company.name == "Musterfirma Medizintechnik GmbH"
    assert "Musterfirma Medizintechnik GmbH" in body(client.get("/en/portal/company"))
    assert "waiting for the agency" not in body(client.get("/en/portal/company"))
    actions = [e.action for e in CompanyEvent.select().where(CompanyEvent.company == company)]
    assert actions == ["identity_change_requested", "identity_changed"]
    message = OutboxMessage.get(OutboxMessage.recipient == "jan@example.be")
    assert "validated the change" in message.subject and "Musterfirma Medizintechnik GmbH" in message.text_body


def test_a_refused_change_leaves_the_company_as_it_was_and_says_why(operator, auth, client, agent):
    ask(client, auth, identity_vat_number="811191002", identity_name="Musterfirma GmbH")
    request = Registration.get(Registration.kind == "change")
    assert request.vat_number == "DE811191002"
    empty = decide(agent, request, "refuse")
    assert empty.status_code == 422 and "Give the reason" in body(empty)
    assert decide(agent, request, "request_information", "more").status_code == 400
    assert decide(agent, request, "refuse", "The extract shows another VAT number.").status_code == 303
    assert Company.get_by_id(operator.company.id).vat_number == "DE136695976"
    message = OutboxMessage.get(OutboxMessage.recipient == "jan@example.be")
    assert "refused the change" in message.subject and "another VAT number" in message.text_body
    assert ask(client, auth, identity_vat_number="811191002").status_code == 303  # asked again


def test_a_change_is_checked_as_a_registration_is(operator, auth, client):
    other = Company(country="DE", vat_number="DE811191002", city="Bonn")
    other.set_name("Andere GmbH")
    other.save()
    taken = ask(client, auth, identity_vat_number="811191002")
    assert taken.status_code == 422 and "already registered" in body(taken)
    wrong = ask(client, auth, identity_vat_number="136695977", identity_name="")
    page = body(wrong)
    assert wrong.status_code == 422 and "check digits" in page and "Enter the commercial name" in page
    assert 'value="136695977"' in page  # what was typed is kept
    same = ask(client, auth, identity_name="Musterfirma GmbH")
    assert same.status_code == 422 and "Nothing is changed" in body(same)
    assert not Registration.select().where(Registration.status == "submitted").exists()


def test_one_change_waits_at_a_time(operator, auth, client):
    assert ask(client, auth).status_code == 303
    again = ask(client, auth, identity_name="Third Name GmbH")
    assert again.status_code == 422 and "A change is already waiting" in body(again)  # e.g. from a second tab
    assert Registration.select().where(Registration.kind == "change").count() == 1


def test_a_good_file_is_kept_while_the_rest_is_corrected(operator, auth, client, agent):
    response = ask(client, auth, proof=a_pdf(), identity_vat_number="1")
    assert response.status_code == 422 and "File received: Handelsregister 2026.pdf" in body(response)
    assert ask(client, auth, identity_name="Musterfirma GmbH").status_code == 303  # the kept file is the change
    request = Registration.get((Registration.kind == "change") & (Registration.status == "submitted"))
    assert request.proof_filename == "Handelsregister 2026.pdf"
    assert agent.get(f"/en/staff/registrations/{request.id}/proof.pdf").data.startswith(b"%PDF")
    assert decide(agent, request, "validate").status_code == 303
    proof = client.get("/en/portal/company/proof.pdf")
    assert proof.status_code == 200 and proof.data.startswith(b"%PDF") and "sandbox" in proof.headers[
        "Content-Security-Policy"]


def test_a_file_that_is_not_a_pdf_is_refused_by_its_content(operator, auth, client):
    response = ask(client, auth, proof=b"MZ\x90\x00 not a pdf at all", identity_name="Musterfirma GmbH")
    assert response.status_code == 422 and "The file is not a PDF" in body(response)
    assert not Registration.select().where(Registration.kind == "change").exists()


def test_validation_stops_when_another_company_took_the_number_meanwhile(operator, auth, client, agent):
    ask(client, auth, identity_vat_number="811191002")
    request = Registration.get(Registration.kind == "change")
    other = Company(country="DE", vat_number="DE811191002", city="Bonn")
    other.set_name("Schneller GmbH")
    other.save()
    response = decide(agent, request, "validate")
    assert response.status_code == 409 and "another company holds this VAT or BCE number" in body(response)
    assert Registration.get_by_id(request.id).status == "submitted"
    assert Company.get_by_id(operator.company.id).vat_number == "DE136695976"


def test_without_the_application_or_for_another_company_nothing_is_asked(operator, auth, client):
    MemberApplication.delete().where(MemberApplication.application == "saa").execute()
    assert ask(client, auth).status_code == 303 and not Registration.select().exists()
    assert client.get("/en/portal/company/proof.pdf").status_code == 303


def test_the_agency_finds_the_company_and_sees_its_whole_history(operator, auth, client, agent):
    Company.update(agency_number="000042").where(Company.id == operator.company.id).execute()
    client.post("/en/portal/company/details", data={"csrf_token": auth.token, "language": "fr", "street": "Neue Straße",
                                                    "house_number": "2", "box": "", "postcode": "10115",
                                                    "city": "Berlin"})
    ask(client, auth)
    request = Registration.get(Registration.kind == "change")
    decide(agent, request, "validate")
    for query in ("muster", "000042", "DE136695976"):
        found = body(agent.get(f"/en/staff/companies?q={query}"))
        assert f'/en/staff/companies/{operator.company.id}"' in found, query
    page = body(agent.get(f"/en/staff/companies/{operator.company.id}"))
    for shown in ("Musterfirma Medizintechnik GmbH", "Neue Straße", "Language or address changed",
                  "validated by the agency", "Agent Peeters", "Jan Peeters", request.reference):
        assert shown in page, shown
    assert client.get(f"/en/staff/companies/{operator.company.id}").status_code == 303  # not for companies
    assert agent.get("/en/staff/companies/999999").status_code == 404


def test_a_change_row_is_never_reached_through_the_wizard(operator, auth, client, app):
    ask(client, auth, proof=a_pdf(), identity_vat_number="1")  # a kept file: a draft row with a token
    draft = Registration.get((Registration.kind == "change") & (Registration.status == "draft"))
    stranger = app.test_client()
    for path in ("company-identification", "company-data", "proof.pdf", "check", "submitted"):
        assert stranger.get(f"/en/register/{draft.token}/{path}").status_code == 404, path


def test_the_decision_goes_to_the_representatives_when_the_asker_left(operator, auth, client, agent):
    from portal.models import LegalRepresentative, Person

    colleague = Person.create(niss="00012556777", last_name="Janssens", first_name="Els", sex="F",
                              birth_date="2000-01-25", birth_country="BE", email="els@musterfirma.de")
    LegalRepresentative.create(company=operator.company, person=colleague)
    ask(client, auth)
    request = Registration.get(Registration.kind == "change")
    QualityMember.delete().execute()
    LegalRepresentative.delete().where(LegalRepresentative.person == operator).execute()
    Company.update(main_access_manager=None).execute()
    assert decide(agent, request, "refuse", "Not this name.").status_code == 303
    assert [m.recipient for m in OutboxMessage.select()] == ["els@musterfirma.de"]


def test_a_proof_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays(app, operator, auth, client,
                                                                                       virus_scanner, tmp_path):
    infected = ask(client, auth, proof=an_infected_pdf(), identity_name="Musterfirma Kept GmbH")
    page = body(infected)
    assert infected.status_code == 422 and VIRUS_FOUND in page and 'value="Musterfirma Kept GmbH"' in page
    assert not Registration.select().where(Registration.kind == "change").exists()  # not even kept for later
    app.config["CLAMD_SOCKET"] = str(tmp_path / "stopped-clamd.sock")
    unscanned = ask(client, auth, proof=a_pdf(), identity_name="Musterfirma Kept GmbH")
    page = body(unscanned)
    assert unscanned.status_code == 422 and NOT_SCANNED in page and 'value="Musterfirma Kept GmbH"' in page
    assert not Registration.select().where(Registration.kind == "change").exists()
    app.config["CLAMD_SOCKET"] = virus_scanner.socket
    assert ask(client, auth, proof=a_pdf()).status_code == 303
    assert Registration.get(Registration.kind == "change").proof_size is not None
