"""What a database holds, as a backup's manifest records it: each table's rows, each column of stored
files (proofs, mandates, documents, keys) as a checksum over its files, and the migrations applied.
Read through a DB-API connection (sqlite3 or psycopg) inside the transaction whose snapshot is backed up."""
import hashlib

MIGRATIONS_TABLE = "schema_migration"  # playhouse.migrations' history
BATCH = 200  # files read at a time: memory stays flat however large the table


def quoted(name):
    """A table's or column's name as an SQL identifier, whatever it holds (a backup's names are data)."""
    return '"' + name.replace('"', '""') + '"'


def tables(cursor, dialect):
    if dialect == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    else:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                       "AND table_type = 'BASE TABLE'")
    return sorted(name for (name,) in cursor.fetchall())


def file_columns(cursor, dialect, table):
    """The columns of `table` that hold files (SQLite's BLOB, PostgreSQL's bytea)."""
    if dialect == "sqlite":
        cursor.execute(f"PRAGMA table_info({quoted(table)})")
        return sorted(name for _, name, kind, *_ in cursor.fetchall() if kind.upper() == "BLOB")
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                   "AND table_name = %s AND data_type = 'bytea'", (table,))
    return sorted(name for (name,) in cursor.fetchall())


def files_digest(cursor, table, column):
    """{"files", "bytes", "sha256"} of one column: every row's id and its file's SHA-256, in id order, so
    that a file changed, lost or moved to another row changes the checksum."""
    cursor.execute(f"SELECT id, {quoted(column)} FROM {quoted(table)} ORDER BY id")
    digest, files, size = hashlib.sha256(), 0, 0
    while rows := cursor.fetchmany(BATCH):
        for row_id, content in rows:
            digest.update(f"{row_id}:".encode())
            if content is None:
                digest.update(b"-")
            else:
                content = bytes(content)
                files, size = files + 1, size + len(content)
                digest.update(hashlib.sha256(content).digest())
    return {"files": files, "bytes": size, "sha256": digest.hexdigest()}


def applied_migrations(cursor, dialect):
    if MIGRATIONS_TABLE not in tables(cursor, dialect):
        return []
    cursor.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")
    return sorted(name for (name,) in cursor.fetchall())


def take(connection, dialect):
    """{"tables": {name: rows}, "files": {"table.column": digest}, "migrations": [names]} of the database."""
    cursor = connection.cursor()
    counts, files = {}, {}
    for table in tables(cursor, dialect):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")
        counts[table] = cursor.fetchone()[0]
        for column in file_columns(cursor, dialect, table):
            files[f"{table}.{column}"] = files_digest(cursor, table, column)
    return {"tables": counts, "files": files, "migrations": applied_migrations(cursor, dialect)}


def differences(expected, found):
    """What `found` (an inventory) lacks or holds otherwise than `expected` (a manifest's), one line each."""
    lines = []
    for kind, noun in (("tables", "rows"), ("files", "files")):
        for name in sorted(set(expected[kind]) | set(found[kind])):
            want, got = expected[kind].get(name), found[kind].get(name)
            if want != got:
                if kind == "tables":
                    lines.append(f"table {name}: {want} {noun} in the manifest, {got} restored")
                else:
                    lines.append(f"files of {name}: {_files(want)} in the manifest, {_files(got)} restored")
    if expected["migrations"] != found["migrations"]:
        lines.append("the migrations applied differ from the manifest's")
    return lines


def _files(digest):
    return "none" if digest is None else f"{digest['files']} files, {digest['bytes']} bytes, sha256 {digest['sha256'][:12]}"
