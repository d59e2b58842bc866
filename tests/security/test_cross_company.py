"""Every route that takes an object's id, asked for another company's object by each role of a company
(its manager, a user with every application, a visitor): 404 or 403, or the login page, never the
object's data and never a change.

The routes come from the app's URL map. A new route with an id in its address and no case here fails
`test_every_route_with_an_id_has_a_case`, so nobody can add one and forget this check.
"""
import datetime
import itertools
import json
import re

from portal import clock
from portal.contributions import declarations as contributions
from portal.demo.tiles import blank_pdf
from portal.inspections import dossiers as inspections
from portal.inspections.documents import check as check_document
from portal.models import (
    Activity,
    Approval,
    Company,
    ContactPerson,
    ContributionDeclaration,
    CorrectiveAction,
    DossierDocument,
    EstablishmentUnit,
    InspectionDossier,
    LegalRepresentative,
    LoginSession,
    MarketedDevice,
    MemberApplication,
    Person,
    Quality,
    QualityMember,
    Registration,
    RepresentedCompany,
    StaffMember,
    Supplier,
)
from portal.rights.applications import APPLICATIONS
from tests.harness import AuthActions

MARK = "Victima"  # in a text of every object of the victim company: a page that shows one leaks
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}

# Addresses whose parameter names no company's object: a file of the app, a tile's code, a year of the
# agency's calendar (each company sees its own declaration for it: checked for leaks and changes all the
# same), and the secrets of capability links (a draft's or a reset's 256-bit token cannot be named by
# anyone who was not given it; their own tests cover them).
NOT_OBJECT_IDS = {
    "static": "a file of the app", "hashed_static": "a file of the app",
    "tiles.summary": "a tile's code, the same for every company",
    "tiles.export": "a list's name (devices, suppliers…), the same for every company",
    "tiles.partner_list": "a list's name (devices, suppliers…), the same for every company: its rows are the session's company's",
    "public.firm": "a listed firm's agency number: the public register's page, the same for everyone (unlisted: 404)",
    "public.api_firm": "a listed firm's agency number: the public register's API, the same for everyone (unlisted: 404)",
}
CAPABILITY_LINKS = re.compile(r"^(wizard\.|auth\.reset)")

