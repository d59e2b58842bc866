"""Bar charts drawn on the server: the geometry of an SVG chart (`templates/macros/charts.html` writes
it), from rows of (label, value). Horizontal bars for categories (countries, activities, age bands),
columns for months. The drawing is sized by its viewBox and coloured by the site's CSS (classes only:
the CSP allows no inline style); numbers are written in the reader's language. The same rows make the
table beside the chart, so what a screen reader or a copy reads is what the chart draws.
"""
import math
from dataclasses import dataclass

from portal.text.date_formats import format_month, month_name
from portal.text.lazy_text import locale_in_force
from portal.text.number_formats import format_number

WIDTH = 640  # viewBox units; the chart scales to its box
LABEL_ROOM = 190  # left of horizontal bars: their labels
VALUE_ROOM = 60  # right of horizontal bars: their values
ROW = 26  # one horizontal bar's row
BAR = 18  # a bar's thickness in its row
TICK_ROOM = 22  # under the plot: the ticks' values (bars) or the months' names (columns)
AXIS_ROOM = 48  # left of columns: the ticks' values
COLUMNS_HEIGHT = 220  # the columns' plot
LONGEST_LABEL = 26  # characters drawn of a bar's label; the table has it whole


@dataclass(frozen=True)
class Bar:
    label: str  # whole, as in the table
    drawn: str  # what the chart writes beside it ("" for none)
    value: float  # None: no value (no bar, a dash in the table)
    shown: str  # the value in the reader's language
    x: float
    y: float
    width: float
    height: float
    note: str = ""  # a second line under a column (the year under January)


@dataclass(frozen=True)
class Tick:
    at: float  # where on the value axis
    shown: str


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars" or "columns"
    width: int
    height: int
    bars: tuple
    ticks: tuple
    left: float  # the plot's box
    top: float
    right: float
    bottom: float

    @property
    def table(self):
        """The rows of the table beside the chart: each bar's label and value, as the chart has them."""
        return tuple((bar.label, bar.shown) for bar in self.bars)


def shown(value):
    """A value as the table and the chart write it: a dash for none."""
    return "–" if value is None else format_number(value, locale_in_force())


def scale(top):
    """(ticks, the axis's end) for values up to `top`: 1, 2 or 5 times a power of ten apart, at most
    five steps; whole numbers when every value is."""
    if not top or top <= 0:
        return (0,), 1
    rough = top / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(size * power for size in (1, 2, 5, 10) if size * power >= rough)
    if float(top).is_integer():
        step = max(1, round(step))
    steps = math.ceil(top / step - 1e-9)
    ticks = tuple(round(index * step, 6) for index in range(steps + 1))
    return ticks, ticks[-1]


def _cut(label):
    label = str(label)
    return label if len(label) <= LONGEST_LABEL else label[:LONGEST_LABEL - 1].rstrip() + "…"


def bar_chart(rows):
    """Horizontal bars for `rows`: (label, value)."""
    rows = list(rows)
    ticks, end = scale(max((value or 0 for _, value in rows), default=0))
    left, right, top = LABEL_ROOM, WIDTH - VALUE_ROOM, 4
    bottom = top + ROW * len(rows)
    bars = tuple(
        Bar(str(label), _cut(label), value, shown(value), left, top + index * ROW + (ROW - BAR) / 2,
            round((right - left) * (value or 0) / end, 2), BAR)
        for index, (label, value) in enumerate(rows))
    placed = tuple(Tick(round(left + (right - left) * tick / end, 2), shown(tick)) for tick in ticks)
    return Chart("bars", WIDTH, round(bottom + TICK_ROOM + 4), bars, placed, left, top, right, bottom)


def column_chart(rows):
    """Columns for `rows`: (label, value, drawn label or "", note under it or ""); a value of None draws
    no column."""
    rows = list(rows)
    ticks, end = scale(max((value or 0 for _, value, _, _ in rows), default=0))
    left, right, top, bottom = AXIS_ROOM, WIDTH - 8, 10, 10 + COLUMNS_HEIGHT
    slot = (right - left) / max(1, len(rows))
    bars = []
    for index, (label, value, drawn, note) in enumerate(rows):
        height = round((bottom - top) * (value or 0) / end, 2)
        bars.append(Bar(str(label), drawn, value, shown(value), round(left + index * slot + slot * .15, 2),
                        round(bottom - height, 2), round(slot * .7, 2), height, note))
    placed = tuple(Tick(round(bottom - (bottom - top) * tick / end, 2), shown(tick)) for tick in ticks)
    return Chart("columns", WIDTH, bottom + TICK_ROOM * 2, tuple(bars), placed, left, top, right, bottom)


def month_columns(rows):
    """Columns for `rows`: (first day of a month, value), the oldest first. Each column is named in the
    table by its month and year; the chart names every month when there are twelve at most, else every
    third (January, April, July, October), and writes the year under January and under the first."""
    rows = list(rows)
    every = len(rows) <= 12
    return column_chart(
        (format_month(month), value, month_name(month) if every or month.month % 3 == 1 else "",
         str(month.year) if index == 0 or month.month == 1 else "")
        for index, (month, value) in enumerate(rows))
