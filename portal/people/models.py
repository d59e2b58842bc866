"""The tables of people. The schema changes only through migrations/."""

import peewee

from portal.clock import utc
from portal.data.db import BaseModel
from portal.data.prepared import Prepared, slot


class Person(BaseModel):
    """Someone the portal knows by NISS: a legal representative, a contact person."""

    NAMED_BY = ("first_name", "last_name")  # what an audit trail shows of the row (AuditEvent.trail)

    niss = peewee.CharField(max_length=11, unique=True)
    last_name = peewee.CharField(max_length=100)
    first_name = peewee.CharField(max_length=100)
    sex = peewee.CharField(max_length=1)  # "M", "F"
    birth_date = peewee.DateField()
    birth_country = peewee.CharField(max_length=2)
    email = peewee.CharField(max_length=254)
    language = peewee.CharField(max_length=2, default="en")
    # False while the NISS is only what a company typed in a registration: an
    # eID login with that number takes the account only if the names match.
    niss_verified = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utc)


class Account(BaseModel):
    """A login: a person's (by NISS) or a staff member's (by e-mail), with a
    password (argon2 hash only), an authenticator and its protections."""

    person = peewee.ForeignKeyField(Person, backref="accounts", unique=True, null=True, on_delete="CASCADE")
    staff = peewee.DeferredForeignKey("StaffMember", backref="accounts", unique=True, null=True,
                                      on_delete="CASCADE")
    password_hash = peewee.CharField(max_length=200)
    must_change_password = peewee.BooleanField(default=True)
    totp_secret = peewee.CharField(max_length=64, null=True)
    # The last TOTP time step accepted: a code of that step or an earlier one is refused.
    totp_last_counter = peewee.BigIntegerField(null=True)
    failed_attempts = peewee.IntegerField(default=0)
    last_failure_at = peewee.DateTimeField(null=True)
    locked_until = peewee.DateTimeField(null=True)
    lockouts = peewee.IntegerField(default=0)  # in a row, to grow the next lockout
    # Set by an access manager (or the agency): no login, and every session ends at once.
    blocked = peewee.BooleanField(default=False)
    # A temporary password (e-mailed at validation) works until then.
    password_expires_at = peewee.DateTimeField(null=True)
    # Set when the agency allows a new device: linking one needs the code it handed over.
    enrolment_code_hash = peewee.CharField(max_length=64, null=True)
    # The random WebAuthn user handle of the account's passkeys (base64url of 32 bytes), never the NISS
    # or the e-mail address: set with the first passkey.
    passkey_handle = peewee.CharField(max_length=64, null=True, unique=True)
    created_at = peewee.DateTimeField(default=utc)

    @property
    def owner(self):
        return self.staff if self.staff_id else self.person

    @property
    def email(self):
        return self.owner.email

    @property
    def display_name(self):
        owner = self.owner
        return owner.name if self.staff_id else f"{owner.first_name} {owner.last_name}"

    @property
    def language(self):
        return self.owner.language

    @property
    def label(self):
        """What the authenticator app shows next to the codes: the login."""
        return self.staff.email if self.staff_id else self.person.niss

    def recovery_codes_left(self):
        return _CODES_LEFT.rows(account=self.id)[0][0]

    def personal_words(self):
        """What a password must not contain."""
        owner = self.owner
        if self.staff_id:
            return (owner.email.split("@")[0], *owner.name.split())
        return (owner.niss, owner.first_name, owner.last_name, owner.email.split("@")[0])


class RecoveryCode(BaseModel):
    """A one-time code that replaces the TOTP code once (only its keyed hash is kept)."""

    account = peewee.ForeignKeyField(Account, backref="recovery_codes", on_delete="CASCADE")
    code_hash = peewee.CharField(max_length=64, index=True)
    used_at = peewee.DateTimeField(null=True)

    @classmethod
    def unused_count(cls, account):
        """How many of the account's codes are unused: a query, or a column of another one."""
        return cls.select(peewee.fn.COUNT(cls.id)).where((cls.account == account) & cls.used_at.is_null())


