"""“Mes contrôles” (guide 5.4): the exchange between a company and the
agency's inspectors, shared by the tile and the back office.

- The form the law asks for (the questionnaire): one per company, saved as
  a draft, then sent; it may be changed and sent again afterwards.
- Inspection dossiers, opened by the agency: documents either side adds
  (checked by `documents`), a timeline of every exchange, and an e-mail to
  the other side each time. The company's corrective action plan and the
  inspector's word on it are `actions`; who holds which dossier is
  `inspectors`; the risk indicator per company is `risk_indicator`.
"""
import datetime
import json
import re

from peewee import fn

from portal import clock
from portal.companies.models import Company
from portal.companies.records import mail_addresses
from portal.data.db import database, is_postgres
from portal.data.prepared import Prepared, slot
from portal.inspections import documents, inspectors
from portal.inspections.models import (
    DossierDocument,
    DossierEvent,
    InspectionDossier,
    Questionnaire,
    QuestionnaireEvent,
)
from portal.people.models import StaffMember
from portal.people.persons import parse_date
from portal.people.staff_roles import INSPECTOR
from portal.text.form_text import multi_line_ok, row_id, single_line_errors
from portal.text.lazy_text import lazy_gettext as _l
from portal.web import mail, rate_limit, virus_scan
from portal.web.pdf import safe_filename

QMS_CHOICES = {"iso13485": _l("Certified to EN ISO 13485"), "other": _l("Another certified quality system"),
               "none": _l("No certified quality system")}
DOCUMENT_KINDS = {"report": _l("Inspection report"), "action_plan": _l("Corrective action plan"),
                  "other": _l("Other document")}
EVENT_LABELS = {
    "opened": _l("Dossier opened by the agency"), "document_added": _l("Document added"),
    "action_added": _l("Corrective action added"), "action_changed": _l("Corrective action updated"),
    "action_done": _l("Corrective action marked done by the company"),
    "action_moved": _l("Due date moved by the company"),
    "action_confirmed": _l("Corrective action confirmed by the inspector"),
    "action_reopened": _l("Corrective action reopened by the inspector"),
    "closed": _l("Dossier closed by the agency"),
    "questionnaire_saved": _l("Form saved as a draft"), "questionnaire_sent": _l("Form sent to the agency"),
}
NOTIFIED_BODY = re.compile(r"^\d{4}$")  # NANDO numbers have four digits
MAX_CERTIFICATES = 50


class InspectionError(Exception):
    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


# The form the law asks for ---------------------------------------------------------------

def questionnaire_of(company):
    return Questionnaire.get_or_none(Questionnaire.company == company)


def law_form_pending(company):
    """True while the company has not sent the form the law asks for (one query)."""
    return not Questionnaire.select().where((Questionnaire.company == company)
                                            & Questionnaire.first_submitted_at.is_null(False)).exists()


def questionnaire_values(form):
    return {"employees": form.get("employees", "").strip()[:12],
            "devices_per_year": form.get("devices_per_year", "").strip()[:15],
            "qms": form.get("qms", "")[:20], "qms_details": form.get("qms_details", "").strip()[:200],
            "certificates": form.get("certificates", "").strip()[:5000]}


def values_of(questionnaire):
    if questionnaire is None:
        return {"employees": "", "devices_per_year": "", "qms": "", "qms_details": "", "certificates": ""}
    lines = [f"{row['body']}; {row['number']}; {datetime.date.fromisoformat(row['expires_on']):%d/%m/%Y}"
             for row in questionnaire.certificate_rows]
    return {"employees": "" if questionnaire.employees is None else str(questionnaire.employees),
            "devices_per_year": "" if questionnaire.devices_per_year is None else str(questionnaire.devices_per_year),
            "qms": questionnaire.qms, "qms_details": questionnaire.qms_details, "certificates": "\n".join(lines)}


def _count(text, limit):
    compact = text.replace(" ", "").replace(".", "").replace("\u202f", "").replace("\xa0", "")
    if not compact:
        return None, None
    if not compact.isascii() or not compact.isdigit() or int(compact) > limit:
        return None, False
    return int(compact), True


