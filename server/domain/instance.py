"""Settings of this Tallybook instance as a whole (not of one book)."""

from __future__ import annotations

import json
import sqlite3

from server.db import Database

REGISTRATION_OPEN = "registration_open"


def registration_open(conn: sqlite3.Connection) -> bool:
    """Return whether anyone may create an account (off until an admin turns it on)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [REGISTRATION_OPEN]).fetchone()
    return bool(json.loads(row["value"])) if row else False


def set_registration_open(database: Database, value: bool) -> None:
    """Open or close registration of new accounts."""
    with database.write() as db:
        db["settings"].upsert({"key": REGISTRATION_OPEN, "value": json.dumps(value)}, pk="key")
