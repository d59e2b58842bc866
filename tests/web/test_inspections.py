"""“Mes contrôles” (guide 5.4): the form the law asks for, dossiers exchanged both ways with
e-mails, the corrective action plan, the inspectors' list and risk indicator; other companies' ids."""
import datetime
import io

import pytest

from portal.models import (
    Activity,
    Company,
    CorrectiveAction,
    DossierDocument,
    InspectionDossier,
    MemberApplication,
    Questionnaire,
)
from tests.builders import NOT_SCANNED, VIRUS_FOUND, a_pdf, an_infected_pdf, give_autocontrole
from tests.harness import EICAR, AuthActions

HTMX = {"HX-Request": "true"}


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth):
    return give_autocontrole(auth.company_user())


@pytest.fixture
def agent(app, db):
    staff_client = app.test_client()
    actions = AuthActions(app, staff_client)
    staff_client.staff = actions.staff(email="inspector@afmps.be", name="Ines Inspectrice")
    staff_client.csrf = actions.token
    return staff_client


FORM = {"employees": "42", "devices_per_year": "1 250 000", "qms": "iso13485", "qms_details": "QS-4411, TÜV SÜD",
        "certificates": "0123; CE-123456; 31/12/2027\n2797; MDR-998; 2028-06-30"}


def send_form(client, auth, action="send", **changes):
    return client.post("/en/portal/controls/form", data=dict(FORM, csrf_token=auth.token, action=action, **changes))


def open_dossier(agent, company, **changes):
    data = {"csrf_token": agent.csrf, "subject": "Routine inspection of the distribution", "planned_on": "15/03/2027",
            "inspector": str(agent.staff.id)}
    data.update(changes)
    return agent.post(f"/en/staff/companies/{company.id}/inspections", data=data)


def upload(client, token, path, data, name="report.pdf", kind="other", note=""):
    return client.post(path, data={"csrf_token": token, "kind": kind, "note": note,
                                   "document": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_law_form_is_a_draft_until_sent_and_the_dashboard_says_so(operator, auth, client):
    assert "The form the law asks for is not sent yet" in body(client.get("/en/portal/tiles/controls", headers=HTMX))
    draft = send_form(client, auth, action="draft", employees="", qms="", qms_details="", certificates="")
    assert draft.status_code == 303 and Questionnaire.get().status == "draft"  # a draft may be incomplete
    wrong = send_form(client, auth, action="draft", employees="about forty")
    assert wrong.status_code == 422 and 'value="about forty"' in body(wrong)  # but not wrong; what was typed stays
    incomplete = send_form(client, auth, employees="", qms="")
    page = body(incomplete)
    assert incomplete.status_code == 422 and "number of employees" in page and "quality system" in page
    bad_lines = send_form(client, auth, certificates="0123; CE-1; 31/12/2027\nTÜV; x\n99; CE; 2027-01-01")
    assert bad_lines.status_code == 422 and "Line 2, 3" in body(bad_lines)
    assert send_form(client, auth).status_code == 303
    form = Questionnaire.get()
    assert form.status == "submitted" and form.employees == 42 and form.devices_per_year == 1_250_000
    assert [row["body"] for row in form.certificate_rows] == ["0123", "2797"]
    assert "not sent yet" not in body(client.get("/en/portal/tiles/controls", headers=HTMX))
    # changed and sent again, as the guide allows; no draft of changes
    assert send_form(client, auth, action="draft").status_code == 422
    assert send_form(client, auth, employees="43").status_code == 303
    assert Questionnaire.get().employees == 43 and Questionnaire.get().first_submitted_at < Questionnaire.get().submitted_at
    assert "Form sent to the agency" in body(client.get("/en/portal/controls/form"))


def test_a_dossier_goes_both_ways_with_an_email_each_time(operator, auth, client, agent, mailbox):
    company = operator.company
    response = open_dossier(agent, company)
    assert response.status_code == 303
    dossier = InspectionDossier.get()
    assert dossier.reference.startswith("INS-") and dossier.inspector_id == agent.staff.id
    opened = mailbox.received("quality@musterfirma.de")[-1]
    assert dossier.reference in opened["Subject"] and "Routine inspection" in opened.get_body(("plain",)).get_content()
    tile = body(client.get("/en/portal/tiles/controls", headers=HTMX))
    assert "1 open dossier" in tile
    assert "Waiting for you" in body(client.get("/en/portal/controls"))

    sent = upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf(), "Our procedures.pdf",
                  note="As asked on the phone.")
    assert sent.status_code == 303
    assert dossier.reference in mailbox.received("inspector@afmps.be")[-1]["Subject"]
    assert InspectionDossier.get_by_id(dossier.id).waiting_for == "agency"
    waiting = body(agent.get("/en/staff/inspections"))
    assert dossier.reference in waiting and "the agency" in waiting

    report = upload(agent, agent.csrf, f"/en/staff/inspections/{dossier.id}/documents", a_pdf(), "Rapport.pdf",
                    kind="report")
    assert report.status_code == 303
    assert len(mailbox.received("quality@musterfirma.de")) == 2
    document = DossierDocument.get(DossierDocument.filename == "Rapport.pdf")
    served = client.get(f"/en/portal/controls/{dossier.id}/documents/{document.id}")
    assert served.status_code == 200 and served.data.startswith(b"%PDF")
    assert served.headers["Content-Disposition"] == f"inline; filename={dossier.reference}-{document.id}.pdf"
    assert "sandbox" in served.headers["Content-Security-Policy"] and "no-store" in served.headers["Cache-Control"]

    plan = client.post(f"/en/portal/controls/{dossier.id}/actions", data={
        "csrf_token": auth.token, "action": "Train the warehouse staff", "owner": "Jan Peeters",
        "due_on": "30/04/2027", "status": "planned"})
    assert plan.status_code == 303
    action = CorrectiveAction.get()
    done = client.post(f"/en/portal/controls/{dossier.id}/actions/{action.id}", data={
        "csrf_token": auth.token, "action": action.action, "owner": action.owner, "due_on": "30/04/2027",
        "status": "done"})
    assert done.status_code == 303 and CorrectiveAction.get().status == "done"
    timeline = body(client.get(f"/en/portal/controls/{dossier.id}"))
    for entry in ("Dossier opened by the agency", "Document added", "Corrective action added",
                  "Corrective action marked done by the company", "As asked on the phone."):
        assert entry in timeline, entry

    closed = agent.post(f"/en/staff/inspections/{dossier.id}/close", data={"csrf_token": agent.csrf,
                                                                          "reason": "No finding left."})
    assert closed.status_code == 303 and InspectionDossier.get().status == "closed"
    late = upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf())
    assert late.status_code == 422 and "closed" in body(late)