def check_questionnaire(values, sending):
    """(errors, columns). A draft may be incomplete but not wrong; a form sent must be complete."""
    errors, columns = {}, {}
    for name, limit, message in (
            ("employees", 1_000_000, _l("Enter the number of employees as a whole number, such as 12.")),
            ("devices_per_year", 10**12, _l("Enter the number of devices as a whole number, such as 25000."))):
        number, ok = _count(values[name], limit)
        if ok is False or (sending and number is None):
            errors[name] = message
        columns[name] = number
    if values["qms"] and values["qms"] not in QMS_CHOICES:
        errors["qms"] = _l("Choose the quality system of the company.")
    elif sending and not values["qms"]:
        errors["qms"] = _l("Choose the quality system of the company.")
    if sending and values["qms"] in ("iso13485", "other") and not values["qms_details"]:
        errors["qms_details"] = _l("Give the certificate's number and the body that issued it.")
    errors.update(single_line_errors({"qms_details": values["qms_details"]}))
    columns["qms"], columns["qms_details"] = values["qms"], values["qms_details"]
    rows, problems = [], []
    lines = [line for line in values["certificates"].splitlines() if line.strip()]
    for number, line in enumerate(lines[:MAX_CERTIFICATES + 1], start=1):
        parts = [part.strip() for part in line.split(";")]
        expires = parse_date(parts[2]) if len(parts) == 3 else None
        if len(parts) != 3 or not NOTIFIED_BODY.match(parts[0]) or not parts[1] or len(parts[1]) > 60 \
                or expires is None:
            problems.append(number)
        else:
            rows.append({"body": parts[0], "number": parts[1], "expires_on": expires.isoformat()})
    if problems:
        errors["certificates"] = _l("Line %(lines)s: write each certificate as “notified body number; certificate "
                                    "number; expiry date”, such as “0123; CE-123456; 31/12/2027”.",
                                    lines=", ".join(str(n) for n in problems[:5]))
    elif len(lines) > MAX_CERTIFICATES:
        errors["certificates"] = _l("Give at most 50 certificates here; send a longer list as a document.")
    elif not multi_line_ok(values["certificates"]):
        errors["certificates"] = _l("Remove the invisible characters from this field.")
    columns["certificates"] = json.dumps(rows)
    return errors, columns


def save_questionnaire(company, person, values, sending):
    """Save the draft, or send it (again): the agency is told when it is sent."""
    errors, columns = check_questionnaire(values, sending)
    if errors:
        raise InspectionError(errors)
    now = clock.utc()
    with database.atomic():
        Company.lock_row(company.id)
        found = questionnaire_of(company)
        if not sending and found is not None and found.first_submitted_at is not None:
            # once sent, the agency relies on it: changes are sent, not kept aside as a draft
            raise InspectionError({"employees": _l("The form was sent already: change it and send it again.")})
        columns.update(updated_at=now, updated_by=person)
        if sending:
            columns.update(status=Questionnaire.SUBMITTED, submitted_at=now)
            if found is None or found.first_submitted_at is None:
                columns["first_submitted_at"] = now
        if found is None:
            Questionnaire.create(company=company, **columns)
        else:
            Questionnaire.update(**columns).where(Questionnaire.id == found.id).execute()
        QuestionnaireEvent.create(company=company, actor=person,
                                  action="questionnaire_sent" if sending else "questionnaire_saved")
        if sending:
            for dossier in InspectionDossier.select().where((InspectionDossier.company == company)
                                                            & (InspectionDossier.status == InspectionDossier.OPEN)):
                tell_inspector(dossier, "questionnaire")
    mail.send_after_commit()


def questionnaire_history(company, limit=200):
    return QuestionnaireEvent.trail(company=company, limit=limit)


# Dossiers ----------------------------------------------------------------------------------

def _once_an_hour(dossier, side):
    """At most one e-mail an hour per dossier and side: ten saves in a row make one e-mail, not ten.
    The timeline shows every change; the e-mail only says that there is something to see."""
    return not rate_limit.exceeded(rate_limit.DOSSIER_MAIL, f"{dossier.id}:{side}")


