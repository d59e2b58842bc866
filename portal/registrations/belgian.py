"""A Belgian enterprise's first link to a person (issue 14, guide home page
"Vous représentez une entreprise belge").

The BCE's open data names no persons, so a person logged in with eID or
itsme asks to act for an enterprise: its number (the portal shows the BCE's
data to confirm), their role and a proof of their mandate (PDF). The request
waits in the back office's queue with the registrations (kind "belgian").
Validating it makes the company from the BCE's data, then links the person:
as a legal representative, or as the main access manager. Only the first
link goes through the agency: once someone answers for the company in the
portal, they add the others themselves ("Mon entreprise"), and a request for
it is refused.
"""
import datetime
import secrets
from dataclasses import dataclass, field

from portal import clock
from portal.bce import enterprises as bce
from portal.companies.models import Company, CompanyEvent, LegalRepresentative
from portal.companies.records import check_link
from portal.data.db import database, lock_name
from portal.people.models import Person
from portal.registrations.models import Registration, RegistrationEvent
from portal.registrations.states import EXCHANGE_LANGUAGES, KeptProof
from portal.rights.access_rights import companies_of
from portal.text.date_formats import lazy_date
from portal.text.form_text import EMAIL, single_line_errors
from portal.text.identifiers import IdentifierError, format_bce, normalise_bce
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail, rate_limit

LEGAL_REPRESENTATIVE, MAIN_ACCESS_MANAGER = "legal_representative", "main_access_manager"
ROLES = {
    LEGAL_REPRESENTATIVE: _l("Legal representative of the enterprise (director, manager…)"),
    MAIN_ACCESS_MANAGER: _l("Main access manager (GAP), mandated by the enterprise's legal representatives"),
}
PER_DAY = rate_limit.Limit("belgian-registration", 10, datetime.timedelta(days=1))  # requests sent, per person
UPLOADS = rate_limit.Limit("belgian-upload", 30, datetime.timedelta(days=1))  # mandates kept while correcting


NOT_KEPT = _l("You sent many files today: this one is not kept. Try again tomorrow, or write to the agency.")


@dataclass
class Sent:
    errors: dict = field(default_factory=dict)
    request: Registration = None
    enterprise: object = None  # as the BCE gives it, when the number was found


class NotInBce(Exception):
    """At validation: the BCE no longer lists the enterprise as active."""


class AlreadyAnswered(Exception):
    """At validation: someone answers for the company in the portal by now (they add the newcomer)."""


def values_from(form):
    return {"number": form.get("number", "").strip()[:40], "role": form.get("role", ""),
            "function": form.get("function", "").strip()[:100], "phone": form.get("phone", "").strip()[:30],
            "email": form.get("email", "").strip()[:254].lower(), "language": form.get("language", "")}


def look_up(text, language):
    """(BCE number, the enterprise as the BCE gives it, error message) for a typed number."""
    if not text:
        return None, None, _l("Enter the enterprise number, for example 0403.170.701.")
    try:
        number = normalise_bce(text)
    except IdentifierError as error:
        return None, None, error.message
    extract = bce.latest_extract()
    if extract is None:
        return number, None, _l("The BCE's data are not loaded in the portal yet. Try again later, or write to "
                                "the agency.")
    enterprise = bce.find(number, language)
    if enterprise is None:
        return number, None, _l("The BCE does not list %(number)s among the active enterprises (data of "
                                "%(date)s). Check the number.", number=format_bce(number),
                                date=lazy_date(extract.snapshot_date))
    return number, enterprise, None


def mine(person):
    """The person's requests, newest first, without the PDFs."""
    return list(Registration.without_blobs()
                .where((Registration.kind == Registration.BELGIAN) & (Registration.person == person)
                       & Registration.status.in_(Registration.SENT))
                .order_by(Registration.submitted_at.desc()).limit(20))


_PROOFS = KeptProof(Registration.BELGIAN, "person")


def kept_proof(person):
    """(filename, size) of a mandate sent with a request that had errors, kept until sent or removed."""
    return _PROOFS.shown(person)


def keep_proof(person, proof):
    """Keep a checked PDF while the rest is corrected; False (not kept) past the day's limit."""
    if rate_limit.exceeded(UPLOADS, person.id):
        return False
    _PROOFS.keep(person, proof, country="BE")
    return True


def forget_proof(person):
    _PROOFS.forget(person)


def _waiting(person, number):
    return (Registration.select().where((Registration.kind == Registration.BELGIAN) & (Registration.person == person)
                                        & (Registration.bce_number == number)
                                        & (Registration.status == Registration.SUBMITTED)).exists())


def _acts_for(person, company):
    return any(mine.id == company.id for mine in companies_of(person))


def _has_people(company):
    """Whether someone already answers for the company in the portal: then
    they add the newcomer themselves ("Mon entreprise"), the agency does not."""
    return (company.main_access_manager_id is not None
            or LegalRepresentative.select().where(LegalRepresentative.company == company).exists())


