"""Access management (guide 3.1–3.2.3): the main access manager, the quality,
its managers and users, the portal's gate (FAQ 13), every role × action,
another company's ids, the CSV export, the history."""
import csv
import datetime
import io
import re

import pytest

from portal.models import (
    AccessEvent,
    Account,
    Company,
    LegalRepresentative,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
)
from tests.harness import AuthActions

LR_NISS, COLLEAGUE_NISS, USER_NISS, OTHER_NISS = "85073003328", "00012556777", "70123100141", "90010100185"


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def person(niss, first, last, email, of=None):
    """Someone the portal knows; `of`: a company whose legal representative they are (one of its
    people, whom its managers may designate)."""
    someone = Person.create(niss=niss, last_name=last, first_name=first, sex="F",
                            birth_date=datetime.date(1980, 1, 1), birth_country="DE", email=email, language="en")
    if of is not None:
        LegalRepresentative.create(company=of, person=someone)
    return someone


@pytest.fixture
def gap(auth):
    """A legal representative logged in, designated main access manager of their company."""
    jan = auth.company_user(niss=LR_NISS)
    Company.update(main_access_manager=jan).where(Company.id == jan.company.id).execute()
    return jan


def post(client, auth, path, **data):
    return client.post(f"/en/portal/access{path}", data={"csrf_token": auth.token, **data})


def activate(client, auth, manager="myself", niss=""):
    form = {"quality": "health_institution", "contact_email": "medical@musterfirma.de", "manager": manager,
            "niss": niss}
    review = post(client, auth, "/quality/activate", step="review", **form)
    assert review.status_code == 200 and "Confirm" in body(review), body(review)
    return post(client, auth, "/quality/activate", step="confirm", **form)


def add_user(client, auth, niss, applications=("medseip",), role="user"):
    form = {"niss": niss, "role": role, "title": "mrs", "language": "fr", "email": "user@musterfirma.de",
            "local_email": "", "application": list(applications)}
    assert post(client, auth, "/users/new", step="review", **form).status_code == 200
    return post(client, auth, "/users/new", step="confirm", **form)


# The main access manager and the quality ---------------------------------------------------------

def test_a_legal_representative_designates_the_main_access_manager(auth, client):
    jan = auth.company_user(niss=LR_NISS)
    colleague = person(COLLEAGUE_NISS, "Els", "Janssens", "els@musterfirma.de")
    LegalRepresentative.create(company=jan.company, person=colleague)
    page = body(client.get("/en/portal/access"))
    assert "no main access manager yet" in page
    outsider = person(OTHER_NISS, "Eve", "Outsider", "eve@evil.example")
    refused = post(client, auth, "/main-manager", person=outsider.id)
    assert refused.status_code == 422 and Company.get_by_id(jan.company.id).main_access_manager_id is None
    assert "Choose one of the company's legal representatives." in body(refused)
    assert re.findall(r'<option value="(\d+)"', body(refused)) == [str(jan.id), str(colleague.id)]
    assert post(client, auth, "/main-manager", person=colleague.id).status_code == 303
    assert Company.get_by_id(jan.company.id).main_access_manager_id == colleague.id
    assert AccessEvent.get().action == "gap_designated"
    page = body(client.get("/en/portal/access"))
    assert "<p>Els Janssens</p>" in page and "Hand the role over to" in page
    assert re.search(rf'<option value="{colleague.id}" selected>Els Janssens</option>', page)
    Company.update(main_access_manager=jan).where(Company.id == jan.company.id).execute()
    assert "Jan Peeters – <strong>you</strong>" in body(client.get("/en/portal/access"))


def test_only_the_main_access_manager_activates_the_quality_and_manages_it(gap, auth, client):
    assert client.get("/en/portal").get_data(as_text=True).count("has not activated the quality") == 1
    response = activate(client, auth)
    assert response.status_code == 303 and response.headers["Location"].endswith("/users?done=activated")
    quality = Quality.get()
    assert quality.kind == "health_institution" and quality.contact_email == "medical@musterfirma.de"
    manager = QualityMember.get()
    assert manager.person_id == gap.id and manager.role == "ga"
    assert "medseip" in manager.application_codes()
    page = body(client.get("/en/portal"))
    assert "not valid" not in page and "My contributions" in page  # the portal opens


