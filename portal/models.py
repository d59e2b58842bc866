"""The tables. The schema changes only through migrations/."""
import json

import peewee

from portal.clock import utc
from portal.data.db import BaseModel, database
from portal.data.prepared import Prepared, slot
from portal.text.lazy_text import lazy_gettext as _l
from portal.text.names import name_key, name_words

# Activities an economic operator notifies ("Mes activités"), in display order.
ACTIVITY_KINDS = {
    "manufacturer": _l("Manufacturer"),
    "custom_manufacturer": _l("Manufacturer of custom-made devices"),
    "system_producer": _l("System or procedure pack producer"),
    "steriliser": _l("Steriliser"),
    "authorised_representative": _l("Authorised representative"),
    "importer": _l("Importer"),
    "distributor": _l("Distributor"),
    "exporter": _l("Exporter"),
    "relabeller": _l("Relabeller or repackager"),
    "reprocessor": _l("Reprocessor of single-use devices"),
    "home_services": _l("Services to patients at home"),
}


class Company(BaseModel):
    name = peewee.CharField(max_length=200)
    name_key = peewee.CharField(max_length=200)
    country = peewee.CharField(max_length=2)
    street = peewee.CharField(max_length=200, default="")
    house_number = peewee.CharField(max_length=20, default="")
    box = peewee.CharField(max_length=20, default="")
    postcode = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=100, default="")
    vat_number = peewee.CharField(max_length=20, null=True, unique=True)
    bce_number = peewee.CharField(max_length=10, null=True, unique=True)
    agency_number = peewee.CharField(max_length=10, null=True, unique=True)
    language = peewee.CharField(max_length=2, default="en")
    # True when the firm has an agency number and at least one active
    # activity: what puts it on the public list. Kept by refresh_listing().
    listed = peewee.BooleanField(default=False)
    # The main access manager (GAP), designated by a legal representative.
    main_access_manager = peewee.DeferredForeignKey("Person", null=True, on_delete="SET NULL")
    is_demo = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utc)
    # A Belgian enterprise: its name, address and units come from the BCE
    # (KBO open data, see bce.py) and are read-only here. The snapshot date of
    # the extract they were last copied from; None for every other company.
    bce_synced_on = peewee.DateField(null=True)
    # False once the BCE no longer lists the enterprise as active.
    bce_active = peewee.BooleanField(default=True)

    class Meta:
        indexes = (
            (("listed", "name_key"), False),
            (("listed", "country", "name_key"), False),
            (("name_key",), False),  # look-alikes of a registration request, listed or not
        )

    def set_name(self, name):
        self.name = name
        self.name_key = name_key(name)

    def save_name_words(self):
        """Rewrite the word and prefix indexes used by the public search for this firm."""
        with database.atomic():
            CompanyNameWord.delete().where(CompanyNameWord.company == self).execute()
            CompanyNameWord.insert_many(
                [{"company": self.id, "word": word} for word in name_words(self.name)]
            ).execute()
            CompanyNamePrefix.delete().where(CompanyNamePrefix.company == self).execute()
            CompanyNamePrefix.insert_many(CompanyNamePrefix.rows_of(self.id, self.name, self.listed,
                                                                    self.country)).execute()

    def refresh_listing(self):
        active = self.activities.where(Activity.active == True).exists()  # noqa: E712  (a peewee expression: SQL's = TRUE)
        listed = bool(self.agency_number) and active
        if listed != self.listed:
            self.listed = listed
            Company.update(listed=listed).where(Company.id == self.id).execute()
            CompanyNamePrefix.update(listed=listed).where(CompanyNamePrefix.company == self.id).execute()
        return listed




class CompanyNameWord(BaseModel):
    """One word of a firm's name, so that a name search is an index range."""

    company = peewee.ForeignKeyField(Company, on_delete="CASCADE")
    word = peewee.CharField(max_length=40)

    class Meta:
        primary_key = peewee.CompositeKey("word", "company")


