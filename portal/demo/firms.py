"""Demo firms, so that a fresh portal has a public list worth searching.

`seed_demo` (the `seed-demo` command) makes each firm through the real path:
the company as the agency's validation creates it, then its activities as
"Mes activités" notifies them, so that the first one gives the agency number
and the listing follows from the activities (FAQ 1), and a few firms end
theirs and leave the list. `insert_firms` fills the bench's 100,000-firm
database from the same generator in bulk, keeping the derived columns (name
key, words, agency number, listed) as the real path would.
"""
import datetime
import random

from portal import clock
from portal.activities import notified as notified_activities
from portal.activities.models import ACTIVITY_KINDS, Activity
from portal.companies import records as company_records
from portal.companies.models import Company, CompanyNamePrefix, CompanyNameWord
from portal.data.db import database, insert_rows
from portal.text.names import name_key, name_words

# country -> (legal forms, cities with postcodes, language of correspondence)
COUNTRIES = {
    "DE": (["GmbH", "AG", "GmbH & Co. KG"], [("10115", "Berlin"), ("80331", "München"), ("20095", "Hamburg"), ("50667", "Köln")], "en"),
    "FR": (["SAS", "SARL", "SA"], [("75008", "Paris"), ("69002", "Lyon"), ("31000", "Toulouse"), ("59000", "Lille")], "fr"),
    "NL": (["B.V.", "N.V."], [("1012 AB", "Amsterdam"), ("3011 AD", "Rotterdam"), ("3511 LN", "Utrecht"), ("5611 AZ", "Eindhoven")], "nl"),
    "LU": (["S.à r.l.", "S.A."], [("L-1111", "Luxembourg"), ("L-4001", "Esch-sur-Alzette")], "fr"),
    "IT": (["S.p.A.", "S.r.l."], [("20121", "Milano"), ("00184", "Roma"), ("40121", "Bologna")], "en"),
    "ES": (["S.L.", "S.A."], [("28001", "Madrid"), ("08001", "Barcelona"), ("46001", "València")], "en"),
    "PT": (["Lda.", "S.A."], [("1100-148", "Lisboa"), ("4000-322", "Porto")], "en"),
    "IE": (["Ltd", "DAC"], [("D02 X285", "Dublin"), ("T12 R5CP", "Cork"), ("H91 E2K3", "Galway")], "en"),
    "AT": (["GmbH", "AG"], [("1010", "Wien"), ("8010", "Graz")], "en"),
    "DK": (["ApS", "A/S"], [("1050", "København"), ("8000", "Aarhus")], "en"),
    "SE": (["AB"], [("111 20", "Stockholm"), ("411 03", "Göteborg"), ("211 20", "Malmö")], "en"),
    "FI": (["Oy", "Oyj"], [("00100", "Helsinki"), ("33100", "Tampere")], "en"),
    "PL": (["Sp. z o.o.", "S.A."], [("00-001", "Warszawa"), ("30-001", "Kraków"), ("80-001", "Gdańsk")], "en"),
    "CZ": (["s.r.o.", "a.s."], [("110 00", "Praha"), ("602 00", "Brno")], "en"),
    "HU": (["Kft.", "Zrt."], [("1051", "Budapest")], "en"),
    "GR": (["A.E.", "I.K.E."], [("105 57", "Athína"), ("546 24", "Thessaloníki")], "en"),
    "NO": (["AS", "ASA"], [("0150", "Oslo"), ("5003", "Bergen")], "en"),
    "IS": (["ehf.", "hf."], [("101", "Reykjavík")], "en"),
    "LI": (["AG", "Anstalt"], [("9490", "Vaduz")], "en"),
    "CH": (["AG", "SA", "GmbH"], [("8001", "Zürich"), ("1201", "Genève"), ("3011", "Bern"), ("4051", "Basel")], "fr"),
    "GB": (["Ltd", "plc", "LLP"], [("EC1A 1BB", "London"), ("M1 1AE", "Manchester"), ("EH1 1YZ", "Edinburgh")], "en"),
    "TR": (["A.Ş.", "Ltd. Şti."], [("34000", "İstanbul"), ("06000", "Ankara")], "en"),
    "US": (["Inc.", "LLC", "Corp."], [("02110", "Boston"), ("55401", "Minneapolis"), ("94105", "San Francisco")], "en"),
    "CN": (["Co., Ltd."], [("518000", "Shenzhen"), ("200000", "Shanghai")], "en"),
    "JP": (["K.K."], [("100-0001", "Tokyo"), ("530-0001", "Osaka")], "en"),
    "IL": (["Ltd"], [("6100000", "Tel Aviv")], "en"),
    "KR": (["Co., Ltd."], [("04524", "Seoul")], "en"),
    "IN": (["Pvt. Ltd."], [("400001", "Mumbai"), ("560001", "Bengaluru")], "en"),
}
FIRST = ["Medi", "Ortho", "Cardio", "Neuro", "Derma", "Opti", "Sterile", "Bio", "Vita", "Sana", "Dento",
         "Puls", "Flex", "Nova", "Clini", "Aqua", "Lumen", "Vaso", "Osteo", "Pneumo", "Haema", "Audio",
         "Gastro", "Uro", "Endo", "Thera", "Radio", "Steri", "Immuno", "Sono"]
