"""`flask portal import-kbo`: the BCE/KBO open data, full and update extracts, on both databases."""
import datetime
import zipfile

import pytest

from portal.bce import enterprises as bce
from portal.demo.kbo_synthetic import dotted, enterprise_number, write_full, write_update
from portal.models import (
    KboActivity,
    KboAddress,
    KboBranch,
    KboCode,
    KboContact,
    KboDenomination,
    KboEnterprise,
    KboEstablishment,
    KboExtract,
)

OCTOBER = datetime.date(2026, 10, 2)
NOVEMBER = datetime.date(2026, 11, 6)


def _count_lines(path, member):
    with zipfile.ZipFile(path) as archive:
        return archive.read(member).decode().count("\r\n") - 1  # minus the header


@pytest.fixture
def full(tmp_path):
    return str(write_full(tmp_path / "KboOpenData_0140_2026_10_Full.zip", 300, 140, OCTOBER))


def _import(runner, path, *options):
    return runner.invoke(args=["portal", "import-kbo", *options, path])


def _counts():
    return {model.__name__: model.select().count() for model in
            (KboEnterprise, KboEstablishment, KboBranch, KboDenomination, KboAddress, KboContact, KboActivity, KboCode)}


def test_a_full_extract_is_imported_row_for_row(runner, db, full):
    result = _import(runner, full)
    assert result.exit_code == 0, result.output
    assert "Imported full extract 140 of 02-10-2026" in result.output
    for model, member in ((KboEnterprise, "enterprise.csv"), (KboEstablishment, "establishment.csv"),
                          (KboDenomination, "denomination.csv"), (KboAddress, "address.csv"),
                          (KboActivity, "activity.csv"), (KboContact, "contact.csv"), (KboBranch, "branch.csv"),
                          (KboCode, "code.csv")):
        assert model.select().count() == _count_lines(full, member) > 0, member
    extract = KboExtract.get()
    assert (extract.number, extract.kind, extract.snapshot_date) == (140, "full", OCTOBER)
    # Numbers as their digits, dates as dates, quoted commas and quotes kept, empty values empty.
    first = KboEnterprise.get(KboEnterprise.number == enterprise_number(0))
    assert first.status == "AC" and isinstance(first.start_date, datetime.date) and first.juridical_form_cac == ""
    quoted = KboDenomination.get(KboDenomination.entity_number == enterprise_number(4))
    assert quoted.name.endswith(', "Les Experts"')
    assert all(len(number) == 10 and number.isdigit() for number, in KboEstablishment.select(
        KboEstablishment.number).tuples())


def test_the_quirks_of_the_real_files_come_through(db, runner, full):
    _import(runner, full)
    natural = bce.find(enterprise_number(7))  # a natural person: no seat address
    assert natural is not None and natural.address is None and natural.kind == "Personne physique"
    brussels = bce.find(enterprise_number(3), "nl")  # legal names in French and Dutch, abbreviations
    assert [language for language, _ in brussels.legal_names] == ["fr", "nl"]
    assert brussels.name_in("nl").endswith("BV") and brussels.name_in("fr").endswith("SRL")
    assert len(brussels.abbreviations) == 2
    assert brussels.address.street != bce.find(enterprise_number(3), "fr").address.street  # in each language
    abroad = bce.find(enterprise_number(9))
    assert abroad.address.country == "Pays-Bas" and abroad.address.city == "Amsterdam"
    liquidation = bce.find(enterprise_number(5))
    assert liquidation.situation == "Liquidation"
    assert bce.find("0123456749") is None


def test_the_same_extract_twice_changes_nothing(runner, db, full):
    _import(runner, full)
    before = _counts()
    again = _import(runner, full)
    assert again.exit_code == 0, again.output
    assert _counts() == before
    assert KboExtract.select().count() == 2  # each import is recorded


def test_an_older_extract_is_refused_and_nothing_changes(runner, db, tmp_path, full):
    newer = str(write_full(tmp_path / "newer.zip", 10, 141, NOVEMBER))
    assert _import(runner, newer).exit_code == 0
    before = _counts()
    result = _import(runner, full)
    assert result.exit_code != 0
    assert "older than extract 141" in result.output and "Traceback" not in result.output
    assert _counts() == before


def test_an_update_applies_its_deletes_then_its_inserts(runner, db, tmp_path, full):
    _import(runner, full)
    before = _counts()
    update = str(write_update(tmp_path / "update.zip", 141, NOVEMBER, changed=[3, 300], stopped=[6],
                              renamed={3: "Renamed Medical 3"}))
    result = _import(runner, update, "--update")
    assert result.exit_code == 0, result.output
    assert bce.find(enterprise_number(3)).name_in("fr") == "Renamed Medical 3 SRL"
    assert bce.find(enterprise_number(6)) is None  # stopped: no longer among the active enterprises
    assert not KboDenomination.select().where(KboDenomination.entity_number == enterprise_number(6)).exists()
    assert bce.find(enterprise_number(300)) is not None  # a new enterprise
    after = _counts()
    assert after["KboEnterprise"] == before["KboEnterprise"]  # one stopped, one new
    again = _import(runner, update, "--update")  # applying it twice gives the same data
    assert again.exit_code == 0 and _counts() == after
    assert bce.latest_extract().number == 141 and bce.find(enterprise_number(3)).snapshot_date == NOVEMBER


@pytest.mark.parametrize("case, message", [
    ("update_first", "No full extract was imported yet"),
    ("full_as_update", "is a full extract: import it without --update"),
    ("update_as_full", "is an update: apply it with --update"),
    ("not_a_zip", "cannot be read as a ZIP file"),
    ("no_meta", "meta.csv is missing"),
    ("other_columns", "expected ['EnterpriseNumber'"),
    ("missing_file", "activity.csv is missing"),
])
def test_what_cannot_be_applied_is_refused_with_a_reason(runner, db, tmp_path, full, case, message):
    update = str(write_update(tmp_path / "update.zip", 141, NOVEMBER, changed=[1]))
    path, options = full, []
    if case == "update_first":
        path, options = update, ["--update"]
    elif case == "full_as_update":
        options = ["--update"]
    elif case == "update_as_full":
        _import(runner, full)
        path = update
    elif case == "not_a_zip":
        path = str(tmp_path / "bad.zip")
        (tmp_path / "bad.zip").write_bytes(b"not a zip")
    else:
        path = str(tmp_path / "changed.zip")
        with zipfile.ZipFile(full) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if case == "no_meta" and info.filename == "meta.csv":
                    continue
                if case == "missing_file" and info.filename == "activity.csv":
                    continue
                if case == "other_columns" and info.filename == "enterprise.csv":
                    content = content.replace(b'"Status",', b'"State",')
                target.writestr(info.filename, content)
    before = _counts()
    result = _import(runner, path, *options)
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output
    if case != "update_as_full":
        assert _counts() == before


def test_a_line_with_a_missing_value_stops_the_import_and_nothing_changes(runner, db, tmp_path, full):
    _import(runner, full)
    before = _counts()
    broken = str(tmp_path / "broken.zip")
    with zipfile.ZipFile(full) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "meta.csv":
                content = content.replace(b'"140"', b'"142"')
            if info.filename == "activity.csv":
                content += b'"0200.000.043","001","2008"\r\n'
            target.writestr(info.filename, content)
    result = _import(runner, broken)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert _counts() == before and bce.latest_extract().number == 140


def test_dotted_numbers_are_those_of_the_files():
    assert dotted("0200065765") == "0200.065.765" and dotted("2000000339") == "2.000.000.339"
