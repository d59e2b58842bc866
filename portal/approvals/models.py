"""The table of four-eyes requests. The schema changes only through migrations/."""
import json

import peewee

from portal.clock import utc
from portal.data.db import BaseModel
from portal.people.models import StaffMember


class Approval(BaseModel):
    """A change one staff member asked for, waiting for a second one's word; once decided, the trail of who
    asked, who approved or refused, when and why."""

    NEW_DEVICE, CONTRIBUTION_YEAR = "new_device", "contribution_year"
    PENDING, APPROVED, REFUSED, WITHDRAWN = "pending", "approved", "refused", "withdrawn"

    kind = peewee.CharField(max_length=20)
    subject = peewee.IntegerField()  # the account (new device), the year (its contribution parameters)
    # While pending: kind and subject, unique, so that one change at a time waits for a subject, even
    # when two staff members ask at the same moment; empty (NULL) once decided.
    waiting_key = peewee.CharField(max_length=40, null=True, unique=True)
    payload = peewee.TextField(default="")  # JSON: what takes effect (a year's parameters, as typed)
    reason = peewee.TextField(default="")
    status = peewee.CharField(max_length=10, default=PENDING)
    requested_by = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    requested_at = peewee.DateTimeField(default=utc)
    decided_by = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    decided_at = peewee.DateTimeField(null=True)
    decision_reason = peewee.TextField(default="")

    @property
    def values(self):
        """What takes effect, as it was typed."""
        return json.loads(self.payload) if self.payload else {}

    class Meta:
        indexes = ((("kind", "subject", "requested_at"), False),)
