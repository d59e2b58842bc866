"""Inspectors confirm corrective actions (issue 30): the company's "done", and a due date it moved, wait
for the dossier's inspector, who confirms them or reopens the action with a reason the company reads; the
risk indicator counts only what the inspector confirmed, and the timeline shows both sides' words."""
import pytest

from portal.inspections import actions as corrective_actions
from portal.inspections import risk_indicator
from portal.models import CorrectiveAction, DossierEvent, InspectionDossier
from portal.text.lazy_text import forced
from tests.builders import give_autocontrole
from tests.harness import AuthActions

LATE = "01/01/2020"  # long past: an action due then and not done counts against the company


def body(response):
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def operator(auth):
    return give_autocontrole(auth.company_user())


@pytest.fixture
def inspector(app, db):
    """The dossier's inspector (the inspector's role alone), logged in to the back office."""
    staff_client = app.test_client()
    actions = AuthActions(app, staff_client)
    staff_client.staff = actions.staff(email="inspector@afmps.be", name="Ines Inspectrice", roles=["inspector"])
    staff_client.csrf = actions.token
    return staff_client


@pytest.fixture
def dossier(operator, inspector):
    response = inspector.post(f"/en/staff/companies/{operator.company.id}/inspections",
                              data={"csrf_token": inspector.csrf, "subject": "Routine inspection", "planned_on": ""})
    assert response.status_code == 303
    return InspectionDossier.get()


def save(client, auth, dossier, row=None, **values):
    """The company adds an action, or changes `row`, through its form."""
    data = {"csrf_token": auth.token, "action": "Train the warehouse staff", "owner": "Jan Peeters",
            "due_on": LATE, "status": "planned"}
    data.update(values)
    path = f"/en/portal/controls/{dossier.id}/actions" + (f"/{row.id}" if row else "")
    return client.post(path, data=data)


def seen(action):
    """What the inspector's page shows of the action, as its forms send it back."""
    return {"version": corrective_actions.version(CorrectiveAction.get_by_id(action.id))}


def confirm(inspector, dossier, action):
    return inspector.post(f"/en/staff/inspections/{dossier.id}/actions/{action.id}/confirm",
                          data=dict(seen(action), csrf_token=inspector.csrf))


def reopen(inspector, dossier, action, reason):
    return inspector.post(f"/en/staff/inspections/{dossier.id}/actions/{action.id}/reopen",
                          data=dict(seen(action), csrf_token=inspector.csrf, reason=reason))


def late_actions(company):
    """Whether the risk indicator counts a corrective action of the company as late."""
    with forced("en"):
        risk = risk_indicator.of_companies([company.id])[company.id]
        return "corrective actions past their due date" in [str(reason) for reason in risk.reasons]


def test_done_stays_to_confirm_until_the_inspector_confirms_it(app, operator, auth, client, inspector, dossier):
    assert save(client, auth, dossier).status_code == 303
    action = CorrectiveAction.get()
    with app.app_context():
        assert late_actions(operator.company)
    assert save(client, auth, dossier, action, status="done").status_code == 303
    action = CorrectiveAction.get()
    assert action.status == "done" and action.review == "to_confirm"
    with app.app_context():
        assert late_actions(operator.company)  # the company's word alone does not count
    assert "to confirm by the inspector" in body(client.get(f"/en/portal/controls/{dossier.id}"))
    page = body(inspector.get(f"/en/staff/inspections/{dossier.id}"))
    assert "1 action waits for your confirmation" in page and "to confirm by the inspector" in page
    assert "<strong>1</strong>" in body(inspector.get("/en/staff/inspections"))  # the list's "Actions to confirm"

    assert confirm(inspector, dossier, action).status_code == 303
    assert CorrectiveAction.get().review == "confirmed"
    with app.app_context():
        assert not late_actions(operator.company)
    assert confirm(inspector, dossier, action).status_code == 303  # sent twice: confirmed once
    assert DossierEvent.select().where(DossierEvent.action == "action_confirmed").count() == 1
    timeline = body(client.get(f"/en/portal/controls/{dossier.id}"))
    assert "Corrective action marked done by the company" in timeline
    assert "Corrective action confirmed by the inspector" in timeline and "confirmed by the inspector</strong>" in timeline

    # held as done by the agency: the company no longer changes it, not even by a form it writes itself
    assert f"/actions/{action.id}\"" not in timeline
    refused = save(client, auth, dossier, action, status="planned", due_on="31/12/2099")
    assert refused.status_code == 422 and "holds this action as done" in body(refused)
    assert CorrectiveAction.get().status == "done" and CorrectiveAction.get().due_on.year == 2020


def test_a_moved_due_date_counts_once_the_inspector_confirms_it(app, operator, auth, client, inspector, dossier):
    save(client, auth, dossier)
    action = CorrectiveAction.get()
    assert save(client, auth, dossier, action, due_on="31/12/2099", status="in_progress").status_code == 303
    action = CorrectiveAction.get()
    assert action.review == "to_confirm" and action.agreed_due_on.isoformat() == "2020-01-01"
    with app.app_context():
        assert late_actions(operator.company)  # still late by the date the agency holds
    assert "the agency holds Jan 1, 2020" in body(client.get(f"/en/portal/controls/{dossier.id}"))
    assert "Due date moved by the company" in body(inspector.get(f"/en/staff/inspections/{dossier.id}"))
    # moved back to the date held: nothing left to confirm
    save(client, auth, dossier, action, due_on=LATE, status="in_progress")
    assert CorrectiveAction.get().review == "" and CorrectiveAction.get().agreed_due_on is None
    save(client, auth, dossier, action, due_on="31/12/2099", status="in_progress")
    assert confirm(inspector, dossier, action).status_code == 303
    action = CorrectiveAction.get()
    assert action.review == "confirmed" and action.agreed_due_on is None and action.due_on.year == 2099
    with app.app_context():
        assert not late_actions(operator.company)
    # the confirmed date stays the company's to work by; marking it done asks the inspector again
    save(client, auth, dossier, action, due_on="31/12/2099", status="done")
    assert CorrectiveAction.get().review == "to_confirm"


