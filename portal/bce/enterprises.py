"""The BCE/KBO data of an enterprise as the portal shows and uses it.

A Belgian company's name, registered address and establishment units come
from the BCE (imported by kbo_import): they are copied onto its Company and
EstablishmentUnit rows, so that every part reads a company the same way, and
are read-only in the portal. Its legal form, status, start date and NACE
activities are read here when shown. The portal keeps only what the BCE does
not know: contact persons, the language of correspondence, the activities
notified to the agency.
"""
import datetime
from dataclasses import dataclass, field

from portal.activities.models import Activity
from portal.bce.models import (
    KboActivity,
    KboAddress,
    KboCode,
    KboDenomination,
    KboEnterprise,
    KboEstablishment,
    KboExtract,
)
from portal.companies import records as company_records
from portal.companies.models import Company, CompanyEvent, EstablishmentUnit
from portal.data.db import database
from portal.text.lazy_text import lazy_gettext as _l

# denomination.csv's Language codes.
KBO_LANGUAGES = {"1": "fr", "2": "nl", "3": "de", "4": "en"}
LANGUAGE_NAMES = {"fr": _l("French"), "nl": _l("Dutch"), "de": _l("German"), "en": _l("English"), "": _l("unknown")}
LEGAL_NAME, ABBREVIATION, COMMERCIAL_NAME = "001", "002", "003"
REGISTERED_OFFICE, ESTABLISHMENT_ADDRESS = "REGO", "BAET"
ACTIVE = "AC"

# Juridical situations (enterprise.csv's JuridicalSituation) that the agency must see before it lets someone
# act for the enterprise: the BCE still lists such an enterprise as active. By code, as the code table gives
# them (010 dissolution by law, 012 early dissolution, 013 judicial dissolution, 014 closure of the
# liquidation, 050 bankruptcy); any other code by its own description in the code table (French, Dutch,
# German), so that a code the BCE adds later is not missed.
NORMAL_SITUATION = "000"
BANKRUPTCY, DISSOLUTION, REORGANISATION = "bankruptcy", "dissolution", "reorganisation"
SITUATION_KINDS = {"050": BANKRUPTCY, "010": DISSOLUTION, "012": DISSOLUTION, "013": DISSOLUTION,
                   "014": DISSOLUTION}
SITUATION_WORDS = (
    (BANKRUPTCY, ("faillite", "faillissement", "konkurs")),
    (DISSOLUTION, ("dissolution", "liquidation", "ontbinding", "vereffening", "auflösung", "abwicklung")),
    (REORGANISATION, ("réorganisation", "reorganisatie", "reorganisation", "concordat", "akkoord", "sursis",
                      "opschorting", "aufschub")),
)


def latest_extract():
    """The last extract imported, or None: its snapshot date is what "updated on" says."""
    return KboExtract.select().order_by(KboExtract.number.desc(), KboExtract.id.desc()).first()


@dataclass
class Address:
    street: str = ""
    house_number: str = ""
    box: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""  # empty in Belgium, else its name (in French or Dutch, as the BCE gives it)
    extra: str = ""


@dataclass
class Establishment:
    number: str
    start_date: datetime.date = None
    names: list = field(default_factory=list)  # commercial names
    address: Address = None


@dataclass
class Enterprise:
    number: str
    status: str
    active: bool
    situation: str
    kind: str
    legal_form: str
    start_date: datetime.date
    legal_names: list  # [(language code, name)]
    abbreviations: list
    commercial_names: list
    address: Address
    establishments: list
    activities: list  # [(NACE version, code, description, classification)]
    snapshot_date: datetime.date = None
    situation_kind: str = None  # BANKRUPTCY, DISSOLUTION, REORGANISATION, or None when nothing to warn of

    @property
    def situation_warning(self):
        """What a reader must be told of the enterprise's juridical situation, or None."""
        if self.situation_kind == BANKRUPTCY:
            return _l("According to the BCE, this enterprise is bankrupt (juridical situation: %(situation)s).",
                      situation=self.situation)
        if self.situation_kind == DISSOLUTION:
            return _l("According to the BCE, this enterprise is dissolved or in liquidation (juridical situation: "
                      "%(situation)s).", situation=self.situation)
        if self.situation_kind == REORGANISATION:
            return _l("According to the BCE, this enterprise is in judicial reorganisation (juridical situation: "
                      "%(situation)s).", situation=self.situation)
        return None

    def name_in(self, language):
        """The legal name in this language, else the first one the BCE gives."""
        for code, name in self.legal_names:
            if code == language:
                return name
        return self.legal_names[0][1] if self.legal_names else ""


