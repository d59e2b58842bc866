"""The registration wizard, step by step, with every path and error of guide section 2."""
import re

import pytest

from portal.models import Company, OutboxMessage, Person, Registration
from tests.builders import NOT_SCANNED, VIRUS_FOUND, an_infected_pdf
from tests.harness import make_app
from tests.wizard_driver import HTMX, WizardDriver


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def errors_of(response):
    return [re.sub(r"<[^>]+>", "", e).replace("Error:", "").strip()
            for e in re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', body(response), re.S)]


@pytest.fixture
def wizard(client, db):
    return WizardDriver(client)


def draft(wizard):
    return Registration.get(Registration.token == wizard.draft)


# Start, progress, resume ---------------------------------------------------------------

def test_register_link_on_the_home_page_starts_the_wizard(client, db):
    home = body(client.get("/fr/"))
    assert 'href="/fr/register"' in home
    start = body(client.get("/fr/register"))
    assert "Enregistrer une entreprise" in start and "Commencer l'enregistrement" in start


def test_each_step_shows_its_place_in_the_journey(wizard):
    page = body(wizard.get("identification"))
    assert "Step 1 of 5" in page and 'aria-current="step"' in page
    wizard.identify()
    page = body(wizard.get("company"))
    assert "Step 2 of 5" in page and "<h1" in page and "Company data" in page


def test_french_wording_of_the_guide(client, db):
    wizard = WizardDriver(client, lang="fr")
    page = body(wizard.get("identification"))
    for words in ["Identification d'entreprise", "Veuillez sélectionner le pays où se trouve le siège social de la compagnie",
                  "Etes-vous enregistré à la BCE ?", "Numéro de l'entreprise (BCE)", "Numéro de TVA", "Étape 1 sur 5",
                  "Précédent"]:
        assert words in page, words


def test_jumping_ahead_leads_to_the_first_incomplete_step(wizard):
    response = wizard.get("representatives")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/company-identification")
    wizard.identify()
    assert wizard.get("check").headers["Location"].endswith("/company-data")


def test_resume_link_survives_a_restart_and_another_app_process(wizard, database_url, instance_dir, smtp_server):
    wizard.identify()
    wizard.company()
    other = make_app(database_url, instance_dir).test_client()  # a new process on the same database
    response = other.get(f"/en/register/{wizard.draft}/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/establishment-units")
    page = body(other.get(f"/en/register/{wizard.draft}/company-data"))
    assert 'value="Musterfirma Medizintechnik GmbH"' in page
    assert "extract.pdf" in page


def test_unknown_resume_link_is_not_found(client, db):
    assert client.get("/en/register/not-a-real-token/").status_code == 404


def test_resume_link_is_shown_and_sent_by_email_on_request(wizard, mailbox):
    page = body(wizard.get("identification"))
    assert f"/en/register/{wizard.draft}/" in page
    response = wizard.client.post(f"/en/register/{wizard.draft}/resume-link",
                                  data={"csrf_token": wizard.token, "email": "me@example.org", "step": "identification"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/company-identification")
    assert "The link was sent to me@example.org" in body(wizard.client.get(response.headers["Location"]))
    assert "The link was sent" not in body(wizard.get("identification"))  # told once; a reload sends nothing
    [message] = mailbox.received("me@example.org")
    assert f"/en/register/{wizard.draft}/" in message.get_body(("plain",)).get_content()
    bad = wizard.client.post(f"/en/register/{wizard.draft}/resume-link",
                             data={"csrf_token": wizard.token, "email": "nope", "step": "identification"})
    assert bad.status_code == 422 and "Enter an e-mail address" in body(bad)


def test_stale_drafts_are_purged_by_a_command(wizard, runner, db):
    import datetime

    Registration.update(updated_at=datetime.datetime(2020, 1, 1)).execute()
    result = runner.invoke(args=["portal", "purge-drafts"])
    assert "Deleted 1 draft(s)" in result.output
    assert Registration.select().count() == 0


# Step 1: identification -----------------------------------------------------------------

def test_eea_company_confirmed_by_vies_prefills_company_data(wizard):
    response = wizard.identify()
    assert response.status_code == 303
    registration = draft(wizard)
    assert registration.vat_number == "DE136695976" and registration.vat_status == "valid"
    page = body(wizard.get("company"))
    assert 'value="Musterfirma Medizintechnik GmbH"' in page and 'value="Hauptstraße 1"' in page
    assert "registered in VIES are filled in" in page


def test_vat_check_digits_are_checked_before_vies(wizard):
    response = wizard.identify(vat_number="136695977")
    assert response.status_code == 422
    assert "check digits are wrong" in " ".join(errors_of(response))
    assert 'value="136695977"' in body(response)  # what was typed is kept
    assert "There is a problem" in body(response) and "<title>Error:" in body(response)


def test_vies_says_invalid_explains_and_links_to_the_commission(wizard):
    response = wizard.identify(country="IT", vat_number="00743110157")
    assert response.status_code == 422
    page = body(response)
    assert "does not know this VAT number" in page
    assert 'href="https://ec.europa.eu/taxation_customs/vies/"' in page


def test_vies_unavailable_lets_the_user_continue_unverified(wizard):
    response = wizard.identify(country="ES", vat_number="A13585625")
    assert response.status_code == 200
    assert "VIES cannot check the number right now" in body(response)
    assert draft(wizard).vat_status == "not_applicable"
    response = wizard.identify(country="ES", vat_number="A13585625", continue_unverified="yes")
    assert response.status_code == 303
    assert draft(wizard).vat_status == "unverified"


def test_recheck_vat_command_confirms_later(wizard, runner):
    wizard.identify(country="SE", vat_number="556703748501")
    Registration.update(vat_status="unverified", status="submitted").execute()
    result = runner.invoke(args=["portal", "recheck-vat"])
    assert "VIES confirmed 1" in result.output
    assert draft(wizard).vat_status == "valid"


def test_greek_numbers_take_the_el_prefix(wizard):
    page = body(wizard.post("identification", {"country": "GR", "preview": "1"}))
    assert '<span class="prefix" aria-hidden="true">EL</span>' in page
    assert wizard.identify(country="GR", vat_number="094259216").status_code == 303
    assert draft(wizard).vat_number == "EL094259216"


def test_northern_ireland_is_checked_with_vies_as_xi(wizard):
    assert wizard.identify(country="XI", vat_number="980780684").status_code == 303
    assert draft(wizard).vat_number == "XI980780684" and draft(wizard).vat_status == "valid"


def test_norway_gets_an_offline_check_and_no_vies_call(wizard, monkeypatch):
    from portal.companies import vies

    monkeypatch.setattr(vies.FakeVies, "check", lambda *a: pytest.fail("VIES must not be asked"))
    assert wizard.identify(country="NO", vat_number="974761076MVA").status_code == 303
    assert draft(wizard).vat_status == "not_applicable"


def test_swiss_company_gives_a_che_number_checked_offline(wizard, monkeypatch):
    from portal.companies import vies

    monkeypatch.setattr(vies.FakeVies, "check", lambda *a: pytest.fail("VIES must not be asked"))
    bad = wizard.identify(country="CH", vat_number="CHE-116.281.711")
    assert bad.status_code == 422
    assert wizard.identify(country="CH", vat_number="CHE-116.281.710").status_code == 303
    assert draft(wizard).vat_number == "CHE116281710"


def test_uk_company_may_go_on_without_a_vat_number(wizard):
    page = body(wizard.post("identification", {"country": "GB", "preview": "1"}))
    assert "Please identify a company without a VAT number" in page
    assert wizard.identify(country="GB", vat_number="").status_code == 422
    assert wizard.identify(country="GB", vat_number="", no_vat="yes").status_code == 303
    assert draft(wizard).vat_number is None


def test_company_outside_europe_needs_a_bce_number(client, db):
    wizard = WizardDriver(client, lang="fr")
    response = wizard.identify(country="US", bce_registered="no", vat_number="")
    assert response.status_code == 422
    page = body(response)
    assert "Place Victor Horta 40/40" in page
    assert "besoin d'un numéro BCE" in page
    assert wizard.identify(country="US", bce_registered="yes", bce_number="0403.170.701",
                           vat_number="").status_code == 303
    assert draft(wizard).bce_number == "0403170701"


def test_bce_number_is_checked_as_typed(wizard):
    page = body(wizard.post("identification", {"country": "DE", "bce_registered": "yes",
                                               "bce_number": "0403.170.702", "preview": "1"}, headers=HTMX))
    assert "<html" not in page and page.lstrip().startswith('<div id="wizard"')
    assert "does not exist: check its digits" in page


def test_belgian_companies_are_sent_to_the_belgian_path(wizard):
    response = wizard.identify(country="BE")
    assert response.status_code == 422
    assert "log in with eID or itsme" in body(response)
    assert 'href="/en/#belgian"' in body(response)


def test_a_vat_number_already_registered_or_pending_is_refused(wizard, client):
    Company.create(name="Old", name_key="old", country="DE", vat_number="DE136695976")
    response = wizard.identify()
    assert response.status_code == 422
    assert "already registered or waiting for validation" in body(response)


def test_a_vat_number_of_a_submitted_request_is_refused(client, db):
    WizardDriver(client).complete().submit()
    second = WizardDriver(client)
    assert "already registered or waiting" in body(second.identify())


def test_country_names_are_in_the_users_language_with_europe_first(client, db):
    wizard = WizardDriver(client, lang="nl")
    page = body(wizard.get("identification"))
    europe = page.index("Europese Economische Ruimte")
    assert europe < page.index(">Duitsland<") < page.index("Zwitserland en het Verenigd Koninkrijk")
    assert page.index(">Zwitserland<") < page.index(">Verenigde Staten<")


# Step 2: company data -------------------------------------------------------------------

def test_company_data_errors_keep_what_was_typed_and_the_pdf(wizard):
    wizard.identify()
    response = wizard.company(name="", language="de", street="")
    assert response.status_code == 422
    messages = " ".join(errors_of(response))
    assert "Enter the commercial name" in messages and "French, Dutch or English" in messages
    page = body(response)
    assert 'value="10115"' in page and "extract.pdf" in page  # the valid PDF was kept
    assert wizard.company(pdf=False).status_code == 303  # no need to upload it again


def test_proof_must_be_a_real_pdf(wizard):
    wizard.identify()
    response = wizard.company(pdf=b"GIF89a pretending to be a PDF")
    assert response.status_code == 422
    assert "not a PDF" in body(response)
    response = wizard.company(pdf=False)
    assert "Add the official proof" in body(response)


def test_a_proof_that_acts_or_costs_too_much_is_refused_next_to_the_field(wizard):
    """Any visitor can open a draft: a hostile proof is refused plainly, and what was typed stays."""
    from tests import hostile_files

    wizard.identify()
    for hostile, message in ((hostile_files.plain_pdf(b"/OpenAction << /S /URI /URI (javascript:alert(1)) >>"),
                              "an action on opening"),
                             (hostile_files.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *hostile_files.PAGES,
                                                     hostile_files.PAGE], revisions=500), "too complex")):
        response = wizard.company(pdf=hostile, name="Kept GmbH")
        assert response.status_code == 422 and message in body(response)
        assert 'value="Kept GmbH"' in body(response) and message in " ".join(errors_of(response))


def test_a_client_sends_only_so_many_files_before_a_pause(app, wizard):
    app.config["RATE_LIMITS"] = {"uploads": 2}
    try:
        wizard.identify()
        assert wizard.company().status_code == 303
        assert wizard.company().status_code == 303
        third = wizard.company(name="Kept GmbH")
        assert third.status_code == 422 and "Wait ten minutes" in body(third) and 'value="Kept GmbH"' in body(third)
        assert wizard.company(pdf=False).status_code == 303  # the proof already sent is kept
    finally:
        app.config.pop("RATE_LIMITS")


def test_proof_can_be_replaced_viewed_and_removed(wizard):
    wizard.identify()
    wizard.company()
    pdf = wizard.client.get(f"/en/register/{wizard.draft}/proof.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and "sandbox" in pdf.headers["Content-Security-Policy"]
    response = wizard.post("company", {"remove_proof": "yes", "name": "X", "language": "en"},
                           content_type="multipart/form-data")
    assert "extract.pdf" not in body(response)
    assert draft(wizard).proof_pdf is None


# Steps 3 and 4: rows -----------------------------------------------------------------------

def test_establishment_units_are_added_changed_and_removed(wizard):
    wizard.identify()
    wizard.company()
    assert "place of activity" in body(wizard.get("units"))
    page = body(wizard.add_unit())
    assert "Warehouse" in page and "The establishment unit is saved" in page
    row = re.search(r'name="row" value="([0-9a-f]{12})"', page).group(1)
    changed = body(wizard.add_unit(row=row, name="Central warehouse"))
    assert "Central warehouse" in changed and changed.count("Remove") == 1
    removed = body(wizard.post("units", {"action": "delete", "row": row}))
    assert "No establishment unit yet" in removed


def test_unit_changes_swap_in_place_with_htmx(wizard):
    wizard.identify()
    wizard.company()
    page = body(wizard.post("units", {"action": "save", "name": "Depot", "street": "A", "house_number": "1",
                                      "postcode": "1", "city": "B"}, headers=HTMX))
    assert "<html" not in page and "Depot" in page


def test_zero_establishment_units_are_allowed(wizard):
    wizard.identify()
    wizard.company()
    assert wizard.next("units").status_code == 303


def test_at_least_one_legal_representative(wizard):
    wizard.identify()
    wizard.company()
    wizard.next("units")
    response = wizard.next("representatives")
    assert response.status_code == 422 and "at least one legal representative" in body(response)


@pytest.mark.parametrize("fields,message", [
    ({"first_name": "max"}, "starts with a capital letter"),
    ({"birth_date": "2099-01-01"}, "must be in the past"),
    ({"birth_date": "2015-01-01"}, "at least 16 years old"),
    ({"birth_date": "31/02/1980"}, "Enter the date of birth"),
    ({"sex": ""}, "Choose the sex"),
    ({"birth_country": "ZZ"}, "country of birth"),
    ({"email": "max.at.example"}, "Enter an e-mail address"),
    ({"niss": "85.07.30-033.29"}, "NISS number is not valid"),
])
def test_representative_errors(wizard, fields, message):
    wizard.identify()
    wizard.company()
    wizard.next("units")
    response = wizard.add_representative(**fields)
    assert response.status_code == 422
    assert message in " ".join(errors_of(response))


def test_two_representatives_may_not_share_an_email_address(wizard):
    wizard.identify()
    wizard.company()
    wizard.next("units")
    wizard.add_representative()
    response = wizard.add_representative(first_name="Erika", email="MAX@musterfirma.de")
    assert response.status_code == 422 and "individual e-mail address" in body(response)


def test_a_niss_known_to_the_portal_reveals_nothing_about_the_person(wizard):
    """The wizard is anonymous: typing someone's NISS must not show their data."""
    import datetime

    Person.create(niss="85073003328", last_name="Peeters", first_name="Jan", sex="M",
                  birth_date=datetime.date(1985, 7, 30), birth_country="BE", email="jan@example.be")
    wizard.identify()
    wizard.company()
    wizard.next("units")
    response = wizard.post("representatives", {"action": "save", "niss": "85.07.30-033.28"})
    assert response.status_code == 422
    page = body(response)
    assert "Peeters" not in page and "jan@example.be" not in page and "1985" not in page
    assert "Enter the last name." in page and "Enter the date of birth" in page
    typed = wizard.add_representative(niss="85.07.30-033.28", last_name="Peeters", first_name="Jan",
                                      birth_date="30/07/1985", email="jan.peeters@musterfirma.de")
    assert typed.status_code == 200


# Check and send ------------------------------------------------------------------------------

def test_check_page_shows_everything_with_change_links(client, db):
    wizard = WizardDriver(client).complete(units=2, representatives=2)
    page = body(wizard.get("check"))
    for text in ["DE136695976", "confirmed by VIES", "Musterfirma Medizintechnik GmbH", "extract.pdf",
                 "Unit 0", "Unit 1", "rep0@musterfirma.de", "rep1@musterfirma.de"]:
        assert text in page, text
    assert page.count(">Change<") == 4


def test_submit_creates_one_request_and_emails_each_representative(client, db, mailbox):
    wizard = WizardDriver(client).complete(representatives=2)
    response = wizard.submit()
    assert response.status_code == 303 and response.headers["Location"].endswith("/submitted")
    again = wizard.submit()  # double click, or back and send again
    assert again.status_code == 303
    registration = draft(wizard)
    assert registration.status == "submitted" and re.fullmatch(r"REG-\d{4}-\d{6}", registration.reference)
    assert Registration.select().where(Registration.status == "submitted").count() == 1
    assert OutboxMessage.select().count() == 2
    page = body(client.get(response.headers["Location"]))
    assert registration.reference in page and "What happens next" in page
    messages = mailbox.received()
    assert sorted(m["To"] for m in messages) == ["rep0@musterfirma.de", "rep1@musterfirma.de"]
    assert all(registration.reference in m.get_body(("plain",)).get_content() for m in messages)


def test_confirmation_email_is_in_the_company_language(client, db, mailbox):
    wizard = WizardDriver(client)
    wizard.identify()
    wizard.company(language="nl")
    wizard.next("units")
    wizard.add_representative()
    wizard.next("representatives")
    wizard.submit()
    [message] = mailbox.received()
    assert "Het FAGG heeft de registratie" in message.get_body(("plain",)).get_content()


def test_after_submitting_the_steps_lead_to_the_confirmation(client, db):
    wizard = WizardDriver(client).complete()
    wizard.submit()
    response = wizard.get("company")
    assert response.status_code == 303 and response.headers["Location"].endswith("/submitted")
    assert wizard.company().headers["Location"].endswith("/submitted")


def test_htmx_steps_swap_and_move_on_with_hx_location(wizard):
    response = wizard.post("identification", {"country": "DE", "bce_registered": "no",
                                              "vat_number": "136695976"}, headers=HTMX)
    assert response.status_code == 204
    assert '"path": "/en/register/' in response.headers["HX-Location"]
    assert '"target": "#wizard"' in response.headers["HX-Location"]
    page = body(wizard.get("company", headers=HTMX))
    assert "<html" not in page and "<title>" in page and page.lstrip().startswith('<div id="wizard"')


def test_every_step_refuses_a_post_without_csrf_token(wizard):
    response = wizard.client.post(wizard.url("identification"), data={"country": "DE"})
    assert response.status_code == 400
    assert draft(wizard).data == "{}"


# Once sent, the resume link shows only where the request stands --------------------------------

def test_after_submission_the_link_no_longer_opens_the_data_or_the_pdf(client, db):
    wizard = WizardDriver(client).complete()
    assert client.get(f"/en/register/{wizard.draft}/proof.pdf").status_code == 200  # while a draft
    wizard.submit()
    assert client.get(f"/en/register/{wizard.draft}/proof.pdf").status_code == 404
    for step in ("identification", "company", "units", "representatives", "check"):
        response = wizard.get(step)
        assert response.status_code == 303 and response.headers["Location"].endswith("/submitted")
    page = body(wizard.get("submitted"))
    assert "REG-" in page
    for private in ("Musterfirma", "max@musterfirma.de", "136695976", "Hauptstraße", "Muster"):
        assert private not in page, private
    sent = client.post(f"/en/register/{wizard.draft}/resume-link",
                       data={"csrf_token": wizard.token, "email": "someone@example.eu"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/submitted")


def test_when_the_agency_asks_for_information_the_link_opens_the_draft_again(client, db):
    wizard = WizardDriver(client).complete()
    wizard.submit()
    Registration.update(status="needs_information").execute()
    assert wizard.get("company").status_code == 200
    assert client.get(f"/en/register/{wizard.draft}/proof.pdf").status_code == 200


# Single-line fields hold one line --------------------------------------------------------------

@pytest.mark.parametrize("bad", ["Evil\r\nBcc: victim@example.eu", "Name\x00", "Tab\there", "abc\u202egpj.exe"])
def test_control_characters_are_refused_with_a_clear_message_and_kept(wizard, bad):
    wizard.identify()
    response = wizard.company(name=bad)
    assert response.status_code == 422
    assert "Remove the line breaks, tabs or invisible characters from this field." in errors_of(response)
    response = wizard.company(city="Berlin\nMitte")
    assert response.status_code == 422 and 'value="Berlin\nMitte"' in body(response)  # what was typed is kept


def test_representative_names_hold_one_line(wizard):
    wizard.identify()
    wizard.company()
    wizard.next("units")
    response = wizard.add_representative(last_name="Muster\r\nX-Header: 1")
    assert response.status_code == 422


# Anonymous writes are limited per client -------------------------------------------------------

def test_one_client_cannot_open_drafts_without_end(app, client, db):
    app.config["RATE_LIMITS"] = {"register": 3}
    from tests.wizard_driver import csrf

    token = csrf(client)
    codes = [client.post("/en/register", data={"csrf_token": token}).status_code for _ in range(4)]
    assert codes == [303, 303, 303, 429]
    page = client.post("/fr/register", data={"csrf_token": token})
    assert page.status_code == 429 and "Trop de demandes" in body(page)
    assert Registration.select().count() == 3


def test_the_resume_link_is_not_a_mail_cannon(app, wizard, mailbox):
    app.config["RATE_LIMITS"] = {"resume-mail": 2}
    codes = [wizard.client.post(f"/en/register/{wizard.draft}/resume-link",
                                data={"csrf_token": wizard.token, "email": f"victim{i}@example.eu"}).status_code
             for i in range(3)]
    assert codes[-1] == 429 and len(mailbox.messages) == 2


def test_a_client_writing_faster_than_a_person_types_is_stopped(app, wizard):
    app.config["RATE_LIMITS"] = {"wizard": 5}
    codes = [wizard.post("identification", {"country": "DE", "preview": "1"}).status_code for _ in range(6)]
    assert codes[:4] == [200] * 4 and codes[-1] == 429


@pytest.mark.parametrize("address", ["a\x01b@example.eu", "me@example.eu\u202e", "me@exa\tmple.eu"])
def test_the_resume_link_goes_only_to_a_plain_address(wizard, mailbox, address):
    response = wizard.client.post(f"/en/register/{wizard.draft}/resume-link",
                                  data={"csrf_token": wizard.token, "email": address, "step": "identification"})
    assert response.status_code == 422 and not mailbox.messages


# "Next" never loses a filled row form ------------------------------------------------------------

def test_next_with_a_filled_representative_form_adds_the_row(wizard):
    """Before: the typed person was dropped and the page said "Add at least one legal representative"."""
    wizard.identify()
    wizard.company()
    wizard.next("units")
    response = wizard.post("representatives", {
        "action": "next", "last_name": "Muster", "first_name": "Max", "sex": "M", "birth_date": "1970-05-01",
        "birth_country": "DE", "email": "max@musterfirma.de"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/check")
    assert [row["email"] for row in draft(wizard).representatives] == ["max@musterfirma.de"]


def test_next_with_a_half_filled_form_shows_its_errors_and_keeps_what_was_typed(wizard):
    wizard.identify()
    wizard.company()
    response = wizard.post("units", {"action": "next", "name": "Warehouse Hamburg", "street": "Lagerweg"})
    assert response.status_code == 422
    page = body(response)
    assert 'value="Warehouse Hamburg"' in page and 'value="Lagerweg"' in page
    assert "Enter the city." in errors_of(response)
    assert draft(wizard).answers.get("units", []) == []


def test_the_next_button_sends_the_row_form(wizard):
    wizard.identify()
    wizard.company()
    page = body(wizard.get("units"))
    assert 'name="action" value="next" form="unit-form"' in page


# Viruses (ClamAV) --------------------------------------------------------------------------

def test_a_proof_carrying_a_virus_or_not_scanned_is_refused_and_what_was_typed_stays(app, wizard, virus_scanner,
                                                                                       tmp_path):
    wizard.identify()
    infected = wizard.company(pdf=an_infected_pdf(), name="Kept GmbH")
    assert infected.status_code == 422 and VIRUS_FOUND in " ".join(errors_of(infected))
    assert 'value="Kept GmbH"' in body(infected) and draft(wizard).proof_size is None
    app.config["CLAMD_SOCKET"] = str(tmp_path / "stopped-clamd.sock")  # the daemon is down: the file waits
    unscanned = wizard.company(name="Kept GmbH")
    assert unscanned.status_code == 422 and NOT_SCANNED in " ".join(errors_of(unscanned))
    assert 'value="Kept GmbH"' in body(unscanned) and draft(wizard).proof_size is None
    app.config["CLAMD_SOCKET"] = virus_scanner.socket
    assert wizard.company().status_code == 303 and draft(wizard).proof_size is not None  # a clean file, scanned