def tell_company(dossier, what, conclusion="", action=""):
    """E-mail the company's addresses; the agency's decisions (opened, reopened, closed) every time, the
    rest at most once an hour."""
    if what not in ("opened", "reopened", "closed") and not _once_an_hour(dossier, "company"):
        return
    company = Company.get_by_id(dossier.company_id)
    for address, language in mail_addresses(company):
        mail.queue(address, "dossier_news", language, _l("News in your inspection dossier %(reference)s",
                                                          reference=dossier.reference),
                   dossier=dossier, company=company, what=what, side="company", conclusion=conclusion,
                   action=action)


def tell_inspector(dossier, what):
    inspector = StaffMember.get_or_none((StaffMember.id == dossier.inspector_id) & StaffMember.active)
    if inspector is None or not _once_an_hour(dossier, "agency"):  # it shows on the inspectors' list
        return
    company = Company.get_by_id(dossier.company_id)
    mail.queue(inspector.email, "dossier_news", "fr", _l("News in your inspection dossier %(reference)s",
                                                          reference=dossier.reference),
               dossier=dossier, company=company, what=what, side="agency")


def record_event(dossier, action, person=None, staff=None, reason="", document=None):
    DossierEvent.create(dossier=dossier, actor=person, staff=staff, action=action, reason=reason[:2000],
                        document=document)
    waiting = "agency" if person is not None else "company"
    InspectionDossier.update(updated_at=clock.utc(), waiting_for=waiting).where(
        InspectionDossier.id == dossier.id).execute()


def dossier_values(form):
    return {"subject": form.get("subject", "").strip()[:200], "planned_on": form.get("planned_on", "").strip()[:10],
            "inspector": form.get("inspector", "")[:12]}


def open_dossier(company, staff, values):
    """A dossier for `company`, its inspector `staff` or the one named (`inspectors.may_name`)."""
    errors = {}
    if not values["subject"]:
        errors["subject"] = _l("Enter the subject of the inspection.")
    errors.update(single_line_errors({"subject": values["subject"]}))
    planned = parse_date(values["planned_on"]) if values["planned_on"] else None
    if values["planned_on"] and planned is None:
        errors["planned_on"] = _l("Enter the date as day, month and year, for example 31/01/2027.")
    inspector = None
    if values["inspector"]:
        inspector = StaffMember.get_or_none((StaffMember.id == row_id(values["inspector"])) & StaffMember.active)
        if inspector is None or not inspector.has_role(INSPECTOR):
            errors["inspector"] = _l("Choose an inspector of the agency.")
        elif not inspectors.may_name(staff, inspector):
            errors["inspector"] = _l("You open dossiers for yourself: naming another inspector needs the right "
                                     "to every dossier.")
    if errors:
        raise InspectionError(errors)
    with database.atomic():
        now = clock.utc()
        dossier = InspectionDossier.create(company=company, subject=values["subject"], planned_on=planned,
                                           inspector=inspector or staff, created_at=now, updated_at=now)
        dossier.reference = f"INS-{now:%Y}-{dossier.id:06d}"
        InspectionDossier.update(reference=dossier.reference).where(InspectionDossier.id == dossier.id).execute()
        record_event(dossier, "opened", staff=staff, reason=values["subject"])
        tell_company(dossier, "opened")
    mail.send_after_commit()
    return dossier


def add_document(dossier, checked, filename, kind, note, person=None, staff=None):
    """A document from the company (`person`) or the agency (`staff`); the other side is told."""
    errors = {}
    if kind not in DOCUMENT_KINDS:
        errors["kind"] = _l("Say what the document is.")
    if not multi_line_ok(note):
        errors["note"] = _l("Remove the invisible characters from this field.")
    if errors:
        raise InspectionError(errors)
    with database.atomic():
        still_open(dossier, "document")
        document = DossierDocument.create(dossier=dossier, kind=kind, filename=filename,
                                          content_type=checked.content_type, extension=checked.extension,
                                          size=len(checked.content), content=checked.content, note=note[:2000],
                                          person=person, staff=staff)
        record_event(dossier, "document_added", person=person, staff=staff, reason=note, document=document)
        (tell_inspector if person is not None else tell_company)(dossier, "document_added")
    mail.send_after_commit()
    return document


