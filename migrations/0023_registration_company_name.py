"""The company's name of each request in a column of its own (issue 15). The staff queue read it out of
each request's answers: the database parsed the JSON of every request that matched, not only of the 25
on the page. Filled from the answers of the requests already there."""
import json

from peewee import CharField

NAME_LENGTH = 300  # a VIES name is up to 300 characters; the wizard's own field keeps 200


def up(migrator, db):
    migrator.migrate(migrator.add_column('registration', 'company_name', CharField(max_length=300, null=True)))
    rows = db.execute_sql('SELECT id, data FROM registration').fetchall()
    for registration_id, data in rows:
        try:
            name = (json.loads(data or '{}').get('company') or {}).get('name')
        except (ValueError, AttributeError):
            name = None
        if isinstance(name, str) and name:
            db.execute_sql(f'UPDATE registration SET company_name = {db.param} WHERE id = {db.param}',
                           (name.replace('\x00', '')[:NAME_LENGTH], registration_id))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('registration', 'company_name'))
