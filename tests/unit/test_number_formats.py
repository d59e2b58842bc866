"""Counts in the reader's language: the same text as Babel writes, faster."""
import random

import pytest
from babel import Locale, numbers

from portal.text.number_formats import format_number


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_whole_numbers_are_written_as_babel_writes_them(language):
    locale = Locale.parse(language)
    rng = random.Random(7)
    samples = list(range(0, 2000)) + [rng.randrange(10 ** rng.randrange(1, 13)) for _ in range(2000)]
    for value in samples + [-1, -1234567, 1234.5, 0.25, -0.5]:
        assert format_number(value, locale) == numbers.format_decimal(value, locale=locale), value


def test_thousands_are_grouped_the_local_way():
    assert format_number(1234567, Locale.parse("fr")) == "1\u202f234\u202f567"
    assert format_number(1234567, Locale.parse("nl")) == "1.234.567"
    assert format_number(1234567, Locale.parse("en")) == "1,234,567"


def test_a_language_that_groups_otherwise_is_left_to_babel():
    hindi = Locale.parse("hi")
    assert format_number(10 ** 7, hindi) == numbers.format_decimal(10 ** 7, locale=hindi) == "1,00,00,000"