def test_a_document_is_judged_by_its_content_and_what_was_typed_stays(operator, auth, client, agent):
    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    path = f"/en/portal/controls/{dossier.id}/documents"
    refused = upload(client, auth.token, path, b"MZ\x90\x00 a program", "report.pdf", note="Please read")
    assert refused.status_code == 422 and "not accepted" in body(refused) and "Please read" in body(refused)
    nothing = upload(client, auth.token, path, b"", "")
    assert nothing.status_code == 422 and "Choose the file" in body(nothing)
    assert not DossierDocument.select().exists()


def test_another_companys_dossier_is_never_found(operator, auth, client, agent):
    other = Company(country="FR", city="Paris")
    other.set_name("Autre SAS")
    other.save()
    open_dossier(agent, other)
    theirs = InspectionDossier.get()
    upload(agent, agent.csrf, f"/en/staff/inspections/{theirs.id}/documents", a_pdf(), kind="report")
    document = DossierDocument.get()
    assert client.get(f"/en/portal/controls/{theirs.id}").status_code == 404
    assert client.get(f"/en/portal/controls/{theirs.id}/documents/{document.id}").status_code == 404
    assert upload(client, auth.token, f"/en/portal/controls/{theirs.id}/documents", a_pdf()).status_code == 404
    assert client.post(f"/en/portal/controls/{theirs.id}/actions", data={
        "csrf_token": auth.token, "action": "x", "owner": "y", "due_on": "01/01/2027"}).status_code == 404
    open_dossier(agent, operator.company)
    mine = InspectionDossier.get(InspectionDossier.company == operator.company)
    assert client.get(f"/en/portal/controls/{mine.id}/documents/{document.id}").status_code == 404
    assert "Autre SAS" not in body(client.get("/en/portal/controls"))
    assert client.get("/en/staff/inspections").status_code == 303  # the back office is not theirs


def test_without_autocontrole_the_tile_is_closed(operator, auth, client):
    MemberApplication.delete().where(MemberApplication.application == "autocontrole").execute()
    assert client.get("/en/portal/controls").status_code == 303
    assert send_form(client, auth).status_code == 303 and not Questionnaire.select().exists()
    assert client.get("/en/portal/tiles/controls", headers=HTMX).status_code == 403


def test_the_risk_indicator_adds_up_as_the_inspectors_page_explains(operator, auth, client, agent):
    from portal.inspections import risk_indicator

    company = operator.company
    with client.application.app_context():
        assert risk_indicator.of_companies([company.id])[company.id].score == 2  # only: the form is not sent
    Activity.create(company=company, kind="manufacturer", classes="Is|III", started_on=datetime.date(2024, 1, 1))
    send_form(client, auth, qms="none", qms_details="")
    open_dossier(agent, company)
    dossier = InspectionDossier.get()
    CorrectiveAction.create(dossier=dossier, action="late", owner="x", due_on=datetime.date(2020, 1, 1))
    with client.application.app_context():
        found = risk_indicator.of_companies([company.id])[company.id]
    assert found.score == 3 + 1 + 2 + 2 + 1 + 1 and found.level[0] == "high"
    page = body(agent.get("/en/staff/inspections"))
    assert "How the risk indicator is computed" in page and ">high<" in page


