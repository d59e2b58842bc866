"""The public register as files: CSV and JSON, written piece by piece from its batches.

CSV: UTF-8 with a byte order mark (spreadsheet programs read the accents right), `;` between cells in
French and Dutch (the separator their spreadsheets expect, where the comma is the decimal mark), `,` in
English; the column names are the same in every language, so that a program reads any of the three. JSON:
one document, {"data_date", "licence", "source", "firms": [...]}, its firms as the API gives
them. Each piece is one batch of the register (register.BATCH firms), never the whole register.
"""
import csv
import datetime
import functools
import io
import json

from portal.activities.register import activity_labels, activity_record, country_name_in, country_record
from portal.text.languages import LANGUAGES
from portal.web.csv_export import BOM, safe_cell

CSV_COLUMNS = (
    "agency_number", "name", "country_code", "country", "city", "activity_codes",
    *(f"activities_{language}" for language in LANGUAGES), "data_date",
)
SEPARATORS = {"fr": ";", "nl": ";", "en": ","}
WITHIN_CELL = "|"  # between the activities of one firm, in one cell


def iso_date(seconds):
    """The data's date as ISO 8601 in UTC, to the second."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def csv_pieces(batches, language, data_date):
    """The CSV file in `language` (the country's name and the separator): its header, then one piece per
    batch. Cells typed by people are never run as formulas (csv_export.safe_cell)."""
    separator = SEPARATORS[language]
    stamp = iso_date(data_date)

    def piece(rows):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
        writer.writerows(rows)
        return out.getvalue()

    yield BOM + piece([CSV_COLUMNS])
    for firms in batches:
        rows = []
        for firm in firms:
            rows.append((firm.agency_number, safe_cell(firm.name), firm.country,
                         country_name_in(firm.country, language), safe_cell(firm.city),
                         *_activity_cells(firm.kinds), stamp))
        yield piece(rows)


@functools.lru_cache(maxsize=4096)
def _activity_cells(kinds):
    """The codes, then the labels in each language, of a firm's activities: four cells."""
    labels = activity_labels()
    return (WITHIN_CELL.join(kinds), *(WITHIN_CELL.join(labels[kind][language] for kind in kinds)
                                       for language in LANGUAGES))


def json_pieces(batches, about):
    """The JSON document: `about` (the data's date, the licence, where it comes from), then the firms, one
    piece per batch. The pieces joined are one valid document, whatever the number of firms."""
    head = json.dumps(about, ensure_ascii=False)
    yield head[:-1] + (", " if about else "") + '"firms": ['
    first = True
    for firms in batches:
        text = ",\n".join(map(firm_json, firms))
        if text:
            yield ("\n" if first else ",\n") + text
            first = False
    yield "\n]}\n"


@functools.lru_cache(maxsize=1024)  # a country's or an activity's JSON, written once per process
def _written(record, key):
    return json.dumps(record(key), ensure_ascii=False, separators=(",", ":"))


def firm_json(firm):
    """`firm.as_record()` as JSON, its country and activities written once per process rather than once per
    firm: a fraction of the time of json.dumps for each firm of a 100,000-firm download."""
    country = _written(country_record, firm.country)
    activities = ",".join(_written(activity_record, kind) for kind in firm.kinds)
    return (f'{{"agency_number":{json.dumps(firm.agency_number)},"name":{json.dumps(firm.name, ensure_ascii=False)},'
            f'"country":{country},"city":{json.dumps(firm.city, ensure_ascii=False)},"activities":[{activities}]}}')