class CompanyNamePrefix(BaseModel):
    """The first one to four letters of each word of a firm's name, with what
    the public list sorts and filters by: a short name search ("m", "med")
    reads its page straight from one index range, already in name order, and
    counts its matches there, whatever the number of firms."""

    LENGTH = 4
    prefix = peewee.CharField(max_length=4)
    company = peewee.ForeignKeyField(Company, on_delete="CASCADE")
    name_key = peewee.CharField(max_length=200)
    listed = peewee.BooleanField(default=False)
    country = peewee.CharField(max_length=2)

    class Meta:
        primary_key = peewee.CompositeKey("prefix", "company")
        indexes = ((("prefix", "listed", "name_key", "company"), False),)

    @classmethod
    def rows_of(cls, company_id, name, listed, country):
        prefixes = {word[:length] for word in name_words(name) for length in range(1, cls.LENGTH + 1)}
        key = name_key(name)
        return [{"prefix": prefix, "company": company_id, "name_key": key, "listed": listed, "country": country}
                for prefix in sorted(prefixes)]


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


class Registration(BaseModel):
    """A company's registration request: a draft filled step by step, then
    submitted for the agency to validate. `token` is the secret of the resume
    link; `data` holds the answers of each step as JSON (read them through
    `answers`)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_INFORMATION = "needs_information"
    VALIDATED = "validated"
    REFUSED = "refused"
    EDITABLE = (DRAFT, NEEDS_INFORMATION)  # the company may change it through its resume link
    OPEN = (SUBMITTED,)  # waiting for the agency's decision
    ACTIVE = (SUBMITTED, NEEDS_INFORMATION, VALIDATED)  # holds its VAT and BCE numbers
    SENT = (SUBMITTED, NEEDS_INFORMATION, VALIDATED, REFUSED)  # what the back office lists
    # A company's registration, or a registered company's request to change
    # its identity (name, VAT or BCE number, official proof: see identity_changes).
    # A Belgian enterprise (bce.py): a person logged in by eID asks to act for it.
    REGISTRATION, CHANGE, BELGIAN = "registration", "change", "belgian"

    token = peewee.CharField(max_length=64, unique=True)
    status = peewee.CharField(max_length=20, default=DRAFT)  # indexed with the time of sending (Meta)
    kind = peewee.CharField(max_length=20, default=REGISTRATION)
    reference = peewee.CharField(max_length=20, null=True, unique=True)
    language = peewee.CharField(max_length=2, default="fr")
    data = peewee.TextField(default="{}")
    country = peewee.CharField(max_length=2, null=True)
    vat_number = peewee.CharField(max_length=20, null=True, index=True)
    bce_number = peewee.CharField(max_length=10, null=True, index=True)
    # VIES: "valid", "unverified" (VIES could not answer) or "not_applicable".
    vat_status = peewee.CharField(max_length=20, default="not_applicable")
    vies_checked_at = peewee.DateTimeField(null=True)
    vies_name = peewee.CharField(max_length=300, null=True)
    vies_address = peewee.TextField(null=True)
    proof_pdf = peewee.BlobField(null=True)
    proof_filename = peewee.CharField(max_length=200, null=True)
    proof_size = peewee.IntegerField(null=True)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc, index=True)
    submitted_at = peewee.DateTimeField(null=True)
    decided_at = peewee.DateTimeField(null=True, index=True)
    company = peewee.ForeignKeyField(Company, null=True, backref="registrations", on_delete="SET NULL")
    # Set when sent, so that the back office finds look-alikes through indexes.
    name_key = peewee.CharField(max_length=200, null=True, index=True)
    # The company's name in the answers, kept beside them for the staff queue (see `name_columns`).
    company_name = peewee.CharField(max_length=300, null=True)
    # Who asked, for a Belgian enterprise's registration (logged in by eID).
    person = peewee.ForeignKeyField(Person, null=True, backref="registrations", on_delete="CASCADE")

    class Meta:
        # The staff queue reads each status's requests oldest first from the second (review.queue).
        indexes = ((("kind", "company", "status"), False), (("status", "submitted_at", "id"), False))

    @property
    def answers(self):
        """The answers of the steps, decoded once per loaded row."""
        if self.__dict__.get("_answers_of") != self.data:
            self.__dict__["_answers"] = self.decode(self.data)
            self.__dict__["_answers_of"] = self.data
        return self.__dict__["_answers"]

    @staticmethod
    def decode(data):
        return json.loads(data or "{}")

    @staticmethod
    def encode(answers):
        return json.dumps(answers, ensure_ascii=False, sort_keys=True)

    @staticmethod
    def name_columns(answers):
        """The columns kept from the company's name in these answers: `company_name`
        (the staff queue's) and `name_key` (the look-alikes'). No NUL character in
        either (answers saved with an error may hold one, and PostgreSQL's text
        refuses it), at most 300 characters; None when there is no name."""
        name = (answers.get("company") or {}).get("name")
        name = name.replace("\x00", "")[:300] if isinstance(name, str) else ""
        return {"company_name": name or None, "name_key": name_key(name) if name else None}

    @property
    def editable(self):
        return self.status in self.EDITABLE

    @property
    def company_answers(self):
        return self.answers.get("company", {})

    @property
    def representatives(self):
        return self.answers.get("representatives", [])


class RegistrationTally(BaseModel):
    """How many requests there are of each sent status, kept by the database's triggers on every change
    of a request's status, whatever code makes it (migration 0025): the staff queue's tabs read these
    rows instead of counting. The four rows are always there (request_tally.recount puts any right)."""

    status = peewee.CharField(max_length=20, primary_key=True)
    requests = peewee.IntegerField()


class RegistrationEmail(BaseModel):
    """The legal representatives' e-mail addresses of a sent registration."""

    registration = peewee.ForeignKeyField(Registration, backref="emails", on_delete="CASCADE")
    email = peewee.CharField(max_length=254, index=True)