def test_three_billion_devices_is_a_number_not_a_crash(operator, auth, client):
    """The review's finding: the column was 32 bits wide, PostgreSQL answered 500."""
    assert send_form(client, auth, devices_per_year="3 000 000 000").status_code == 303
    assert Questionnaire.get().devices_per_year == 3_000_000_000
    too_many = send_form(client, auth, devices_per_year="9" * 14)
    assert too_many.status_code == 422 and "whole number" in body(too_many)


def test_ten_saves_make_one_email_and_every_change_is_on_the_timeline(operator, auth, client, agent, mailbox):
    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    path = f"/en/portal/controls/{dossier.id}/actions"
    client.post(path, data={"csrf_token": auth.token, "action": "Train the staff", "owner": "Jan",
                            "due_on": "30/04/2027", "status": "planned"})
    action = CorrectiveAction.get()
    for status, due in (("in_progress", "30/06/2027"), ("done", "30/06/2027"), ("planned", "31/12/2027")):
        client.post(f"{path}/{action.id}", data={"csrf_token": auth.token, "action": "Train the staff",
                                                 "owner": "Jan", "due_on": due, "status": status})
    assert len(mailbox.received("inspector@afmps.be")) == 1
    timeline = body(client.get(f"/en/portal/controls/{dossier.id}"))
    assert "30/04/2027 → 30/06/2027, Planned → In progress" in timeline
    assert "30/06/2027 → 31/12/2027, Done → Planned" in timeline
    ancient = client.post(f"{path}/{action.id}", data={"csrf_token": auth.token, "action": "x", "owner": "y",
                                                       "due_on": "01/01/0001", "status": "done"})
    assert ancient.status_code == 422


def test_a_company_sends_only_so_many_documents_a_day(app, operator, auth, client, agent):
    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    app.config["RATE_LIMITS"] = {"documents": 2}
    try:
        for n in range(2):
            assert upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf()).status_code == 303
        third = upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf(), note="third")
        assert third.status_code == 422 and "many documents today" in body(third) and "third" in body(third)
    finally:
        app.config.pop("RATE_LIMITS")


def test_past_the_daily_quota_a_file_costs_no_check(app, operator, auth, client, agent, monkeypatch):
    """The quota is counted before the file is read: uploads past it cost the servers nothing."""
    from portal.inspections import documents

    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    checked = []
    real_check = documents.check
    monkeypatch.setattr(documents, "check", lambda data: checked.append(len(data)) or real_check(data))
    app.config["RATE_LIMITS"] = {"documents": 1}
    try:
        assert upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf()).status_code == 303
        for hostile in (a_pdf(), b"PK\x03\x04" + b"\0" * 100_000):
            past = upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", hostile, note="kept")
            assert past.status_code == 422 and "many documents today" in body(past) and "kept" in body(past)
        assert len(checked) == 1 and DossierDocument.select().count() == 1
    finally:
        app.config.pop("RATE_LIMITS")


def test_a_document_over_ten_megabytes_is_refused_and_nothing_is_kept(operator, auth, client, agent, monkeypatch):
    from portal.inspections import documents

    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    response = upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf() + b" " * 2000)
    assert response.status_code == 422 and "larger than 10 MB" in body(response)
    assert not DossierDocument.select().exists()


def test_a_document_carrying_a_virus_or_not_scanned_is_refused_on_both_sides(app, operator, auth, client, agent,
                                                                               virus_scanner, tmp_path):
    """Every kind of file is scanned, before its kind is even looked at (the test virus alone is no kind the
    inspectors take, yet it is refused as a virus)."""
    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    for sender, token, path in ((client, auth.token, f"/en/portal/controls/{dossier.id}/documents"),
                                (agent, agent.csrf, f"/en/staff/inspections/{dossier.id}/documents")):
        for infected in (an_infected_pdf(), EICAR):
            refused = upload(sender, token, path, infected, note="Kept note")
            assert refused.status_code == 422 and VIRUS_FOUND in body(refused)
            assert "Kept note" in body(refused)
        app.config["CLAMD_SOCKET"] = str(tmp_path / "stopped-clamd.sock")
        unscanned = upload(sender, token, path, a_pdf(), note="Kept note")
        assert unscanned.status_code == 422 and NOT_SCANNED in body(unscanned)
        assert "Kept note" in body(unscanned)
        app.config["CLAMD_SOCKET"] = virus_scanner.socket
    assert not DossierDocument.select().exists()
    assert upload(client, auth.token, f"/en/portal/controls/{dossier.id}/documents", a_pdf()).status_code == 303
    assert upload(agent, agent.csrf, f"/en/staff/inspections/{dossier.id}/documents", a_pdf()).status_code == 303
    assert DossierDocument.select().count() == 2