# endpoint -> the victim's objects its parameters name (a function of the victim world).
CASES = {
    "access.user": lambda v: {"member_id": v.member.id},
    "access.block_user": lambda v: {"member_id": v.member.id},
    "access.allow_new_device": lambda v: {"member_id": v.member.id},
    "tiles.activity": lambda v: {"activity_id": v.activity.id},
    "tiles.deactivate": lambda v: {"activity_id": v.activity.id},
    "tiles.change_contact": lambda v: {"link_id": v.contact.id},
    "tiles.remove_contact": lambda v: {"link_id": v.contact.id},
    "tiles.contact_row": lambda v: {"link_id": v.contact.id},
    "tiles.edit_contact": lambda v: {"link_id": v.contact.id},
    "tiles.representative_row": lambda v: {"link_id": v.link.id},
    "tiles.edit_representative": lambda v: {"link_id": v.link.id},
    "tiles.unit_row": lambda v: {"unit_id": v.unit.id},
    "tiles.edit_activity": lambda v: {"activity_id": v.activity.id},
    "tiles.dossier_timeline": lambda v: {"dossier_id": v.dossier.id},
    "tiles.add_action_form": lambda v: {"dossier_id": v.dossier.id},
    "tiles.action_row": lambda v: {"dossier_id": v.dossier.id, "action_id": v.action.id},
    "tiles.edit_action": lambda v: {"dossier_id": v.dossier.id, "action_id": v.action.id},
    "tiles.edit_unit": lambda v: {"unit_id": v.unit.id},
    "tiles.change_representative": lambda v: {"link_id": v.link.id},
    "tiles.remove_representative": lambda v: {"link_id": v.link.id},
    "tiles.save_unit": lambda v: {"unit_id": v.unit.id},
    "tiles.remove_unit": lambda v: {"unit_id": v.unit.id},
    "tiles.dossier": lambda v: {"dossier_id": v.dossier.id},
    "tiles.document": lambda v: {"dossier_id": v.dossier.id, "document_id": v.document.id},
    "tiles.add_document": lambda v: {"dossier_id": v.dossier.id},
    "tiles.save_action": lambda v: {"dossier_id": v.dossier.id, "action_id": v.action.id},
    "tiles.save_device": lambda v: {"row_id": v.device.id},
    "tiles.withdraw_device": lambda v: {"row_id": v.device.id},
    "tiles.save_represented": lambda v: {"row_id": v.represented.id},
    "tiles.remove_represented": lambda v: {"row_id": v.represented.id},
    "tiles.save_supplier": lambda v: {"row_id": v.supplier.id},
    "tiles.remove_supplier": lambda v: {"row_id": v.supplier.id},
    "tiles.contribution": lambda v: {"year": v.year},
    "tiles.contribution_proof": lambda v: {"year": v.year},
    "tiles.contribution_receipt": lambda v: {"year": v.year},
    "tiles.contribution_history": lambda v: {"year": v.year},
    "wizard.belgian_sent": lambda v: {"registration_id": v.registration.id},
    "backoffice.company_page": lambda v: {"company_id": v.company.id},
    "backoffice.company_history": lambda v: {"company_id": v.company.id},
    "backoffice.company_activities_history": lambda v: {"company_id": v.company.id},
    "backoffice.dossier_timeline": lambda v: {"dossier_id": v.dossier.id},
    "backoffice.person_history": lambda v: {"person_id": v.person.id},
    "backoffice.staff_member_history": lambda v: {"member_id": v.staff.id},
    "backoffice.open_dossier": lambda v: {"company_id": v.company.id},
    "backoffice.export_contributions": lambda v: {"year": v.year},
    "backoffice.contribution_document": lambda v: {"declaration_id": v.declaration.id},
    "backoffice.dossier_page": lambda v: {"dossier_id": v.dossier.id},
    "backoffice.dossier_document": lambda v: {"dossier_id": v.dossier.id, "document_id": v.document.id},
    "backoffice.close_dossier": lambda v: {"dossier_id": v.dossier.id},
    "backoffice.add_dossier_document": lambda v: {"dossier_id": v.dossier.id},
    "backoffice.confirm_action": lambda v: {"dossier_id": v.dossier.id, "action_id": v.action.id},
    "backoffice.reopen_action": lambda v: {"dossier_id": v.dossier.id, "action_id": v.action.id},
    "backoffice.person_page": lambda v: {"person_id": v.person.id},
    "backoffice.allow_new_device": lambda v: {"person_id": v.person.id},
    "backoffice.end_person_sessions": lambda v: {"person_id": v.person.id},
    "backoffice.registration_page": lambda v: {"registration_id": v.registration.id},
    "backoffice.proof": lambda v: {"registration_id": v.registration.id},
    "backoffice.decide": lambda v: {"registration_id": v.registration.id},
    "backoffice.approve": lambda v: {"approval_id": v.approval.id},
    "backoffice.refuse": lambda v: {"approval_id": v.approval.id},
    "backoffice.withdraw": lambda v: {"approval_id": v.approval.id},
    "backoffice.staff_member_page": lambda v: {"member_id": v.staff.id},
    "backoffice.staff_member_roles": lambda v: {"member_id": v.staff.id},
    "backoffice.staff_member_block": lambda v: {"member_id": v.staff.id},
    "backoffice.staff_member_end": lambda v: {"member_id": v.staff.id},
    "backoffice.staff_member_unblock": lambda v: {"member_id": v.staff.id},
}
SHARED_KEYS = {"tiles.contribution", "tiles.contribution_proof", "tiles.contribution_receipt", "tiles.contribution_history"}
# What a hostile form sends: every field the portal's forms use, with a value that would show if stored.
FORM = {name: f"PWNED {name}" for name in (
    "name", "unit_name", "street", "house_number", "postcode", "city", "function", "phone", "email", "action",
    "owner", "reason", "role", "status", "applications", "due_on", "ended_on", "end_reason", "kind", "md",
    "classes", "started_on", "private_only", "turnover", "language", "country", "reference", "basic_udi_di",
    "udi_di", "emdn", "device_class", "marketed_from", "subject", "comment")}


