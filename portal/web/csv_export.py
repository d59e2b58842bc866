"""CSV files the portal hands out (users, contributions, a company's lists):
cells no spreadsheet runs as formulas (ASVS 1.2.10), and the download
response, the one way every CSV leaves the portal."""
from flask import Response


def safe_cell(value):
    """What a user typed, never run by a spreadsheet: a cell that would start a
    formula (=, +, -, @, also after spaces, vertical tabs or no-break spaces; a tab or CR) gets an
    apostrophe first."""
    text = "" if value is None else str(value)
    starts = text.lstrip(" \t\r\n\x0b\xa0")[:1]  # a vertical tab or a no-break space hides a formula too
    return "'" + text if starts in ("=", "+", "-", "@") or text[:1] in ("\t", "\r") else text


BOM = "\ufeff"


def csv_response(text, filename):
    """A CSV download, never cached: UTF-8 with a byte order mark, without
    which spreadsheet programs read the accents wrong. Callers give the text
    alone; the mark is added here, once."""
    response = Response((BOM + text).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "private, no-store"
    return response
