"""Development only: a generated BCE extract (kbo_synthetic) imported as an
operator would import the real one, and a Belgian demo person who logs in
through the eID simulator and acts for two of its enterprises, linked the
real way: their request, then the agency's validation."""
import datetime
from pathlib import Path

from portal import clock
from portal.bce import enterprises as bce
from portal.bce.kbo_import import import_extract
from portal.data.db import database
from portal.demo.kbo_synthetic import enterprise_number, write_full
from portal.demo.tiles import blank_pdf
from portal.people.models import Person
from portal.registrations import belgian as belgian_registrations
from portal.registrations import review
from portal.registrations.models import Registration
from portal.rights.applications import APPLICATIONS
from portal.rights.models import MemberApplication, Quality, QualityMember
from portal.text.identifiers import format_bce, format_niss

ENTERPRISES = 200
NISS, FIRST_NAME, LAST_NAME = "75010100196", "Sofie", "Janssens"
NEWCOMER = ("75010100295", "Pieter", "Claes")  # known to nobody: tries the Belgian request
PICKED = (1, 2)  # the enterprises Sofie acts for


def seed_belgians(instance_dir, base_url):
    """Import the demo extract and link the demo person, once; returns lines to print."""
    lines = []
    if bce.latest_extract() is None:
        path = Path(instance_dir) / "kbo-demo-extract.zip"
        path.parent.mkdir(parents=True, exist_ok=True)  # with a key and a database of its own, nothing made it yet
        today = clock.today()
        write_full(path, ENTERPRISES, 1, today - datetime.timedelta(days=(today.weekday() - 4) % 7))  # last Friday
        import_extract(str(path))
        lines.append(f"BCE demo extract: {ENTERPRISES} enterprises imported from {path.name}")
    if Person.select().where(Person.niss == NISS).exists():
        return lines
    person = Person.create(niss=NISS, first_name=FIRST_NAME, last_name=LAST_NAME, sex="F",
                           birth_date=datetime.date(1975, 1, 1), birth_country="BE", email="sofie@demo.example",
                           language="nl", niss_verified=True)
    for index in PICKED:
        values = {"number": enterprise_number(index), "role": belgian_registrations.LEGAL_REPRESENTATIVE,
                  "function": "Zaakvoerder", "phone": "", "email": person.email, "language": "nl"}
        sent = belgian_registrations.send(person, values, "nl", proof=(blank_pdf(), "Belgisch Staatsblad.pdf"))
        request = Registration.get_by_id(sent.request.id)
        company = review.validate(request, None, base_url)
        with database.atomic():
            quality = Quality.create(company=company, kind=Quality.HEALTH_INSTITUTION, contact_email=person.email,
                                     activated_at=clock.utc())
            member = QualityMember.create(quality=quality, person=person, role="ga", email=person.email,
                                          language="nl")
            MemberApplication.insert_many([{"member": member.id, "application": code} for code in APPLICATIONS]).execute()
        lines.append(f"{company.name} (BCE {format_bce(company.bce_number)})")
    lines.insert(len(lines) - len(PICKED), f"Belgian demo person (eID simulator): {format_niss(NISS)} "
                 f"{FIRST_NAME} {LAST_NAME}, acting for:")
    lines.append(f"A Belgian the portal does not know yet: {format_niss(NEWCOMER[0])} {NEWCOMER[1]} {NEWCOMER[2]} "
                 f"(type the names in the simulator), for instance for BCE {format_bce(enterprise_number(3))}")
    return lines