def test_the_action_plan_is_read_first_and_an_action_is_updated_in_place(operator, auth, client, agent):
    """Issue 31: the dossier's page shows no action form; "Update" brings one row's form (alone for htmx, on a
    page of its own without), an error answers 422 with that form and what was typed, saving the row."""
    open_dossier(agent, operator.company)
    dossier = InspectionDossier.get()
    path = f"/en/portal/controls/{dossier.id}/actions"
    client.post(path, data={"csrf_token": auth.token, "action": "Train the staff", "owner": "Jan",
                            "due_on": "30/04/2027", "status": "planned"})
    action = CorrectiveAction.get()
    page = body(client.get(f"/en/portal/controls/{dossier.id}"))
    assert 'name="owner"' not in page and f"{path}/{action.id}/edit" in page
    htmx = {"HX-Request": "true"}
    form = body(client.get(f"{path}/{action.id}/edit", headers=htmx))
    assert form.lstrip().startswith(f'<li class="row-card editing" id="action-{action.id}">') and "<html" not in form
    assert "<html" in body(client.get(f"{path}/{action.id}/edit"))  # without JavaScript: a page
    wrong = client.post(f"{path}/{action.id}", headers=htmx, data={
        "csrf_token": auth.token, "action": "Train the whole staff", "owner": "Jan", "due_on": "31/02/2027",
        "status": "in_progress"})
    assert wrong.status_code == 422 and "Train the whole staff" in body(wrong) and "<html" not in body(wrong)
    saved = client.post(f"{path}/{action.id}", headers=htmx, data={
        "csrf_token": auth.token, "action": "Train the whole staff", "owner": "Jan", "due_on": "28/02/2027",
        "status": "in_progress"})
    assert saved.status_code == 200 and f'<li class="row-card" id="action-{action.id}">' in body(saved)
    assert CorrectiveAction.get().action == "Train the whole staff"
    assert client.get(f"{path}/{action.id}").headers["Location"].endswith(f"#action-{action.id}")
    assert client.get(f"/en/portal/controls/{dossier.id}/timeline").status_code == 200


def test_the_dossier_kept_rendered_shows_a_change_made_behind_its_back(operator, auth, client, agent):
    """Documents, actions and timeline are kept rendered by what their rows hold (issue 31): a change no
    page of the portal made is on the page at once."""
    assert open_dossier(agent, operator.company).status_code == 303
    dossier = InspectionDossier.get()
    path = f"/en/portal/controls/{dossier.id}"
    assert upload(client, auth.token, f"{path}/documents", a_pdf(), note="First version").status_code == 303
    assert "First version" in body(client.get(path))
    DossierDocument.update(note="Second version").execute()
    CorrectiveAction.create(dossier=dossier, action="Calibrate the scales", owner="QA", due_on=datetime.date(2027, 1, 31))
    again = body(client.get(path))
    documents = again.split('id="s-documents"')[1].split('id="s-actions"')[0]
    assert "Second version" in documents and "First version" not in documents  # the timeline keeps what was said
    assert "Calibrate the scales" in again


def test_a_dossier_shows_its_documents_twenty_at_a_time_on_both_sides(operator, auth, client, agent):
    assert open_dossier(agent, operator.company).status_code == 303
    dossier = InspectionDossier.get()
    for n in range(23):
        DossierDocument.create(dossier=dossier, kind="other", filename=f"file-{n:02d}.pdf", content_type="application/pdf",
                               extension="pdf", size=1024, content=b"%PDF", person=operator,
                               created_at=datetime.datetime(2026, 1, 1, 9, n))
    for path, other in ((f"/en/portal/controls/{dossier.id}", client), (f"/en/staff/inspections/{dossier.id}", agent)):
        first = body(other.get(path))
        assert "file-22.pdf" in first and "file-03.pdf" in first and "file-02.pdf" not in first  # newest first
        assert f'href="{path}?documents=2"' in first
        second = other.get(f"{path}?documents=2", headers=HTMX)  # the list alone, for htmx to swap
        assert second.status_code == 200 and "<html" not in body(second)
        assert "file-02.pdf" in body(second) and "file-00.pdf" in body(second) and "file-03.pdf" not in body(second)
        assert "file-00.pdf" in body(other.get(f"{path}?documents=99"))  # past the end: the last page
