"""Countries as the portal groups them, with names in the user's language."""
import functools

from babel import Locale
from markupsafe import Markup, escape

from portal.text.lazy_text import lazy_gettext as _l
from portal.text.lazy_text import locale_in_force
from portal.text.names import fold

# The 27 EU member states, as ISO 3166 codes.
EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
# EEA members outside the EU.
EEA_ONLY = frozenset({"IS", "LI", "NO"})
# Countries in a customs union with the EU, outside the EEA.
CUSTOMS_UNION_ONLY = frozenset({"TR", "AD", "SM", "MC"})
SWITZERLAND = "CH"
UNITED_KINGDOM = "GB"
# Northern Ireland is in the UK but its VAT numbers (XI) are checked by VIES;
# the portal offers it as a place of its own, as the EU's own services do.
NORTHERN_IRELAND = "XI"
BELGIUM = "BE"
EUROPE = EU | EEA_ONLY | CUSTOMS_UNION_ONLY | {SWITZERLAND, UNITED_KINGDOM, NORTHERN_IRELAND}
EEA_AND_CUSTOMS_UNION = EU | EEA_ONLY | CUSTOMS_UNION_ONLY | {NORTHERN_IRELAND}


def region(code):
    """Which path of the registration a country takes."""
    if code == BELGIUM:
        return "belgium"
    if code == SWITZERLAND:
        return "switzerland"
    if code == UNITED_KINGDOM:
        return "united_kingdom"
    if code in EEA_AND_CUSTOMS_UNION:
        return "eea"
    return "outside_europe"

_NORTHERN_IRELAND_NAME = _l("Northern Ireland (United Kingdom)")

# Codes that are not countries in the portal's sense (continents, EU, unknown…).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"}


def _locale():
    return locale_in_force() or Locale.parse("fr")


def country_name(code):
    if code == NORTHERN_IRELAND:
        return str(_NORTHERN_IRELAND_NAME)
    return _locale().territories.get(code, code)


def names():
    """{code: name} of every country in the user's language: for a list that names many."""
    return _names(str(_locale()))


@functools.lru_cache(maxsize=8)
def _names(locale_name):
    return dict(_sorted_countries(locale_name))


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
    names.append((NORTHERN_IRELAND, str(_NORTHERN_IRELAND_NAME)))
    return tuple(sorted(names, key=lambda item: fold(item[1])))


def options_html(pairs):
    """<option> tags for (value, text) pairs, escaped: written once, reused by every page."""
    return "".join(f'<option value="{escape(value)}">{escape(text)}</option>' for value, text in pairs)


def with_selected(html, selected):
    """The options with `selected` marked (only an exact value of the list is)."""
    if selected:
        tag = f'<option value="{escape(selected)}">'
        html = html.replace(tag, tag[:-1] + " selected>", 1)
    return Markup(html)


@functools.lru_cache(maxsize=8)
def _country_options(locale_name):
    return options_html(_sorted_countries(locale_name))


def country_options(selected=""):
    """The options of a country select in the user's language: 250 countries
    a page would otherwise loop over in the template, a third of its time."""
    return with_selected(_country_options(str(_locale())), selected)
