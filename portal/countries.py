"""Countries as the portal groups them, with names in the user's language."""
import functools

from babel import Locale
from flask_babel import get_locale

from .names import fold

# The 27 EU member states, as ISO 3166 codes.
EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
# EEA members outside the EU.
EEA_ONLY = frozenset({"IS", "LI", "NO"})
# Countries in a customs union with the EU, outside the EEA.
CUSTOMS_UNION_ONLY = frozenset({"TR", "AD", "SM", "MC"})
SWITZERLAND = "CH"
UNITED_KINGDOM = "GB"
EUROPE = EU | EEA_ONLY | CUSTOMS_UNION_ONLY | {SWITZERLAND, UNITED_KINGDOM}

# Codes that are not countries in the portal's sense (continents, EU, unknown…).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}


def _locale():
    return get_locale() or Locale.parse("fr")


def country_name(code):
    return _locale().territories.get(code, code)


def all_countries():
    """[(code, name)] for every country, sorted by name in the user's language."""
    return _sorted_countries(str(_locale()))


@functools.lru_cache(maxsize=8)
def _sorted_countries(locale_name):
    territories = Locale.parse(locale_name).territories
    names = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return tuple(sorted(names, key=lambda item: fold(item[1])))
