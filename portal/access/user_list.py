"""The users of a quality (Figures 14, 18): filters, pages, and the CSV export."""
import csv
import io
from dataclasses import dataclass

from peewee import fn

from ..applications import APPLICATIONS, name as application_name
from ..csv_export import safe_cell
from ..identifiers import format_niss
from ..models import MemberApplication, Person, QualityMember
from .designations import ROLE_LABELS, STATUS_LABELS

PER_PAGE = 20
FILTERS = ("last_name", "first_name", "username", "type", "niss", "status", "application")


@dataclass
class UserFilter:
    values: dict

    @classmethod
    def from_args(cls, args):
        values = {name: args.get(name, "").strip()[:100] for name in FILTERS}
        if values["type"] not in ROLE_LABELS:
            values["type"] = ""
        if values["status"] not in STATUS_LABELS:
            values["status"] = ""
        if values["application"] not in APPLICATIONS:
            values["application"] = ""
        return cls(values)

    def query(self, quality):
        query = (QualityMember.select(QualityMember, Person).join(Person)
                 .where(QualityMember.quality == quality))
        v = self.values

        def starts(field, text):
            return fn.LOWER(field).startswith(text.lower())

        if v["last_name"]:
            query = query.where(starts(Person.last_name, v["last_name"]))
        if v["first_name"]:
            query = query.where(starts(Person.first_name, v["first_name"]))
        digits = "".join(ch for ch in v["niss"] if ch.isdigit())
        if v["niss"]:
            query = query.where(Person.niss.startswith(digits or "x"))
        if v["username"]:  # the user name is the login, the NISS; the e-mail address finds them too
            digits = "".join(ch for ch in v["username"] if ch.isdigit())
            query = query.where(starts(QualityMember.email, v["username"])
                                | (Person.niss.startswith(digits) if digits else False))
        if v["type"]:
            query = query.where(QualityMember.role == v["type"])
        if v["status"]:
            query = query.where(QualityMember.status == v["status"])
        if v["application"]:
            query = query.where(QualityMember.id.in_(
                MemberApplication.select(MemberApplication.member)
                .where(MemberApplication.application == v["application"])))
        return query.order_by(Person.last_name, Person.first_name, QualityMember.id)

    def args(self):
        return {name: value for name, value in self.values.items() if value}


def applications_of(members):
    """{member id: [codes]} for a page of members, in one query."""
    found = {}
    for row in MemberApplication.select().where(MemberApplication.member.in_([m.id for m in members])):
        found.setdefault(row.member_id, []).append(row.application)
    return {member_id: [code for code in APPLICATIONS if code in codes] for member_id, codes in found.items()}


def export_csv(members, language):
    """UTF-8 with a BOM (spreadsheet programs then read accents right);
    `;` between fields in French and Dutch, where `,` is the decimal mark."""
    from flask_babel import gettext as _

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if language in ("fr", "nl") else ",", lineterminator="\r\n")
    writer.writerow([_("Last name"), _("First name"), _("User name"), _("Type"), _("NISS"), _("Status"),
                     _("E-mail address"), _("Applications")])
    apps = applications_of(members)
    for member in members:
        person = member.person
        writer.writerow([safe_cell(v) for v in (
            person.last_name, person.first_name, person.niss, str(ROLE_LABELS[member.role]),
            format_niss(person.niss), str(STATUS_LABELS[member.status]), member.email,
            " | ".join(str(application_name(code)) for code in apps.get(member.id, [])))])
    return "\ufeff" + buffer.getvalue()
