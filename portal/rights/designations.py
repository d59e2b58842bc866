"""The rules of access management (guide 3.1, 3.2.1, 3.2.2): who may
designate whom, and the history of every change. No request in here: the
views pass the person acting (`actor`) and the company of their session.

- A legal representative designates the main access manager (GAP) among the
  company's legal representatives, and may hand the role over.
- Only the GAP activates the quality, and is its access manager (GA) or
  names one. The GAP is automatically a manager of the quality.
- The quality's managers (GA, co-GA, and the GAP) add, remove, block and
  unblock users and choose their applications.
"""
from peewee import IntegrityError

from portal import clock
from portal.companies.models import Company
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.people import devices as account_devices
from portal.people.models import Account, Person
from portal.rights.access_rights import (
    companies_of,
    health_quality,
    is_contact_person,
    is_legal_representative,
    is_main_access_manager,
)
from portal.rights.applications import APPLICATIONS
from portal.rights.models import AccessEvent, MemberApplication, Quality, QualityMember
from portal.text.form_text import EMAIL, single_line_errors
from portal.text.identifiers import IdentifierError, normalise_niss
from portal.text.lazy_text import lazy_gettext as _l

EVENT_LABELS = {
    "gap_designated": _l("Main access manager designated"),
    "quality_activated": _l("Quality activated"),
    "member_added": _l("User added"),
    "co_ga_added": _l("Co-manager added"),
    "ga_changed": _l("Access manager changed"),
    "applications_changed": _l("Applications changed"),
    "member_removed": _l("User removed"),
    "member_blocked": _l("User blocked"),
    "member_unblocked": _l("User unblocked"),
    "new_device_allowed": _l("New device allowed"),
}
TITLES = {"mrs": _l("Mrs"), "mr": _l("Mr"), "": _l("No title")}
ROLE_LABELS = {QualityMember.GA: _l("GL"), QualityMember.CO_GA: _l("Co-GL"), QualityMember.USER: _l("User")}
STATUS_LABELS = {QualityMember.ACTIVE: _l("Active"), QualityMember.BLOCKED: _l("Blocked")}
UNKNOWN_NISS = _l("This NISS number is not one of your company's people. Add the person as a contact person in "
                  "“My company” first (FAQ 6): they receive their NISS number and a password, then you can add them "
                  "here.")


class Refused(Exception):
    """The action is not allowed, or its input is wrong; `field` names the form field."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message, self.field = message, field


def _record(company, actor, action, quality=None, subject=None, reason=""):
    AccessEvent.create(company=company, actor=actor, action=action, quality=quality, subject=subject,
                       reason=reason)


def person_by_niss(typed, company, field="niss"):
    """One of the company's own people (a legal representative, a contact
    person of "My company", someone already designated for its quality), by NISS. Anyone else, known to the portal or not, gets the same
    answer: a company never learns who another company's people are."""
    try:
        niss = normalise_niss(typed)
    except IdentifierError as error:
        raise Refused(error.message, field)
    person = Person.get_or_none(Person.niss == niss)
    if person is None or not belongs_to(person, company):
        raise Refused(UNKNOWN_NISS, field)
    return person


def check_activation(values, company, asking):
    """The errors of a request to activate the quality "Institution related to the health sector" (guide
    3.2.1), by field, and who would manage it: the person asking, or the person of the company whose NISS
    they typed."""
    errors, manager = {}, asking
    if values["quality"] != "health_institution":
        errors["quality"] = _l("Choose the quality “Institution related to the health sector”: it is the one that "
                               "opens the agency's applications.")
    if not EMAIL.match(values["contact_email"]) or single_line_errors({"e": values["contact_email"]}):
        errors["contact_email"] = _l("Enter the e-mail address of the quality, such as medical@company.eu.")
    if values["manager"] not in ("myself", "other"):
        errors["manager"] = _l("Say who manages the quality.")
    elif values["manager"] == "other":
        try:
            manager = person_by_niss(values["niss"], company)
        except Refused as refused:
            errors["niss"] = refused.message
    return errors, manager