class OutboxMessage(BaseModel):
    """An e-mail, written in the same transaction as the change that causes it,
    sent after commit; kept until sent, retried with back-off."""

    recipient = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=300)
    text_body = peewee.TextField()
    html_body = peewee.TextField()
    created_at = peewee.DateTimeField(default=utc)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utc, index=True)
    claimed_until = peewee.DateTimeField(null=True)
    sent_at = peewee.DateTimeField(null=True, index=True)
    last_error = peewee.CharField(max_length=300, null=True)
    # Set when the message can never be built or sent (a broken header):
    # it is put aside instead of blocking the queue with retries.
    failed_at = peewee.DateTimeField(null=True)


class EstablishmentUnit(BaseModel):
    company = peewee.ForeignKeyField(Company, backref="units", on_delete="CASCADE")
    name = peewee.CharField(max_length=200)
    street = peewee.CharField(max_length=200)
    house_number = peewee.CharField(max_length=20)
    box = peewee.CharField(max_length=20, default="")
    postcode = peewee.CharField(max_length=20)
    city = peewee.CharField(max_length=100)
    # The BCE's establishment number, for the units of a Belgian enterprise (read-only here).
    bce_number = peewee.CharField(max_length=10, null=True, index=True)


class ContactPerson(BaseModel):
    """Someone of the company added in "Mon entreprise" (guide 3.2.3): they get
    a login, and the access manager may make them a user."""

    company = peewee.ForeignKeyField(Company, backref="contact_persons", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="contact_of", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utc)
    # What the company says about the person; their own data (names, e-mail) are theirs to change.
    function = peewee.CharField(max_length=100, default="")
    phone = peewee.CharField(max_length=30, default="")

    class Meta:
        indexes = ((("company", "person"), True),)


class Activity(BaseModel):
    """An activity notified to the agency (see notified_activities)."""

    NAMED_BY = ("kind",)  # its label

    company = peewee.ForeignKeyField(Company, backref="activities", on_delete="CASCADE")
    kind = peewee.CharField(max_length=40)
    active = peewee.BooleanField(default=True)
    notified_at = peewee.DateTimeField(default=utc)
    medical_devices = peewee.BooleanField(default=True)
    ivds = peewee.BooleanField(default=False)
    classes = peewee.CharField(max_length=100, default="")  # "I|IIa|A sterile"
    unit = peewee.ForeignKeyField(EstablishmentUnit, null=True, on_delete="SET NULL")  # None: the head office
    srn = peewee.CharField(max_length=20, null=True)
    started_on = peewee.DateField(null=True)
    ended_on = peewee.DateField(null=True)
    end_reason = peewee.TextField(default="")

    class Meta:
        indexes = ((("kind", "active", "company"), False),)

    @property
    def label(self):
        return ACTIVITY_KINDS.get(self.kind, self.kind)


class ActivityContact(BaseModel):
    """A contact person of the company named for one of its activities."""

    activity = peewee.ForeignKeyField(Activity, backref="contacts", on_delete="CASCADE")
    contact = peewee.ForeignKeyField(ContactPerson, backref="activities", on_delete="CASCADE")

    class Meta:
        indexes = ((("activity", "contact"), True),)


