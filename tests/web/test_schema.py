"""The migrations build exactly the schema the models describe."""
import pytest
from playhouse.schema_diff import diff_models

from portal.data.db import database
from portal.models import ALL_MODELS


def test_migrated_schema_matches_the_models(app, db):
    diff = diff_models(database.obj, ALL_MODELS)
    assert not diff, str(diff)


@pytest.fixture
def before(tmp_path):
    """A separate SQLite database and its migration runner: migrate it up to a migration, add rows as they
    were then, and run the next one over them."""
    from peewee import SqliteDatabase
    from playhouse.migrations import Runner

    from portal.data.migrations import DIRECTORY

    old = SqliteDatabase(str(tmp_path / "before.db"))
    yield old, Runner(old, str(DIRECTORY))
    old.close()


def _old_request(old, token, status="submitted", data="{}"):
    old.execute_sql("INSERT INTO registration (token, status, language, data, vat_status, created_at, updated_at, "
                    "kind) VALUES (?, ?, 'fr', ?, 'not_applicable', '2026-01-01', '2026-01-01', 'registration')",
                    (token, status, data))


def test_the_queue_names_of_requests_already_there_are_filled_from_their_answers(before):
    """0023 adds the column the staff queue reads a request's company name from, and fills it from the
    answers of the requests that were there before (migrated up to 0022 first)."""
    old, runner = before
    runner.up("0022_name_prefixes")
    for token, data in [("named", '{"company": {"name": "Alte Medizin GmbH", "language": "de"}}'),
                        ("nul", '{"company": {"name": "Nul\\u0000 Medical"}}'),
                        ("unnamed", '{"identification": {"country": "DE"}}'), ("odd", '{"company": "?"}'),
                        ("broken", '{"company": ')]:
        _old_request(old, token, data=data)
    assert runner.up("0023_registration_company_name") == ["0023_registration_company_name"]
    names = dict(old.execute_sql("SELECT token, company_name FROM registration").fetchall())
    assert names == {"named": "Alte Medizin GmbH", "nul": "Nul Medical", "unnamed": None, "odd": None,
                     "broken": None}


def test_the_tally_of_requests_already_there_is_filled_and_then_kept(before):
    """0025 counts the requests already sent, by status (drafts not), and its triggers keep the count from
    then on (migrated up to 0024 first)."""
    old, runner = before
    runner.up("0024_queue_indexes")
    for n, status in enumerate(["submitted", "submitted", "validated", "draft", "draft", "refused"]):
        _old_request(old, f"t{n}", status)
    assert runner.up("0025_registration_tally") == ["0025_registration_tally"]
    tally = "SELECT status, requests FROM registration_tally WHERE requests > 0"
    assert dict(old.execute_sql(tally).fetchall()) == {"submitted": 2, "validated": 1, "refused": 1}
    old.execute_sql("UPDATE registration SET status = 'submitted' WHERE status = 'draft'")
    old.execute_sql("UPDATE registration SET status = 'needs_information' WHERE token = 't0'")
    assert dict(old.execute_sql(tally).fetchall()) == {"submitted": 3, "needs_information": 1, "validated": 1,
                                                       "refused": 1}


def test_the_staff_already_there_keep_every_role_and_a_new_one_starts_with_none(before):
    """0026 gives the staff members already there every role, so that nobody loses a page they used."""
    old, runner = before
    runner.up("0025_registration_tally")
    old.execute_sql("INSERT INTO staff_member (email, name, active, created_at) VALUES "
                    "('agent@afmps.be', 'Agent', 1, '2026-01-01')")
    assert runner.up("0026_staff_roles") == ["0026_staff_roles"]
    old.execute_sql("INSERT INTO staff_member (email, name, active, created_at) VALUES "
                    "('new@afmps.be', 'New', 1, '2026-12-01')")
    assert dict(old.execute_sql("SELECT email, roles FROM staff_member").fetchall()) == {
        "agent@afmps.be": "reviewer inspector finance account_support administrator", "new@afmps.be": ""}


