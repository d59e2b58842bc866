"""Four eyes (issue 30): a new device for a person's account and a contribution year's parameters take
effect only when a second staff member of the same role approves; nobody approves their own request, two
approvals at once apply the change once, a refusal changes nothing and tells the one who asked why."""
import re

import pytest

from portal.models import Account, AccountEvent, Approval, ContributionYear
from portal.people.staff_roles import ACCOUNT_SUPPORT, FINANCE
from tests.accounts import body
from tests.builders import all_at_once, codes, make_staff, staff_log_in

REASON = "Identity card seen in a video call"
YEAR = {"year": "2033", "entity_cost": "420,00", "turnover_rate": "0,31", "turnover_threshold": "51 000",
        "deadline": ""}


def member(app, email, roles, name=None):
    make_staff(email=email, name=name or email.split("@")[0].title(), roles=roles)
    client = app.test_client()
    client.csrf = staff_log_in(client, email=email)
    return client


@pytest.fixture
def support(app, db, ready_account, person):
    """Three staff members: two of account support (Anna asks, Bert approves), one of finance only."""
    return (member(app, "anna@afmps.be", (ACCOUNT_SUPPORT,), "Anna Asker"),
            member(app, "bert@afmps.be", (ACCOUNT_SUPPORT,), "Bert Approver"),
            member(app, "fien@afmps.be", (FINANCE,), "Fien Finance"))


def ask_new_device(client, person):
    return client.post(f"/en/staff/people/{person.id}/new-device", data={"csrf_token": client.csrf, "reason": REASON})


def waiting():
    return Approval.get(Approval.waiting_key.is_null(False))


def test_nobody_approves_their_own_request(support, person, ready_account):
    anna, _bert, _fien = support
    assert ask_new_device(anna, person).status_code == 303
    approval = waiting()
    for action in ("approve", "refuse"):
        response = anna.post(f"/en/staff/approvals/{approval.id}/{action}", data={"csrf_token": anna.csrf})
        assert response.status_code == 403 and "cannot approve or refuse your own request" in body(response)
    assert Account.get().totp_secret == ready_account.secret and waiting().id == approval.id


def test_only_the_role_of_the_change_decides_it(support, person, ready_account):
    anna, _bert, fien = support
    ask_new_device(anna, person)
    approval = waiting()
    assert fien.get("/en/staff/approvals").status_code == 200  # finance has its own list
    assert f"approvals/{approval.id}/" not in body(fien.get("/en/staff/approvals"))
    for action in ("approve", "refuse", "withdraw"):  # not finance's to decide: as if it did not exist
        assert fien.post(f"/en/staff/approvals/{approval.id}/{action}",
                         data={"csrf_token": fien.csrf}).status_code == 404
    assert Account.get().totp_secret == ready_account.secret


def test_two_approvals_at_once_apply_the_change_once(app, support, person, mailbox):
    anna, bert, _fien = support
    carl = member(app, "carl@afmps.be", (ACCOUNT_SUPPORT,))
    ask_new_device(anna, person)
    approval = waiting()
    responses = all_at_once([lambda c=c: c.post(f"/en/staff/approvals/{approval.id}/approve",
                                                 data={"csrf_token": c.csrf}) for c in (bert, carl)])
    assert codes(responses) == [303, 409]
    assert AccountEvent.select().where(AccountEvent.action == "new_device_allowed").count() == 1
    assert len(mailbox.received("jan@example.be")) == 1
    assert Approval.get_by_id(approval.id).status == Approval.APPROVED