def still_open(dossier, field_name):
    """Inside the transaction: the dossier is read again (and locked on PostgreSQL), so that
    nothing lands in a dossier the agency closed at the same moment."""
    query = InspectionDossier.select(InspectionDossier.status).where(InspectionDossier.id == dossier.id)
    if is_postgres():
        query = query.for_update()
    if query.scalar() != InspectionDossier.OPEN:
        raise InspectionError({field_name: _l("The dossier is closed: nothing can be added any more.")})


def document_values(form):
    return {"kind": form.get("kind", "")[:20], "note": form.get("note", "").strip()[:2000]}


def receive_document(dossier, upload, values, person=None, staff=None):
    """An uploaded file, scanned by ClamAV and checked by its content, added by either side; InspectionError
    says what is wrong. The company's daily quota is counted first: a file past it costs no check."""
    if person is not None and rate_limit.exceeded(rate_limit.DOCUMENTS, dossier.company_id):
        raise InspectionError({"document": _l("Your company has sent many documents today: send the others "
                                              "tomorrow, or write to the inspector.")})
    data = upload.read(documents.MAX_BYTES + 1) if upload and upload.filename else b""
    refused = virus_scan.refusal(data) if len(data) <= documents.MAX_BYTES else None  # scanned before it is read
    if refused:
        raise InspectionError({"document": refused})
    try:
        checked = documents.check(data)
    except documents.DocumentError as error:
        raise InspectionError({"document": error.message})
    return add_document(dossier, checked, safe_filename(upload.filename), values["kind"], values["note"],
                        person=person, staff=staff)


def served_document(dossier, document_id):
    """The response for one document of the dossier, or None when the dossier has no such document."""
    row = DossierDocument.without_blobs().where((DossierDocument.id == document_id)
                                                  & (DossierDocument.dossier == dossier)).first()
    if row is None:
        return None
    return documents.served(document_content(row), row.content_type, row.extension, f"{dossier.reference}-{row.id}")


def close_dossier(dossier, staff, reason):
    with database.atomic():
        changed = (InspectionDossier.update(status=InspectionDossier.CLOSED)
                   .where((InspectionDossier.id == dossier.id) & (InspectionDossier.status == InspectionDossier.OPEN))
                   .execute())
        if changed:
            record_event(dossier, "closed", staff=staff, reason=reason)
            tell_company(dossier, "closed", conclusion=reason)
    mail.send_after_commit()


def timeline(dossier, limit=200):
    return DossierEvent.trail(dossier=dossier, limit=limit)


def timeline_shown(dossier, limit):
    """The newest entries of the timeline as a prepared.Shown, for a page that keeps them rendered."""
    return DossierEvent.trail_shown(dossier=dossier, limit=limit)


DOCUMENTS_PER_PAGE = 20


def documents_page(dossier, page):
    """(a page of the documents, newest first, as a prepared.Shown, for a page that keeps their list
    rendered; the page shown; how many pages): a dossier that gathers many documents shows them 20 at a
    time. A page past the end shows the last one."""
    total = _DOCUMENT_COUNT.raw_rows(dossier=dossier.id)[0][0]
    pages = max(1, -(-total // DOCUMENTS_PER_PAGE))
    page = min(max(1, page), pages)
    shown = _DOCUMENT_PAGE.shown(dossier=dossier.id, limit=DOCUMENTS_PER_PAGE, offset=(page - 1) * DOCUMENTS_PER_PAGE)
    return shown, page, pages


# A dossier's page reads them on every view: prepared once (prepared.py).
_DOCUMENT_PAGE = Prepared(lambda: DossierDocument.without_blobs().where(DossierDocument.dossier == slot("dossier"))
                          .order_by(DossierDocument.created_at.desc(), DossierDocument.id.desc())
                          .limit(slot("limit")).offset(slot("offset")))
_DOCUMENT_COUNT = Prepared(lambda: DossierDocument.select(fn.COUNT(DossierDocument.id))
                           .where(DossierDocument.dossier == slot("dossier")).tuples())


def document_content(document):
    return DossierDocument.select(DossierDocument.content).where(DossierDocument.id == document.id).scalar()
