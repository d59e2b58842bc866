"""A registered company's request to change its identity: its name, VAT or
BCE number, or the official proof of its status (guide 5.2, issue 12).

The company asks in “Mon entreprise”; the request waits in the back office's
queue with the registrations (kind "change"), checked as a registration is
(offline checks, numbers held by others, VIES). Until the agency decides,
the company keeps its current identity and sees the change pending; one
change waits at a time. Validating applies it; refusing tells the person who
asked why. Either way the company's history keeps it.
"""
import secrets
from dataclasses import dataclass, field

from portal import clock
from portal.companies import identity as company_identity
from portal.companies.models import Company, CompanyEvent, LegalRepresentative
from portal.data.db import database
from portal.data.prepared import Prepared, slot
from portal.people.models import Person
from portal.registrations.models import Registration, RegistrationEvent
from portal.registrations.states import KeptProof
from portal.text.form_text import single_line_errors
from portal.text.identifiers import vat_prefix
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail

FIELDS = ("name", "vat_number", "bce_number")


@dataclass
class Asked:
    """What became of a request: errors to show, VIES that did not answer
    (the person may go on unverified), or the request waiting in the queue."""
    errors: dict = field(default_factory=dict)
    vies_unavailable: bool = False
    request: Registration = None


class NumberTaken(Exception):
    """At validation: another company took the number in the meantime."""


def values_from(form, prefix=""):
    return {"name": form.get(prefix + "name", "").strip()[:200],
            "bce_registered": form.get(prefix + "bce_registered", ""),
            "bce_number": form.get(prefix + "bce_number", "").strip()[:40],
            "vat_number": form.get(prefix + "vat_number", "").strip()[:40],
            "no_vat": form.get(prefix + "no_vat") == "yes"}


def current_values(company):
    """The form's values before anything is typed: the identity as it is."""
    vat = company.vat_number or ""
    prefix = vat_prefix(company.country) if vat else ""
    return {"name": company.name, "bce_registered": "yes" if company.bce_number else "no",
            "bce_number": company.bce_number or "", "vat_number": vat[len(prefix):] if vat else "",
            "no_vat": not vat}


def pending(company):
    """The change waiting for the agency, or None."""
    return _PENDING.first(company=company.id)


_PENDING = Prepared(lambda: Registration.without_blobs()
                    .where((Registration.kind == Registration.CHANGE) & (Registration.company == slot("company"))
                           & (Registration.status == Registration.SUBMITTED)).limit(1))


_PROOFS = KeptProof(Registration.CHANGE, "company")


def kept_proof(company):
    """(filename, size) of a new official proof sent with a request that had
    errors, kept until the request is sent or the file removed; or None."""
    return _PROOFS.shown(company)


def keep_proof(company, proof):
    """Keep a checked PDF while the rest of the request is corrected (nothing sent is lost)."""
    _PROOFS.keep(company, proof, language=company.language)


def forget_proof(company):
    _PROOFS.forget(company)


def ask(company, person, values, proof=None, proof_error=None, continue_unverified=False):
    """Check and file the request; `proof` is a checked PDF (bytes, filename),
    else the one kept from an earlier try, if any."""
    if company.bce_synced_on is not None:
        return Asked(errors={"name": _l("The name and the number of a Belgian enterprise come from the BCE: they "
                                        "change there, and reach the portal with its next update.")})
    proof = proof or _PROOFS.content(company)
    errors = {}
    if not values["name"]:
        errors["name"] = _l("Enter the commercial name of the company.")
    errors.update(single_line_errors({"name": values["name"]}))
    outcome = company_identity.identify(dict(values, country=company.country),
                                        company_identity.numbers_taken_by_others(company=company),
                                        continue_unverified)
    errors.update(outcome.errors)
    if proof_error:
        errors["proof"] = proof_error
    if errors:
        return Asked(errors=errors)
    if not outcome.complete:
        return Asked(vies_unavailable=True)
    new = {"name": values["name"], "vat_number": outcome.columns["vat_number"],
           "bce_number": outcome.columns["bce_number"]}
    old = {name: getattr(company, name) for name in FIELDS}
    if new == old and proof is None:
        return Asked(errors={"name": _l("Nothing is changed: change the name, a number or the official proof.")})
    with database.atomic():
        Company.lock_row(company.id)
        if pending(company) is not None:
            return Asked(errors={"name": _l("A change is already waiting for the agency's decision.")})
        taken = company_identity.numbers_taken_by_others(company=company)  # again, now that requests wait their turn
        if new["vat_number"] and new["vat_number"] != old["vat_number"] and taken(vat=new["vat_number"]):
            return Asked(errors={"vat_number": _l("A company with this VAT number was registered in the meantime.")})
        if new["bce_number"] and new["bce_number"] != old["bce_number"] and taken(bce=new["bce_number"]):
            return Asked(errors={"bce_number": _l("A company with this BCE number was registered in the meantime.")})
        now = clock.utc()
        data = {"company": {"name": new["name"], "language": company.language}, "previous": old,
                "requested_by": person.id}
        columns = dict(outcome.columns)
        request = Registration.create(
            kind=Registration.CHANGE, token=secrets.token_urlsafe(32), status=Registration.SUBMITTED,
            language=company.language, data=Registration.encode(data), company=company, submitted_at=now,
            updated_at=now, **Registration.name_columns(data),
            proof_pdf=proof[0] if proof else None, proof_filename=proof[1] if proof else None,
            proof_size=len(proof[0]) if proof else None, **columns)
        request.reference = f"CHG-{now:%Y}-{request.id:06d}"
        Registration.update(reference=request.reference).where(Registration.id == request.id).execute()
        RegistrationEvent.create(registration=request, action="submitted")
        forget_proof(company)
        CompanyEvent.create(company=company, actor=person, action="identity_change_requested",
                            reason=request.reference)
    return Asked(request=request)