def test_a_refusal_changes_nothing_and_tells_who_asked_why(support, person, ready_account, mailbox):
    anna, bert, _fien = support
    ask_new_device(anna, person)
    approval = waiting()
    bad = bert.post(f"/en/staff/approvals/{approval.id}/refuse", data={"csrf_token": bert.csrf, "reason": "a\u202eb"})
    assert bad.status_code == 422 and "a\u202eb" in body(bad)  # said next to the field, kept
    refused = bert.post(f"/en/staff/approvals/{approval.id}/refuse",
                        data={"csrf_token": bert.csrf, "reason": "Call the person back on the number we know"})
    assert refused.status_code == 303
    assert Account.get().totp_secret == ready_account.secret and not AccountEvent.select().exists()
    decided = Approval.get_by_id(approval.id)
    assert (decided.status, decided.decided_by.email) == (Approval.REFUSED, "bert@afmps.be")
    told = mailbox.received("anna@afmps.be")[-1]
    assert "Bert Approver" in told["Subject"]
    assert "Call the person back" in told.get_body(("plain",)).get_content()
    again = bert.post(f"/en/staff/approvals/{approval.id}/approve", data={"csrf_token": bert.csrf})
    assert again.status_code == 409 and "already" in body(again)  # decided: nothing waits any more
    assert ask_new_device(anna, person).status_code == 303  # a new request may follow


def test_one_request_at_a_time_and_only_its_author_withdraws_it(support, person):
    anna, bert, _fien = support
    ask_new_device(anna, person)
    second = ask_new_device(bert, person)
    assert second.status_code == 409 and "already waits for approval" in body(second) and REASON in body(second)
    approval = waiting()
    assert bert.post(f"/en/staff/approvals/{approval.id}/withdraw", data={"csrf_token": bert.csrf}).status_code == 403
    assert anna.post(f"/en/staff/approvals/{approval.id}/withdraw", data={"csrf_token": anna.csrf}).status_code == 303
    assert Approval.get_by_id(approval.id).status == Approval.WITHDRAWN
    assert not Approval.select().where(Approval.waiting_key.is_null(False)).exists()


def test_a_contribution_years_parameters_wait_for_a_second_member_of_finance(app, db):
    first = member(app, "fien@afmps.be", (FINANCE,), "Fien Finance")
    second = member(app, "gert@afmps.be", (FINANCE,), "Gert Geld")
    asked = first.post("/en/staff/contributions/years", data={"csrf_token": first.csrf, **YEAR})
    assert asked.status_code == 303
    assert "takes effect when a second member of finance approves it" in body(first.get(asked.headers["Location"]))
    assert not ContributionYear.select().exists()
    again = first.post("/en/staff/contributions/years", data={"csrf_token": first.csrf, **YEAR, "entity_cost": "1,00"})
    assert again.status_code == 409 and 'value="1,00"' in body(again)  # what was typed is kept
    page = body(second.get("/en/staff/contributions"))
    assert "Changes waiting for a second approval" in page and "420,00" in page and "Fien Finance" in page
    action = re.search(r'action="(/en/staff/approvals/\d+/approve)"', page).group(1)
    done = second.post(action, data={"csrf_token": second.csrf})
    assert done.status_code == 303 and ContributionYear.get().entity_cost == 420
    history = body(second.get(done.headers["Location"]))
    assert "asked for by Fien Finance" in history and "decided by Gert Geld" in history


def test_parameters_that_no_longer_hold_are_not_applied(app, db):
    """Checked when asked for, and again when approved: nothing changes when they fail then."""
    first = member(app, "fien@afmps.be", (FINANCE,))
    second = member(app, "gert@afmps.be", (FINANCE,))
    first.post("/en/staff/contributions/years", data={"csrf_token": first.csrf, **YEAR})
    approval = waiting()
    Approval.update(payload='{"year": "2033", "entity_cost": "x", "turnover_rate": "0,3", '
                            '"turnover_threshold": "1", "deadline": ""}').where(Approval.id == approval.id).execute()
    refused = second.post(f"/en/staff/approvals/{approval.id}/approve", data={"csrf_token": second.csrf})
    assert refused.status_code == 409 and not ContributionYear.select().exists()
    assert waiting().id == approval.id  # still waits, to be refused
