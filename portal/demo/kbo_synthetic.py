"""A synthetic KBO open data extract in the published format (Cookbook R018):
for the demo, the tests and the import bench; no real enterprise's data.

Everything about enterprise `i` follows from (seed, i), so that an update
extract can say what changed since a full one. The files carry the real
ones' quirks: every value quoted but empty ones, commas and doubled quotes
inside names, CRLF line ends, accented names, several names per language,
natural persons without an address, abroad addresses, enterprises in
liquidation, NACE codes in two versions.
"""
import os
import random
import tempfile
import zipfile

from portal.bce.kbo_import import CODES, FILES

FIRST_ENTERPRISE = 200_000_000  # numbers from 0200.000.0xx: each gets its mod-97 check digits
FIRST_ESTABLISHMENT = 2_000_000_000

_WORDS = ["Medi", "Ortho", "Cardio", "Dental", "Opti", "Bio", "Steri", "Labo", "Vita", "Pharma", "Clinic", "Sano",
          "Gezond", "Santé", "Zorg", "Soins", "Brux", "Gent", "Liège", "Anvers", "Namur", "Hasselt", "Mons"]
_SUFFIX = ["Supplies", "Devices", "Care", "Technics", "Solutions", "& Fils", "en Zonen", "Service", "Lab"]
_FORMS = [("014", "SA", "NV"), ("610", "SRL", "BV"), ("017", "ASBL", "VZW"), ("706", "SC", "CV")]
_STREETS = [("Rue de la Loi", "Wetstraat", "1000", "Bruxelles", "Brussel"),
            ("Avenue Louise", "Louizalaan", "1050", "Ixelles", "Elsene"),
            ("Rue Haute", "Hoogstraat", "9000", "Gand", "Gent"),
            ("Place Saint-Lambert", "Sint-Lambertusplein", "4000", "Liège", "Luik"),
            ("Grand-Place", "Grote Markt", "7000", "Mons", "Bergen"),
            ("Rue du Pont", "Brugstraat", "3500", "Hasselt", "Hasselt"),
            ("Chaussée de Wavre", "Waversesteenweg", "5000", "Namur", "Namen")]
_NACE = [("2008", "32501", "Fabrication de matériel médico-chirurgical et dentaire",
          "Vervaardiging van medische en tandheelkundige instrumenten en benodigdheden"),
         ("2008", "46460", "Commerce de gros de produits pharmaceutiques",
          "Groothandel in farmaceutische producten"),
         ("2008", "47740", "Commerce de détail d'articles médicaux et orthopédiques",
          "Detailhandel in medische en orthopedische artikelen"),
         ("2008", "86909", "Autres activités pour la santé humaine", "Overige menselijke gezondheidszorg"),
         ("2025", "3250100", "Fabrication de matériel médico-chirurgical", "Vervaardiging van medische instrumenten"),
         ("2008", "70220", "Conseil pour les affaires et autres conseils de gestion",
          "Adviesbureaus op het gebied van bedrijfsbeheer")]
_CODES = [
    ("Status", "AC", "Actif", "Actief"), ("Status", "ST", "Arrêté", "Stopgezet"),
    ("JuridicalSituation", "000", "Situation normale", "Normale toestand"),
    ("JuridicalSituation", "012", "Liquidation", "Vereffening"),
    ("JuridicalSituation", "050", "Faillite", "Faillissement"),
    ("TypeOfEnterprise", "1", "Personne physique", "Natuurlijk persoon"),
    ("TypeOfEnterprise", "2", "Personne morale", "Rechtspersoon"),
    ("JuridicalForm", "014", "Société anonyme", "Naamloze vennootschap"),
    ("JuridicalForm", "610", "Société à responsabilité limitée", "Besloten vennootschap"),
    ("JuridicalForm", "017", "Association sans but lucratif", "Vereniging zonder winstoogmerk"),
    ("JuridicalForm", "706", "Société coopérative", "Coöperatieve vennootschap"),
    ("Classification", "MAIN", "Principale", "Hoofdactiviteit"),
    ("Classification", "SECO", "Secondaire", "Nevenactiviteit"),
    ("ActivityGroup", "001", "Activités TVA", "BTW-activiteiten"),
    ("ActivityGroup", "003", "Activités ONSS", "RSZ-activiteiten"),
    ("TypeOfDenomination", "001", "Dénomination", "Maatschappelijke naam"),
    ("TypeOfDenomination", "002", "Abréviation", "Afkorting"),
    ("TypeOfDenomination", "003", "Dénomination commerciale", "Commerciële naam"),
    ("TypeOfAddress", "REGO", "Adresse du siège", "Adres van de zetel"),
    ("TypeOfAddress", "BAET", "Adresse de l'unité d'établissement", "Vestigingsadres"),
    ("Language", "1", "français", "Frans"), ("Language", "2", "néerlandais", "Nederlands"),
] + [(f"Nace{version}", code, fr, nl) for version, code, fr, nl in _NACE]