def test_the_quality_may_be_given_to_a_local_manager_known_by_niss(gap, auth, client):
    colleague = person(COLLEAGUE_NISS, "Els", "Janssens", "els@musterfirma.de", of=gap.company)
    unknown = post(client, auth, "/quality/activate", step="review", quality="health_institution",
                   contact_email="medical@musterfirma.de", manager="other", niss=USER_NISS)
    assert unknown.status_code == 422 and "contact person" in body(unknown)  # FAQ 6's advice
    assert activate(client, auth, manager="other", niss=COLLEAGUE_NISS).status_code == 303
    assert QualityMember.get().person_id == colleague.id


def test_a_user_who_is_not_main_access_manager_cannot_activate(auth, client):
    auth.company_user(niss=LR_NISS)  # a legal representative, but no GAP
    assert client.get("/en/portal/access/quality/activate").status_code == 403
    response = post(client, auth, "/quality/activate", step="confirm", quality="health_institution",
                    contact_email="x@y.eu", manager="myself")
    assert response.status_code == 403 and not Quality.select().exists()


# Users ------------------------------------------------------------------------------------------

def test_the_users_list_filters_by_each_field_pages_and_takes_a_typed_wildcard_as_itself(app, gap, auth, client):
    """Names and e-mail addresses from their first letters in any case, the NISS from its first digits,
    the user name as e-mail or NISS; a % or _ typed matches itself only; 20 to a page, a page past the end
    shows the last; each row counts the user's applications; the export lists every match."""
    activate(client, auth)
    quality = Quality.get(Quality.company == gap.company)
    for n in range(23):
        someone = person(f"8001010{n:02d}{n % 10}", f"First{n:02d}", f"Dupont_{n:02d}" if n < 2 else f"Name{n:02d}",
                         f"user{n}@musterfirma.de")
        member = QualityMember.create(quality=quality, person=someone, role="user", email=f"User{n}@musterfirma.de",
                                      status="blocked" if n == 5 else "active")
        for code in ("medseip", "contributions")[:n % 3]:
            MemberApplication.create(member=member, application=code)

    def listed(query):
        return body(client.get(f"/en/portal/access/users?{query}"))

    everyone = listed("")
    assert "24 users found." in everyone and 'rel="next"' in everyone  # the 23 and the manager
    last = listed("page=9")
    assert "Name22" in last and "Name02" not in last and 'rel="next"' not in last
    assert "One user found." in listed("first_name=FIRST07")
    assert "One user found." in listed("niss=800101007")
    assert "One user found." in listed("username=USER7@")
    assert "One user found." in listed("username=800101007")
    assert "2 users found." in listed("last_name=dupont_")  # the _ typed: Dupont_00, Dupont_01
    assert "No user found." in listed("last_name=dupont%25")  # a % typed is no wildcard
    assert "No user found." in listed("last_name=d_pont")
    assert "One user found." in listed("status=blocked&last_name=name05")
    both = listed("last_name=name04")  # 4 % 3 = 1 application; name05 has 2
    assert re.search(r"Name04.*?<td>1</td>", both, re.S)
    assert re.search(r"Name05.*?<td>2</td>", listed("last_name=name05"), re.S)
    export = client.get("/en/portal/access/users.csv?application=contributions").get_data().decode("utf-8-sig")
    assert len(export.strip().splitlines()) == 1 + 8  # n % 3 == 2 (2, 5, 8, 11, 14, 17, 20) and the manager


