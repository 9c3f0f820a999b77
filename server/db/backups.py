"""Backups of the data file: copies made with SQLite's online backup API, kept in the data
folder's `backups/`, checked before one replaces the live database.

A backup is a consistent snapshot taken while Tallybook runs (readers and the writer go on).
Each is written to a `.part` file, flushed to disk and then renamed, so a crash never leaves a
half-written backup under a backup's name. Only the newest `keep` are kept. A backup may carry a
label (what it was taken before, in words a person finds it by) in a small file beside it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from server.db import Database
from server.db.kept_sums import FEED_EPOCH
from server.db.migrations import MIGRATIONS
from server.errors import NotFound, ValidationFailed
from server.translatable import _l

log = logging.getLogger("tallybook.backups")

REASONS = (
    "start",
    "daily",
    "manual",
    "before-migration",
    "before-restore",
    "before-repair",
    "before-book-delete",
)
KEEP_SETTING = "backups_keep"
DEFAULT_KEEP = 10
MAX_KEEP = 1000
_NAME = re.compile(r"tallybook-(\d{8}T\d{12})Z-([a-z-]+)\.sqlite3")
# Tables every Tallybook database has had since its first version.
_OUR_TABLES = {"migrations", "users", "books", "book_members"}
LABEL_SUFFIX = ".label.txt"  # beside the backup, named after it


@dataclass(frozen=True)
class Backup:
    """One backup file."""

    name: str
    path: Path
    created_at: datetime
    reason: str
    size: int
    label: str | None = None


def _label_path(path: Path) -> Path:
    return path.with_name(path.name + LABEL_SUFFIX)


def backup_dir(database: Database) -> Path:
    """Return the folder the database's backups live in (next to it)."""
    return database.path.parent / "backups"


def _from_path(path: Path) -> Backup | None:
    match = _NAME.fullmatch(path.name)
    if match is None or not path.is_file():
        return None
    created = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    label_file = _label_path(path)
    label = label_file.read_text(encoding="utf-8") if label_file.is_file() else None
    return Backup(path.name, path, created, match.group(2), path.stat().st_size, label)


def list_backups(database: Database) -> list[Backup]:
    """Return the backups, newest first."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return []
    found = [b for b in map(_from_path, folder.iterdir()) if b is not None]
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def find_backup(database: Database, name: str) -> Backup:
    """Return the backup called `name` (only names of our own shape: no other paths)."""
    backup = _from_path(backup_dir(database) / name) if _NAME.fullmatch(name) else None
    if backup is None:
        raise NotFound(_l("There is no backup named %(name)s.", name=repr(name)))
    return backup


def backups_keep(conn: sqlite3.Connection) -> int:
    """Return how many backups are kept."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [KEEP_SETTING]).fetchone()
    return int(json.loads(row[0])) if row else DEFAULT_KEEP


def set_backups_keep(database: Database, keep: int) -> None:
    """Set how many backups are kept (1 to MAX_KEEP) and drop the ones beyond."""
    if not 1 <= keep <= MAX_KEEP:
        raise ValidationFailed.on(
            "keep", _l("Keep from 1 to %(max_keep)s backups.", max_keep=MAX_KEEP)
        )
    with database.write() as db:
        db["settings"].upsert({"key": KEEP_SETTING, "value": json.dumps(keep)}, pk="key")
    _prune(database, keep)


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":  # directories cannot be opened for fsync on Windows
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy `source` into a new standalone file (rollback journal, not WAL) at `target_path`."""
    part = target_path.with_name(target_path.name + ".part")
    part.unlink(missing_ok=True)
    target = sqlite3.connect(part)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    with part.open("rb") as written:
        os.fsync(written.fileno())
    os.replace(part, target_path)
    _fsync_dir(target_path.parent)


def create_backup(
    database: Database, reason: str, now: datetime, *, label: str | None = None
) -> Backup:
    """Back the database up now, with a `label` if given; drop the oldest beyond the number
    kept."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    folder = backup_dir(database)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = now.astimezone(UTC)
    taken = {b.created_at for b in list_backups(database)}
    while stamp in taken:  # names are unique and sort by time, even within a second
        stamp += timedelta(microseconds=1)
    path = folder / f"tallybook-{stamp:%Y%m%dT%H%M%S%f}Z-{reason}.sqlite3"
    with database.read() as source:
        _copy(source, path)
        keep = backups_keep(source) if _has_table(source, "settings") else DEFAULT_KEEP
    if label is not None:
        _label_path(path).write_text(label, encoding="utf-8")
    backup = _from_path(path)
    assert backup is not None
    log.info("backup made (%s): %s, %d bytes", reason, path.name, backup.size)
    _prune(database, keep)
    return backup


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return conn.execute(query, [name]).fetchone() is not None


def _prune(database: Database, keep: int) -> None:
    for old in list_backups(database)[keep:]:
        old.path.unlink(missing_ok=True)
        _label_path(old.path).unlink(missing_ok=True)
        log.info("backup dropped (keeping %d): %s", keep, old.name)
    for part in backup_dir(database).glob("*.part"):  # left by a crash mid-copy
        part.unlink(missing_ok=True)


def check_backup_file(path: Path) -> int:
    """Check that `path` is a sound Tallybook database this version can open.

    Returns its schema version; raises ValidationFailed on `file` naming what is wrong.
    """

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed.on("file", message)

    if not path.is_file():
        raise refuse(f"There is no file {path}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise refuse(f"The file cannot be opened: {error}.") from None
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            raise refuse("The file is damaged: " + "; ".join(integrity[:3]))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise refuse(f"The file is not a database Tallybook can read ({error}).") from None
    finally:
        conn.close()
    if not tables >= _OUR_TABLES:
        raise refuse("The file is an SQLite database, but not a Tallybook one.")
    if version > len(MIGRATIONS):
        raise refuse("The file was made by a newer Tallybook: update Tallybook to restore it.")
    return version


def restore_backup(database: Database, path: Path, now: datetime) -> Backup:
    """Replace the database with the file at `path`, once it passes `check_backup_file`.

    The state it replaces is backed up first; that backup is returned. The caller brings the
    restored database's schema up to date (apply_migrations).
    """
    check_backup_file(path)
    saved = create_backup(database, "before-restore", now)
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        database.replace_with(source)
    finally:
        source.close()
    with database.write() as db:  # the change feed's history starts again
        db["settings"].upsert(
            {"key": FEED_EPOCH, "value": json.dumps(secrets.token_hex(8))}, pk="key"
        )
    log.warning("database restored from %s (the state before: %s)", path, saved.name)
    return saved
