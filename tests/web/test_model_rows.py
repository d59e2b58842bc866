"""The prepared queries' rows, made into models by model_rows' plans, are the
models peewee itself makes from the same rows: same data, same joined models
(an outer join that found nothing is None), same extra columns, nothing
marked as changed. Checked on every prepared read of a round through the
portal: a company's people, an access manager, the back office and a wizard."""
import pytest
from peewee import Model

from portal.applications import APPLICATIONS
from portal.models import Company, MemberApplication, Quality, QualityMember, RecoveryCode
from portal.prepared import Prepared
from tests.harness import AuthActions
from tests.web.test_backoffice import submitted_request


class _Rows:
    """A cursor over rows already read, for peewee's own reading."""

    def __init__(self, rows, description):
        self.rows, self.description = list(rows), description

    def fetchone(self):
        return self.rows.pop(0) if self.rows else None

    def fetchall(self):
        rows, self.rows = self.rows, []
        return rows

    def close(self):
        pass

    def fetchmany(self, size):
        rows, self.rows = self.rows[:size], self.rows[size:]
        return rows


def snapshot(value, depth=0):
    """Everything a model carries that code may read, joined models included."""
    if not isinstance(value, Model) or depth > 4:
        return value
    attributes = {name: snapshot(other, depth + 1) for name, other in vars(value).items()
                  if name not in ("__data__", "__rel__", "_dirty")}
    return (type(value).__name__, dict(value.__data__), {name: snapshot(other, depth + 1)
                                                          for name, other in value.__rel__.items()},
            attributes, set(value._dirty))


@pytest.fixture
def compared(monkeypatch):
    """Each prepared read made both ways; the shapes read by a plan, counted."""
    seen = {}
    original = Prepared._read

    def both(self, query, cursor):
        rows, description = cursor.fetchall(), cursor.description
        fast = original(self, query, _Rows(rows, description))
        read, state = next(iter(self.readers.values()))
        wrapper = query._get_cursor_wrapper(_Rows(rows, description))
        vars(wrapper).update(state)
        wrapper.initialized = True
        slow = list(wrapper)
        assert [snapshot(row) for row in fast] == [snapshot(row) for row in slow], self.name
        if read is not None:
            seen[self.name] = seen.get(self.name, 0) + len(rows)
        return fast

    monkeypatch.setattr(Prepared, "_read", both)
    return seen


def test_the_models_of_a_round_through_the_portal_are_peewees_own(app, client, auth, compared):
    jan = auth.company_user()
    company = jan.company
    Company.update(main_access_manager=jan).where(Company.id == company.id).execute()
    for path in ("/en/portal", "/en/portal/account", "/en/portal/access"):  # no quality yet: outer joins find none
        assert client.get(path, headers={"HX-Request": "true"} if "/tiles/" in path else {}).status_code == 200, path
    quality = Quality.create(company=company, kind="health_institution", contact_email="q@musterfirma.de")
    member = QualityMember.create(quality=quality, person=jan, role="ga", email=jan.email)
    MemberApplication.insert_many([{"member": member.id, "application": code} for code in APPLICATIONS]).execute()
    RecoveryCode.delete().execute()
    for path in ("/en/portal", "/en/portal/account", "/en/portal/tiles/company", "/en/portal/tiles/activities",
                 "/en/portal/tiles/controls", "/en/portal/tiles/contributions", "/en/portal/tiles/partners",
                 "/en/portal/access", "/en/portal/company", "/en/portal/partners"):
        assert client.get(path, headers={"HX-Request": "true"} if "/tiles/" in path else {}).status_code == 200, path

    request = submitted_request(app)
    staff_client = app.test_client()
    AuthActions(app, staff_client).staff()
    for path in ("/en/staff/registrations", f"/en/staff/registrations/{request.id}", "/en/staff/registrations?tab=all"):
        assert staff_client.get(path).status_code == 200, path

    assert len(compared) >= 6, compared  # who is asking, their companies, the queue, a request and its trail…
    assert sum(compared.values()) >= 12