def test_a_manager_adds_a_user_with_applications_and_the_user_enters_the_portal(app, gap, auth, client):
    activate(client, auth)
    user = person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    Account.create(person=user, password_hash="x", must_change_password=False)
    form_page = body(client.get(f"/en/portal/access/users/new?niss={USER_NISS}&role=user"))
    assert "Creation of a user" in form_page and "Macron" in form_page and "Authentic source of medical devices" in form_page
    assert add_user(client, auth, USER_NISS, ("medseip", "contributions")).status_code == 303
    member = QualityMember.get(QualityMember.person == user)
    assert member.role == "user" and member.application_codes() == {"medseip", "contributions"}
    listing = body(client.get("/en/portal/access/users"))
    assert "2 users found." in listing and "Macron" in listing
    assert "One user found." in body(client.get("/en/portal/access/users?last_name=mac"))
    assert "One user found." in body(client.get("/en/portal/access/users?application=contributions&type=user"))
    assert "No user found." in body(client.get("/en/portal/access/users?status=blocked"))
    # the user, in another browser: the portal opens, with the tiles their applications allow
    other = AuthActions(app, app.test_client())
    other_client = other.client
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    from portal.people.passwords import hash_password
    Account.update(password_hash=hash_password(other.PASSWORD), totp_secret=secret).where(Account.person == user).execute()
    other._log_in("/en/login/afmps", {"username": USER_NISS}, secret)
    page = body(other_client.get("/en/portal"))
    assert "not valid" not in page
    assert "does not include the application “Authentic source of activities and classes”" in page
    assert "does not include the application “Contributions”" not in page
    assert other_client.get("/en/portal/access/users").status_code == 403  # a user, even a legal representative
    assert other_client.get("/en/portal/access/users.csv").status_code == 403


def test_an_unknown_niss_is_refused_with_the_guides_advice(gap, auth, client):
    activate(client, auth)
    response = client.get(f"/en/portal/access/users/new?niss={USER_NISS}&role=user")
    assert response.status_code == 422 and "contact person in “My company”" in body(response)


def test_block_takes_effect_at_the_next_request_and_unblock_restores(app, gap, auth, client):
    activate(client, auth)
    user = person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    add_user(client, auth, USER_NISS)
    member = QualityMember.get(QualityMember.person == user)
    other = AuthActions(app, app.test_client())
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    from portal.people.passwords import hash_password
    Account.create(person=user, password_hash=hash_password(other.PASSWORD), must_change_password=False,
                   totp_secret=secret)
    other._log_in("/en/login/afmps", {"username": USER_NISS}, secret)
    assert "not valid" not in body(other.client.get("/en/portal"))
    assert post(client, auth, f"/users/{member.id}/block", action="block").status_code == 303
    page = body(other.client.get("/en/portal"))  # the same session, the next click
    assert "blocked your access" in page and "My contributions" not in page
    post(client, auth, f"/users/{member.id}/block", action="unblock")
    assert "not valid" not in body(other.client.get("/en/portal"))
    actions = [event.action for event in AccessEvent.select().order_by(AccessEvent.id)]
    assert actions[-2:] == ["member_blocked", "member_unblocked"]


def test_removing_users_keeps_the_local_manager(gap, auth, client):
    activate(client, auth)
    user = person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    add_user(client, auth, USER_NISS)
    manager = QualityMember.get(QualityMember.role == "ga")
    refused = post(client, auth, "/users/remove", member=[manager.id])
    assert refused.status_code == 422 and "cannot be removed" in body(refused)
    member = QualityMember.get(QualityMember.person == user)
    assert post(client, auth, "/users/remove", member=[member.id]).status_code == 303
    assert QualityMember.select().count() == 1


def test_changing_the_local_manager_and_adding_a_co_manager(gap, auth, client):
    activate(client, auth)
    colleague = person(COLLEAGUE_NISS, "Els", "Janssens", "els@musterfirma.de", of=gap.company)
    co = person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    assert add_user(client, auth, USER_NISS, role="co_ga").status_code == 303
    assert QualityMember.get(QualityMember.person == co).role == "co_ga"
    confirm = client.get(f"/en/portal/access/users/new?niss={COLLEAGUE_NISS}&role=ga")
    assert "becomes the local manager" in body(confirm)
    assert post(client, auth, "/users/new", niss=COLLEAGUE_NISS, role="ga", step="confirm").status_code == 303
    roles = {m.person_id: m.role for m in QualityMember.select()}
    assert roles == {gap.id: "user", co.id: "co_ga", colleague.id: "ga"}
    history = body(client.get("/en/portal/access/history"))
    assert "Access manager changed" in history and "Els Janssens" in history and "by Jan Peeters" in history


