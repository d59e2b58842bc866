"""How many requests there are of each sent status (the staff queue's tabs): the database's triggers keep
the tally (migration 0025) on every change of a request's status; the daily maintenance recounts it."""
import logging

from peewee import fn

from portal.data.db import database, is_postgres
from portal.registrations.models import Registration, RegistrationTally

log = logging.getLogger(__name__)


def recount():
    """Count the requests of each sent status again and put right every row of the tally that differs:
    {status: (tallied, counted)} of those, logged. Only a change made with the triggers off (an operator's
    `session_replication_role`, a REPLACE on SQLite) makes a difference. Writers wait meanwhile, so that
    no change falls between the count and the tally."""
    with database.atomic():
        if is_postgres():
            database.execute_sql('LOCK TABLE "registration" IN SHARE ROW EXCLUSIVE MODE')
        counted = dict(Registration.select(Registration.status, fn.COUNT(Registration.id))
                       .where(Registration.status.in_(Registration.SENT))
                       .group_by(Registration.status).tuples())
        tallied = dict(RegistrationTally.select(RegistrationTally.status, RegistrationTally.requests).tuples())
        wrong = {status: (tallied.get(status), counted.get(status, 0)) for status in Registration.SENT
                 if tallied.get(status) != counted.get(status, 0)}
        for status, (_, requests) in wrong.items():
            (RegistrationTally.insert(status=status, requests=requests)
             .on_conflict(conflict_target=[RegistrationTally.status], update={RegistrationTally.requests: requests})
             .execute())
    if wrong:
        log.warning("the queue's tally of requests differed from a count and was put right: %s", wrong)
    return wrong