def check(person, values, language):
    """Errors by field, and the enterprise found (or None)."""
    errors = {}
    number, enterprise, error = look_up(values["number"], language)
    if error:
        errors["number"] = error
    company = Company.get_or_none(Company.bce_number == number) if number else None
    if company is not None and _acts_for(person, company):
        errors["number"] = _l("You already act for this enterprise: choose it on your portal's home page.")
    elif company is not None and _has_people(company):
        errors["number"] = _l("This enterprise is already registered with the agency: ask its main access manager "
                              "or one of its legal representatives to add you in “My company”.")
    elif enterprise is not None and not enterprise.legal_names:
        errors["number"] = _l("The BCE gives no name for this enterprise: the agency cannot register it from the "
                              "BCE's data. Write to the agency.")
    elif number and _waiting(person, number):
        errors["number"] = _l("Your request for this enterprise is already waiting for the agency's decision.")
    if values["role"] not in ROLES:
        errors["role"] = _l("Choose your role in the enterprise.")
    if not values["function"]:
        errors["function"] = _l("Enter your function in the enterprise, for example: managing director.")
    errors.update(check_link({"function": values["function"], "phone": values["phone"]}))
    if not EMAIL.match(values["email"]):
        errors["email"] = _l("Enter an e-mail address such as name@company.be.")
    if values["language"] not in EXCHANGE_LANGUAGES:
        errors["language"] = _l("Choose French, Dutch or English for the exchanges with the agency.")
    errors.update(single_line_errors({"email": values["email"]}))
    return errors, enterprise


def send(person, values, language, proof=None, proof_error=None):
    """Check and file the request; `proof` is a checked PDF (bytes, filename),
    else the one kept from an earlier try."""
    proof = proof or _PROOFS.content(person)
    errors, enterprise = check(person, values, language)
    if proof_error:
        errors["proof"] = proof_error
    elif proof is None:
        errors["proof"] = _l("Choose the PDF that proves your mandate: the publication in the Belgian Official "
                             "Gazette naming you, or a mandate signed by the legal representatives.")
    if errors:
        return Sent(errors=errors, enterprise=enterprise)
    if rate_limit.exceeded(PER_DAY, person.id):
        return Sent(errors={"number": _l("You sent many requests today. Try again tomorrow, or write to the "
                                         "agency.")}, enterprise=enterprise)
    with database.atomic():
        Person.lock_row(person.id)
        if _waiting(person, enterprise.number):  # again, now that this person's requests wait their turn
            return Sent(errors={"number": _l("Your request for this enterprise is already waiting for the "
                                             "agency's decision.")}, enterprise=enterprise)
        now = clock.utc()
        name = enterprise.name_in(values["language"])
        data = {"company": {"name": name, "language": values["language"]}, "role": values["role"],
                "function": values["function"], "phone": values["phone"], "email": values["email"]}
        request = Registration.create(
            kind=Registration.BELGIAN, token=secrets.token_urlsafe(32), status=Registration.SUBMITTED,
            language=values["language"], data=Registration.encode(data), country="BE",
            bce_number=enterprise.number, person=person, submitted_at=now, updated_at=now,
            **Registration.name_columns(data),
            vat_status="not_applicable", proof_pdf=proof[0], proof_filename=proof[1], proof_size=len(proof[0]))
        request.reference = f"BE-{now:%Y}-{request.id:06d}"
        Registration.update(reference=request.reference).where(Registration.id == request.id).execute()
        RegistrationEvent.create(registration=request, action="submitted")
        forget_proof(person)
    return Sent(request=request)


def apply(request, staff, base_url):
    """Inside the caller's transaction, once the request is marked validated:
    the company (made from the BCE the first time) and the person's link."""
    answers = request.answers
    language = answers["company"]["language"]
    lock_name(f"bce:{request.bce_number}")  # two validations for one new enterprise make one company
    company = Company.get_or_none(Company.bce_number == request.bce_number)
    if company is None:
        enterprise = bce.find(request.bce_number, language)
        if enterprise is None or not enterprise.legal_names:
            raise NotInBce()
        company = bce.create_company(enterprise, language)
    Company.lock_row(company.id)
    if _has_people(Company.get_by_id(company.id)):
        raise AlreadyAnswered()
    person = Person.get_by_id(request.person_id)
    # The person's own address and language, typed under their eID login, apply once the agency agrees.
    Person.update(email=answers["email"], language=language).where(Person.id == person.id).execute()
    person.email, person.language = answers["email"], language
    if answers["role"] == MAIN_ACCESS_MANAGER:
        Company.update(main_access_manager=person).where(Company.id == company.id).execute()
    elif not LegalRepresentative.select().where((LegalRepresentative.company == company)
                                                & (LegalRepresentative.person == person)).exists():
        LegalRepresentative.create(company=company, person=person, function=answers["function"],
                                   phone=answers["phone"])
    Registration.update(company=company).where(Registration.id == request.id).execute()
    CompanyEvent.create(company=company, staff=staff, action="bce_registered",
                        reason=f"{request.reference}: {person.first_name} {person.last_name}")
    mail.queue(person.email, "belgian_validated", language, _l("You can now act for your enterprise on the FAMHP "
                                                               "portal"),
               person=person, company=company, reference=request.reference, role=ROLES[answers["role"]],
               login_url=base_url.rstrip("/") + f"/{language}/login")
    return company


def refused(request, reason):
    person = Person.get_by_id(request.person_id)
    mail.queue(request.answers["email"], "belgian_refused", request.language, _l("Your request on the FAMHP portal was refused"),
               person=person, company=request.company_answers, reference=request.reference, reason=reason,
               bce=format_bce(request.bce_number))