class Victim:
    """A company with one object of every kind an address can name, each with MARK in a text."""

    def __init__(self):
        today = clock.today()
        self.company = Company(country="FR", city=f"{MARK}ville", street="Rue", house_number="1", postcode="75001")
        self.company.set_name(f"{MARK} Medical SRL")
        self.company.save()
        self.person = self._person("90010100185", "Vera")
        Company.update(main_access_manager=self.person).where(Company.id == self.company.id).execute()
        self.link = LegalRepresentative.create(company=self.company, person=self.person, function=f"{MARK} CEO")
        quality = Quality.create(company=self.company, kind=Quality.HEALTH_INSTITUTION,
                                 contact_email="quality@victima.fr", activated_at=clock.utc())
        self.member = QualityMember.create(quality=quality, person=self._person("90010100284", "Wim"),
                                           role="user", email="wim@victima.fr", status="active")
        MemberApplication.insert_many([{"member": self.member.id, "application": code}
                                       for code in APPLICATIONS]).execute()
        self.contact = ContactPerson.create(company=self.company, person=self._person("90010100383", "Carla"),
                                            function=f"{MARK} QA")
        self.unit = EstablishmentUnit.create(company=self.company, name=f"{MARK} depot", street="Rue",
                                             house_number="2", postcode="75002", city="Paris")
        self.activity = Activity.create(company=self.company, kind="distributor", active=True,
                                        end_reason=f"{MARK} reason")
        staff = self.staff = StaffMember.create(email="inspector@afmps.be", name="Inspector", roles="inspector")
        self.dossier = inspections.open_dossier(self.company, staff, {"subject": f"{MARK} inspection",
                                                                      "planned_on": "", "inspector": ""})
        inspections.add_document(self.dossier, check_document(blank_pdf()), f"{MARK}-report.pdf", "report",
                                 f"{MARK} report", staff=staff)
        self.document = DossierDocument.get(DossierDocument.dossier == self.dossier)
        self.action = CorrectiveAction.create(dossier=self.dossier, action=f"{MARK} action", owner=f"{MARK} owner",
                                              due_on=today)
        self.year = today.year
        contributions.save_year({"year": str(self.year), "entity_cost": "415,74", "turnover_rate": "0,3073",
                                 "turnover_threshold": "50 290,17",
                                 "deadline": (today + datetime.timedelta(days=30)).strftime("%d/%m/%Y")})
        self.approval = Approval.create(kind="contribution_year", subject=self.year + 1, requested_by=staff,
                                        waiting_key=f"contribution_year:{self.year + 1}", payload=json.dumps({
                                            "year": str(self.year + 1), "entity_cost": "1", "turnover_rate": "1",
                                            "turnover_threshold": "1", "deadline": ""}))
        self.declaration = ContributionDeclaration.create(company=self.company, year=self.year, status="submitted",
                                                          private_only=False, turnover=987654.32,
                                                          document_filename=f"{MARK}.pdf", document=blank_pdf())
        self.device = MarketedDevice.create(company=self.company, name=f"{MARK} device", reference="REF-1",
                                            basic_udi_di="B1", udi_di="U1", emdn="Z12345678901", device_class="IIa",
                                            marketed_from=today)
        self.supplier = Supplier.create(company=self.company, role="manufacturer", name=f"{MARK} supplier",
                                        country="DE")
        self.represented = RepresentedCompany.create(company=self.company, name=f"{MARK} represented",
                                                     country="US")
        self.session = LoginSession.create(token_hash="victim-session", person=self.person, method="password")
        self.registration = Registration.create(
            token="victim-belgian", status=Registration.SUBMITTED, kind=Registration.BELGIAN, person=self.person,
            reference="BE-VICTIMA-1", bce_number="0123456749", language="fr", submitted_at=clock.utc(),
            data=Registration.encode({"role": "legal_representative", "function": f"{MARK} CEO"}))

    def _person(self, niss, first_name):
        return Person.create(niss=niss, first_name=first_name, last_name=MARK, sex="F", email=f"{first_name}@victima.fr",
                             birth_date=datetime.date(1990, 1, 1), birth_country="FR", language="fr")

    def snapshot(self):
        """Every row of the victim, as stored (files as their length)."""
        rows = {}
        for model, where in [
            (Company, Company.id == self.company.id), (Person, Person.last_name == MARK),
            (LegalRepresentative, LegalRepresentative.company == self.company),
            (QualityMember, QualityMember.id == self.member.id),
            (MemberApplication, MemberApplication.member == self.member.id),
            (ContactPerson, ContactPerson.company == self.company),
            (EstablishmentUnit, EstablishmentUnit.company == self.company),
            (Activity, Activity.company == self.company), (InspectionDossier, InspectionDossier.company == self.company),
            (DossierDocument, DossierDocument.dossier == self.dossier),
            (CorrectiveAction, CorrectiveAction.dossier == self.dossier),
            (ContributionDeclaration, ContributionDeclaration.company == self.company),
            (MarketedDevice, MarketedDevice.company == self.company), (Supplier, Supplier.company == self.company),
            (RepresentedCompany, RepresentedCompany.company == self.company),
            (LoginSession, LoginSession.person == self.person), (Registration, Registration.id == self.registration.id),
            (Approval, Approval.id == self.approval.id), (StaffMember, StaffMember.id == self.staff.id),
        ]:
            rows[model.__name__] = sorted(
                (tuple((k, len(v) if isinstance(v, (bytes, memoryview)) else v) for k, v in sorted(row.items()))
                 for row in model.select().where(where).dicts()), key=repr)
        return rows


