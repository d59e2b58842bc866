"""“Mon entreprise” (guide 5.2, 3.2.3): language and address at once, establishment units,
contact persons who get a login, legal representatives; the application; other companies' ids."""
import re

import pytest

from portal.models import (
    Account,
    Company,
    CompanyEvent,
    ContactPerson,
    EstablishmentUnit,
    LegalRepresentative,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
)


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def keeper(auth):
    """A legal representative with "Source authentique des acteurs"."""
    jan = auth.company_user()
    Company.update(main_access_manager=jan).where(Company.id == jan.company.id).execute()
    quality = Quality.create(company=jan.company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": a} for a in ("medseip", "saa")]).execute()
    return jan


def post(client, auth, path, **data):
    return client.post(f"/en/portal/company{path}", data={"csrf_token": auth.token, **data})


PERSON = {"niss": "", "last_name": "Dubois", "first_name": "Claire", "sex": "F", "birth_date": "31/12/1970",
          "birth_country": "FR", "email": "claire@musterfirma.de"}


def person(prefix, **changes):
    return {prefix + name: value for name, value in dict(PERSON, **changes).items()}


CONTACT = person("contact_")


def test_language_and_address_change_at_once_and_are_in_the_history(keeper, auth, client):
    response = post(client, auth, "/details", language="nl", street="Neue Straße", house_number="9", box="",
                    postcode="10117", city="Berlin")
    assert response.status_code == 303
    company = Company.get_by_id(keeper.company.id)
    assert company.language == "nl" and company.street == "Neue Straße"
    bad = post(client, auth, "/details", language="de", street="", house_number="9", box="", postcode="1", city="B")
    assert bad.status_code == 422 and "Enter the street." in body(bad) and 'value="B"' in body(bad)
    assert CompanyEvent.get().action == "details_changed"


def test_establishment_units_are_added_changed_and_removed(keeper, auth, client):
    form = {"unit_name": "Lager", "unit_street": "Weg", "unit_house_number": "1", "unit_box": "",
            "unit_postcode": "20095", "unit_city": "Hamburg"}
    assert post(client, auth, "/units", **form).status_code == 303
    unit = EstablishmentUnit.get()
    missing = post(client, auth, f"/units/{unit.id}", **dict(form, unit_city=""))
    assert missing.status_code == 422 and 'id="error-unit_city"' in body(missing)
    assert post(client, auth, f"/units/{unit.id}", **dict(form, unit_name="Lager Nord")).status_code == 303
    assert EstablishmentUnit.get().name == "Lager Nord"
    assert post(client, auth, f"/units/{unit.id}/remove").status_code == 303
    assert not EstablishmentUnit.select().exists()


def test_a_contact_person_without_niss_gets_a_bis_number_and_a_login_by_email(keeper, auth, client, mailbox):
    response = post(client, auth, "/contacts", **CONTACT)
    assert response.status_code == 303
    claire = Person.get(Person.last_name == "Dubois")
    assert claire.niss[2:4] in ("52",)  # BIS: December + 40
    account = Account.get(Account.person == claire)
    assert account.must_change_password and account.password_expires_at is not None
    text = mailbox.received("claire@musterfirma.de")[0].get_body(("plain",)).get_content()
    assert "Temporary password" in text or "Mot de passe temporaire" in text or "Tijdelijk wachtwoord" in text
    assert ContactPerson.select().count() == 1
    # the access manager can now add her as a user (FAQ 6)
    page = client.get(f"/en/portal/access/users/new?niss={claire.niss}&role=user")
    assert page.status_code == 200 and "Dubois" in body(page)


def test_a_contact_person_form_keeps_what_was_typed(keeper, auth, client):
    response = post(client, auth, "/contacts", **person("contact_", first_name="claire"))
    assert response.status_code == 422 and 'value="Dubois"' in body(response)
    assert "capital letter" in body(response)


def test_the_last_legal_representative_and_the_main_access_manager_stay(keeper, auth, client):
    link = LegalRepresentative.get()
    refused = post(client, auth, f"/representatives/{link.id}/remove")
    assert refused.status_code == 422 and "at least one legal representative" in body(refused)
    colleague = Person.create(niss="00012556777", last_name="Janssens", first_name="Els", sex="F",
                              birth_date="2000-01-25", birth_country="BE", email="els@musterfirma.de")
    other = LegalRepresentative.create(company=keeper.company, person=colleague)
    refused = post(client, auth, f"/representatives/{link.id}/remove")
    assert refused.status_code == 422 and "main access manager" in body(refused)
    assert post(client, auth, f"/representatives/{other.id}/remove").status_code == 303
    assert LegalRepresentative.select().count() == 1


def test_without_the_application_the_tile_is_closed(keeper, auth, client):
    MemberApplication.delete().where(MemberApplication.application == "saa").execute()
    assert client.get("/en/portal/company").status_code == 303
    assert post(client, auth, "/details", language="nl", street="x", house_number="1", postcode="1",
                city="y").status_code == 303
    assert Company.get_by_id(keeper.company.id).language == "en"


def test_another_companys_objects_are_never_found(keeper, auth, client):
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    unit = EstablishmentUnit.create(company=other, name="Dépôt", street="Rue", house_number="1", postcode="75001",
                                    city="Paris")
    stranger = Person.create(niss="90010100185", last_name="Stranger", first_name="Eve", sex="F",
                             birth_date="1990-01-01", birth_country="FR", email="eve@autre.fr")
    contact = ContactPerson.create(company=other, person=stranger)
    link = LegalRepresentative.create(company=other, person=stranger)
    for path in (f"/units/{unit.id}", f"/units/{unit.id}/remove", f"/contacts/{contact.id}/remove",
                 f"/representatives/{link.id}/remove", f"/contacts/{contact.id}", f"/representatives/{link.id}"):
        assert post(client, auth, path, unit_name="x", **{f"link{contact.id}_function": "Owned",
                                                          f"link{link.id}_function": "Owned"}).status_code == 404, path
    assert ContactPerson.get_by_id(contact.id).function == "" and LegalRepresentative.get_by_id(link.id).function == ""
    for path in (f"/units/{unit.id}", f"/units/{unit.id}/edit", f"/contacts/{contact.id}",
                 f"/contacts/{contact.id}/edit", f"/representatives/{link.id}", f"/representatives/{link.id}/edit"):
        assert client.get(f"/en/portal/company{path}").status_code == 404, path  # reading a row, or its form
    assert EstablishmentUnit.get_by_id(unit.id).name == "Dépôt" and ContactPerson.select().count() == 1


def test_a_contact_person_is_always_a_new_person_whatever_niss_is_typed(keeper, auth, client, mailbox):
    """The review's finding: a typed NISS pulled another company's person into this one."""
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    eva = Person.create(niss="85073003410", last_name="Durand", first_name="Eva", sex="F",
                        birth_date="1985-07-30", birth_country="FR", email="eva@autre.fr")
    LegalRepresentative.create(company=other, person=eva)
    response = post(client, auth, "/contacts", **person("contact_", niss="85073003410", last_name="Durand",
                                                         first_name="Eva", birth_date="30/07/1985",
                                                         email="attacker@evil.example"))
    assert response.status_code == 303
    assert not ContactPerson.select().where(ContactPerson.person == eva).exists()
    page = body(client.get("/en/portal/company"))
    assert "eva@autre.fr" not in page and "85.07.30-034.10" not in page
    assert not mailbox.received("eva@autre.fr")


def test_a_unit_with_activities_is_not_removed(keeper, auth, client):
    from portal.models import Activity

    unit = EstablishmentUnit.create(company=keeper.company, name="Lager", street="Weg", house_number="1",
                                    postcode="1000", city="Hamburg")
    Activity.create(company=keeper.company, kind="distributor", unit=unit, classes="I")
    refused = post(client, auth, f"/units/{unit.id}/remove")
    assert refused.status_code == 422 and "deactivate them" in body(refused)
    assert EstablishmentUnit.select().count() == 1


def test_a_legal_representative_is_added_with_a_bis_number_and_a_login(keeper, auth, client, mailbox):
    bad = post(client, auth, "/representatives", **person("rep_", email="not an address", phone="call me"))
    page = body(bad)
    assert bad.status_code == 422 and 'value="Dubois"' in page and "Enter a phone number" in page
    assert 'href="#field-rep_email"' in page  # the summary leads to the field of this form
    response = post(client, auth, "/representatives", **person("rep_", function="Gérante", phone="+33 1 23 45 67 89"))
    assert response.status_code == 303
    claire = Person.get(Person.last_name == "Dubois")
    link = LegalRepresentative.get(LegalRepresentative.person == claire)
    assert link.company_id == keeper.company.id and link.function == "Gérante"
    assert Account.get(Account.person == claire).must_change_password
    assert mailbox.received("claire@musterfirma.de")
    assert "Legal representative added" in body(client.get("/en/portal/company"))


def test_the_function_and_phone_change_but_not_the_persons_own_data(keeper, auth, client):
    link = LegalRepresentative.get()
    prefix = f"link{link.id}_"
    bad = post(client, auth, f"/representatives/{link.id}", **{prefix + "function": "CEO", prefix + "phone": "abc"})
    assert bad.status_code == 422 and 'value="CEO"' in body(bad) and "Enter a phone number" in body(bad)
    done = post(client, auth, f"/representatives/{link.id}", **{prefix + "function": "CEO", prefix + "phone": "+49 30 1234567",
                                                                 "email": "attacker@evil.example", "last_name": "X"})
    assert done.status_code == 303
    link = LegalRepresentative.get_by_id(link.id)
    assert (link.function, link.phone) == ("CEO", "+49 30 1234567")
    assert link.person.email == "jan@example.be" and link.person.last_name == "Peeters"
    page = body(client.get("/en/portal/company"))
    assert "CEO" in page and "function or phone changed" in page
    post(client, auth, "/contacts", **CONTACT)
    contact = ContactPerson.get()
    prefix = f"link{contact.id}_"
    assert post(client, auth, f"/contacts/{contact.id}", **{prefix + "function": "QA", prefix + "phone": ""}).status_code == 303
    assert ContactPerson.get_by_id(contact.id).function == "QA"


@pytest.fixture
def plain_user(app, keeper):
    """Bob: a user of the quality with "Mon entreprise" (saa), neither representative nor manager; logged in."""
    import datetime

    import pyotp

    from portal.people.passwords import hash_password
    from tests.harness import AuthActions

    bob = Person.create(niss="90020200123", last_name="Bauer", first_name="Bob", sex="M",
                        birth_date=datetime.date(1990, 2, 2), birth_country="DE", email="bob@musterfirma.de")
    secret = pyotp.random_base32()
    Account.create(person=bob, password_hash=hash_password(AuthActions.PASSWORD), must_change_password=False,
                   totp_secret=secret)
    member = QualityMember.create(quality=Quality.get(), person=bob, role="user", email=bob.email)
    MemberApplication.insert_many([{"member": member.id, "application": a} for a in ("medseip", "saa")]).execute()
    client = app.test_client()
    actions = AuthActions(app, client)
    actions._log_in("/en/login/afmps", {"username": bob.niss}, secret)
    client.auth = actions
    return client


def test_a_user_with_mon_entreprise_alone_cannot_name_a_legal_representative(keeper, plain_user, mailbox):
    """The review's finding: a representative can designate the GAP, so a plain user adding one took over access."""
    page = body(plain_user.get("/en/portal/company"))
    assert 'id="representative-form"' not in page and "Only a legal representative" in page
    added = post(plain_user, plain_user.auth, "/representatives", **person("rep_", email="eve@evil.example"))
    assert added.status_code == 422 and "Only a legal representative" in body(added)
    link = LegalRepresentative.get()
    changed = post(plain_user, plain_user.auth, f"/representatives/{link.id}", **{f"link{link.id}_function": "x"})
    assert changed.status_code == 422 and LegalRepresentative.get_by_id(link.id).function == ""
    assert not Person.select().where(Person.email == "eve@evil.example").exists()
    assert not mailbox.received("eve@evil.example")
    # what Bob may do with "Mon entreprise" alone stays open to him
    assert post(plain_user, plain_user.auth, "/contacts", **CONTACT).status_code == 303


def test_the_representatives_hear_when_one_is_added_or_removed(keeper, auth, client, mailbox):
    assert post(client, auth, "/representatives", **person("rep_")).status_code == 303
    told = mailbox.received("jan@example.be")
    assert told and "added Claire Dubois as a legal representative" in told[-1].get_body(("plain",)).get_content()
    link = LegalRepresentative.get(LegalRepresentative.person == Person.get(Person.last_name == "Dubois"))
    assert post(client, auth, f"/representatives/{link.id}/remove").status_code == 303
    assert "removed Claire Dubois" in mailbox.received("claire@musterfirma.de")[-1].get_body(("plain",)).get_content()


def test_a_company_adds_only_so_many_people_a_day(app, keeper, auth, client):
    app.config["RATE_LIMITS"] = {"new-people": 2}
    try:
        for n, first in enumerate(("Anne", "Bert")):
            assert post(client, auth, "/contacts", **person("contact_", first_name=first,
                                                            email=f"p{n}@musterfirma.de")).status_code == 303
        third = post(client, auth, "/contacts", **person("contact_", first_name="Cleo", email="p3@musterfirma.de"))
        assert third.status_code == 422 and "many people today" in body(third) and 'value="Cleo"' in body(third)
    finally:
        app.config.pop("RATE_LIMITS")
    assert ContactPerson.select().count() == 2


def test_no_bis_number_left_is_said_not_crashed(keeper, auth, client, monkeypatch):
    from portal.people import persons as people
    from portal.text.identifiers import NoNumberLeft

    def none_left(*args):
        raise NoNumberLeft("none")

    monkeypatch.setattr(people, "generate_bis", none_left)
    response = post(client, auth, "/contacts", **CONTACT)
    assert response.status_code == 422 and "cannot give a BIS number" in body(response)


def test_the_history_names_each_actor_and_staff_member_in_one_query_however_long(keeper, auth, client):
    from portal.companies.records import history
    from portal.models import StaffMember
    from tests.harness import QueryCount

    agent = StaffMember.create(email="agent@afmps.be", name="Agent Peeters", roles="reviewer inspector finance account_support administrator")
    other = Person.create(niss="90020200218", last_name="Janssens", first_name="Els", sex="F",
                          birth_date="1985-07-30", birth_country="BE", email="els@musterfirma.de")
    for n in range(30):
        CompanyEvent.create(company=keeper.company, actor=(keeper, other, None)[n % 3], staff=agent if n % 3 == 2 else None,
                            action="details_changed", reason=f"change {n}")
    history(keeper.company, 25)  # on PostgreSQL each connection prepares the statement once
    with QueryCount() as queries:
        events = history(keeper.company, 25)
        named = [(event.actor.last_name if event.actor else None, event.staff.name if event.staff else None,
                  event.company.id) for event in events]
    assert len(queries.statements) == 1 and len(events) == 25
    assert {"Janssens", keeper.last_name, None} == {actor for actor, _, _ in named}
    assert {"Agent Peeters", None} == {staff for _, staff, _ in named}
    assert {keeper.company.id} == {company for _, _, company in named}
    page = body(client.get("/en/portal/company"))
    assert re.search(r"change 29 – [^<]* – FAMHP</li>", page) and "Agent Peeters" not in page  # staff stay unnamed
    assert "change 28 – " in page and "Els Janssens" in page


def test_an_address_part_longer_than_the_register_keeps_is_refused_with_a_message(keeper, auth, client):
    response = post(client, auth, "/units", unit_name="Lager", unit_street="Hafenweg", unit_house_number="1" * 21,
                    unit_box="", unit_postcode="20095", unit_city="Hamburg")
    assert response.status_code == 422 and "Keep this to 20 characters at most." in body(response)
    assert 'id="error-unit_house_number"' in body(response)
    assert 'value="Hafenweg"' in body(response) and EstablishmentUnit.select().count() == 0
    french = client.post("/fr/portal/company/details", data={"csrf_token": auth.token, "language": "fr",
                                                              "street": "Rue", "house_number": "1", "box": "",
                                                              "postcode": "9" * 25, "city": "Paris"})
    assert french.status_code == 422 and "20 caractères au maximum." in body(french)


# Issue 27, item 8: a contact person's e-mail is a contact person's, not a legal representative's.
@pytest.mark.parametrize("lang, added, role, manager, not_representative", [
    ("fr", "Jan Peeters vous a ajouté(e) comme personne de contact de Musterfirma GmbH",
     "Une personne de contact est une personne que l'entreprise désigne dans « Mon entreprise »",
     "Le gestionnaire d'accès de Musterfirma GmbH vous désigne ensuite comme utilisateur",
     "Vous êtes représentant légal"),
    ("nl", "Jan Peeters heeft u toegevoegd als contactpersoon van Musterfirma GmbH",
     "Een contactpersoon is iemand die het bedrijf in „Mijn bedrijf” aanduidt",
     "De toegangsbeheerder van Musterfirma GmbH duidt u daarna aan als gebruiker",
     "U bent wettelijke vertegenwoordiger"),
    ("en", "Jan Peeters added you as a contact person of Musterfirma GmbH",
     "A contact person is someone the company names in “My company”",
     "The access manager of Musterfirma GmbH then designates you as a user",
     "You are a legal representative"),
])
def test_a_contact_person_gets_a_contact_persons_email_in_her_language(keeper, auth, client, mailbox, lang, added,
                                                                       role, manager, not_representative):
    Company.update(language=lang).where(Company.id == keeper.company.id).execute()
    assert post(client, auth, "/contacts", **CONTACT).status_code == 303
    claire = Person.get(Person.last_name == "Dubois")
    assert claire.language == lang
    message = mailbox.received("claire@musterfirma.de")[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content().replace("&#39;", "'").replace("&#34;", '"')
    for part in (text, html):
        assert added in part and role in part and manager in part
        assert not_representative not in part and "main access manager" not in part
    assert "Musterfirma GmbH" in message["Subject"]
    assert f"/{lang}/login" in text


def test_a_legal_representative_added_later_is_told_who_added_them_not_that_the_registration_was_validated(
        keeper, auth, client, mailbox):
    Company.update(language="nl").where(Company.id == keeper.company.id).execute()
    assert post(client, auth, "/representatives", **person("rep_")).status_code == 303
    message = mailbox.received("claire@musterfirma.de")[0]
    for part in (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()):
        assert "heeft u toegevoegd als wettelijke vertegenwoordiger van" in part
        assert "hoofdtoegangsbeheerder" in part and "contactpersoon" not in part
        assert "gevalideerd" not in part and "Activeer de hoedanigheid" not in part


def test_the_page_kept_rendered_shows_a_change_made_behind_its_back(keeper, auth, client):
    """The lists are kept rendered by what their rows hold (issue 31): a change that no page of the portal
    made (another app server, an operator's SQL) is on the page at once."""
    unit = EstablishmentUnit.create(company=keeper.company, name="Lager", street="Weg", house_number="1",
                                    postcode="20095", city="Hamburg")
    CompanyEvent.create(company=keeper.company, action="unit_added", reason="Lager")
    assert "Lager" in body(client.get("/en/portal/company"))
    EstablishmentUnit.update(name="Zentrallager").where(EstablishmentUnit.id == unit.id).execute()
    Person.update(last_name="Peeters-Janssens").where(Person.id == keeper.id).execute()
    CompanyEvent.update(reason="Zentrallager").where(CompanyEvent.company == keeper.company).execute()
    again = body(client.get("/en/portal/company"))
    assert "Zentrallager" in again and not re.search(r"\bLager\b", again)  # the unit's row and the history
    assert "Peeters-Janssens" in again  # the legal representative's row
