"""Automatic sign-in on a one-person desktop: a random secret kept in a file of the data
folder (mode 0600), only its hash in the database, bound to the one user it signs in.

The secret never leaves the data folder: the server reads it when the window it was started
for opens (see `server.auth.window`), so a copied database or backup signs no one in, and
deleting the row (turning it off, a new password, the user gone) revokes it.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import os
import secrets
from datetime import datetime
from pathlib import Path

from server.auth.sessions import hash_secret
from server.auth.users import count_users
from server.clock import to_iso
from server.config import AUTOMATIC_SIGN_IN_FILENAME
from server.db import Database

log = logging.getLogger("tallybook.auth")


def secret_file(data_dir: Path) -> Path:
    """Return where the data folder keeps the automatic sign-in's secret."""
    return Path(data_dir) / AUTOMATIC_SIGN_IN_FILENAME


def _write_private(path: Path, content: str) -> None:
    """Write `content` to `path` (mode 0600, to disk) in one step: a new file, then renamed."""
    partial = path.with_name(path.name + ".new")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def is_on(database: Database, user_id: int) -> bool:
    """Return whether the user has automatic sign-in turned on."""
    with database.read() as conn:
        row = conn.execute(
            "SELECT 1 FROM automatic_sign_ins WHERE user_id = ?", [user_id]
        ).fetchone()
    return row is not None


def turn_on(database: Database, user_id: int, data_dir: Path, *, now: datetime) -> None:
    """Keep a new secret for `user_id` in the data folder and its hash in the database (a
    secret kept before is replaced, so an old copy of the file no longer works)."""
    raw = secrets.token_urlsafe(32)
    with database.write() as db:
        db.execute("DELETE FROM automatic_sign_ins")
        db.execute(
            "INSERT INTO automatic_sign_ins (user_id, secret_hash, created_at) VALUES (?, ?, ?)",
            [user_id, hash_secret(raw), to_iso(now)],
        )
        _write_private(secret_file(data_dir), raw)  # inside: a failed write keeps no row
    log.info("automatic sign-in turned on for user %d", user_id)


def forget_secret_file(data_dir: Path) -> None:
    """Delete the secret's file, if there is one."""
    with contextlib.suppress(FileNotFoundError):
        secret_file(data_dir).unlink()


def turn_off(database: Database, data_dir: Path) -> None:
    """Revoke the automatic sign-in: its row and its file."""
    with database.write() as db:
        db.execute("DELETE FROM automatic_sign_ins")
    forget_secret_file(data_dir)
    log.info("automatic sign-in turned off")


def user_to_sign_in(database: Database, data_dir: Path) -> int | None:
    """Return the user the data folder's secret signs in: only while exactly one user exists
    and the file's secret matches the hash kept for them. A file that matches nothing (the
    password was reset, say) is deleted."""
    path = secret_file(data_dir)
    try:
        raw = path.read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    with database.read() as conn:
        if count_users(conn) != 1:
            return None
        row = conn.execute("SELECT user_id, secret_hash FROM automatic_sign_ins").fetchone()
    if row is None or not hmac.compare_digest(hash_secret(raw), row["secret_hash"]):
        log.warning("automatic sign-in refused: the data folder's secret matches no one")
        forget_secret_file(data_dir)
        return None
    return row["user_id"]