def attacker(app, role):
    """A logged-in person of another company, with every application: its manager or a plain user."""
    client = app.test_client()
    auth = AuthActions(app, client)
    niss = {"manager": "85073003328", "user": "85073003427"}[role]
    person = auth.company_user(niss=niss, email=f"{role}@attacker.example", company_name=f"Attacker {role} GmbH")
    company = person.company
    quality = Quality.create(company=company, kind=Quality.HEALTH_INSTITUTION, contact_email="q@attacker.example",
                             activated_at=datetime.datetime.utcnow())
    member = QualityMember.create(quality=quality, person=person, role="ga" if role == "manager" else "user",
                                  email=person.email, status="active")
    MemberApplication.insert_many([{"member": member.id, "application": code} for code in APPLICATIONS]).execute()
    if role == "manager":
        Company.update(main_access_manager=person).where(Company.id == company.id).execute()
    else:
        LegalRepresentative.delete().where(LegalRepresentative.person == person).execute()
    client.csrf = auth.token
    return client


def routes_with_ids(app):
    for rule in app.url_map.iter_rules():
        names = rule.arguments - {"lang"} - set(rule.defaults or {})  # an id left to its default makes a new row
        if names and rule.endpoint not in NOT_OBJECT_IDS and not CAPABILITY_LINKS.match(rule.endpoint):
            yield rule, names


def test_every_route_with_an_id_has_a_case(app):
    missing = sorted(f"{rule.endpoint} {rule.rule}" for rule, _ in routes_with_ids(app) if rule.endpoint not in CASES)
    assert not missing, f"add these routes to CASES (or say why they name no object): {missing}"
    stale = set(CASES) - {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not stale, f"routes that no longer exist: {stale}"


def test_no_role_of_another_company_reaches_an_object_of_the_victim(app, db):
    with app.app_context():  # the portal's clock; left before the requests, which bring their own
        victim = Victim()
    before = victim.snapshot()
    clients = {"manager": attacker(app, "manager"), "user": attacker(app, "user"), "visitor": app.test_client()}
    page = clients["visitor"].get("/en/login/afmps").get_data(as_text=True)  # a visitor's own valid token
    clients["visitor"].csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    asked = 0
    for (rule, names), (role, client) in itertools.product(sorted(routes_with_ids(app), key=lambda r: r[0].rule),
                                                           clients.items()):
        values = dict(CASES[rule.endpoint](victim), lang="en")
        path = rule.build(values)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, HTMX):
                if method == "GET":
                    response = client.get(path, headers=headers)
                else:
                    response = client.post(path, headers=headers, data={"csrf_token": client.csrf, **FORM})
                asked += 1
                text = response.get_data(as_text=True)
                where = f"{role} {method} {path} {headers or ''} -> {response.status_code}"
                assert MARK not in text and "987654" not in text and "987 654" not in text, where
                if rule.endpoint in SHARED_KEYS:  # their own company's page for that year (its form refused or
                    assert response.status_code < 500, where  # kept): no leak (above), no change (below)
                    continue
                if response.status_code == 303:
                    assert re.search(r"/(en/)?(login|staff/login)", response.headers["Location"]), where
                else:
                    assert response.status_code in (403, 404), where
    assert victim.snapshot() == before
    assert asked > 200
    print(f"{asked} requests: {len(list(routes_with_ids(app)))} routes × {len(clients)} roles × methods × htmx")
