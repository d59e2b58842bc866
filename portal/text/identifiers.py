"""Business identifiers: BCE/KBO enterprise numbers, VAT numbers, NISS/BIS.

Each check takes what a person typed (spaces, dots, dashes allowed) and
returns the compact form, or raises IdentifierError with a message in the
user's language. The rules come from python-stdnum.
"""
from stdnum import exceptions as stdnum_errors
from stdnum.ad import nrt as ad_nrt
from stdnum.be import bis as be_bis
from stdnum.be import nn as be_nn
from stdnum.be import vat as be_vat
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.is_ import vsk as is_vsk
from stdnum.li import peid as li_peid
from stdnum.mc import tva as mc_tva
from stdnum.no import mva as no_mva
from stdnum.sm import coe as sm_coe
from stdnum.tr import vkn as tr_vkn

from portal.text.countries import EU, NORTHERN_IRELAND
from portal.text.lazy_text import lazy_gettext as _l

# Countries whose VAT number VIES can confirm: the EU and Northern Ireland.
VIES_COUNTRIES = EU | {NORTHERN_IRELAND}

# Country -> stdnum module for the offline check of the company's number.
_OFFLINE_MODULES = {
    "NO": no_mva, "IS": is_vsk, "LI": li_peid, "TR": tr_vkn, "AD": ad_nrt, "SM": sm_coe,
    "MC": mc_tva, "CH": ch_uid, "GB": gb_vat,
}


class IdentifierError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _digits(text):
    return "".join(ch for ch in (text or "") if ch.isdigit())


def normalise_bce(text):
    """A BCE/KBO enterprise number: 10 digits starting with 0 or 1, mod-97 check."""
    digits = _digits(text)
    if len(digits) == 9:
        digits = "0" + digits  # old 9-digit numbers
    if len(digits) != 10 or digits[0] not in "01":
        raise IdentifierError(_l("Enter the enterprise number as 10 digits starting with 0 or 1, "
                                 "for example 0123.456.749."))
    if not be_vat.is_valid(digits):
        raise IdentifierError(_l("This enterprise number does not exist: check its digits."))
    return digits


def format_bce(digits):
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def company_number(company):
    """The number that tells a company apart, as the page header shows it beside its name (guide,
    Figure 31): its BCE number, else (a firm abroad) its VAT number; None when it has neither.
    Plain text, which the page escapes (a lazy text would pass as markup)."""
    if company.bce_number:
        return str(_l("BCE: %(number)s", number=format_bce(company.bce_number)))
    if company.vat_number:
        return str(_l("VAT: %(number)s", number=company.vat_number))
    return None


def init_app(app):
    app.jinja_env.globals["company_number"] = company_number


def vat_prefix(country):
    """The prefix of a VAT number, fixed by the country (EL for Greece)."""
    if country == "GR":
        return "EL"
    if country == "CH":
        return "CHE"
    return country


def normalise_vat(country, text):
    """The company's VAT (or tax) number for its country, without the prefix.

    Checked offline for format and check digits; VIES is asked separately.
    """
    prefix = vat_prefix(country)
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if raw.startswith(prefix):
        raw = raw[len(prefix):]
    if not raw:
        raise IdentifierError(_l("Enter the company's VAT number."))
    try:
        if country in VIES_COUNTRIES:
            eu_vat.validate(prefix + raw)
        elif country in _OFFLINE_MODULES:
            module = _OFFLINE_MODULES[country]
            module.validate(prefix + raw if country in ("CH", "GB", "MC") else raw)
        else:
            raise IdentifierError(_l("Companies from this country do not give a VAT number here."))
    except stdnum_errors.InvalidChecksum:
        raise IdentifierError(_l("This VAT number is not valid: its check digits are wrong. "
                                 "Check that it is typed correctly."))
    except stdnum_errors.ValidationError:
        raise IdentifierError(_l("This is not the format of a VAT number of this country."))
    return raw


def normalise_niss(text):
    """A Belgian national number (NISS) or BIS number: 11 digits, mod-97 check
    with both century rules."""
    digits = _digits(text)
    if len(digits) != 11:
        raise IdentifierError(_l("A NISS number has 11 digits, for example 85.07.30-033.28."))
    if not (be_nn.is_valid(digits) or be_bis.is_valid(digits)):
        raise IdentifierError(_l("This NISS number is not valid: check its digits."))
    return digits


def niss_birth(digits):
    """(birth date or None, "M", "F" or "") that a valid NISS or BIS number encodes."""
    scheme = be_nn if be_nn.is_valid(digits) else be_bis
    return scheme.get_birth_date(digits), (scheme.get_gender(digits) or "")


def format_niss(digits):
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:]}"


def bis_number(birth_date, sequence, sex_known=True):
    """The BIS number for a birth date and a 3-digit sequence: the month +40
    when the sex is known, +20 when it is not, then the mod-97 check (with the
    leading 2 for people born from 2000)."""
    month = birth_date.month + (40 if sex_known else 20)
    body = f"{birth_date.year % 100:02d}{month:02d}{birth_date.day:02d}{sequence:03d}"
    base = int(("2" if birth_date.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


class NoNumberLeft(RuntimeError):
    """All 499 BIS numbers of a birth date and sex are used in the portal."""


def generate_bis(birth_date, sex, is_taken):
    """A BIS number not yet used in the portal. As in the national register,
    the sequence is odd for men and even for women."""
    start = 1 if sex == "M" else 2
    for sequence in range(start, 999, 2):
        number = bis_number(birth_date, sequence, sex_known=sex in ("M", "F"))
        if not is_taken(number):
            return number
    raise NoNumberLeft(f"no BIS number left for {birth_date}")
