"""How many requests there are of each sent status, kept by the database (issue 15): the staff queue's
tabs read four rows instead of counting up to 500 index entries each, 0.3 ms of PostgreSQL's time on
every view at 10,000 requests, and the tabs now say exactly how many requests there are.

Triggers keep the tally on every change of a request's status, whatever code makes it (the wizard's
submission, a decision, an operator's fix). Drafts are not counted: the wizard writes them all day.

SQLite: writers take turns, so each change adds to its row in the writing transaction. PostgreSQL: the
change is added at commit (a deferred trigger), after every tally row is locked in the order of its
status: a request asked for information while another is sent again move the same rows in opposite
directions, and a transaction that moves several requests (a person deleted with their requests, an
operator's bulk update) would otherwise lock them out of order and deadlock. The rows are locked only
while the transaction commits. The four rows always exist (an UPSERT makes one again after a manual
deletion); a TRUNCATE of the requests sets them to zero.

The backfill counts with the table locked against writes (PostgreSQL), so that no change made while the
migration runs escapes both the count and the triggers. `flask portal purge-drafts` (daily) recounts, and
logs any difference: only a change made with the triggers off (or a REPLACE on SQLite) makes one.

A later migration that rebuilds the registration table on SQLite (playhouse does for some column
changes) drops these triggers: tests/web/test_schema.py checks that they are there."""
from peewee import PostgresqlDatabase

SENT = ("submitted", "needs_information", "validated", "refused")
_SENT_SQL = ", ".join(f"'{status}'" for status in SENT)
_ADD = ("ON CONFLICT (status) DO UPDATE SET requests = registration_tally.requests + excluded.requests")


_ZEROS = " UNION ALL ".join(f"SELECT '{status}', 0" for status in SENT)


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql('CREATE TABLE "registration_tally" ("status" VARCHAR(20) NOT NULL PRIMARY KEY, '
                   '"requests" INTEGER NOT NULL)')
    if postgres:  # until the migration's transaction ends: the triggers below then count every change
        db.execute_sql('LOCK TABLE "registration" IN SHARE ROW EXCLUSIVE MODE')
    db.execute_sql(f'INSERT INTO "registration_tally" ("status", "requests") {_ZEROS}')
    db.execute_sql('UPDATE "registration_tally" SET "requests" = (SELECT COUNT(*) FROM "registration" '
                   'WHERE "registration"."status" = "registration_tally"."status")')
    if postgres:
        db.execute_sql(
            "CREATE FUNCTION registration_tallied() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "PERFORM 1 FROM registration_tally ORDER BY status FOR UPDATE; "
            'INSERT INTO registration_tally (status, requests) SELECT change.status, change.requests FROM ('
            "SELECT OLD.status, -1 WHERE TG_OP <> 'INSERT' "
            "UNION ALL SELECT NEW.status, 1 WHERE TG_OP <> 'DELETE') AS change (status, requests) "
            f"WHERE change.status IN ({_SENT_SQL}) {_ADD}; "
            "RETURN NULL; END $$")
        for event, when in (("INSERT", f"NEW.status IN ({_SENT_SQL})"),
                            ("UPDATE OF status", "OLD.status IS DISTINCT FROM NEW.status"),
                            ("DELETE", f"OLD.status IN ({_SENT_SQL})")):
            db.execute_sql(f'CREATE CONSTRAINT TRIGGER registration_tallied_{event.split()[0].lower()} '
                           f'AFTER {event} ON "registration" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                           f'WHEN ({when}) EXECUTE FUNCTION registration_tallied()')
        db.execute_sql("CREATE FUNCTION registration_tally_emptied() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       "BEGIN DELETE FROM registration_tally; "
                       f"INSERT INTO registration_tally (status, requests) {_ZEROS}; RETURN NULL; END $$")
        db.execute_sql('CREATE TRIGGER registration_tally_emptied AFTER TRUNCATE ON "registration" '
                       'FOR EACH STATEMENT EXECUTE FUNCTION registration_tally_emptied()')
        return
    add_new = (f'INSERT INTO "registration_tally" ("status", "requests") SELECT NEW."status", 1 '
               f'WHERE NEW."status" IN ({_SENT_SQL}) {_ADD};')
    take_old = 'UPDATE "registration_tally" SET "requests" = "requests" - 1 WHERE "status" = OLD."status";'
    for event, when, body in (("INSERT", f'NEW."status" IN ({_SENT_SQL})', add_new),
                              ('UPDATE OF "status"', 'OLD."status" IS NOT NEW."status"', take_old + add_new),
                              ("DELETE", f'OLD."status" IN ({_SENT_SQL})', take_old)):
        db.execute_sql(f'CREATE TRIGGER registration_tallied_{event.split()[0].lower()} AFTER {event} '
                       f'ON "registration" WHEN {when} BEGIN {body} END')


def down(migrator, db):
    for event in ("insert", "update", "delete"):
        if isinstance(db, PostgresqlDatabase):
            db.execute_sql(f'DROP TRIGGER IF EXISTS registration_tallied_{event} ON "registration"')
        else:
            db.execute_sql(f'DROP TRIGGER IF EXISTS registration_tallied_{event}')
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER IF EXISTS registration_tally_emptied ON "registration"')
        db.execute_sql("DROP FUNCTION IF EXISTS registration_tally_emptied()")
        db.execute_sql("DROP FUNCTION IF EXISTS registration_tallied()")
    db.execute_sql('DROP TABLE "registration_tally"')
