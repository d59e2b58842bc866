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
    assert Company.select().count() == 120
    listed = Company.select().where(Company.listed == True).count()  # noqa: E712
    assert 100 <= listed < 120  # a few demo firms have only deactivated activities
    assert Company.select(Company.country).distinct().count() >= 15
    assert Activity.select().count() >= 120
    body = client.get("/en/firms").get_data(as_text=True)
    assert f"{listed} registered firms" in body


def test_seed_demo_goes_through_the_real_path(runner, db):
    """Issue 12: agency numbers given by the first notification, one event each, the listing from the activities."""
    from portal.models import ActivityEvent, CompanyNameWord

    runner.invoke(args=["portal", "seed-demo", "--firms", "40"])
    numbers = sorted(number for number, in Company.select(Company.agency_number).tuples())
    assert numbers == [f"{n:06d}" for n in range(1, 41)]  # the next free number, once per firm
    given = ActivityEvent.select().where(ActivityEvent.action == "agency_number").count()
    assert given == 40 and ActivityEvent.select().where(ActivityEvent.action == "notified").count() == \
        Activity.select().count()
    for company in Company.select():
        active = Activity.select().where((Activity.company == company) & Activity.active).exists()
        assert company.listed == active
        assert CompanyNameWord.select().where(CompanyNameWord.company == company).exists()
    srn_kinds = Activity.select().where(Activity.kind.in_(["manufacturer", "importer", "authorised_representative"]))
    assert all(activity.srn for activity in srn_kinds)


def test_seed_demo_adds_one_person_of_each_role_in_development(runner, db):
    from portal.models import QualityMember

    result = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert result.exit_code == 0 and "Demo people" in result.output
    for role in ("gap", "co_ga", "user", "blocked"):
        assert role in result.output
    assert QualityMember.select().count() == 4
    again = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert "Demo people" not in again.output and QualityMember.select().count() == 4


def test_seed_demo_adds_no_people_outside_development(app, runner, db):
    from portal.models import Person

    app.config["DEVELOPMENT"] = False
    runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert not Person.select().exists()


def test_seed_demo_fills_every_tile_of_the_demo_firm_in_development(runner, db):
    from portal.models import ContributionYear, DossierDocument, InspectionDossier, MarketedDevice, Supplier

    result = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert result.exit_code == 0, result.output
    company = Company.select().where(Company.is_demo == True).order_by(Company.id).first()  # noqa: E712
    assert InspectionDossier.get().company_id == company.id and DossierDocument.get().kind == "report"
    assert Supplier.get().company_id == company.id and Supplier.get().registered_id is not None
    assert MarketedDevice.select().where(MarketedDevice.company == company).count() == 2
    assert ContributionYear.select().exists()
    assert "inspection dossier: INS-" in result.output
    again = runner.invoke(args=["portal", "seed-demo", "--firms", "5"])
    assert again.exit_code == 0 and InspectionDossier.select().count() == 1
