"""The amounts people type, and the estimate of a contribution (contributions)."""
from decimal import Decimal

import pytest

from portal.contributions import declarations as contributions
from portal.models import ContributionYear


@pytest.mark.parametrize("typed, amount", [
    ("1 234,56", "1234.56"), ("1.234,56", "1234.56"), ("1234.56", "1234.56"), ("1,234.56", "1234.56"),
    ("1234,5", "1234.50"), ("€ 1 234", "1234.00"), ("1\u202f234\u202f567,89", "1234567.89"), ("0", "0.00"),
    ("12.345.678", "12345678.00"), ("12,345,678.9", "12345678.90"), ("", None), ("  ", None),
])
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert contributions.parse_amount(typed) == (Decimal(amount) if amount else None)


@pytest.mark.parametrize("typed", ["twelve", "1.23.4", "-5", "1e6", "12,34,56", "1 2 3,456,78", "9" * 16, "١٢٣"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        contributions.parse_amount(typed)


def test_the_estimate_follows_the_rule_written_on_the_page():
    year = ContributionYear(year=2025, entity_cost=Decimal("415.74"), turnover_rate=Decimal("0.3073"),
                            turnover_threshold=Decimal("50290.17"))
    found = contributions.estimate(year, 2, Decimal("150290.17"), private_only=False)
    assert found.entity_part == Decimal("831.48") and found.turnover_part == Decimal("307.30")
    assert found.total == Decimal("1138.78")
    assert contributions.estimate(year, 2, Decimal("40000"), False).turnover_part == 0  # under the threshold
    assert contributions.estimate(year, 1, Decimal("150290.17"), private_only=True).total == Decimal("415.74")