class LegalRepresentative(BaseModel):
    company = peewee.ForeignKeyField(Company, backref="legal_representatives", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="representations", on_delete="CASCADE")
    function = peewee.CharField(max_length=100, default="")  # as for ContactPerson
    phone = peewee.CharField(max_length=30, default="")

    class Meta:
        indexes = ((("company", "person"), True),)


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
        return "fr" if self.staff_id else self.person.language

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


class PasswordReset(BaseModel):
    """A “forgot password” link: single use, short-lived, voided by a newer one."""

    account = peewee.ForeignKeyField(Account, backref="password_resets", on_delete="CASCADE")
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_at = peewee.DateTimeField(default=utc)
    used_at = peewee.DateTimeField(null=True)
    voided = peewee.BooleanField(default=False)


class RateLimit(BaseModel):
    """Hits of one purpose by one client (or on one object) in the current window."""

    key = peewee.CharField(max_length=160, unique=True)
    window_start = peewee.DateTimeField()
    hits = peewee.IntegerField(default=0)


class PendingLogin(BaseModel):
    """A login between its first step and its last: the browser holds only a
    random token; the authenticator being linked and the recovery codes being
    shown stay here, never in the (signed, readable) cookie."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    account = peewee.ForeignKeyField(Account, backref="pending_logins", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utc)
    code_ok = peewee.BooleanField(default=False)
    next_url = peewee.CharField(max_length=500, default="")
    new_secret = peewee.CharField(max_length=64, null=True)
    recovery_codes = peewee.TextField(null=True)  # JSON list, until the person says they saved them


class StaffMember(BaseModel):
    NAMED_BY = ("name",)

    email = peewee.CharField(max_length=254, unique=True)
    name = peewee.CharField(max_length=200)
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utc)

    @property
    def account(self):
        return Account.get_or_none(Account.staff == self)


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
        shape = (cls, tuple(sorted(owners)))
        prepared = _TRAILS.get(shape)
        if prepared is None:
            prepared = _TRAILS[shape] = Prepared(lambda: cls._trail_query(shape[1]))
        events = prepared.rows(limit=limit, **owners)
        for event in events:
            for name, value in owners.items():
                if isinstance(value, peewee.Model):
                    setattr(event, name, value)  # the same id: the row given, not a second read
        return events

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


class RegistrationEvent(AuditEvent):
    """The audit trail of a registration request."""

    abstract = False
    registration = peewee.ForeignKeyField(Registration, backref="events", on_delete="CASCADE")
    action = peewee.CharField(max_length=30)


class AccountEvent(AuditEvent):
    """The audit trail of an account: what the agency did to it, and why."""

    abstract = False
    account = peewee.ForeignKeyField(Account, backref="events", on_delete="CASCADE")


class Quality(BaseModel):
    """A quality of a company at the social security (guide 3.2.1), activated
    by the main access manager. Only "health_institution" ("Institution liée
    au domaine de la santé") opens the agency's applications."""

    HEALTH_INSTITUTION = "health_institution"

    company = peewee.ForeignKeyField(Company, backref="qualities", on_delete="CASCADE")
    kind = peewee.CharField(max_length=40)
    contact_email = peewee.CharField(max_length=254)
    activated_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    activated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("company", "kind"), True),)


class QualityMember(BaseModel):
    """Someone designated for a quality: its access manager (GA, once called
    "Gestionnaire local"), a co-manager, or a user; with the applications
    they may use (`applications`, one row each)."""

    GA, CO_GA, USER = "ga", "co_ga", "user"
    MANAGERS = (GA, CO_GA)
    ACTIVE, BLOCKED = "active", "blocked"

    quality = peewee.ForeignKeyField(Quality, backref="members", on_delete="CASCADE")
    person = peewee.ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    role = peewee.CharField(max_length=10)
    title = peewee.CharField(max_length=10, default="")
    language = peewee.CharField(max_length=2, default="fr")
    email = peewee.CharField(max_length=254)
    local_email = peewee.CharField(max_length=254, default="")
    status = peewee.CharField(max_length=10, default=ACTIVE)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("quality", "person"), True),)

    @property
    def is_manager(self):
        return self.role in self.MANAGERS

    def application_codes(self):
        return {row.application for row in self.applications}