def check_digits(body):
    """The BCE's mod-97 check: 97 - (first 8 digits mod 97)."""
    return 97 - body % 97


def enterprise_number(index):
    body = FIRST_ENTERPRISE // 100 + index  # 8 digits
    digits = f"{body:08d}{check_digits(body):02d}"
    return digits.rjust(10, "0")


def establishment_number(index, unit):
    body = FIRST_ESTABLISHMENT // 100 + index * 3 + unit
    return f"{body:08d}{check_digits(body):02d}"


def dotted(number):
    """As the files write numbers: 0200.065.765, 2.000.000.339."""
    if number[0] == "0" or number[0] == "1":
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    return f"{number[0]}.{number[1:4]}.{number[4:7]}.{number[7:]}"


def _line(values):
    return ",".join('"' + str(value).replace('"', '""') + '"' if value not in ("", None) else ""
                    for value in values) + "\r\n"


class Synthetic:
    """The synthetic BCE: enterprise `index` for index in range(count)."""

    def __init__(self, seed=0, activities=3):
        self.seed = seed
        self.activities = activities

    def _random(self, index):
        return random.Random(self.seed * 1_000_003 + index)

    def name(self, index, renamed=None):
        if renamed and index in renamed:
            return renamed[index]
        rng = self._random(index)
        return f"{rng.choice(_WORDS)}{rng.choice(_WORDS).lower()} {rng.choice(_SUFFIX)} {index}"

    def rows(self, index, renamed=None):
        """{file name: [rows]} of enterprise `index`."""
        rng = self._random(index)
        number = dotted(enterprise_number(index))
        natural = index % 11 == 7  # a natural person: no name in two languages, no seat address
        form = rng.choice(_FORMS)
        situation = "012" if index % 17 == 5 else "050" if index % 29 == 3 else "000"
        start = f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-{rng.randint(1960, 2024)}"
        name = self.name(index, renamed)
        if index % 13 == 4:
            name = f'{name}, "Les Experts"'  # a comma and quotes inside the value
        rows = {table.name: [] for table in FILES}
        rows["enterprise"].append([number, "AC", situation, "1" if natural else "2", "" if natural else form[0], "",
                                   start])
        bilingual = not natural and index % 3 == 0
        rows["denomination"].append([number, "1" if bilingual or index % 2 == 0 else "2", "001",
                                     name if not bilingual else f"{name} {form[1]}"])
        if bilingual:  # a Brussels company: its legal name in French and in Dutch, and an abbreviation each
            rows["denomination"].append([number, "2", "001", f"{name} {form[2]}"])
            rows["denomination"].append([number, "1", "002", f"{name[:6].upper()} {form[1]}"])
            rows["denomination"].append([number, "2", "002", f"{name[:6].upper()} {form[2]}"])
        street = rng.choice(_STREETS)
        if not natural:
            if index % 23 == 9:  # a seat abroad
                rows["address"].append([number, "REGO", "Nederland", "Pays-Bas", "1012 AB", "Amsterdam", "Amsterdam",
                                        "Damrak", "Damrak", str(rng.randint(1, 99)), "", "", ""])
            else:
                rows["address"].append([number, "REGO", "", "", street[2], street[4], street[3], street[1], street[0],
                                        str(rng.randint(1, 250)), "b" + str(rng.randint(1, 9)) if index % 4 == 1 else "",
                                        "", ""])
        for unit in range(1 if natural else index % 3):
            unit_number = dotted(establishment_number(index, unit))
            rows["establishment"].append([unit_number, start, number])
            unit_street = _STREETS[(index + unit + 1) % len(_STREETS)]
            rows["address"].append([unit_number, "BAET", "", "", unit_street[2], unit_street[4], unit_street[3],
                                    unit_street[1], unit_street[0], str(unit + 1), "", "", ""])
            if unit == 0:
                rows["denomination"].append([unit_number, "1", "003", f"{name} – site {unit + 1}"])
        for activity in range(self.activities):
            version, code, _, _ = _NACE[(index + activity) % len(_NACE)]
            rows["activity"].append([number, "001", version, code, "MAIN" if activity == 0 else "SECO"])
        if index % 5 == 2:
            rows["contact"].append([number, "ENT", "EMAIL", f"info{index}@example.be"])
        if index % 97 == 50:
            rows["branch"].append([dotted(str(9_000_000_000 + index)), start, number])
        return rows