def belongs_to(person, company):
    if (is_legal_representative(person, company) or is_main_access_manager(person, company)
            or is_contact_person(person, company)):
        return True
    return (QualityMember.select().join(Quality)
            .where((Quality.company == company) & (QualityMember.person == person)).exists())


def _role(actor, quality):
    """The actor's place in the quality: "gap", "ga", "co_ga", "user" or None."""
    if is_main_access_manager(actor, quality.company):
        return "gap"
    found = _MEMBER_ROLE.raw_rows(quality=quality, person=actor)
    if not found or found[0][0] != QualityMember.ACTIVE:
        return None
    return found[0][1]


# Asked on every page a manager opens: prepared once (prepared.py).
_MEMBER_ROLE = Prepared(lambda: QualityMember.select(QualityMember.status, QualityMember.role)
                        .where((QualityMember.quality == slot("quality")) & (QualityMember.person == slot("person")))
                        .limit(1))


def require_head(actor, quality):
    """The GAP or the GA: who designates the quality's managers (a co-manager does not)."""
    if _role(actor, quality) not in ("gap", QualityMember.GA):
        raise Refused(_l("Only the main access manager or the local manager may do this."))


def require_over(actor, member):
    """Acting on someone: the GA and the GAP are out of a co-manager's reach."""
    require_manager(actor, member.quality)
    if (member.role == QualityMember.GA or is_main_access_manager(member.person, member.quality.company)) \
            and _role(actor, member.quality) not in ("gap", QualityMember.GA):
        raise Refused(_l("Only the main access manager or the local manager may do this."))


def manages(actor, quality):
    """True for the quality's active GA or co-GA, and for the company's GAP."""
    return _role(actor, quality) in ("gap", QualityMember.GA, QualityMember.CO_GA)


def require_manager(actor, quality):
    if not manages(actor, quality):
        raise Refused(_l("Only the access managers of the quality may do this."))


# The main access manager -------------------------------------------------------------

def designate_gap(company, actor, person):
    if not is_legal_representative(actor, company):
        raise Refused(_l("Only a legal representative of the company designates its main access manager."))
    if not is_legal_representative(person, company):
        raise Refused(_l("Choose one of the company's legal representatives."), "person")
    with database.atomic():
        Company.update(main_access_manager=person).where(Company.id == company.id).execute()
        _record(company, actor, "gap_designated", subject=person)
    company.main_access_manager = person


# The quality ------------------------------------------------------------------------------

def activate_quality(company, actor, contact_email, manager):
    """`manager`: the person who will be the quality's GA (the actor, or someone by NISS)."""
    if not is_main_access_manager(actor, company):
        raise Refused(_l("Only the main access manager activates the quality."))
    with database.atomic():
        if health_quality(company, fresh=True) is not None:
            raise Refused(_l("The quality is already activated."))
        quality = Quality.create(company=company, kind=Quality.HEALTH_INSTITUTION, contact_email=contact_email,
                                 activated_by=actor, activated_at=clock.utc())
        _add(quality, manager, QualityMember.GA, email=manager.email, language=manager.language,
             applications=set(APPLICATIONS))
        _record(company, actor, "quality_activated", quality=quality, subject=manager)
    return quality


def _add(quality, person, role, email, language="fr", title="", local_email="", applications=()):
    member = QualityMember.create(quality=quality, person=person, role=role, email=email, language=language,
                                  title=title, local_email=local_email)
    _set_applications(member, applications)
    return member


def _set_applications(member, codes):
    MemberApplication.delete().where(MemberApplication.member == member).execute()
    MemberApplication.insert_many([{"member": member.id, "application": code}
                                   for code in APPLICATIONS if code in codes]).execute()


def existing(quality, person):
    return QualityMember.get_or_none((QualityMember.quality == quality) & (QualityMember.person == person))


# Users ---------------------------------------------------------------------------------------

ALREADY = _l("This person is already designated for the quality.")