class Passkey(BaseModel):
    """A passkey or security key of an account (WebAuthn): its credential id and public key only; the
    private key never leaves the person's device."""

    account = peewee.ForeignKeyField(Account, backref="passkeys", on_delete="CASCADE")
    credential_id = peewee.CharField(max_length=1400, unique=True)  # base64url of at most 1,023 bytes
    public_key = peewee.BlobField()  # COSE, as the authenticator gave it
    # The authenticator's signature counter: an assertion must bring a higher one (a cloned key is refused).
    sign_count = peewee.BigIntegerField(default=0)
    name = peewee.CharField(max_length=60)
    transports = peewee.CharField(max_length=100, default="")
    created_at = peewee.DateTimeField(default=utc)
    last_used_at = peewee.DateTimeField(null=True)


class PasswordReset(BaseModel):
    """A “forgot password” link: single use, short-lived, voided by a newer one."""

    account = peewee.ForeignKeyField(Account, backref="password_resets", on_delete="CASCADE")
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_at = peewee.DateTimeField(default=utc)
    used_at = peewee.DateTimeField(null=True)
    voided = peewee.BooleanField(default=False)


class PendingLogin(BaseModel):
    """A login between its first step and its last: the browser holds only a
    random token; the authenticator being linked and the recovery codes being
    shown stay here, never in the (signed, readable) cookie."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    # None only while a login with a passkey alone waits for it: the passkey says whose login it is.
    account = peewee.ForeignKeyField(Account, backref="pending_logins", null=True, on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utc)
    code_ok = peewee.BooleanField(default=False)
    next_url = peewee.CharField(max_length=500, default="")
    new_secret = peewee.CharField(max_length=64, null=True)
    recovery_codes = peewee.TextField(null=True)  # JSON list, until the person says they saved them
    # The WebAuthn challenge sent to the browser (base64url), and when: used once, for a few minutes.
    passkey_challenge = peewee.CharField(max_length=100, null=True)
    passkey_challenge_at = peewee.DateTimeField(null=True)


class StaffMember(BaseModel):
    NAMED_BY = ("name",)

    email = peewee.CharField(max_length=254, unique=True)
    name = peewee.CharField(max_length=200)
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utc)
    roles = peewee.CharField(max_length=200, default="")  # people.staff_roles' codes, separated by spaces
    language = peewee.CharField(max_length=2, default="fr")  # of the e-mails the portal sends them

    @property
    def account(self):
        return Account.get_or_none(Account.staff == self)

    @classmethod
    def holding(cls, role):
        """The active staff members who hold `role`, by name: read whole codes as `has_role` does (an
        agency's staff are a few hundred rows at most)."""
        return [staff for staff in cls.select().where(cls.active).order_by(cls.name) if staff.has_role(role)]

    def has_role(self, *roles):
        """Whether the staff member holds one of `roles`."""
        held = self.roles.split()
        return any(role in held for role in roles)


class LoginSession(BaseModel):
    """A login, stored here so that any app server knows it; the browser holds
    only a random token whose hash is `token_hash`."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    staff = peewee.ForeignKeyField(StaffMember, null=True, backref="sessions", on_delete="CASCADE")
    account = peewee.ForeignKeyField(Account, null=True, backref="sessions", on_delete="CASCADE")
    # A Belgian who logs in with eID or itsme may have no password account.
    person = peewee.ForeignKeyField(Person, null=True, backref="sessions", on_delete="CASCADE")
    method = peewee.CharField(max_length=20, default="password")  # "password", "csam", "staff"
    assurance = peewee.CharField(max_length=100, null=True)  # the identity provider's acr
    created_at = peewee.DateTimeField(default=utc)
    last_seen_at = peewee.DateTimeField(default=utc)
    ended_at = peewee.DateTimeField(null=True)
    # "Mon compte": a new authenticator being linked, new recovery codes being shown.
    enrolling_secret = peewee.CharField(max_length=64, null=True)
    fresh_codes = peewee.TextField(null=True)
    # "Mon compte": the WebAuthn challenge of a passkey being added (base64url), and when it was made.
    passkey_challenge = peewee.CharField(max_length=100, null=True)
    passkey_challenge_at = peewee.DateTimeField(null=True)


class StaffSetting(BaseModel):
    """A rule an administrator sets for every staff member (e.g. "passkeys required"): who set it, when."""

    name = peewee.CharField(max_length=40, unique=True)
    enabled = peewee.BooleanField(default=False)
    changed_by = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")
    changed_at = peewee.DateTimeField(default=utc)


class AuditEvent(BaseModel):
    """What an audit trail's entries share: who (a staff member, or nobody
    for the company itself), what, why and when. Not a table of its own."""

    abstract = True
    staff = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")
    action = peewee.CharField(max_length=40)
    reason = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=utc)

    @classmethod
    def trail(cls, limit=200, **owners):
        """The newest entries of the trail of `owners` (e.g. company=…, year=…),
        with the rows they name (people, staff, activities…): one prepared
        query, the named rows joined. The owners' own rows are the ones given.
        Of a named row, a trail reads its id and what names it (`NAMED_BY`: a
        person's names, a document's file name), or, for a model that does not
        say, every column but the files."""
        return list(cls.trail_shown(limit, **owners))

    @classmethod
    def trail_shown(cls, limit=200, **owners):
        """The same entries as a prepared.Shown, for a page that keeps its history rendered
        (`{% cache "…", events.key %}`): the models are made only when the history is rendered."""
        shape = (cls, tuple(sorted(owners)))
        prepared = _TRAILS.get(shape)
        if prepared is None:
            prepared = _TRAILS[shape] = Prepared(lambda: cls._trail_query(shape[1]))
        shown = prepared.shown(limit=limit, **owners)
        given = [(name, value) for name, value in owners.items() if isinstance(value, peewee.Model)]
        return shown.then(lambda events: _with_owners(events, given))

    @classmethod
    def _trail_query(cls, owner_names):
        """The query, and the joined models by the attribute they fill (prepared.Prepared)."""
        query, joined, links = cls.select(cls), {cls}, {}
        for field in cls._meta.refs:
            if field.name in owner_names:
                continue
            # A model named twice (or the trail's own) is joined as an alias; one named once as itself.
            named = links[field.name] = field.rel_model.alias() if field.rel_model in joined else field.rel_model
            joined.add(field.rel_model)
            shown = getattr(field.rel_model, "NAMED_BY", None)
            columns = ([field.rel_model._meta.primary_key, *[field.rel_model._meta.fields[n] for n in shown]] if shown
                       else [f for f in field.rel_model._meta.sorted_fields if not isinstance(f, peewee.BlobField)])
            query = (query.select_extend(*[getattr(named, f.name) for f in columns])
                     .join_from(cls, named, peewee.JOIN.LEFT_OUTER, on=(field == named.id), attr=field.name))
        for name in owner_names:
            query = query.where(getattr(cls, name) == slot(name))
        return query.order_by(cls.created_at.desc(), cls.id.desc()).limit(slot("limit")), links


class AccountEvent(AuditEvent):
    """The audit trail of an account: what the agency did to it, and why."""

    abstract = False
    account = peewee.ForeignKeyField(Account, backref="events", on_delete="CASCADE")


class StaffEvent(AuditEvent):
    """The trail of a staff member's account: who added them, changed their roles, blocked or ended them."""

    abstract = False
    member = peewee.ForeignKeyField(StaffMember, backref="events", on_delete="CASCADE")


_CODES_LEFT = Prepared(lambda: RecoveryCode.unused_count(slot("account")).tuples())


_TRAILS = {}  # (event model, owner fields) -> its prepared trail query


def _with_owners(events, given):
    for event in events:
        for name, value in given:
            setattr(event, name, value)  # the same id: the row given, not a second read
    return events