def _address(row, language):
    if row is None:
        return None
    dutch = language == "nl"

    def pick(nl, fr):
        return (nl or fr) if dutch else (fr or nl)
    return Address(street=pick(row.street_nl, row.street_fr), house_number=row.house_number, box=row.box,
                   postcode=row.zipcode, city=pick(row.municipality_nl, row.municipality_fr),
                   country=pick(row.country_nl, row.country_fr), extra=row.extra)


def _descriptions(pairs, language):
    """{(category, code): description} in the language, else French, else Dutch (the BCE has no English yet)."""
    pairs = [(category, code) for category, code in pairs if code]
    if not pairs:
        return {}
    rows = KboCode.select().where(KboCode.category.in_({c for c, _ in pairs}) & KboCode.code.in_({c for _, c in pairs}))
    preference = [language.upper(), "FR", "NL", "DE", "EN"]
    found = {}
    for row in rows:
        key = (row.category, row.code)
        rank = preference.index(row.language) if row.language in preference else len(preference)
        if key not in found or rank < found[key][0]:
            found[key] = (rank, row.description)
    return {key: description for key, (_, description) in found.items()}


def situation_kind(code, description):
    """BANKRUPTCY, DISSOLUTION, REORGANISATION or None for a JuridicalSituation code and its
    description in the code table (the one `find` already read, in the page's language)."""
    if not code or code == NORMAL_SITUATION:
        return None
    if code in SITUATION_KINDS:
        return SITUATION_KINDS[code]
    description = (description or "").lower()
    for kind, words in SITUATION_WORDS:
        if any(word in description for word in words):
            return kind
    return None


def find(number, language="fr", extract=None):
    """The enterprise with this BCE number (10 digits) as the last extract
    (`extract`, when the caller has it) gives it, or None when the BCE does
    not list it as active."""
    enterprise = KboEnterprise.get_or_none(KboEnterprise.number == number)
    if enterprise is None or enterprise.status != ACTIVE:
        return None
    establishments = list(KboEstablishment.select().where(KboEstablishment.enterprise_number == number)
                          .order_by(KboEstablishment.number))
    entities = [number] + [row.number for row in establishments]
    names = list(KboDenomination.select().where(KboDenomination.entity_number.in_(entities)))
    addresses = {(row.entity_number, row.kind): row for row in
                 KboAddress.select().where(KboAddress.entity_number.in_(entities) & KboAddress.struck_off.is_null())}
    activities = list(KboActivity.select().where(KboActivity.entity_number == number)
                      .order_by(KboActivity.classification.desc(), KboActivity.nace_code))
    codes = [("Status", enterprise.status), ("JuridicalSituation", enterprise.juridical_situation),
             ("TypeOfEnterprise", enterprise.type_of_enterprise),
             ("JuridicalForm", enterprise.juridical_form_cac or enterprise.juridical_form)]
    codes += [(f"Nace{row.nace_version}", row.nace_code) for row in activities]
    codes += [("Classification", row.classification) for row in activities]
    described = _descriptions(codes, language)
    situation = described.get(("JuridicalSituation", enterprise.juridical_situation), enterprise.juridical_situation)

    def of(entity, kind):
        return [(KBO_LANGUAGES.get(row.language, ""), row.name) for row in names
                if row.entity_number == entity and row.kind == kind]
    extract = extract or latest_extract()
    return Enterprise(
        number=number, status=enterprise.status, active=enterprise.status == ACTIVE,
        situation=situation,
        kind=described.get(("TypeOfEnterprise", enterprise.type_of_enterprise), enterprise.type_of_enterprise),
        legal_form=described.get(("JuridicalForm", enterprise.juridical_form_cac or enterprise.juridical_form), ""),
        start_date=enterprise.start_date,
        legal_names=of(number, LEGAL_NAME), abbreviations=of(number, ABBREVIATION),
        commercial_names=of(number, COMMERCIAL_NAME),
        address=_address(addresses.get((number, REGISTERED_OFFICE)), language),
        establishments=[Establishment(row.number, row.start_date, [name for _, name in of(row.number, COMMERCIAL_NAME)],
                                      _address(addresses.get((row.number, ESTABLISHMENT_ADDRESS)), language))
                        for row in establishments],
        activities=[(row.nace_version, row.nace_code,
                     described.get((f"Nace{row.nace_version}", row.nace_code), ""),
                     described.get(("Classification", row.classification), row.classification))
                    for row in activities],
        snapshot_date=extract.snapshot_date if extract else None,
        situation_kind=situation_kind(enterprise.juridical_situation, situation))


