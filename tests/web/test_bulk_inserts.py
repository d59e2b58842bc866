"""Rows written many at a time (the demo's and the bench's firms): as many statements as the database's
parameters need, counting the columns peewee fills with their defaults. It bites on PostgreSQL (65,535
parameters a statement); Debian's SQLite takes more than the 32,766 the portal assumes."""
from portal.data.db import MAX_PARAMETERS, insert_rows
from portal.models import Registration


def test_rows_giving_few_columns_of_a_table_with_many_defaults_are_all_written(db):
    rows = [{"token": f"bulk-{n}"} for n in range(MAX_PARAMETERS // 2 + 1)]  # one key each, defaults beside it
    insert_rows(Registration, rows)
    assert Registration.select().count() == len(rows)
