"""Staff roles (issue 30, ASVS 8.2.1): each staff member holds one or more of reviewer, inspector,
finance, account support and administrator, as space-separated codes. The staff members already there
keep everything they could do: every role."""
EVERY_ROLE = "reviewer inspector finance account_support administrator"


def up(migrator, db):
    db.execute_sql("ALTER TABLE \"staff_member\" ADD COLUMN \"roles\" VARCHAR(200) NOT NULL DEFAULT ''")
    db.execute_sql("UPDATE \"staff_member\" SET \"roles\" = %s" % db.param, (EVERY_ROLE,))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('staff_member', 'roles'))