class MemberApplication(BaseModel):
    member = peewee.ForeignKeyField(QualityMember, backref="applications", on_delete="CASCADE")
    application = peewee.CharField(max_length=20)

    class Meta:
        indexes = ((("member", "application"), True), (("application", "member"), False))


class AccessEvent(AuditEvent):
    """The history of a company's access management: who (a person of the
    company, or agency staff), what, about whom, when."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="access_events", on_delete="CASCADE")
    quality = peewee.ForeignKeyField(Quality, null=True, backref="events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    subject = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")


class ActivityEvent(AuditEvent):
    """The history of a company's activities and of its agency number."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="activity_events", on_delete="CASCADE")
    activity = peewee.ForeignKeyField(Activity, null=True, on_delete="SET NULL")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")


class CompanyEvent(AuditEvent):
    """The history of "Mon entreprise"."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="company_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")


class Questionnaire(BaseModel):
    """The form the law asks for ("le formulaire prévu dans la loi", guide
    5.4): one per company, kept as a draft until sent, and changed again
    after it was sent, as the guide allows (see inspections)."""

    DRAFT, SUBMITTED = "draft", "submitted"

    company = peewee.ForeignKeyField(Company, backref="questionnaires", unique=True, on_delete="CASCADE")
    status = peewee.CharField(max_length=10, default=DRAFT)
    employees = peewee.IntegerField(null=True)
    devices_per_year = peewee.BigIntegerField(null=True)  # units placed on the Belgian market last year
    qms = peewee.CharField(max_length=20, default="")  # "iso13485", "other", "none"
    qms_details = peewee.CharField(max_length=200, default="")
    certificates = peewee.TextField(default="[]")  # JSON: [{"body", "number", "expires_on"}]
    first_submitted_at = peewee.DateTimeField(null=True)
    submitted_at = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=utc)
    updated_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")

    @property
    def certificate_rows(self):
        return json.loads(self.certificates or "[]")


class InspectionDossier(BaseModel):
    """An inspection file the agency opens for a company (guide 5.4)."""

    OPEN, CLOSED = "open", "closed"

    company = peewee.ForeignKeyField(Company, backref="dossiers", on_delete="CASCADE")
    reference = peewee.CharField(max_length=20, null=True, unique=True)
    subject = peewee.CharField(max_length=200)
    planned_on = peewee.DateField(null=True)
    inspector = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="dossiers")
    status = peewee.CharField(max_length=10, default=OPEN)
    # Whose turn it is: "company" once the agency added something, "agency" once the company did.
    waiting_for = peewee.CharField(max_length=10, default="company")
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("company", "status"), False), (("status", "waiting_for", "updated_at"), False))


class DossierDocument(BaseModel):
    """A document of a dossier, checked by content (see documents)."""

    NAMED_BY = ("filename",)

    dossier = peewee.ForeignKeyField(InspectionDossier, backref="documents", on_delete="CASCADE")
    kind = peewee.CharField(max_length=20)  # "report", "action_plan", "other"
    filename = peewee.CharField(max_length=200)  # only shown
    content_type = peewee.CharField(max_length=100)
    extension = peewee.CharField(max_length=5)
    size = peewee.IntegerField()
    content = peewee.BlobField()
    note = peewee.TextField(default="")
    person = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    staff = peewee.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    created_at = peewee.DateTimeField(default=utc)


class CorrectiveAction(BaseModel):
    """One line of the company's corrective action plan, in answer to a report."""

    PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"

    dossier = peewee.ForeignKeyField(InspectionDossier, backref="actions", on_delete="CASCADE")
    action = peewee.TextField()
    owner = peewee.CharField(max_length=200)
    due_on = peewee.DateField()
    status = peewee.CharField(max_length=12, default=PLANNED)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)


