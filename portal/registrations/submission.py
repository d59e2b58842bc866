"""Sending a registration: from draft to a request waiting for the agency."""
from portal import clock
from portal.companies import identity as company_identity
from portal.data.db import database
from portal.registrations import drafts as steps
from portal.registrations.models import Registration, RegistrationEmail, RegistrationEvent
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail


def submit(registration):
    """Submit once; returns a dict of problems, or None when it was submitted.

    Runs in one transaction: the status change, the reference and the e-mails
    to the legal representatives commit together or not at all. The status
    update only matches a draft, so a double click submits once.
    """
    data = registration.answers
    if steps.first_incomplete(data) != "check":
        return {"steps": _l("Some steps are not complete yet.")}
    with database.atomic():
        if registration.vat_number and company_identity.is_taken(vat=registration.vat_number, exclude=registration):
            return {"vat_number": _l("A company with this VAT number was registered in the meantime.")}
        if registration.bce_number and company_identity.is_taken(bce=registration.bce_number, exclude=registration):
            return {"bce_number": _l("A company with this BCE number was registered in the meantime.")}
        now = clock.utc()
        again = registration.status == Registration.NEEDS_INFORMATION
        reference = registration.reference or f"REG-{now:%Y}-{registration.id:06d}"
        # A request sent again after the agency asked for information keeps
        # its reference and its first submission time (its place in the queue).
        company = data["company"]
        changed = (Registration.update(status=Registration.SUBMITTED, reference=reference, updated_at=now,
                                       submitted_at=registration.submitted_at or now,
                                       **Registration.name_columns(data))
                   .where((Registration.id == registration.id)
                          & (Registration.status.in_(Registration.EDITABLE)))
                   .execute())
        if changed != 1:
            return None  # submitted by a concurrent request: the same outcome
        RegistrationEvent.create(registration=registration, action="resubmitted" if again else "submitted")
        RegistrationEmail.delete().where(RegistrationEmail.registration == registration).execute()
        RegistrationEmail.insert_many([{"registration": registration.id, "email": person["email"]}
                                       for person in data["representatives"]]).execute()
        for person in data["representatives"]:
            mail.queue(person["email"], "registration_received", company["language"],
                       _l("We received the registration of %(company)s", company=company["name"]),
                       person=person, company=company, reference=reference)
    registration.status, registration.reference = Registration.SUBMITTED, reference
    return None
