"""Inspectors confirm corrective actions (issue 30): the company's "done", and a due date it moved, wait
for the dossier's inspector (`review`), who confirms them or reopens the action with a reason the
company reads (`review_reason`); while a moved date waits, the date the agency held stays in
`agreed_due_on`, and the risk indicator counts that one.

The actions already marked done were taken at the company's word when they were marked, and the risk
indicator counted them as done: they stay counted ("earlier"), so that no company's indicator jumps
on the day of the upgrade for something nobody could have confirmed. Their pages say that they were
marked done before inspectors confirmed actions, and an inspector may still reopen one. Every other
action keeps its due date as the one held (`agreed_due_on` empty)."""


def up(migrator, db):
    db.execute_sql("ALTER TABLE \"corrective_action\" ADD COLUMN \"review\" VARCHAR(12) NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE \"corrective_action\" ADD COLUMN \"review_reason\" TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE \"corrective_action\" ADD COLUMN \"agreed_due_on\" DATE")
    db.execute_sql("UPDATE \"corrective_action\" SET \"review\" = %s WHERE \"status\" = %s" % (db.param, db.param),
                   ("earlier", "done"))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("corrective_action", "agreed_due_on"),
                     migrator.drop_column("corrective_action", "review_reason"),
                     migrator.drop_column("corrective_action", "review"))
