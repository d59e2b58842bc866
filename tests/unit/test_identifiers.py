"""Business identifiers as people type them, with real-format numbers."""
import pytest
from flask_babel import force_locale
from stdnum.be import bis as be_bis

from portal.text.identifiers import (
    IdentifierError,
    format_bce,
    format_niss,
    normalise_bce,
    normalise_niss,
    normalise_vat,
    vat_prefix,
)


def niss_for(year, month, day, sequence, bis_offset=0):
    """A NISS (or BIS with month + 20/40) with its mod-97 check, both centuries."""
    body = f"{year % 100:02d}{month + bis_offset:02d}{day:02d}{sequence:03d}"
    base = int(("2" if year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


@pytest.mark.parametrize("typed,expected", [
    ("0403.170.701", "0403170701"),
    ("0403 170 701", "0403170701"),
    ("BE 0403-170-701", "0403170701"),
    ("1000.416.131", "1000416131"),
    ("403170701", "0403170701"),  # an old 9-digit number
])
def test_bce_numbers_in_any_spacing(typed, expected):
    assert normalise_bce(typed) == expected
    assert format_bce(expected) == f"{expected[:4]}.{expected[4:7]}.{expected[7:]}"


@pytest.mark.parametrize("typed", ["0403.170.702", "2403170701", "12345", ""])
def test_bad_bce_numbers_are_refused(typed):
    with pytest.raises(IdentifierError):
        normalise_bce(typed)


@pytest.mark.parametrize("country,typed,expected", [
    ("DE", "DE 136 695 976", "136695976"),
    ("FR", "40303265045", "40303265045"),
    ("NL", "NL004495445B01", "004495445B01"),
    ("GR", "EL 094259216", "094259216"),
    ("IT", "00743110157", "00743110157"),
    ("ES", "ES A13585625", "A13585625"),
    ("AT", "ATU13585627", "U13585627"),
    ("PL", "856-734-62-15", "8567346215"),
    ("XI", "XI 980 7806 84", "980780684"),
    ("NO", "974 761 076 MVA", "974761076MVA"),
    ("IS", "11400", "11400"),
    ("TR", "4540536920", "4540536920"),
    ("CH", "CHE-116.281.710", "116281710"),
    ("GB", "GB 980 7806 84", "980780684"),
])
def test_vat_numbers_of_many_countries(country, typed, expected):
    assert normalise_vat(country, typed) == expected


def test_prefix_follows_the_country():
    assert vat_prefix("GR") == "EL"
    assert vat_prefix("XI") == "XI"
    assert vat_prefix("DE") == "DE"
    assert vat_prefix("CH") == "CHE"


@pytest.mark.parametrize("country,typed,message", [
    ("DE", "136695977", "check digits"),
    ("FR", "123", "format"),
    ("NL", "", "Enter"),
    ("CH", "CHE-116.281.711", "check digits"),
    ("US", "123456789", "do not give a VAT number"),
])
def test_bad_vat_numbers_say_why(app, country, typed, message):
    with app.test_request_context("/en/"), force_locale("en"):
        with pytest.raises(IdentifierError) as raised:
            normalise_vat(country, typed)
        assert message in str(raised.value.message)


@pytest.mark.parametrize("year,month,day,offset", [
    (1985, 7, 30, 0), (2003, 2, 1, 0), (1970, 12, 31, 40), (2001, 5, 6, 20), (1999, 1, 9, 40),
])
def test_niss_and_bis_numbers_both_centuries(year, month, day, offset):
    number = niss_for(year, month, day, 17, offset)
    assert normalise_niss(format_niss(number)) == number
    assert normalise_niss(number.replace("", " ").strip()) == number
    if offset:
        assert be_bis.is_valid(number)


@pytest.mark.parametrize("typed", ["85.07.30-033.29", "8507300332", "abc"])
def test_bad_niss_numbers_are_refused(typed):
    with pytest.raises(IdentifierError):
        normalise_niss(typed)
