"""What a user typed never runs in a spreadsheet (ASVS 1.2.10): the cells of every CSV the portal hands out."""
import pytest

from portal.web.csv_export import safe_cell


@pytest.mark.parametrize("typed", ["=1+1", "+1", "-1", "@SUM(A1)", "  =1+1", "\t=1", "\r=1", "\x0b=2+2",
                                   "\xa0=1+1", "\xa0 \x0b@x"])
def test_a_cell_that_would_start_a_formula_is_written_as_text(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["Musterfirma GmbH", "", "1+1", "a=b", "Zoë – 3 @ home"])
def test_any_other_cell_is_written_as_typed(typed):
    assert safe_cell(typed) == typed