def rows(request):
    """(label, before, after) for the back office and the tile, in the form's order."""
    previous = request.answers.get("previous", {})
    after = {"name": request.company_answers.get("name"), "vat_number": request.vat_number,
             "bce_number": request.bce_number}
    labels = {"name": _l("Commercial name of the company"), "vat_number": _l("VAT number"),
              "bce_number": _l("Company number (BCE)")}
    return [(labels[name], previous.get(name) or "", after[name] or "") for name in FIELDS]


def apply(request, staff):
    """Inside the caller's transaction, once the request is marked validated."""
    company = Company.get_by_id(request.company_id)
    Company.lock_row(company.id)
    taken = company_identity.numbers_taken_by_others(registration=request, company=company)
    if (request.vat_number and taken(vat=request.vat_number)) or (request.bce_number and taken(bce=request.bce_number)):
        raise NumberTaken()
    company.set_name(request.company_answers["name"])
    company.vat_number, company.bce_number = request.vat_number, request.bce_number
    company.save()
    company.save_name_words()
    CompanyEvent.create(company=company, staff=staff, action="identity_changed", reason=request.reference)
    _tell(request, company, "identity_change_validated", _l("The FAMHP validated the change of your company's data"))


def refused(request, staff, reason):
    company = Company.get_by_id(request.company_id)
    CompanyEvent.create(company=company, staff=staff, action="identity_change_refused", reason=request.reference)
    _tell(request, company, "identity_change_refused", _l("The FAMHP refused the change of your company's data"),
          reason=reason)


def _tell(request, company, template, subject, **context):
    """The person who asked, if they still act for the company; else its legal representatives."""
    from portal.rights.access_rights import companies_of

    asker = Person.get_or_none(Person.id == request.answers.get("requested_by"))
    if asker is not None and any(mine.id == company.id for mine in companies_of(asker)):
        recipients = [asker]
    else:
        recipients = [link.person for link in LegalRepresentative.select(LegalRepresentative, Person).join(Person)
                      .where(LegalRepresentative.company == company)]
    for person in recipients:
        mail.queue(person.email, template, person.language, subject, person=person, company=company,
                   reference=request.reference, rows=rows(request), **context)


def current_proof(company):
    """The newest validated request of the company with an official proof (its
    registration, or a change): the proof in force. Without the PDF itself."""
    return _CURRENT_PROOF.first(company=company.id)


def _in_force(query):
    """The newest validated request of the company with an official proof (its registration, or a change)."""
    return (query.where((Registration.company == slot("company")) & (Registration.status == Registration.VALIDATED)
                        & Registration.proof_size.is_null(False) & (Registration.kind != Registration.BELGIAN))
            .order_by(Registration.decided_at.desc(), Registration.id.desc()).limit(1))


_CURRENT_PROOF = Prepared(lambda: _in_force(Registration.without_blobs()))


def current_proof_name(company):
    """The file name of the proof in force, or None: what a page that only names it reads (one column)."""
    found = _CURRENT_PROOF_NAME.raw_rows(company=company.id)
    return found[0][0] if found else None


_CURRENT_PROOF_NAME = Prepared(lambda: _in_force(Registration.select(Registration.proof_filename)).tuples())


def proof_content(request):
    return bytes(Registration.select(Registration.proof_pdf).where(Registration.id == request.id).scalar())