def test_a_manager_changes_a_users_applications(gap, auth, client):
    activate(client, auth)
    user = person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    add_user(client, auth, USER_NISS)
    member = QualityMember.get(QualityMember.person == user)
    assert post(client, auth, f"/users/{member.id}", application=["medseip", "sadm", "bogus"]).status_code == 303
    assert member.application_codes() == {"medseip", "sadm"}
    row = re.search(r"<tr>\s*<td><input[^>]+member-%d.*?</tr>" % member.id, body(client.get("/en/portal/access/users")), re.S)
    assert "<td>2</td>" in row.group(0)  # the list, kept rendered (issue 31), counts them at once
    assert post(client, auth, f"/users/{member.id}", application=["medseip"]).status_code == 303
    Person.update(last_name="Macron-Dupont").where(Person.id == user.id).execute()  # behind the portal's back
    row = re.search(r"<tr>\s*<td><input[^>]+member-%d.*?</tr>" % member.id, body(client.get("/en/portal/access/users")), re.S)
    assert "<td>1</td>" in row.group(0) and "Macron-Dupont" in row.group(0)


def test_the_access_manager_allows_a_new_device_with_a_code_to_read_out(gap, auth, client, mailbox):
    activate(client, auth)
    user = person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    Account.create(person=user, password_hash="x", must_change_password=False, totp_secret="JBSWY3DPEHPK3PXP")
    add_user(client, auth, USER_NISS)
    member = QualityMember.get(QualityMember.person == user)
    empty = post(client, auth, f"/users/{member.id}/new-device", reason="")
    assert empty.status_code == 422
    done = post(client, auth, f"/users/{member.id}/new-device", reason="Seen in a video call")
    assert done.status_code == 303
    page = body(client.get(done.headers["Location"]))
    code = re.search(r'<code class="secret enrolment-code">([a-z0-9-]+)</code>', page).group(1)
    account = Account.get(Account.person == user)
    assert account.totp_secret is None and account.enrolment_code_hash
    assert code not in mailbox.received("aline@musterfirma.de")[-1].get_body(("plain",)).get_content()
    assert AccessEvent.select().where(AccessEvent.action == "new_device_allowed").exists()


# The CSV export ------------------------------------------------------------------------------