def _old_row(old, table, **values):
    """A row as the tables were then: `values`, and a plain value for every other column that needs one."""
    for _, name, kind, not_null, default, key in old.execute_sql(f'PRAGMA table_info("{table}")').fetchall():
        if name not in values and not_null and default is None and not key:
            values[name] = "2026-01-01" if kind.upper() in ("DATE", "DATETIME") else 0 if "INT" in kind.upper() else ""
    old.execute_sql(f'INSERT INTO "{table}" ({", ".join(values)}) VALUES ({", ".join("?" * len(values))})',
                    tuple(values.values()))


def test_actions_already_done_stay_counted_as_done_and_the_others_wait_for_nothing(before):
    """0029: an action marked done before inspectors confirmed actions stays counted as done ("earlier"), as
    the risk indicator counted it then; the others ask nothing of the inspector, their due date held."""
    old, runner = before
    runner.up("0028_staff_events")
    _old_row(old, "company", id=1, name="Alt", country="DE")
    _old_row(old, "inspection_dossier", id=1, company_id=1, subject="Visit")
    for n, status in enumerate(["done", "planned", "in_progress"]):
        _old_row(old, "corrective_action", dossier_id=1, action=f"a{n}", due_on="2020-01-01", status=status)
    assert runner.up("0029_corrective_action_review") == ["0029_corrective_action_review"]
    rows = old.execute_sql("SELECT action, review, review_reason, agreed_due_on FROM corrective_action").fetchall()
    assert sorted(rows) == [("a0", "earlier", "", None), ("a1", "", "", None), ("a2", "", "", None)]


def test_the_inspectors_already_there_keep_every_dossier(before):
    """0030: until then every inspector read every dossier: the staff members holding the inspector's role
    get the second right (all_dossiers), in EVERY_ROLE's order; the others nothing."""
    from portal.people.staff_roles import stored

    old, runner = before
    runner.up("0029_corrective_action_review")
    for email, roles in [("every@afmps.be", "reviewer inspector finance account_support administrator"),
                         ("inspector@afmps.be", "inspector"), ("finance@afmps.be", "finance"),
                         ("none@afmps.be", "")]:
        old.execute_sql("INSERT INTO staff_member (email, name, active, created_at, roles) VALUES "
                        "(?, 'X', 1, '2026-01-01', ?)", (email, roles))
    assert runner.up("0030_all_dossiers") == ["0030_all_dossiers"]
    roles = dict(old.execute_sql("SELECT email, roles FROM staff_member").fetchall())
    assert roles == {"every@afmps.be": "reviewer inspector all_dossiers finance account_support administrator",
                     "inspector@afmps.be": "inspector all_dossiers", "finance@afmps.be": "finance",
                     "none@afmps.be": ""}
    assert all(stored(value.split()) == value for value in roles.values())


def test_the_tally_counts_the_statuses_the_back_office_lists():
    """0025's triggers count the statuses written in the migration; a status added to Registration.SENT
    later needs a migration of its own, or its tab would read nothing."""
    import importlib.util

    from portal.data.migrations import DIRECTORY
    from portal.models import Registration

    spec = importlib.util.spec_from_file_location("tally", DIRECTORY / "0025_registration_tally.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SENT == Registration.SENT


def test_the_tally_s_triggers_are_there_after_every_migration(app, db):
    """A later migration that rebuilds the registration table (playhouse does, on SQLite, for some column
    changes) would drop 0025's triggers without a word, and the queue's tabs would stop counting."""
    from portal.data.db import is_postgres

    if is_postgres():
        rows = database.execute_sql("SELECT tgname FROM pg_trigger WHERE tgrelid = 'registration'::regclass "
                                    "AND NOT tgisinternal").fetchall()
    else:
        rows = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'registration'").fetchall()
    names = {name for (name,) in rows}
    assert {"registration_tallied_insert", "registration_tallied_update", "registration_tallied_delete"} <= names


def test_a_freshly_migrated_database_holds_no_account(db):
    """ASVS 6.3.2: no default account (root, admin, a demo login); staff accounts come from create-staff only."""
    from portal.models import Account, Person, StaffMember

    assert not Account.select().exists() and not StaffMember.select().exists() and not Person.select().exists()
