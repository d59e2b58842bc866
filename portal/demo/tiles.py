"""Development only: something to see in every tile of the demo people's
firm, made through the same functions as the real thing: its activities
notified, a supplier picked among the registered firms, devices imported
from a CSV file, this year's contribution opened by the agency, and an
inspection dossier with the agency's report."""
import datetime
import io

from pypdf import PdfWriter

from portal import clock
from portal.activities import notified as notified_activities
from portal.activities.models import Activity
from portal.companies.models import Company
from portal.contributions import declarations as contributions
from portal.contributions.models import ContributionYear
from portal.inspections import documents
from portal.inspections import dossiers as inspections
from portal.inspections.models import InspectionDossier
from portal.partners import devices
from portal.partners import lists as partners
from portal.partners.models import Supplier
from portal.people.models import StaffMember

DEVICES = """name;reference;basic_udi_di;udi_di;emdn;class;sterile;marketed_from
Thermomètre clinique;TC-100;1987654Ad4X4bL5ttr2310c2K;09506000134352;Z12010101;IIa;no;31/01/2024
Pansement hydrocolloïde;PH-20;++A999MODELIDENTIFIER11S8;04006381333931;M0101;I;yes;01/03/2024
"""


def blank_pdf():
    """A one-page PDF, for the demo's documents (a report, a mandate)."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


def _a_report():
    return documents.check(blank_pdf())


def seed_tiles(company, person):
    """Fill the tiles of `company` once; returns what was added, as lines to print."""
    if InspectionDossier.select().where(InspectionDossier.company == company).exists():
        return []
    added = []
    kinds = {kind for kind, in Activity.select(Activity.kind).where((Activity.company == company) & Activity.active)
             .tuples()}
    for kind in ("distributor", "manufacturer"):
        if kind not in kinds:
            notified_activities.notify(company, person, notified_activities.ActivityForm(
                kind=kind, md=True, classes=("IIa",), srn=f"{company.country}-MF-{company.id:09d}"
                if kind == "manufacturer" else "", started_on="2024-01-01"))
            added.append(f"activity notified: {kind}")
    maker = (Company.select().where(Company.listed & (Company.id != company.id) & Company.is_demo)
             .order_by(Company.id).first())
    if maker is not None and not Supplier.select().where(Supplier.company == company).exists():
        partners.save_supplier(company, person, {"role": Supplier.MANUFACTURER, "registered": str(maker.id),
                                                 "name": "", "country": "", "street": "", "postcode": "", "city": ""})
        added.append(f"supplier: {maker.name}")
    report = devices.import_devices(company, person, DEVICES.encode(), valid_only=True)
    added.append(f"devices imported: {report.imported}")
    year = clock.today().year
    if ContributionYear.get_or_none(ContributionYear.year == year) is None:
        deadline = max(datetime.date(year, 6, 30), clock.today() + datetime.timedelta(days=30))
        contributions.save_year({"year": str(year), "entity_cost": "415,74", "turnover_rate": "0,3073",
                                 "turnover_threshold": "50 290,17", "deadline": deadline.strftime("%d/%m/%Y")})
        added.append(f"contribution year opened: {year}")
    inspector = (StaffMember.get_or_none(StaffMember.email == "inspection.demo@afmps.example")
                 or StaffMember.create(email="inspection.demo@afmps.example", name="Inspection (démo)", roles="inspector"))
    dossier = inspections.open_dossier(company, inspector, {"subject": "Inspection de routine (démo)",
                                                            "planned_on": "", "inspector": ""})
    inspections.add_document(dossier, _a_report(), "rapport-inspection.pdf", "report",
                             "Merci de répondre par un plan d'actions correctrices.", staff=inspector)
    added.append(f"inspection dossier: {dossier.reference}")
    return added