def test_the_csv_export_reads_well_in_a_spreadsheet_and_runs_nothing(gap, auth, client):
    activate(client, auth)
    person(USER_NISS, "=HYPERLINK(\"http://evil.example\")", "Dürr", "aline@musterfirma.de", of=gap.company)
    add_user(client, auth, USER_NISS)
    response = client.get("/fr/portal/access/users.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())  # a BOM: accents read right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Nom" and len(rows) == 3
    durr = next(row for row in rows if row[0] == "Dürr")
    assert durr[1].startswith("'=")  # a formula is text, not run
    english = client.get("/en/portal/access/users.csv").get_data().decode("utf-8-sig")
    assert english.splitlines()[0].startswith("Last name,First name")


# The gate (FAQ 13) and the company guard ------------------------------------------------------------

def test_the_gate_says_which_cause_applies(gap, auth, client):
    assert "has not activated the quality" in body(client.get("/en/portal"))
    activate(client, auth)
    member = QualityMember.get()
    MemberApplication.delete().where(MemberApplication.application == "medseip").execute()
    assert "does not include the application “MEDSEIP portal”" in body(client.get("/en/portal"))
    QualityMember.delete().where(QualityMember.id == member.id).execute()
    Company.update(main_access_manager=None).execute()
    assert "You are not designated" in body(client.get("/en/portal"))


def test_another_companys_ids_are_never_found(app, gap, auth, client):
    """Every object route of access management, with the ids of another company: 404 or 403, no change."""
    activate(client, auth)
    other_company = Company(country="FR", city="Paris")
    other_company.set_name("Autre SAS")
    other_company.save()
    stranger = person(OTHER_NISS, "Eve", "Stranger", "eve@autre.fr")
    quality = Quality.create(company=other_company, kind="health_institution", contact_email="q@autre.fr")
    theirs = QualityMember.create(quality=quality, person=stranger, role="user", email="eve@autre.fr")
    for method, path, data in [
        ("get", f"/users/{theirs.id}", {}),
        ("post", f"/users/{theirs.id}", {"application": ["medseip"]}),
        ("post", f"/users/{theirs.id}/block", {"action": "block"}),
        ("post", f"/users/{theirs.id}/new-device", {"reason": "x"}),
        ("post", "/users/remove", {"member": [theirs.id]}),
        ("post", "/main-manager", {"person": stranger.id}),
    ]:
        response = client.get(f"/en/portal/access{path}") if method == "get" else post(client, auth, path, **data)
        assert response.status_code in (403, 404, 422), (path, response.status_code)
    assert QualityMember.get_by_id(theirs.id).status == "active" and QualityMember.get_by_id(theirs.id).application_codes() == set()
    assert Company.get_by_id(other_company.id).main_access_manager_id is None
    client.post("/en/portal/company", data={"csrf_token": auth.token, "company": other_company.id})
    page = body(client.get("/en/portal"))
    assert "Autre SAS" not in page


def test_the_route_list_covers_every_object_route_of_access_management(app):
    """A new access route taking an id must be added to the test above."""
    routes = sorted(rule.rule for rule in app.url_map.iter_rules()
                    if rule.endpoint.startswith("access.") and "<int:" in rule.rule)
    assert routes == ["/<lang:lang>/portal/access/users/<int:member_id>",
                      "/<lang:lang>/portal/access/users/<int:member_id>/block",
                      "/<lang:lang>/portal/access/users/<int:member_id>/new-device"]


def test_a_person_of_several_companies_chooses_one_and_can_change(auth, client):
    jan = auth.company_user(niss=LR_NISS)
    second = Company(country="NL", city="Utrecht")
    second.set_name("Tweede BV")
    second.save()
    LegalRepresentative.create(company=second, person=jan)
    page = body(client.get("/en/portal"))
    assert "Choose your profile" in page and "Tweede BV" in page and "Musterfirma GmbH" in page
    assert client.post("/en/portal/company", data={"csrf_token": auth.token, "company": second.id}).status_code == 303
    chosen = body(client.get("/en/portal"))
    assert "Tweede BV" in chosen and "Change company" in chosen
    assert "Tweede BV" in body(client.get("/en/portal?company=999"))  # a link never switches the company
    assert "Choose your profile" in body(client.get("/en/portal?choose=1"))


@pytest.mark.parametrize("role,may_add", [("co_ga", True), ("user", False), ("legal_representative", False)])
def test_who_may_add_users(app, gap, auth, client, role, may_add):
    """Role × action: a co-manager manages users; a user, or a legal representative who is not a
    manager of the quality, does not."""
    activate(client, auth)
    someone = person(COLLEAGUE_NISS, "Els", "Janssens", "els@musterfirma.de", of=gap.company)
    if role != "legal_representative":
        add_user(client, auth, COLLEAGUE_NISS, role=role)
    person(USER_NISS, "Aline", "Macron", "aline@musterfirma.de", of=gap.company)
    other = AuthActions(app, app.test_client())
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    from portal.people.passwords import hash_password
    Account.create(person=someone, password_hash=hash_password(other.PASSWORD), must_change_password=False,
                   totp_secret=secret)
    other._log_in("/en/login/afmps", {"username": COLLEAGUE_NISS}, secret)
    response = add_user(other.client, other, USER_NISS) if may_add else other.client.post(
        "/en/portal/access/users/new", data={"csrf_token": other.token, "niss": USER_NISS, "role": "user",
                                             "title": "", "language": "fr", "email": "a@b.eu", "step": "confirm"})
    assert response.status_code == (303 if may_add else 403)
    assert QualityMember.select().where(QualityMember.person == Person.get(Person.niss == USER_NISS)).exists() is may_add


@pytest.fixture
def contributions_tile(app):
    """A page bound to the application "Contributions", registered before any request."""
    from portal.access_control import application_required

    @app.get("/<lang:lang>/portal/test-contributions")
    @application_required("contributions")
    def test_contributions():
        return "the contributions tile"


def test_a_tile_checks_its_application_at_every_request(contributions_tile, gap, auth, client):
    """What every tile's page and action will do: no application, no page."""
    assert client.get("/en/portal/test-contributions").status_code == 303  # no quality yet
    activate(client, auth)
    assert client.get("/en/portal/test-contributions").get_data(as_text=True) == "the contributions tile"
    MemberApplication.delete().where(MemberApplication.application == "contributions").execute()
    response = client.get("/en/portal/test-contributions")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/portal")


def test_a_manager_cannot_designate_or_reset_another_companys_person(app, gap, auth, client):
    """The review's takeover: a manager added a stranger by NISS, then wiped their authenticator."""
    activate(client, auth)
    other_company = Company(country="FR", city="Paris")
    other_company.set_name("Autre SAS")
    other_company.save()
    stranger = person(OTHER_NISS, "Vic", "Stranger", "vic@autre.fr", of=other_company)
    Account.create(person=stranger, password_hash="x", must_change_password=False, totp_secret="JBSWY3DPEHPK3PXP")
    looked_up = client.get(f"/en/portal/access/users/new?niss={OTHER_NISS}&role=user")
    assert looked_up.status_code == 422 and "Stranger" not in body(looked_up) and "vic@autre.fr" not in body(looked_up)
    form = {"niss": OTHER_NISS, "role": "user", "title": "", "language": "fr", "email": "x@y.eu", "step": "confirm"}
    assert post(client, auth, "/users/new", **form).status_code == 422
    assert not QualityMember.select().where(QualityMember.person == stranger).exists()
    assert Account.get(Account.person == stranger).totp_secret == "JBSWY3DPEHPK3PXP"


def test_a_co_manager_cannot_take_the_local_managers_place_or_touch_them(app, gap, auth, client):
    activate(client, auth)
    co = person(COLLEAGUE_NISS, "Els", "Janssens", "els@musterfirma.de", of=gap.company)
    add_user(client, auth, COLLEAGUE_NISS, role="co_ga")
    other = AuthActions(app, app.test_client())
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    from portal.people.passwords import hash_password
    Account.create(person=co, password_hash=hash_password(other.PASSWORD), must_change_password=False,
                   totp_secret=secret)
    Company.update(main_access_manager=None).execute()  # the GA is no longer GAP: a plain GA
    other._log_in("/en/login/afmps", {"username": COLLEAGUE_NISS}, secret)
    ga = QualityMember.get(QualityMember.role == "ga")
    attempts = [
        other.client.post("/en/portal/access/users/new", data={"csrf_token": other.token, "niss": COLLEAGUE_NISS,
                                                               "role": "ga", "step": "confirm"}),
        other.client.post(f"/en/portal/access/users/{ga.id}/block", data={"csrf_token": other.token,
                                                                          "action": "block"}),
        other.client.post(f"/en/portal/access/users/{ga.id}", data={"csrf_token": other.token,
                                                                    "application": ["sadm"]}),
        other.client.post(f"/en/portal/access/users/{ga.id}/new-device", data={"csrf_token": other.token,
                                                                                "reason": "x"}),
    ]
    assert all(response.status_code in (403, 422) for response in attempts), [r.status_code for r in attempts]
    ga = QualityMember.get_by_id(ga.id)
    assert ga.role == "ga" and ga.status == "active" and "medseip" in ga.application_codes()


def test_crafted_ids_in_a_removal_are_not_found(gap, auth, client):
    activate(client, auth)
    for value in ("²", "abc", "1e3", "99999999999999999999"):
        assert post(client, auth, "/users/remove", member=[value]).status_code == 404
    assert QualityMember.select().count() == 1


@pytest.mark.parametrize("query", ["last_name=" + "a" * 100_000, "last_name=%5C", "last_name=%5C%25",
                                   "username=%27%3B--", "username=" + "9" * 5000, "niss=%00", "page=-5",
                                   "page=99999999999999999999", "page=abc", "application=bogus",
                                   "type=%3Cscript%3E", "first_name=%E2%80%AE"])
def test_hostile_filters_of_the_users_list_never_break_it(gap, auth, client, query):
    """Whatever is typed into the filters or the address (a backslash, a quote, a NUL, a huge page
    number, 100,000 letters), the list and its export answer without an error of the server."""
    activate(client, auth)
    for path in ("/en/portal/access/users", "/en/portal/access/users.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, response.status_code)
