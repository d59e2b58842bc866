"""The inspectors' second right (issue 30, ASVS 8.2.2): an inspector reads and changes only the dossiers
where they are the inspector; "all_dossiers" opens every dossier. Until now every inspector read every
dossier: the staff members who held the inspector role keep what they did, and get the second right
too (an administrator narrows it afterwards). A staff member without the inspector role gets nothing.
The codes stay in EVERY_ROLE's order (people.staff_roles): the inspector's, then this one."""


def up(migrator, db):
    rows = db.execute_sql("SELECT \"id\", \"roles\" FROM \"staff_member\"").fetchall()
    for staff_id, roles in rows:
        held = roles.split()
        if "inspector" in held and "all_dossiers" not in held:
            held.insert(held.index("inspector") + 1, "all_dossiers")
            db.execute_sql("UPDATE \"staff_member\" SET \"roles\" = %s WHERE \"id\" = %s" % (db.param, db.param),
                           (" ".join(held), staff_id))


def down(migrator, db):
    rows = db.execute_sql("SELECT \"id\", \"roles\" FROM \"staff_member\"").fetchall()
    for staff_id, roles in rows:
        if "all_dossiers" in roles.split():
            db.execute_sql("UPDATE \"staff_member\" SET \"roles\" = %s WHERE \"id\" = %s" % (db.param, db.param),
                           (" ".join(role for role in roles.split() if role != "all_dossiers"), staff_id))
