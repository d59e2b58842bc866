"""The users of a quality (Figures 14, 18): filters, pages, and the CSV export."""
import csv
import io
from dataclasses import dataclass

from peewee import OP, SQL, Expression, NodeList, Value, fn

from portal.data.db import text_agg
from portal.data.prepared import Prepared, slot
from portal.people.models import Person
from portal.rights.applications import APPLICATIONS
from portal.rights.applications import name as application_name
from portal.rights.designations import ROLE_LABELS, STATUS_LABELS
from portal.rights.models import MemberApplication, QualityMember
from portal.text.identifiers import format_niss
from portal.web.csv_export import safe_cell

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

    def page(self, quality, page=1, size=PER_PAGE):
        """(members of the page, each with its person and `applications`, how many match, the page shown,
        how many pages): two prepared statements for this combination of filters (prepared.py), the
        applications a column of each member's row. A page past the end shows the last one. The members
        are a prepared.Shown: a page that keeps its table rendered makes no models."""
        shape = self._shape()
        found = _SHAPES.get(shape)
        if found is None:
            found = _SHAPES[shape] = (Prepared(lambda: _matching(*shape).select(fn.COUNT(QualityMember.id))),
                                      Prepared(lambda: _listed(_matching(*shape))))
        counted, listed = found
        values = self._bound(quality)
        total = counted.raw_rows(**values)[0][0]
        pages = max(1, -(-total // size))
        page = min(max(1, page), pages)
        shown = listed.shown(**values, limit=size, offset=(page - 1) * size)
        return shown.then(_with_applications), total, page, pages

    def every(self, quality):
        """Every member that matches, in the list's order (the CSV export)."""
        return list(self.page(quality, 1, 10**6)[0])

    def _digits(self, name):
        return "".join(ch for ch in self.values[name] if ch.isdigit())

    def _shape(self):
        v = self.values
        return (bool(v["last_name"]), bool(v["first_name"]), bool(v["niss"]), bool(v["username"]),
                bool(v["username"] and self._digits("username")), bool(v["type"]), bool(v["status"]),
                bool(v["application"]))

    def _bound(self, quality):
        v = self.values
        return {"quality": quality.id, "last_name": _pattern(v["last_name"].lower()),
                "first_name": _pattern(v["first_name"].lower()), "niss": _pattern(self._digits("niss") or "x"),
                "username": _pattern(v["username"].lower()), "username_digits": _pattern(self._digits("username")),
                "type": v["type"], "status": v["status"], "application": v["application"]}

    def args(self):
        return {name: value for name, value in self.values.items() if value}


def _with_applications(members):
    for member in members:
        member.applications = [code for code in APPLICATIONS if code in (member.granted or "").split(",")]
    return members


_SHAPES = {}  # which filters are set -> its (count, page) prepared statements


def _pattern(text):
    """A LIKE pattern for what starts with `text`: a % or _ typed is itself, not a wildcard."""
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"


def _starts(column, name):
    """`column` starts with the pattern bound as `name` (any case)."""
    return Expression(fn.LOWER(column), OP.ILIKE, NodeList((slot(name), SQL("ESCAPE"), Value("\\", converter=False))))


def _matching(last_name, first_name, niss, username, username_digits, kind, status, application):
    """The quality's members that pass the filters set (each a slot), with their person."""
    query = QualityMember.select(QualityMember, Person).join(Person).where(QualityMember.quality == slot("quality"))
    if last_name:
        query = query.where(_starts(Person.last_name, "last_name"))
    if first_name:
        query = query.where(_starts(Person.first_name, "first_name"))
    if niss:
        query = query.where(_starts(Person.niss, "niss"))
    if username:  # the user name is the login, the NISS; the e-mail address finds them too
        by_email = _starts(QualityMember.email, "username")
        query = query.where(by_email | _starts(Person.niss, "username_digits") if username_digits else by_email)
    if kind:
        query = query.where(QualityMember.role == slot("type"))
    if status:
        query = query.where(QualityMember.status == slot("status"))
    if application:
        query = query.where(QualityMember.id.in_(MemberApplication.select(MemberApplication.member)
                                                 .where(MemberApplication.application == slot("application"))))
    return query


def _listed(query):
    """A page of `query` in the list's order, each member with its applications ("a,b") as `granted`."""
    granted = MemberApplication.alias("granted")
    applications = granted.select(text_agg(granted.application)).where(granted.member == QualityMember.id)
    return (query.select_extend(applications.alias("granted"))
            .order_by(Person.last_name, Person.first_name, QualityMember.id)
            .limit(slot("limit")).offset(slot("offset")))


def export_csv(members, language):
    """`;` between fields in French and Dutch, where `,` is the decimal mark
    (csv_response adds the BOM that makes spreadsheets read accents right)."""
    from flask_babel import gettext as _

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if language in ("fr", "nl") else ",", lineterminator="\r\n")
    writer.writerow([_("Last name"), _("First name"), _("User name"), _("Type"), _("NISS"), _("Status"),
                     _("E-mail address"), _("Applications")])
    for member in members:
        person = member.person
        writer.writerow([safe_cell(v) for v in (
            person.last_name, person.first_name, person.niss, str(ROLE_LABELS[member.role]),
            format_niss(person.niss), str(STATUS_LABELS[member.status]), member.email,
            " | ".join(str(application_name(code)) for code in member.applications))])
    return buffer.getvalue()
