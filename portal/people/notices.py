"""E-mails that tell a person (and the other legal representatives of their
companies) that a way into their account changed: a reset password, a new
authenticator, a passkey added or removed. Queued in the caller's transaction."""
from portal.companies.models import LegalRepresentative
from portal.people.models import StaffMember
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail


def _colleagues(person):
    companies = LegalRepresentative.select(LegalRepresentative.company).where(LegalRepresentative.person == person)
    return {link.person for link in LegalRepresentative.select().where(
        LegalRepresentative.company.in_(companies) & (LegalRepresentative.person != person))}


def _name(owner):
    return owner.name if isinstance(owner, StaffMember) else f"{owner.first_name} {owner.last_name}"


def password_changed(owner, in_account=False):
    """A person's or a staff member's: through a reset link, or in "Mon compte" (`in_account`)."""
    mail.queue(owner.email, "password_changed", owner.language,
               _l("The password of your FAMHP portal account was changed"), name=_name(owner), in_account=in_account)


def authenticator_replaced(owner, others_ended=True):
    """A person's (their companies' other legal representatives are told too) or a staff member's."""
    mail.queue(owner.email, "authenticator_replaced", owner.language,
               _l("The authenticator of your FAMHP portal account was replaced"), name=_name(owner),
               others_ended=others_ended)
    if isinstance(owner, StaffMember):
        return
    person = owner
    for other in _colleagues(person):
        mail.queue(other.email, "colleague_authenticator_replaced", other.language,
                   _l("The authenticator of a colleague's FAMHP portal account was replaced"),
                   person=other, colleague=person)


def passkey_changed(owner, name, added):
    """A passkey added to or removed from a person's or a staff member's account (`name`: the one they gave it)."""
    subject = (_l("A passkey was added to your FAMHP portal account") if added
               else _l("A passkey was removed from your FAMHP portal account"))
    mail.queue(owner.email, "passkey_changed", owner.language, subject, name=_name(owner), passkey=name,
               added=added)


def new_device_allowed(person, asked_by=None, approved_by=None):
    """By the company's access manager, or by two members of the agency's staff (`asked_by`, `approved_by`)."""
    mail.queue(person.email, "new_device_allowed", person.language,
               _l("You can link a new authenticator to your FAMHP portal account"), person=person,
               asked_by=asked_by, approved_by=approved_by)
