"""“Mes activités” (guide 5.3): notify, change, deactivate; the agency number once;
the public list (FAQ 1); the application and another company's ids."""
import datetime

import pytest

from portal.models import Activity, Company, EstablishmentUnit, MemberApplication, Person, Quality, QualityMember


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth):
    """A legal representative whose company activated the quality, with "Activités et Classes"."""
    jan = auth.company_user()
    company = jan.company
    Company.update(main_access_manager=jan).where(Company.id == company.id).execute()
    quality = Quality.create(company=company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": code} for code in ("medseip", "sanac")]).execute()
    return jan


def notify(client, auth, **changes):
    data = {"csrf_token": auth.token, "kind": "distributor", "md": "yes", "classes": ["IIa", "IIb"],
            "unit": "", "srn": "", "started_on": "01/03/2025"}
    data.update(changes)
    return client.post("/en/portal/activities", data=data)


def test_the_first_activity_gives_the_agency_number_and_a_place_in_the_public_list(operator, auth, client):
    company = operator.company
    assert "gets its agency number" in body(client.get("/en/portal/activities"))
    assert notify(client, auth).status_code == 303
    company = Company.get_by_id(company.id)
    assert company.agency_number and company.listed
    assert "Musterfirma GmbH" in body(client.get("/en/firms?name=muster"))
    number = company.agency_number
    assert notify(client, auth, kind="exporter").status_code == 303
    assert Company.get_by_id(company.id).agency_number == number  # once
    page = body(client.get("/en/portal/activities"))
    assert number in page and "Agency number given" in page and "Activity notified" in page


def test_deactivating_the_last_activity_takes_the_firm_off_the_list_but_keeps_its_number(operator, auth, client):
    notify(client, auth)
    activity = Activity.get()
    bad = client.post(f"/en/portal/activities/{activity.id}/deactivate",
                      data={"csrf_token": auth.token, "ended_on": "tomorrow", "end_reason": ""})
    assert bad.status_code == 422 and "Enter the end date" in body(bad) and "Say why" in body(bad)
    done = client.post(f"/en/portal/activities/{activity.id}/deactivate",
                       data={"csrf_token": auth.token, "ended_on": "31/12/2025", "end_reason": "Stopped distributing"})
    assert done.status_code == 303
    company = Company.get_by_id(operator.company.id)
    assert not company.listed and company.agency_number
    assert "Musterfirma GmbH" not in body(client.get("/en/firms?name=muster"))


@pytest.mark.parametrize("changes,field,message", [
    ({"kind": ""}, "kind", "Choose the activity."),
    ({"md": "", "ivd": ""}, "md", "medical devices, in-vitro diagnostic devices or both"),
    ({"classes": []}, "classes", "at least one class"),
    ({"kind": "manufacturer", "srn": ""}, "srn", "single registration number"),
    ({"kind": "manufacturer", "srn": "DE-AR-000012345"}, "srn", "“-MF-”"),
    ({"kind": "importer", "srn": "de-im-12345"}, "srn", "single registration number"),
    ({"started_on": "31/02/2025"}, "started_on", "Enter the start date"),
    ({"ivd": "yes", "classes": ["IIa"]}, "classes", "each kind of device"),
])
def test_what_is_wrong_is_said_next_to_the_field_and_kept(operator, auth, client, changes, field, message):
    response = notify(client, auth, **changes)
    assert response.status_code == 422 and message in body(response)
    assert f'id="error-{field}"' in body(response)
    assert not Activity.select().exists()


def test_a_manufacturer_gives_its_srn_and_the_same_activity_is_not_notified_twice_for_one_place(operator, auth, client):
    assert notify(client, auth, kind="manufacturer", srn="de-mf-000012345", ivd="yes",
                  classes=["I", "A sterile"]).status_code == 303
    activity = Activity.get()
    assert activity.srn == "DE-MF-000012345" and activity.classes == "I|A sterile" and activity.ivds
    again = notify(client, auth, kind="manufacturer", srn="DE-MF-000012345")
    assert again.status_code == 422 and "already notified this activity for this place" in body(again)
    unit = EstablishmentUnit.create(company=operator.company, name="Lager", street="Weg", house_number="1",
                                    postcode="1000", city="Hamburg")
    assert notify(client, auth, kind="manufacturer", srn="DE-MF-000012345", unit=str(unit.id)).status_code == 303


def test_an_activity_is_changed_in_place(operator, auth, client):
    notify(client, auth)
    activity = Activity.get()
    listing = body(client.get("/en/portal/activities"))
    assert 'id="activity-form"' not in listing  # read first: the form comes on demand
    page = body(client.get(f"/en/portal/activities/{activity.id}/edit"))
    assert "Change the activity" in page and 'value="IIa" checked' in page
    assert 'value="01/03/2025"' in page  # the start date as the field's hint says to type it, not 2025-03-01
    response = client.post(f"/en/portal/activities/{activity.id}", data={
        "csrf_token": auth.token, "kind": "distributor", "md": "yes", "classes": ["III"], "unit": "",
        "started_on": "2025-03-01"})
    assert response.status_code == 303 and Activity.get().classes == "III"
    swapped = client.post(f"/en/portal/activities/{activity.id}", headers={"HX-Request": "true"}, data={
        "csrf_token": auth.token, "kind": "distributor", "md": "yes", "classes": ["I"], "unit": "", "started_on": ""})
    assert swapped.status_code == 422 and body(swapped).lstrip().startswith('<li class="row-card editing"')  # in place
    assert "Start date" in body(swapped) and 'value="I" checked' in body(swapped)
    fixed = client.post(f"/en/portal/activities/{activity.id}", headers={"HX-Request": "true"}, data={
        "csrf_token": auth.token, "kind": "distributor", "md": "yes", "classes": ["I"], "unit": "",
        "started_on": "01/03/2025"})
    assert fixed.status_code == 200 and f'<li class="row-card" id="activity-{activity.id}">' in body(fixed)


@pytest.mark.parametrize("lang,since,ended", [
    ("fr", "depuis le 15 janv. 2026", "terminée le 6 déc. 2026"),
    ("nl", "sinds 15 jan 2026", "beëindigd op 6 dec 2026"),
    ("en", "since Jan 15, 2026", "ended on Dec 6, 2026"),
])
def test_the_activities_dates_read_like_the_other_dates_of_the_page(operator, client, lang, since, ended):
    """Not "depuis le 2026-01-15" beside "6 déc. 2026": one way of writing a date per language."""
    company = operator.company
    Activity.create(company=company, kind="distributor", classes="I", started_on=datetime.date(2026, 1, 15))
    Activity.create(company=company, kind="exporter", classes="I", started_on=datetime.date(2025, 3, 1),
                    active=False, ended_on=datetime.date(2026, 12, 6), end_reason="Stopped exporting")
    page = body(client.get(f"/{lang}/portal/activities"))
    assert since in page and ended in page
    assert "2026-01-15" not in page and "2026-12-06" not in page


def test_without_the_application_the_tile_is_closed(operator, auth, client):
    MemberApplication.delete().where(MemberApplication.application == "sanac").execute()
    assert client.get("/en/portal/activities").status_code == 303
    assert notify(client, auth).status_code == 303 and not Activity.select().exists()
    assert "Authentic source of activities and classes" in body(client.get("/en/portal"))


def test_another_companys_activity_is_never_found(operator, auth, client):
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    theirs = Activity.create(company=other, kind="distributor", classes="I", started_on=datetime.date(2024, 1, 1))
    assert client.get(f"/en/portal/activities/{theirs.id}").status_code == 404
    assert client.post(f"/en/portal/activities/{theirs.id}", data={"csrf_token": auth.token, "kind": "exporter",
                                                                   "md": "yes", "classes": ["I"],
                                                                   "started_on": "2025-01-01"}).status_code == 404
    assert client.post(f"/en/portal/activities/{theirs.id}/deactivate", data={
        "csrf_token": auth.token, "ended_on": "2025-01-01", "end_reason": "x"}).status_code == 404
    assert Activity.get_by_id(theirs.id).active and Activity.get_by_id(theirs.id).kind == "distributor"
    foreign_unit = EstablishmentUnit.create(company=other, name="Dépôt", street="Rue", house_number="1",
                                            postcode="75001", city="Paris")
    response = notify(client, auth, unit=str(foreign_unit.id))
    assert response.status_code == 422 and "one of the company's establishment units" in body(response)


def test_an_ended_activity_is_not_changed_and_an_end_reason_holds_no_control_characters(operator, auth, client):
    notify(client, auth)
    activity = Activity.get()
    bad = client.post(f"/en/portal/activities/{activity.id}/deactivate", data={
        "csrf_token": auth.token, "ended_on": "31/12/2025", "end_reason": "a\u202eexe.gpj\x1b[31m"})
    assert bad.status_code == 422 and Activity.get().active
    client.post(f"/en/portal/activities/{activity.id}/deactivate", data={
        "csrf_token": auth.token, "ended_on": "31/12/2025", "end_reason": "Stopped"})
    changed = client.post(f"/en/portal/activities/{activity.id}", data={
        "csrf_token": auth.token, "kind": "importer", "md": "yes", "classes": ["III"], "started_on": "2025-01-01",
        "srn": "DE-IM-000012345"})
    assert changed.status_code == 422 and Activity.get().kind == "distributor"
    assert notify(client, auth, started_on="01/01/0001").status_code == 422


def test_an_activity_names_its_contact_persons_among_the_companys_own(operator, auth, client):
    from portal.models import ActivityContact, ContactPerson

    def contact(company, niss, name):
        person = Person.create(niss=niss, last_name=name, first_name="Alex", sex="F",
                               birth_date=datetime.date(1990, 1, 1), birth_country="FR", email=f"{name}@x.eu")
        return ContactPerson.create(company=company, person=person, function="QA")

    ours = contact(operator.company, "90010100185", "Ours")
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    theirs = contact(other, "90010100284", "Theirs")
    refused = notify(client, auth, contacts=[str(ours.id), str(theirs.id)])
    assert refused.status_code == 422 and "among the company's own" in body(refused)
    assert f'id="contact-{ours.id}" name="contacts" value="{ours.id}" checked' in body(refused)  # kept
    assert notify(client, auth, contacts=[str(ours.id)]).status_code == 303
    activity = Activity.get()
    assert [row.contact_id for row in ActivityContact.select()] == [ours.id]
    page = body(client.get("/en/portal/activities"))
    assert "Contact persons: Alex Ours" in page and "Theirs" not in page
    client.post(f"/en/portal/activities/{activity.id}", data={
        "csrf_token": auth.token, "kind": "distributor", "md": "yes", "classes": ["IIa"], "unit": "",
        "started_on": "2025-03-01"})
    assert not ActivityContact.select().exists()  # none ticked: none named
    assert "Contact persons:" not in body(client.get("/en/portal/activities"))


def test_the_page_kept_rendered_shows_a_change_made_behind_its_back(operator, auth, client):
    """The list and the history are kept rendered by what their rows hold (issue 31): a change no page of
    the portal made (another app server, an operator's SQL) is on the page at once."""
    assert notify(client, auth).status_code == 303
    assert "IIa" in body(client.get("/en/portal/activities"))
    Activity.update(classes="III").execute()
    Person.update(first_name="Johanna").where(Person.id == operator.id).execute()
    again = body(client.get("/en/portal/activities"))
    assert "(III)" in again and "IIa" not in again
    assert "Johanna" in again  # who notified it, in the history
