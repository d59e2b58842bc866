"""Which dossiers a member of the agency's staff holds (ASVS 8.2.2): an inspector reads and changes the
dossiers where they are the inspector, and no other (another inspector's dossier is as missing as one
that never was); with the second right (`all_dossiers`, people.staff_roles) every dossier. Whoever opens a
dossier is its inspector, unless they hold the second right and name another inspector."""
from portal.inspections.models import InspectionDossier
from portal.people.models import StaffMember
from portal.people.staff_roles import ALL_DOSSIERS, INSPECTOR


def sees_all(staff):
    """Whether `staff` holds every dossier: an inspector with the second right."""
    return staff.has_role(INSPECTOR) and staff.has_role(ALL_DOSSIERS)


def held(query, staff):
    """`query` (of dossiers) narrowed to those `staff` holds."""
    return query if sees_all(staff) else query.where(InspectionDossier.inspector == staff)


def dossier_for(staff, dossier_id):
    """The dossier of id `dossier_id` if `staff` holds it, else None."""
    return held(InspectionDossier.select(), staff).where(InspectionDossier.id == dossier_id).first()


def may_name(staff, inspector):
    """Whether `staff` may make `inspector` a new dossier's inspector."""
    return inspector.id == staff.id or sees_all(staff)


def to_name(staff):
    """The inspectors `staff` may name to a new dossier, by name: every active inspector with the second
    right, else only themself."""
    return StaffMember.holding(INSPECTOR) if sees_all(staff) else [staff]


def of_company(company, staff):
    """(the company's dossiers `staff` holds, newest first; how many others it has)."""
    every = InspectionDossier.select().where(InspectionDossier.company == company)
    mine = list(held(every, staff).order_by(InspectionDossier.created_at.desc(), InspectionDossier.id.desc()))
    return mine, (0 if sees_all(staff) else every.count() - len(mine))
