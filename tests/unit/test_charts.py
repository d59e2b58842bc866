"""Charts drawn on the server (web/charts.py): the scale a reader can read, bars in proportion to their
values, nothing drawn for a missing value, long labels cut in the drawing only."""
from portal.web import charts


def test_the_scale_steps_by_one_two_or_five_times_a_power_of_ten():
    assert charts.scale(0) == ((0,), 1)
    assert charts.scale(3) == ((0, 1, 2, 3), 3)
    assert charts.scale(9) == ((0, 5, 10), 10)
    assert charts.scale(12_345) == ((0, 5000, 10000, 15000), 15000)
    assert charts.scale(2.5) == ((0, 1, 2, 3), 3)
    assert charts.scale(0.7) == ((0, 0.2, 0.4, 0.6, 0.8), 0.8)


def test_bars_are_in_proportion_and_a_missing_value_draws_nothing(app):
    with app.test_request_context("/en/"):
        chart = charts.bar_chart([("Germany", 10), ("France", 5), ("A country with a very long name indeed", 0)])
        assert [bar.width for bar in chart.bars] == [390.0, 195.0, 0.0]
        assert chart.bars[2].drawn == "A country with a very lon…" and chart.table[2][0].endswith("indeed")
        columns = charts.column_chart([("January", 4, "Jan", "2027"), ("February", None, "Feb", "")])
        assert columns.bars[1].height == 0 and columns.table[1] == ("February", "–")
        assert columns.bars[0].y + columns.bars[0].height == columns.bottom
