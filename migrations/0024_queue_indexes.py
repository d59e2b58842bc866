"""The staff queue read in order from an index (issue 15): each status's requests oldest first from
(status, submitted_at, id), which also serves every look-up by status alone and so replaces the index
on status. Before, a view read every request of its status and sorted them, and counted every sent
request for its tabs: 4.4 ms of the database's time at 10,000 requests, growing with each one decided."""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index('registration', ('status', 'submitted_at', 'id'), False),
        migrator.drop_index('registration', 'registration_status'),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.add_index('registration', ('status',), False),
        migrator.drop_index('registration', 'registration_status_submitted_at_id'),
    )
