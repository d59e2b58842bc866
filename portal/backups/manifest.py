"""The manifest beside a backup (`DEST.manifest.json`): which database made it, at which migration level
and release, the backup file's size and SHA-256, and the inventory (rows per table, checksums of the
stored files) of the snapshot it holds."""
import hashlib
import json
import os
import time
from pathlib import Path

FORMAT = "afmps-portal backup 1"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that could not be made, or must not be restored (damaged, from a newer release, of another
    database), or a database it must not be restored into; the message says why, for the operator."""


def path_of(backup):
    return Path(f"{backup}.manifest.json")


def checksum(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(backup, database, release, inventory, began_at, began):
    """Write the manifest of `backup`, begun at `began_at` (UTC, ISO) and `began` (time.monotonic())."""
    backup = Path(backup)
    manifest = {"format": FORMAT, "database": database, "release": release,
                "level": inventory["migrations"][-1] if inventory["migrations"] else None,
                "file": backup.name, "size": backup.stat().st_size, "sha256": checksum(backup),
                "began_at": began_at, **inventory}
    manifest["seconds"] = round(time.monotonic() - began, 3)
    handle = os.open(path_of(backup), os.O_CREAT | os.O_TRUNC | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    os.fchmod(handle, 0o600)  # an older manifest of the same name kept its own mode
    with open(handle, "w") as stream:
        stream.write(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def read_checked(backup):
    """The manifest of `backup`, once the file matches it byte for byte; else BackupError."""
    backup, path = Path(backup), path_of(backup)
    if not backup.is_file():
        raise BackupError(f"{backup} is not a file.")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        raise BackupError(f"{path} is missing or unreadable: without its manifest a backup is not restored.")
    if not _well_formed(manifest):
        raise BackupError(f"{path} is not the manifest of a portal backup ({FORMAT}).")
    if backup.stat().st_size != manifest["size"] or checksum(backup) != manifest["sha256"]:
        raise BackupError(f"{backup} is damaged: its size or SHA-256 differs from its manifest's. "
                            "Nothing was restored; take another backup.")
    return manifest


def _well_formed(manifest):
    types = {"format": str, "database": str, "size": int, "sha256": str, "tables": dict, "files": dict,
             "migrations": list}
    return (isinstance(manifest, dict) and manifest.get("format") == FORMAT
            and all(isinstance(manifest.get(key), kind) for key, kind in types.items())
            and manifest["database"] in ("sqlite", "postgresql")
            and all(isinstance(name, str) for name in manifest["migrations"])
            and all(isinstance(rows, int) for rows in manifest["tables"].values())
            and all(isinstance(digest, dict) for digest in manifest["files"].values()))


def newer_migrations(manifest, known):
    """The migrations the backup's database had that this release does not know."""
    return sorted(set(manifest["migrations"]) - set(known))