def add_member(quality, actor, person, role, values, applications):
    require_manager(actor, quality)
    if role != QualityMember.USER:
        require_head(actor, quality)
    try:
        with database.atomic():
            if existing(quality, person) is not None:
                raise Refused(ALREADY, "niss")
            member = _add(quality, person, role, values["email"], values["language"], values["title"],
                          values["local_email"], applications)
            _record(quality.company, actor, "co_ga_added" if role == QualityMember.CO_GA else "member_added",
                    quality=quality, subject=person)
    except IntegrityError:  # added by a parallel click: the same answer as a second try
        raise Refused(ALREADY, "niss")
    return member


def change_applications(member, actor, applications):
    require_over(actor, member)
    with database.atomic():
        _set_applications(member, applications)
        QualityMember.update(updated_at=clock.utc()).where(QualityMember.id == member.id).execute()
        _record(member.quality.company, actor, "applications_changed", quality=member.quality,
                subject=member.person, reason=", ".join(sorted(applications)))


def change_ga(quality, actor, person):
    """The new GA takes the role; the previous one stays as a user, with their applications."""
    require_head(actor, quality)
    with database.atomic():
        QualityMember.update(role=QualityMember.USER, updated_at=clock.utc()).where(
            (QualityMember.quality == quality) & (QualityMember.role == QualityMember.GA)).execute()
        member = existing(quality, person)
        if member is None:
            _add(quality, person, QualityMember.GA, email=person.email, language=person.language,
                 applications=set(APPLICATIONS))
        else:
            QualityMember.update(role=QualityMember.GA, status=QualityMember.ACTIVE, updated_at=clock.utc()).where(
                QualityMember.id == member.id).execute()
        _record(quality.company, actor, "ga_changed", quality=quality, subject=person)


def remove_members(quality, actor, member_ids):
    """Remove the chosen users; the GA stays (change the GA first). Returns how many were removed."""
    require_manager(actor, quality)
    members = list(QualityMember.select().where((QualityMember.quality == quality)
                                                & QualityMember.id.in_(member_ids)))
    if len(members) != len(set(member_ids)):
        raise LookupError("not a member of this quality")  # another company's id: nothing is removed
    if any(member.role == QualityMember.GA for member in members):
        raise Refused(_l("The access manager (GL) cannot be removed: choose another one first with “Change the "
                         "local manager”."))
    if any(member.is_manager or is_main_access_manager(member.person, quality.company) for member in members) \
            and _role(actor, quality) not in ("gap", QualityMember.GA):
        raise Refused(_l("Only the main access manager or the local manager may do this."))
    with database.atomic():
        for member in members:
            QualityMember.delete().where(QualityMember.id == member.id).execute()
            _record(quality.company, actor, "member_removed", quality=quality, subject=member.person)
    return len(members)


def set_blocked(member, actor, blocked):
    require_over(actor, member)
    if member.person_id == actor.id:
        raise Refused(_l("You cannot block yourself."))
    status = QualityMember.BLOCKED if blocked else QualityMember.ACTIVE
    with database.atomic():
        QualityMember.update(status=status, updated_at=clock.utc()).where(QualityMember.id == member.id).execute()
        _record(member.quality.company, actor, "member_blocked" if blocked else "member_unblocked",
                quality=member.quality, subject=member.person)
    member.status = status


def allow_new_device(member, actor, reason):
    """For a user of the quality who lost their phone and every recovery code;
    returns the enrolment code the manager reads out to them. Someone who
    also acts for another company asks the agency: one company's manager
    never resets a login that opens another company's data."""
    require_over(actor, member)
    if len(companies_of(member.person)) > 1:
        raise Refused(_l("This person also acts for another company: the agency's support allows their new device."))
    account = Account.get_or_none(Account.person == member.person)
    if account is None:
        raise Refused(_l("This person logs in with eID or itsme only: there is no authenticator to replace."))
    code = account_devices.allow_new_device(account, reason)
    _record(member.quality.company, actor, "new_device_allowed", quality=member.quality, subject=member.person,
            reason=reason)
    return code


def history(company, limit=200):
    return AccessEvent.trail(company=company, limit=limit)