class DossierEvent(AuditEvent):
    """The timeline of a dossier: who added what, on either side."""

    abstract = False
    dossier = peewee.ForeignKeyField(InspectionDossier, backref="events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    document = peewee.ForeignKeyField(DossierDocument, null=True, on_delete="SET NULL", backref="+")


class QuestionnaireEvent(AuditEvent):
    """Each save or sending of the company's questionnaire."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="questionnaire_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")


class ContributionYear(BaseModel):
    """The parameters of a year's contribution (law of 20 July 2006, art. 14/2 to 14/9, Annex IX),
    kept by the agency: the cost per entity, the rate on the turnover above the threshold, the deadline."""

    year = peewee.IntegerField(unique=True)
    entity_cost = peewee.DecimalField(max_digits=10, decimal_places=2)
    turnover_rate = peewee.DecimalField(max_digits=7, decimal_places=4)  # in percent: 0.3073 for 0.3073 %
    turnover_threshold = peewee.DecimalField(max_digits=14, decimal_places=2)
    deadline = peewee.DateField()
    updated_at = peewee.DateTimeField(default=utc)


class ContributionDeclaration(BaseModel):
    """A company's declaration for a year: either it delivers to private individuals only, or
    the turnover of last year with the document its auditor or accountant signed."""

    DRAFT, SUBMITTED = "draft", "submitted"

    company = peewee.ForeignKeyField(Company, backref="contributions", on_delete="CASCADE")
    year = peewee.IntegerField()
    status = peewee.CharField(max_length=10, default=DRAFT)
    private_only = peewee.BooleanField(default=False)
    turnover = peewee.DecimalField(max_digits=14, decimal_places=2, null=True)
    entities = peewee.IntegerField(default=0)  # the company's active activities when it declared
    proof_pdf = peewee.BlobField(null=True)
    proof_filename = peewee.CharField(max_length=200, null=True)
    proof_size = peewee.IntegerField(null=True)
    submitted_at = peewee.DateTimeField(null=True)
    updated_at = peewee.DateTimeField(default=utc)
    updated_by = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    reminded_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("company", "year"), True), (("year", "status"), False))


class ContributionEvent(AuditEvent):
    abstract = False
    company = peewee.ForeignKeyField(Company, backref="contribution_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")
    year = peewee.IntegerField()


class Supplier(BaseModel):
    """A distributor's supplier (guide 5.5): a manufacturer or its authorised representative,
    typed, or picked among the firms registered in the portal (`registered`)."""

    MANUFACTURER, REPRESENTATIVE = "manufacturer", "authorised_representative"

    company = peewee.ForeignKeyField(Company, backref="suppliers", on_delete="CASCADE")
    role = peewee.CharField(max_length=30)
    name = peewee.CharField(max_length=200)
    country = peewee.CharField(max_length=2)
    street = peewee.CharField(max_length=200, default="")
    postcode = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=100, default="")
    registered = peewee.ForeignKeyField(Company, null=True, on_delete="SET NULL", backref="+")
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)


class MarketedDevice(BaseModel):
    """A device a manufacturer makes available on the Belgian market (guide 5.5)."""

    company = peewee.ForeignKeyField(Company, backref="devices", on_delete="CASCADE")
    name = peewee.CharField(max_length=200)
    reference = peewee.CharField(max_length=100)
    basic_udi_di = peewee.CharField(max_length=30)
    udi_di = peewee.CharField(max_length=30)
    emdn = peewee.CharField(max_length=13)
    device_class = peewee.CharField(max_length=10)
    sterile = peewee.BooleanField(default=False)
    marketed_from = peewee.DateField()
    withdrawn_on = peewee.DateField(null=True)
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)

    class Meta:
        indexes = ((("company", "udi_di"), True),)


class RepresentedCompany(BaseModel):
    """A manufacturer outside the EU that an authorised representative represents (guide 5.5)."""

    company = peewee.ForeignKeyField(Company, backref="represented", on_delete="CASCADE")
    name = peewee.CharField(max_length=200)
    country = peewee.CharField(max_length=2)
    street = peewee.CharField(max_length=200, default="")
    postcode = peewee.CharField(max_length=20, default="")
    city = peewee.CharField(max_length=100, default="")
    contact_name = peewee.CharField(max_length=200, default="")
    contact_email = peewee.CharField(max_length=254, default="")
    created_at = peewee.DateTimeField(default=utc)
    updated_at = peewee.DateTimeField(default=utc)


class PartnerEvent(AuditEvent):
    """The history of "Mes fabricants et représentants autorisés"."""

    abstract = False
    company = peewee.ForeignKeyField(Company, backref="partner_events", on_delete="CASCADE")
    actor = peewee.ForeignKeyField(Person, null=True, on_delete="SET NULL", backref="+")


# The BCE/KBO open data (FPS Economy), as published: imported by kbo_import,
# read by bce. Numbers are kept as their digits ("0200065765"); dates as dates.
# The tables of many rows have no primary key of their own: they are read by
# entity number only, and the import replaces them whole or by entity.

class KboExtract(BaseModel):
    """An extract imported (its meta.csv): an older one is refused."""

    number = peewee.IntegerField(index=True)
    kind = peewee.CharField(max_length=10)  # "full" or "update"
    snapshot_date = peewee.DateField()
    extract_timestamp = peewee.CharField(max_length=30, default="")
    version = peewee.CharField(max_length=20, default="")
    rows = peewee.TextField(default="{}")  # JSON: rows read per file
    seconds = peewee.FloatField(default=0)
    imported_at = peewee.DateTimeField(default=utc)


class KboCode(BaseModel):
    """The meaning of a code (legal form, status, NACE…) in one language."""

    category = peewee.CharField(max_length=40)
    code = peewee.CharField(max_length=20)
    language = peewee.CharField(max_length=2)
    description = peewee.TextField()

    class Meta:
        primary_key = peewee.CompositeKey("category", "code", "language")


class KboEnterprise(BaseModel):
    number = peewee.CharField(max_length=10, primary_key=True)
    status = peewee.CharField(max_length=2)
    juridical_situation = peewee.CharField(max_length=3, default="")
    type_of_enterprise = peewee.CharField(max_length=1, default="")
    juridical_form = peewee.CharField(max_length=3, default="")
    juridical_form_cac = peewee.CharField(max_length=3, default="")
    start_date = peewee.DateField(null=True)


class KboEstablishment(BaseModel):
    number = peewee.CharField(max_length=10, primary_key=True)
    enterprise_number = peewee.CharField(max_length=10, index=True)
    start_date = peewee.DateField(null=True)


class KboBranch(BaseModel):
    """A Belgian branch of a foreign entity."""

    id = peewee.CharField(max_length=10, primary_key=True)
    enterprise_number = peewee.CharField(max_length=10, index=True)
    start_date = peewee.DateField(null=True)


class KboDenomination(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    language = peewee.CharField(max_length=1)  # 0 unknown, 1 FR, 2 NL, 3 DE, 4 EN
    kind = peewee.CharField(max_length=3)  # 001 legal name, 002 abbreviation, 003 commercial name
    name = peewee.TextField()

    class Meta:
        primary_key = False


class KboAddress(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    kind = peewee.CharField(max_length=4)  # REGO registered office, BAET establishment, ABBR branch
    country_nl = peewee.TextField(default="")
    country_fr = peewee.TextField(default="")
    zipcode = peewee.CharField(max_length=20, default="")
    municipality_nl = peewee.TextField(default="")
    municipality_fr = peewee.TextField(default="")
    street_nl = peewee.TextField(default="")
    street_fr = peewee.TextField(default="")
    house_number = peewee.CharField(max_length=20, default="")
    box = peewee.CharField(max_length=20, default="")
    extra = peewee.TextField(default="")
    struck_off = peewee.DateField(null=True)

    class Meta:
        primary_key = False


class KboContact(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    entity_contact = peewee.CharField(max_length=3)
    kind = peewee.CharField(max_length=5)  # TEL, EMAIL, WEB
    value = peewee.TextField()

    class Meta:
        primary_key = False


class KboActivity(BaseModel):
    entity_number = peewee.CharField(max_length=10, index=True)
    activity_group = peewee.CharField(max_length=3)
    nace_version = peewee.CharField(max_length=4)
    nace_code = peewee.CharField(max_length=10)
    classification = peewee.CharField(max_length=4)  # MAIN, SECO, ANCI

    class Meta:
        primary_key = False


def _tables(model=BaseModel):
    for child in model.__subclasses__():
        if not child.__dict__.get("abstract", False):
            yield child
        yield from _tables(child)


# Every table, parents before children (for the schema test and for emptying tables).
ALL_MODELS = peewee.sort_models(list(dict.fromkeys(_tables())))


_CODES_LEFT = Prepared(lambda: RecoveryCode.unused_count(slot("account")).tuples())
_TRAILS = {}  # (event model, owner fields) -> its prepared trail query
