"""Import of the BCE/KBO open data published by the FPS Economy (Cookbook KBO
Open Data R018): a full extract replaces the tables, an update extract
applies its `*_delete.csv` then its `*_insert.csv` files, each in one
transaction, and the Belgian companies of the portal are brought up to date
with it (bce.sync_companies).

The files are read straight from the ZIP as a stream, so memory stays the
same whatever their size:

- on PostgreSQL each file goes through `COPY … FROM STDIN` (the bytes as
  published, never parsed in Python) into a temporary staging table of text
  columns, then one `INSERT … SELECT` per table converts and merges them;
- on SQLite the rows are converted here and written by `executemany` in
  batches, inside one transaction.

An extract older than the last one imported is refused (meta.csv's
ExtractNumber), and importing the same extract again changes nothing.
"""
import csv
import datetime
import io
import json
import re
import sqlite3
import time
import zipfile
from dataclasses import dataclass

import peewee
import psycopg

from portal import clock
from portal.bce import enterprises as bce
from portal.bce.models import (
    KboActivity,
    KboAddress,
    KboBranch,
    KboCode,
    KboContact,
    KboDenomination,
    KboEnterprise,
    KboEstablishment,
    KboExtract,
)
from portal.data.db import database, is_postgres, lock_name

BATCH = 10_000  # rows per executemany on SQLite
COPY_CHUNK = 1 << 20  # bytes per write into PostgreSQL's COPY
_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")


@dataclass(frozen=True)
class TableFile:
    """One CSV file of the extract and the table it fills."""
    name: str
    model: type
    columns: tuple  # (header in the file, column in the table, "number" | "date" | "text")
    key: str  # the column a delete file names (an entity's rows are replaced whole)
    unique: bool = False  # one row per key: an insert replaces the row

    @property
    def headers(self):
        return [column[0] for column in self.columns]

    @property
    def targets(self):
        return [column[1] for column in self.columns]


FILES = (
    TableFile("enterprise", KboEnterprise, (
        ("EnterpriseNumber", "number", "number"), ("Status", "status", "text"),
        ("JuridicalSituation", "juridical_situation", "text"), ("TypeOfEnterprise", "type_of_enterprise", "text"),
        ("JuridicalForm", "juridical_form", "text"), ("JuridicalFormCAC", "juridical_form_cac", "text"),
        ("StartDate", "start_date", "date")), key="number", unique=True),
    TableFile("establishment", KboEstablishment, (
        ("EstablishmentNumber", "number", "number"), ("StartDate", "start_date", "date"),
        ("EnterpriseNumber", "enterprise_number", "number")), key="number", unique=True),
    TableFile("branch", KboBranch, (
        ("Id", "id", "number"), ("StartDate", "start_date", "date"),
        ("EnterpriseNumber", "enterprise_number", "number")), key="id", unique=True),
    TableFile("denomination", KboDenomination, (
        ("EntityNumber", "entity_number", "number"), ("Language", "language", "text"),
        ("TypeOfDenomination", "kind", "text"), ("Denomination", "name", "text")), key="entity_number"),
    TableFile("address", KboAddress, (
        ("EntityNumber", "entity_number", "number"), ("TypeOfAddress", "kind", "text"),
        ("CountryNL", "country_nl", "text"), ("CountryFR", "country_fr", "text"), ("Zipcode", "zipcode", "text"),
        ("MunicipalityNL", "municipality_nl", "text"), ("MunicipalityFR", "municipality_fr", "text"),
        ("StreetNL", "street_nl", "text"), ("StreetFR", "street_fr", "text"),
        ("HouseNumber", "house_number", "text"), ("Box", "box", "text"), ("ExtraAddressInfo", "extra", "text"),
        ("DateStrikingOff", "struck_off", "date")), key="entity_number"),
    TableFile("contact", KboContact, (
        ("EntityNumber", "entity_number", "number"), ("EntityContact", "entity_contact", "text"),
        ("ContactType", "kind", "text"), ("Value", "value", "text")), key="entity_number"),
    TableFile("activity", KboActivity, (
        ("EntityNumber", "entity_number", "number"), ("ActivityGroup", "activity_group", "text"),
        ("NaceVersion", "nace_version", "text"), ("NaceCode", "nace_code", "text"),
        ("Classification", "classification", "text")), key="entity_number"),
)
# code.csv comes whole in both kinds of extract: it replaces the codes.
CODES = TableFile("code", KboCode, (
    ("Category", "category", "text"), ("Code", "code", "text"), ("Language", "language", "text"),
    ("Description", "description", "text")), key="category", unique=True)


