"""Every trail (issue 31): its page shows the last 10 entries and "See the whole history", which leads to
the trail's own pages, newest first, 50 a page; nothing older is ever out of reach, on the company's
side as on the agency's."""
import re

import pytest

from portal.models import (
    Account,
    AccountEvent,
    CompanyEvent,
    MemberApplication,
    PartnerEvent,
    Quality,
    QualityMember,
    QuestionnaireEvent,
    StaffEvent,
)
from tests.builders import give_autocontrole
from tests.harness import AuthActions


def body(response):
    return response.get_data(as_text=True)


def entries(page):
    return re.findall(r"<li><strong>[^<]*</strong>[^<]*?(entry \d+)", page)


@pytest.fixture
def staff_client(app, db):
    client = app.test_client()
    client.staff = AuthActions(app, client).staff(email="auditor@afmps.be", name="Audrey Auditor")
    return client


def give(person, application):
    quality = Quality.get_or_none(Quality.company == person.company) or Quality.create(
        company=person.company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.get_or_none(QualityMember.person == person) or QualityMember.create(
        quality=quality, person=person, role="ga", email=person.email)
    MemberApplication.insert_many([{"member": member.id, "application": application}]).execute()


def check_trail(client, page_path, history_path, count=61):
    """The page: the 10 newest, and the link; the history: 50 a page, then the rest, then 404."""
    page = body(client.get(page_path))
    assert entries(page) == [f"entry {n}" for n in range(count - 1, count - 11, -1)]
    assert f'href="{history_path}"' in page and "See the whole history" in page
    first = client.get(history_path)
    assert first.status_code == 200
    assert entries(body(first)) == [f"entry {n}" for n in range(count - 1, count - 51, -1)]
    assert f'href="{page_path}"' in body(first)  # back to the page the trail belongs to
    assert f"{history_path}?page=2" in body(first)  # the pager leads to this same trail's next page
    second = body(client.get(f"{history_path}?page=2"))
    assert entries(second) == [f"entry {n}" for n in range(count - 51, -1, -1)]
    assert client.get(f"{history_path}?page=3").status_code == 404


def test_the_company_side_trails_are_paged(auth, client):
    jan = give_autocontrole(auth.company_user())
    for application in ("saa", "sara"):
        give(jan, application)
    for n in range(61):
        CompanyEvent.create(company=jan.company, actor=jan, action="details_changed", reason=f"entry {n}")
        PartnerEvent.create(company=jan.company, actor=jan, action="supplier_added", reason=f"entry {n}")
    check_trail(client, "/en/portal/company", "/en/portal/company/history")
    check_trail(client, "/en/portal/partners", "/en/portal/partners/history")


def test_the_law_forms_history_is_paged(auth, client):
    jan = give_autocontrole(auth.company_user())
    for n in range(12):
        QuestionnaireEvent.create(company=jan.company, actor=jan, action=f"entry {n}")
    page = body(client.get("/en/portal/controls/form"))
    assert len(re.findall(r"<li><strong>entry \d+</strong>", page)) == 10 and "entry 11" in page and "entry 1<" not in page
    history = body(client.get("/en/portal/controls/form/history"))
    assert len(re.findall(r"<li><strong>entry \d+</strong>", history)) == 12


def test_the_agencys_trails_are_paged_and_guarded_like_their_pages(app, auth, staff_client):
    jan = auth.company_user()
    account = Account.get(Account.person == jan)
    for n in range(61):
        CompanyEvent.create(company=jan.company, staff=staff_client.staff, action="details_changed", reason=f"entry {n}")
        AccountEvent.create(account=account, staff=staff_client.staff, action="blocked", reason=f"entry {n}")
        StaffEvent.create(member=staff_client.staff, staff=staff_client.staff, action="roles", reason=f"entry {n}")
    company = f"/en/staff/companies/{jan.company.id}"
    page = body(staff_client.get(company))
    assert "entry 60 – " in page and "Audrey Auditor (FAMHP)" in page and "entry 50 –" not in page
    history = body(staff_client.get(f"{company}/history"))
    assert "entry 11 – " in history and "entry 10 –" not in history  # 50 a page, newest first
    person = body(staff_client.get(f"/en/staff/people/{jan.id}"))
    assert "entry 51" in person and "entry 50" not in person
    assert f'href="/en/staff/people/{jan.id}/history"' in person
    assert "entry 11" in body(staff_client.get(f"/en/staff/people/{jan.id}/history"))
    member = f"/en/staff/members/{staff_client.staff.id}"
    assert "entry 51" in body(staff_client.get(member)) and "entry 50" not in body(staff_client.get(member))
    assert "entry 0" in body(staff_client.get(f"{member}/history?page=2"))
    # An inspector is not account support nor an administrator: those trails stay closed to them.
    inspector = app.test_client()
    AuthActions(app, inspector).staff(email="ines@afmps.be", name="Ines", roles=("inspector",))
    assert inspector.get(f"/en/staff/people/{jan.id}/history").status_code == 403
    assert inspector.get(f"{member}/history").status_code == 403