def _meta(number, kind, snapshot):
    return [("Variable", "Value"), ("SnapshotDate", snapshot.strftime("%d-%m-%Y")),
            ("ExtractTimestamp", snapshot.strftime("%d-%m-%Y") + " 07:18:01"), ("ExtractType", kind),
            ("ExtractNumber", str(number)), ("Version", "1.0.0")]


def write_full(path, count, number, snapshot, seed=0, activities=3, renamed=None):
    """A full extract of `count` enterprises. Rows go to each file (on disk,
    beside the ZIP) as they are made, so memory stays flat whatever the
    count; each file is then compressed into the ZIP."""
    synthetic = Synthetic(seed, activities)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(path))) as directory:
        handles = {table.name: open(os.path.join(directory, f"{table.name}.csv"), "w", encoding="utf-8", newline="")
                   for table in FILES}
        try:
            for table in FILES:
                handles[table.name].write(_line(table.headers))
            for index in range(count):
                for name, rows in synthetic.rows(index, renamed).items():
                    if rows:
                        handles[name].write("".join(_line(row) for row in rows))
        finally:
            for handle in handles.values():
                handle.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as archive:
            archive.writestr("meta.csv", "".join(_line(row) for row in _meta(number, "full", snapshot)))
            archive.writestr("code.csv", _codes())
            for table in FILES:
                archive.write(os.path.join(directory, f"{table.name}.csv"), f"{table.name}.csv")
    return path


def _codes():
    lines = [_line(CODES.headers)]
    for category, code, fr, nl in _CODES:
        lines.append(_line([category, code, "FR", fr]))
        lines.append(_line([category, code, "NL", nl]))
    return "".join(lines)


def write_update(path, number, snapshot, changed=(), stopped=(), seed=0, activities=3, renamed=None):
    """An update extract: the enterprises `changed` (new ones, or renamed by
    `renamed`) deleted and inserted whole, those `stopped` deleted."""
    synthetic = Synthetic(seed, activities)
    files = {f"{table.name}_{step}.csv": [_line(table.headers[:1] if step == "delete" else table.headers)]
             for table in FILES for step in ("delete", "insert")}
    for index in list(changed) + list(stopped):
        rows = synthetic.rows(index, renamed)
        entity = dotted(enterprise_number(index))
        units = [row[0] for row in rows["establishment"]]
        deletes = {"enterprise": [entity], "establishment": units, "branch": [row[0] for row in rows["branch"]]}
        for table in FILES:
            for key in deletes.get(table.name, [entity] + units):
                files[f"{table.name}_delete.csv"].append(_line([key]))
            if index in changed:
                files[f"{table.name}_insert.csv"].extend(_line(row) for row in rows[table.name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("meta.csv", "".join(_line(row) for row in _meta(number, "update", snapshot)))
        archive.writestr("code.csv", _codes())
        for name, lines in files.items():
            archive.writestr(name, "".join(lines))
    return path