class ExtractRefused(Exception):
    """The file is not an extract this import can apply; `message` says why (for the operator)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Meta:
    number: int
    kind: str  # "full" or "update"
    snapshot_date: datetime.date
    timestamp: str
    version: str


def parse_date(text):
    """dd-mm-yyyy, as the files write dates; None for an empty or malformed one."""
    found = _DATE.match(text or "")
    if not found:
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def digits(number):
    """"0200.065.765" -> "0200065765" (enterprise, establishment and branch numbers)."""
    return (number or "").replace(".", "")


def read_meta(archive):
    try:
        with archive.open("meta.csv") as raw:
            rows = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")))
    except KeyError:
        raise ExtractRefused("meta.csv is missing: this is not a KBO open data extract.")
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile) as error:
        raise ExtractRefused(f"meta.csv cannot be read ({error}).")
    values = {row[0]: row[1] for row in rows[1:] if len(row) >= 2}
    try:
        number = int(values["ExtractNumber"])
        snapshot = parse_date(values["SnapshotDate"])
        kind = values["ExtractType"].strip().lower()
    except (KeyError, ValueError):
        raise ExtractRefused("meta.csv does not give the extract's number, type and snapshot date.")
    if snapshot is None or kind not in ("full", "update"):
        raise ExtractRefused("meta.csv gives an unknown extract type or snapshot date.")
    return Meta(number, kind, snapshot, values.get("ExtractTimestamp", ""), values.get("Version", ""))


def _check_order(meta, update):
    if update and meta.kind != "update":
        raise ExtractRefused(f"Extract {meta.number} is a full extract: import it without --update.")
    if not update and meta.kind != "full":
        raise ExtractRefused(f"Extract {meta.number} is an update: apply it with --update.")
    last = bce.latest_extract()
    if update and last is None:
        raise ExtractRefused("No full extract was imported yet: import one before its updates.")
    if last is not None and meta.number < last.number:
        raise ExtractRefused(f"Extract {meta.number} is older than extract {last.number}, already imported.")


def _members(archive, update):
    """The files to read, in order: (TableFile, "replace" | "delete" | "insert", member name)."""
    names = {info.filename.lower(): info.filename for info in archive.infolist()}
    plan = []
    if "code.csv" in names:
        plan.append((CODES, "replace", names["code.csv"]))
    for table in FILES:
        if update:
            for step in ("delete", "insert"):
                member = names.get(f"{table.name}_{step}.csv")
                if member:
                    plan.append((table, step, member))
        else:
            member = names.get(f"{table.name}.csv")
            if member is None:
                raise ExtractRefused(f"{table.name}.csv is missing from the full extract.")
            plan.append((table, "replace", member))
    return plan


def _check_header(archive, table, step, member):
    try:
        with archive.open(member) as raw:
            header = next(csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")), [])
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile) as error:
        raise ExtractRefused(f"{member}: its first line cannot be read ({error}).")
    expected = table.headers[:1] if step == "delete" else table.headers
    if step == "delete" and len(header) == 1:
        return  # the key's name differs by file (EntityNumber, EnterpriseNumber…): one column is the key
    if header != expected:
        raise ExtractRefused(f"{member}: the columns are {header}, expected {expected} (a new format version?).")


class _Counting(io.RawIOBase):
    """A file object that reports how many bytes were read (for the progress bar)."""

    def __init__(self, raw, progress):
        self.raw, self.progress = raw, progress

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.raw.read(size)
        self.progress(len(data))
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def import_extract(path, update=False, progress=lambda nbytes: None):
    """Import the extract at `path`; returns its KboExtract row. Raises
    ExtractRefused (nothing changed) when it cannot be applied."""
    started = time.monotonic()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ExtractRefused(f"{path} cannot be read as a ZIP file ({error}).")
    with archive:
        meta = read_meta(archive)
        _check_order(meta, update)
        plan = _members(archive, update)
        for table, step, member in plan:
            _check_header(archive, table, step, member)
        rows = {}
        with database.atomic():
            lock_name("kbo_import")  # one import at a time
            _check_order(meta, update)  # again, under the lock: two imports at once apply one after the other
            load = _load_postgres if is_postgres() else _load_sqlite
            for table, step, member in plan:
                try:
                    with archive.open(member) as raw:
                        rows[member] = load(table, step, _Counting(raw, progress))
                except ExtractRefused as refused:
                    raise ExtractRefused(f"{member}: {refused.message}")
                except (peewee.PeeweeException, psycopg.Error, sqlite3.Error, csv.Error, UnicodeDecodeError,
                        zipfile.BadZipFile) as error:  # the transaction rolls back: nothing changes
                    raise ExtractRefused(f"{member}: {str(error).strip()[:300]}")
            extract = KboExtract.create(number=meta.number, kind=meta.kind, snapshot_date=meta.snapshot_date,
                                        extract_timestamp=meta.timestamp[:30], version=meta.version[:20],
                                        rows=json.dumps(rows), seconds=round(time.monotonic() - started, 3),
                                        imported_at=clock.utc())
            bce.sync_companies(extract)
    return extract


def total_size(path, update=False):
    """The bytes the import will read, for a progress bar."""
    with zipfile.ZipFile(path) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        return sum(sizes[member] for _, _, member in _members(archive, update))


# SQLite: rows converted here, written in batches ----------------------------------------

def _convert(table):
    kinds = [kind for _, _, kind in table.columns]

    def convert(row):
        values = []
        for kind, value in zip(kinds, row):
            if kind == "number":
                values.append(digits(value))
            elif kind == "date":
                values.append(parse_date(value))
            else:
                values.append(value or "")
        return values
    return convert


def _rows(raw, width):
    reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
    next(reader, None)  # the header, checked before
    for row in reader:
        if not row:
            continue
        if len(row) != width:
            raise ExtractRefused(f"line {reader.line_num} has {len(row)} values, expected {width}.")
        yield row


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_sqlite(table, step, raw):
    connection = database.connection()
    name = table.model._meta.table_name
    count = 0
    if step == "delete":
        for batch in _batches(_rows(raw, 1)):
            keys = [digits(row[0]) for row in batch]
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                connection.execute(f'DELETE FROM "{name}" WHERE "{table.key}" IN ({",".join("?" * len(part))})',
                                   part)
            count += len(batch)
        return count
    if step == "replace":
        connection.execute(f'DELETE FROM "{name}"')
    columns = ", ".join(f'"{target}"' for target in table.targets)
    verb = "INSERT OR REPLACE" if table.unique else "INSERT"
    sql = f'{verb} INTO "{name}" ({columns}) VALUES ({", ".join("?" * len(table.columns))})'
    convert = _convert(table)
    for batch in _batches(_rows(raw, len(table.columns))):
        connection.executemany(sql, [convert(row) for row in batch])
        count += len(batch)
    return count


# PostgreSQL: COPY into a staging table, then one set-based merge -------------------------

def _expression(column, kind):
    if kind == "number":
        return f"replace({column}, '.', '')"
    if kind == "date":
        return (f"CASE WHEN {column} ~ '^[0-9]{{2}}-[0-9]{{2}}-[0-9]{{4}}$' "
                f"THEN to_date({column}, 'DD-MM-YYYY') END")
    return f"coalesce({column}, '')"


def _load_postgres(table, step, raw):
    name = table.model._meta.table_name
    width = 1 if step == "delete" else len(table.columns)
    stage = f"kbo_stage_{table.name}_{step}"
    staged = [f"c{index}" for index in range(width)]
    cursor = database.cursor()
    cursor.execute(f"DROP TABLE IF EXISTS {stage}")
    cursor.execute(f"CREATE TEMP TABLE {stage} ({', '.join(c + ' text' for c in staged)}) ON COMMIT DROP")
    with cursor.copy(f"COPY {stage} FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')") as copy:
        while chunk := raw.read(COPY_CHUNK):
            copy.write(chunk)
    count = cursor.rowcount
    if step == "delete":
        cursor.execute(f'DELETE FROM "{name}" WHERE "{table.key}" IN (SELECT replace(c0, \'.\', \'\') FROM {stage})')
        return count
    if step == "replace":
        cursor.execute(f'TRUNCATE "{name}"')
    targets = ", ".join(f'"{target}"' for target in table.targets)
    values = ", ".join(_expression(column, kind) for column, (_, _, kind) in zip(staged, table.columns))
    if not table.unique:
        cursor.execute(f'INSERT INTO "{name}" ({targets}) SELECT {values} FROM {stage}')
        return count
    # One row per key: the last of a file that repeats a key wins, as INSERT OR REPLACE does on SQLite.
    keys = _key_columns(table.model)
    key_expressions = ", ".join(_expression(staged[table.targets.index(key)], table.columns[table.targets.index(key)][2])
                                for key in keys)
    updates = ", ".join(f'"{t}" = EXCLUDED."{t}"' for t in table.targets if t not in keys)
    quoted_keys = ", ".join(f'"{key}"' for key in keys)
    cursor.execute(f'INSERT INTO "{name}" ({targets}) SELECT DISTINCT ON ({key_expressions}) {values} '
                   f'FROM (SELECT *, row_number() OVER () AS line FROM {stage}) AS staged '
                   f'ORDER BY {key_expressions}, line DESC '
                   f'ON CONFLICT ({quoted_keys}) DO UPDATE SET {updates}')
    return count


def _key_columns(model):
    key = model._meta.primary_key
    names = key.field_names if isinstance(key, peewee.CompositeKey) else (key.name,)
    return [model._meta.fields[name].column_name for name in names]
