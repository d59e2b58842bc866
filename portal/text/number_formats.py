"""The templates' `format_number` filter, as flask-babel writes numbers in
the reader's language, with the locale in force read without flask-babel's
look-ups (lazy_text) and each locale's pattern parsed once. A count (a whole
number, not negative) is grouped by thousands with the locale's own
separator: the same text as Babel's; anything else is Babel's own."""
from babel import numbers
from flask_babel import format_number as babel_format_number

from portal.text.lazy_text import locale_in_force

_groups = {}  # locale -> its thousands separator, or None where it does not group by threes (hi: 1,00,000)


def _group(locale):
    if locale not in _groups:
        pattern = numbers.parse_pattern(locale.decimal_formats[None])
        _groups[locale] = numbers.get_group_symbol(locale) if pattern.grouping == (3, 3) else None
    return _groups[locale]


def format_number(value, locale):
    if locale is None:
        return babel_format_number(value)
    if type(value) is int and 0 <= value < 10**27:  # Babel's own precision ends beyond
        group = _group(locale)
        if group is not None:
            return f"{value:,}".replace(",", group)
    return numbers.format_decimal(value, locale=locale)


def _number_filter(value):
    return format_number(value, locale_in_force())


def init_app(app):
    """After flask-babel, whose filter of the same name this replaces."""
    app.jinja_env.filters["format_number"] = _number_filter