def _company_fields(enterprise, language):
    address = enterprise.address or Address()
    return {"street": address.street[:200], "house_number": address.house_number[:20], "box": address.box[:20],
            "postcode": address.postcode[:20], "city": address.city[:100]}


def _unit_fields(enterprise, establishment, language):
    address = establishment.address or enterprise.address or Address()
    name = establishment.names[0] if establishment.names else enterprise.name_in(language)
    return {"name": name[:200], "street": address.street[:200], "house_number": address.house_number[:20],
            "box": address.box[:20], "postcode": address.postcode[:20], "city": address.city[:100]}


def create_company(enterprise, language):
    """The Company of a Belgian enterprise, from its BCE data (inside the caller's transaction)."""
    details = dict(_company_fields(enterprise, language), name=enterprise.name_in(language)[:200],
                   language=language)
    company = company_records.create_company("BE", details, bce_number=enterprise.number,
                     units=[dict(_unit_fields(enterprise, unit, language), bce_number=unit.number)
                            for unit in enterprise.establishments])
    Company.update(bce_synced_on=enterprise.snapshot_date, bce_active=True).where(Company.id == company.id).execute()
    company.bce_synced_on, company.bce_active = enterprise.snapshot_date, True
    return company


def sync_company(company, extract):
    """Copy the BCE's data onto a Belgian company and its units; returns True
    when something changed (recorded in the company's history). A unit the
    BCE no longer lists goes, unless an activity is notified there."""
    enterprise = find(company.bce_number, company.language, extract)
    if enterprise is None:
        if company.bce_active:
            Company.update(bce_active=False, bce_synced_on=extract.snapshot_date).where(Company.id == company.id).execute()
            CompanyEvent.create(company=company, action="bce_stopped",
                                reason=f"BCE extract {extract.number}")
            return True
        return False
    # What the BCE leaves empty (no name, no seat address: a natural person) keeps what the company had.
    fields = _company_fields(enterprise, company.language) if enterprise.address else {}
    name = enterprise.name_in(company.language)[:200] or company.name
    changed = name != company.name or any(getattr(company, key) != value for key, value in fields.items())
    if changed:
        company.set_name(name)
        Company.update(name=company.name, name_key=company.name_key, **fields).where(Company.id == company.id).execute()
        company.save_name_words()
    units = {unit.bce_number: unit for unit in EstablishmentUnit.select().where(
        (EstablishmentUnit.company == company) & EstablishmentUnit.bce_number.is_null(False))}
    for establishment in enterprise.establishments:
        values = _unit_fields(enterprise, establishment, company.language)
        unit = units.pop(establishment.number, None)
        if unit is None:
            EstablishmentUnit.create(company=company, bce_number=establishment.number, **values)
            changed = True
        elif any(getattr(unit, key) != value for key, value in values.items()):
            EstablishmentUnit.update(**values).where(EstablishmentUnit.id == unit.id).execute()
            changed = True
    for unit in units.values():
        if not Activity.select().where(Activity.unit == unit).exists():
            EstablishmentUnit.delete().where(EstablishmentUnit.id == unit.id).execute()
            changed = True
    Company.update(bce_synced_on=extract.snapshot_date, bce_active=True).where(Company.id == company.id).execute()
    if changed or not company.bce_active:
        CompanyEvent.create(company=company, action="bce_updated", reason=f"BCE extract {extract.number}")
    return changed


def sync_companies(extract):
    """After an import: every Belgian company brought up to date (inside its transaction)."""
    with database.atomic():
        companies = list(Company.select().where(Company.bce_synced_on.is_null(False)))
        return sum(1 for company in companies if sync_company(company, extract))