def test_the_inspector_reopens_with_a_reason_the_company_reads(app, operator, auth, client, inspector, dossier,
                                                              mailbox):
    save(client, auth, dossier)
    action = CorrectiveAction.get()
    save(client, auth, dossier, action, status="done", due_on="31/12/2099")
    before = len(mailbox.received("quality@musterfirma.de"))
    empty = reopen(inspector, dossier, action, "  ")
    assert empty.status_code == 422 and "Say why the action is reopened" in body(empty)
    assert CorrectiveAction.get().review == "to_confirm"
    reason = "The training record is unsigned: send the signed attendance list."
    assert reopen(inspector, dossier, action, reason).status_code == 303
    action = CorrectiveAction.get()
    assert (action.status, action.review, action.review_reason) == ("in_progress", "reopened", reason)
    assert action.due_on.year == 2020 and action.agreed_due_on is None  # back to the date the agency held
    with app.app_context():
        assert late_actions(operator.company)
    told = mailbox.received("quality@musterfirma.de")
    assert len(told) == before + 1  # the hour's limit on e-mails does not hold back a decision
    text = told[-1].get_body(("plain",)).get_content()
    assert "reopened a corrective action" in text and "Train the warehouse staff" in text and reason in text
    page = body(client.get(f"/en/portal/controls/{dossier.id}"))
    assert "reopened by the inspector" in page and reason in page
    assert "Corrective action reopened by the inspector" in page
    # the company answers: marked done again, it waits for the inspector once more
    save(client, auth, dossier, action, status="done")
    assert CorrectiveAction.get().review == "to_confirm" and CorrectiveAction.get().review_reason == ""


def test_an_action_held_as_done_may_be_reopened_and_one_not_done_neither_confirmed_nor_reopened(
        operator, auth, client, inspector, dossier):
    save(client, auth, dossier)
    action = CorrectiveAction.get()
    nothing = confirm(inspector, dossier, action)
    assert nothing.status_code == 422 and CorrectiveAction.get().review == ""
    assert reopen(inspector, dossier, action, "No.").status_code == 422
    save(client, auth, dossier, action, status="done")
    confirm(inspector, dossier, action)
    assert reopen(inspector, dossier, action, "The audit found it undone.").status_code == 303
    assert CorrectiveAction.get().status == "in_progress"


def test_the_inspector_confirms_what_their_page_showed(operator, auth, client, inspector, dossier):
    """The company moves the date, or rewrites the action, while the inspector reads the page: the
    confirmation of what the page showed does not confirm what the company says now."""
    save(client, auth, dossier)
    action = CorrectiveAction.get()
    save(client, auth, dossier, action, status="done")
    shown = seen(action)
    save(client, auth, dossier, action, status="done", due_on="31/12/2099")
    late = inspector.post(f"/en/staff/inspections/{dossier.id}/actions/{action.id}/confirm",
                          data=dict(shown, csrf_token=inspector.csrf))
    assert late.status_code == 422 and "read it again" in body(late)
    assert CorrectiveAction.get().review == "to_confirm"
    late = inspector.post(f"/en/staff/inspections/{dossier.id}/actions/{action.id}/reopen",
                          data=dict(shown, csrf_token=inspector.csrf, reason="Not signed."))
    assert late.status_code == 422 and CorrectiveAction.get().review == "to_confirm"
    shown = seen(action)
    save(client, auth, dossier, action, status="done", due_on="31/12/2099", action="Nothing at all")
    rewritten = inspector.post(f"/en/staff/inspections/{dossier.id}/actions/{action.id}/confirm",
                               data=dict(shown, csrf_token=inspector.csrf))
    assert rewritten.status_code == 422 and CorrectiveAction.get().review == "to_confirm"
    assert confirm(inspector, dossier, action).status_code == 303  # read again: confirmed


def test_a_closed_dossier_takes_no_confirmation_and_another_dossiers_action_is_not_found(
        operator, auth, client, inspector, dossier):
    save(client, auth, dossier)
    action = CorrectiveAction.get()
    save(client, auth, dossier, action, status="done")
    other = inspector.post(f"/en/staff/companies/{operator.company.id}/inspections",
                           data={"csrf_token": inspector.csrf, "subject": "Second visit", "planned_on": ""})
    second = InspectionDossier.get_by_id(int(other.headers["Location"].rsplit("/", 1)[1]))
    assert confirm(inspector, second, action).status_code == 404
    assert reopen(inspector, second, action, "Wrong dossier.").status_code == 404
    inspector.post(f"/en/staff/inspections/{dossier.id}/close", data={"csrf_token": inspector.csrf})
    closed = confirm(inspector, dossier, action)
    assert closed.status_code == 422 and "closed" in body(closed) and CorrectiveAction.get().review == "to_confirm"
    assert 'actions/%d/confirm' % action.id not in body(inspector.get(f"/en/staff/inspections/{dossier.id}"))


def test_a_new_action_already_done_waits_for_the_inspector_too(operator, auth, client, inspector, dossier):
    assert save(client, auth, dossier, status="done").status_code == 303
    assert CorrectiveAction.get().review == "to_confirm"