SECOND = ["tech", "med", "care", "line", "form", "logic", "systems", "devices", "health", "lab", "surgical",
          "vision", "motion", "sense", "path", "guard", "scan", "print", "cell", "wave"]
THIRD = ["", "", "", "International", "Europe", "Solutions", "Medical", "Instruments", "Diagnostics",
         "Implants", "Supplies", "Technologies"]
STREETS = ["Main Street", "Industriestraße", "Rue de la Paix", "Via Roma", "Calle Mayor", "Kungsgatan",
           "Hoofdstraat", "Bahnhofstrasse", "High Street", "Avenue Minerve"]


def generate_firm(index, rng):
    country = rng.choice(list(COUNTRIES))
    forms, cities, language = COUNTRIES[country]
    postcode, city = rng.choice(cities)
    name = " ".join(part for part in (rng.choice(FIRST) + rng.choice(SECOND), rng.choice(THIRD), rng.choice(forms)) if part)
    return {
        "name": name, "name_key": name_key(name), "country": country,
        "street": rng.choice(STREETS), "house_number": str(rng.randint(1, 250)),
        "postcode": postcode, "city": city, "language": language,
        "agency_number": f"{index:06d}", "is_demo": True, "created_at": clock.utc(),
    }


def insert_firms(count, seed=2026, start=1, batch=500):
    """Insert `count` demo firms with activities and name words; returns how many."""
    rng = random.Random(seed)
    kinds = list(ACTIVITY_KINDS)
    index = start
    while index < start + count:
        size = min(batch, start + count - index)
        firms = [generate_firm(i, rng) for i in range(index, index + size)]
        with database.atomic():
            ids = _insert_returning_ids(firms)
            activities, words, listed, prefixes = [], [], [], []
            for company_id, firm in zip(ids, firms):
                roll = rng.random()
                chosen = rng.sample(kinds, rng.choice([1, 1, 1, 2, 2, 3]))
                active = roll >= 0.05  # a few firms only have deactivated activities
                for kind in chosen:
                    activities.append({"company": company_id, "kind": kind, "active": active})
                if active:
                    listed.append(company_id)
                words.extend({"company": company_id, "word": w} for w in name_words(firm["name"]))
                prefixes.extend(CompanyNamePrefix.rows_of(company_id, firm["name"], active, firm["country"]))
            insert_rows(Activity, activities)
            insert_rows(CompanyNameWord, words)
            insert_rows(CompanyNamePrefix, prefixes)
            if listed:
                Company.update(listed=True).where(Company.id.in_(listed)).execute()
        index += size
    return count


def _insert_returning_ids(rows):
    # One INSERT per batch; the ids are contiguous when we hold the write lock,
    # but reading them back by agency number is right on every database.
    insert_rows(Company, rows)
    numbers = [row["agency_number"] for row in rows]
    by_number = dict(Company.select(Company.agency_number, Company.id)
                     .where(Company.agency_number.in_(numbers)).tuples())
    return [by_number[n] for n in numbers]


def seed_demo(count=300, seed=2026):
    """Add demo firms unless there are some already, each through the real
    path; returns how many were added."""
    if Company.select().where(Company.is_demo == True).exists():  # noqa: E712  (a peewee expression: SQL's = TRUE)
        return 0
    rng = random.Random(seed)
    for index in range(1, count + 1):
        firm = generate_firm(index, rng)
        with database.atomic():
            company = company_records.create_company(firm["country"], firm)
            Company.update(is_demo=True).where(Company.id == company.id).execute()
        ended = rng.random() < 0.05  # a few firms only have deactivated activities
        for kind in rng.sample(list(ACTIVITY_KINDS), rng.choice([1, 1, 1, 2, 2, 3])):
            activity = notified_activities.notify(company, None, demo_activity(kind, firm["country"], index, rng))
            if ended:
                notified_activities.deactivate(activity, None, clock.today().isoformat(), "Demo: activity ended.")
    return count


def demo_activity(kind, country, index, rng):
    """What a firm of this kind would notify: classes, and an SRN where the law asks for one."""
    ivd = kind in ("manufacturer", "importer", "distributor") and rng.random() < 0.3
    classes = tuple(rng.sample(notified_activities.MD_CLASSES, rng.randint(1, 3)))
    if ivd:
        classes += tuple(rng.sample(notified_activities.IVD_CLASSES, rng.randint(1, 2)))
    role = notified_activities.SRN_ROLES.get(kind)
    srn = f"{country}-{role}-{index:09d}" if role else ""
    started = datetime.date(2021, 5, 26) + datetime.timedelta(days=rng.randint(0, 1500))
    return notified_activities.ActivityForm(kind=kind, md=True, ivd=ivd, classes=classes, srn=srn,
                                            started_on=min(started, clock.today()).isoformat())
