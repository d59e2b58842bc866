"""Operator commands."""
from portal.models import Activity, Company


def test_migrate_says_the_schema_is_up_to_date(runner):
    result = runner.invoke(args=["portal", "migrate"])
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_seed_demo_fills_a_searchable_list_once(runner, client, db):
    result = runner.invoke(args=["portal", "seed-demo", "--firms", "120"])
    assert result.exit_code == 0 and "Created 120 demo firms" in result.output
    again = runner.invoke(args=["portal", "seed-demo", "--firms", "120"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    assert Company.select().where(Company.is_demo == True).count() == 120  # noqa: E712  (a peewee expression: SQL's = TRUE)
    listed = Company.select().where(Company.listed == True).count()  # noqa: E712  (a peewee expression: SQL's = TRUE)
    assert 100 <= listed < 120  # a few demo firms have only deactivated activities
    assert Company.select(Company.country).distinct().count() >= 15
    assert Activity.select().count() >= 120
    body = client.get("/en/firms").get_data(as_text=True)
    assert f"{listed} registered firms" in body


def test_seed_demo_goes_through_the_real_path(runner, db):
    """Issue 12: agency numbers given by the first notification, one event each, the listing from the activities."""
    from portal.models import ActivityEvent, CompanyNameWord

    runner.invoke(args=["portal", "seed-demo", "--firms", "40"])
    numbers = sorted(number for number, in Company.select(Company.agency_number).where(Company.is_demo == True).tuples())  # noqa: E712  (a peewee expression: SQL's = TRUE)
    assert numbers == [f"{n:06d}" for n in range(1, 41)]  # the next free number, once per firm
    given = ActivityEvent.select().where(ActivityEvent.action == "agency_number").count()
    assert given == 40 and ActivityEvent.select().where(ActivityEvent.action == "notified").count() == \
        Activity.select().count()
    for company in Company.select().where(Company.is_demo == True):  # noqa: E712  (a peewee expression: SQL's = TRUE)
        active = Activity.select().where((Activity.company == company) & Activity.active).exists()
        assert company.listed == active
        assert CompanyNameWord.select().where(CompanyNameWord.company == company).exists()
    srn_kinds = Activity.select().where(Activity.kind.in_(["manufacturer", "importer", "authorised_representative"]))
    assert all(activity.srn for activity in srn_kinds)


def test_seed_demo_adds_one_person_of_each_role_in_development(runner, db):
    from portal.models import Quality, QualityMember

    result = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert result.exit_code == 0 and "Demo people" in result.output
    for role in ("gap", "co_ga", "user", "blocked"):
        assert role in result.output
    demo_firm = QualityMember.select().join(Quality).join(Company).where(Company.is_demo == True)  # noqa: E712  (a peewee expression: SQL's = TRUE)
    assert demo_firm.count() == 4
    again = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert "Demo people" not in again.output and demo_firm.count() == 4


def test_seed_demo_adds_no_people_outside_development(app, runner, db):
    from portal.models import Person

    app.config["DEVELOPMENT"] = False
    runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert not Person.select().exists()


def test_seed_demo_fills_every_tile_of_the_demo_firm_in_development(runner, db):
    from portal.models import ContributionYear, DossierDocument, InspectionDossier, MarketedDevice, Supplier

    result = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert result.exit_code == 0, result.output
    company = Company.select().where(Company.is_demo == True).order_by(Company.id).first()  # noqa: E712  (a peewee expression: SQL's = TRUE)
    assert InspectionDossier.get().company_id == company.id and DossierDocument.get().kind == "report"
    assert Supplier.get().company_id == company.id and Supplier.get().registered_id is not None
    assert MarketedDevice.select().where(MarketedDevice.company == company).count() == 2
    assert ContributionYear.select().exists()
    assert "inspection dossier: INS-" in result.output
    again = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert again.exit_code == 0 and InspectionDossier.select().count() == 1


def test_seed_demo_imports_a_bce_extract_and_links_a_belgian_person_in_development(runner, client, db):
    """Issue 14's demo: a Belgian logs in with the eID simulator, picks an enterprise, sees its BCE data."""
    import re

    from portal.demo.belgians import NISS
    from portal.models import KboEnterprise, LegalRepresentative, Registration

    result = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert result.exit_code == 0, result.output
    assert "BCE demo extract: 200 enterprises" in result.output and "Sofie Janssens" in result.output
    assert KboEnterprise.select().count() == 200
    belgian = Company.select().where(Company.bce_synced_on.is_null(False))
    assert belgian.count() == 2
    assert Registration.select().where((Registration.kind == "belgian") & (Registration.status == "validated")).count() == 2
    assert LegalRepresentative.select().where(LegalRepresentative.company.in_(belgian)).count() == 2
    page = client.get("/nl/login/csam").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/nl/login/csam/simulator", data={"csrf_token": token, "niss": NISS})
    choose = client.get("/nl/portal").get_data(as_text=True)
    first = belgian.order_by(Company.name_key).first()
    assert first.name in choose
    token = re.search(r'name="csrf-token" content="([^"]+)"', choose).group(1)  # the login's new one
    client.post("/nl/portal/company", data={"csrf_token": token, "company": first.id})
    page = client.get("/nl/portal/company").get_data(as_text=True)
    assert first.name in page and 'id="s-bce"' in page
    again = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert again.exit_code == 0 and belgian.count() == 2 and KboEnterprise.select().count() == 200


def test_seed_demo_works_where_nothing_made_the_instance_folder_yet(app, runner, db, tmp_path, monkeypatch):
    """make run on a fresh clone with PORTAL_SECRET_KEY set and the database elsewhere: the instance
    folder, which the development key's creation would have made, does not exist yet."""
    from portal.models import KboEnterprise

    fresh = tmp_path / "fresh-clone" / "instance"
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(fresh))
    result = runner.invoke(args=["portal", "seed-demo", "--firms", "2"])
    assert result.exit_code == 0, result.output
    assert KboEnterprise.select().count() == 200 and (fresh / "kbo-demo-extract.zip").exists()
