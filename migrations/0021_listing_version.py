"""A version of the public list of firms: every change to a company or an activity moves it on (by a
trigger, whatever code makes the change), so that every app server knows when its rendered pages of the
list are out of date with one cheap read.

SQLite: a one-row table, updated in the writing transaction (writers take turns; readers see the new
version with the new rows). PostgreSQL: a sequence, moved on by a trigger deferred to the commit, so that
no transaction waits on a shared row (that row lock, taken after a company's row lock in one transaction
and before it in another, could deadlock)."""
from peewee import PostgresqlDatabase

TABLES = ("company", "activity")


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('CREATE SEQUENCE listing_version_seq')
        db.execute_sql('CREATE FUNCTION listing_changed() RETURNS trigger LANGUAGE plpgsql AS $$ '
                       "BEGIN PERFORM nextval('listing_version_seq'); RETURN NULL; END $$")
        for table in TABLES:
            db.execute_sql(f'CREATE CONSTRAINT TRIGGER {table}_listing_changed AFTER INSERT OR UPDATE OR DELETE '
                           f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                           f'EXECUTE FUNCTION listing_changed()')
            db.execute_sql(f'CREATE TRIGGER {table}_listing_truncated AFTER TRUNCATE ON "{table}" '
                           f'FOR EACH STATEMENT EXECUTE FUNCTION listing_changed()')
        return
    db.execute_sql('CREATE TABLE "listing_version" ("id" INTEGER NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL)')
    db.execute_sql('INSERT INTO "listing_version" ("id", "version") VALUES (1, 1)')
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(f'CREATE TRIGGER {table}_listing_{event.lower()} AFTER {event} ON "{table}" '
                           f'BEGIN UPDATE listing_version SET version = version + 1 WHERE id = 1; END')


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table in TABLES:
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_listing_changed ON "{table}"')
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_listing_truncated ON "{table}"')
        db.execute_sql('DROP FUNCTION IF EXISTS listing_changed()')
        db.execute_sql('DROP SEQUENCE IF EXISTS listing_version_seq')
        return
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            db.execute_sql(f'DROP TRIGGER IF EXISTS {table}_listing_{event}')
    db.execute_sql('DROP TABLE "listing_version"')
