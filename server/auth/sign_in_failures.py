"""Wrong passwords, counted before the password is checked, with a growing back-off.

A guess is counted against budgets kept in the database (`sign_in_failures`), so the count
survives a restart:

- a client that has signed in to the account before (a known device, see
  `server.auth.known_devices`) guesses against its own budget only, so nobody else's wrong
  passwords lock its owner out;
- any other client guesses against the attempted name's budget, whether or not such a user
  exists (an unknown name is answered exactly like a known one), and against its address's
  budget over all names (one client cannot spray a password over many names).

Each guess is counted in a write transaction before the slow hash is checked, so parallel
guesses cannot check more passwords than a budget allows; a right password takes its guess
back. Every attempted name can add a row, so the table keeps only the newest `tracked_max`.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from server.clock import from_iso, to_iso
from server.db import Database
from server.errors import TooManyRequests
from server.translatable import _l

log = logging.getLogger("tallybook.auth")

_NAME, _DEVICE, _CLIENT = "name:", "device:", "client:"


@dataclass(frozen=True)
class LoginPolicy:
    """How many wrong passwords are free, and how the wait grows after that."""

    free_attempts: int = 5  # per attempted name, or per known device
    client_free_attempts: int = 20  # per client address, over all names
    backoff_base: int = 30
    backoff_max: int = 3600
    tracked_max: int = 10_000  # budgets kept; the longest unused go first

    def lockout_seconds(self, failures: int, free: int | None = None) -> int:
        """Return how long a budget stays closed after `failures` wrong passwords in a row
        (`free` of them without a wait: by default the per-name number)."""
        over = failures - (self.free_attempts if free is None else free)
        if over < 0:
            return 0
        return min(self.backoff_base * 2**over, self.backoff_max)

    def free_for(self, budget: str) -> int:
        """Return the wrong passwords a budget allows before its first wait."""
        return self.client_free_attempts if budget.startswith(_CLIENT) else self.free_attempts


@dataclass(frozen=True)
class Guesser:
    """Where a password comes from: the client's address, and the id of its known device
    when it has signed in to the account before."""

    client: str
    device: str | None = None


def name_key(username: str) -> str:
    """Return the form of a typed username its budget is kept under (case and width folded)."""
    return unicodedata.normalize("NFKC", username.strip()).casefold()


def budgets(username: str, guesser: Guesser) -> tuple[str, ...]:
    """Return the budgets a guess at `username`'s password counts against."""
    if guesser.device is not None:
        return (_DEVICE + guesser.device,)
    return (_NAME + name_key(username), _CLIENT + guesser.client)


def count_guess(
    database: Database, keys: tuple[str, ...], *, now: datetime, policy: LoginPolicy
) -> None:
    """Count one guess against each budget, before the password is checked; raise
    TooManyRequests (counting nothing) while any of them is closed."""
    with database.write() as db:
        marks = ", ".join("?" for _ in keys)
        rows = {
            row["key"]: row
            for row in db.execute(
                f"SELECT * FROM sign_in_failures WHERE key IN ({marks})",  # noqa: S608 - marks only
                list(keys),
            ).fetchall()
        }
        closed = [from_iso(row["locked_until"]) for row in rows.values() if row["locked_until"]]
        until = max(closed, default=None)
        if until is not None and now < until:
            wait = int((until - now).total_seconds()) + 1
            log.warning("sign-in refused: too many wrong passwords (%s)", ", ".join(keys))
            raise TooManyRequests(
                _l("Too many wrong passwords. Try again in %(wait)s seconds.", wait=wait),
                retry_after=wait,
            )
        for key in keys:
            failures = (rows[key]["failures"] if key in rows else 0) + 1
            lockout = policy.lockout_seconds(failures, policy.free_for(key))
            locked_until = to_iso(now + timedelta(seconds=lockout)) if lockout else None
            db.execute(
                "INSERT INTO sign_in_failures (key, failures, locked_until, last_attempt_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
                "locked_until = excluded.locked_until, last_attempt_at = excluded.last_attempt_at",
                [key, failures, locked_until, to_iso(now)],
            )
        db.execute(
            "DELETE FROM sign_in_failures WHERE key IN (SELECT key FROM sign_in_failures "
            "ORDER BY last_attempt_at DESC LIMIT -1 OFFSET ?)",
            [policy.tracked_max],
        )


def take_back_guess(db: sqlite_utils.Database, keys: tuple[str, ...], policy: LoginPolicy) -> None:
    """The password was right (inside a write transaction): the name's or device's budget
    starts again; the client's loses this guess, which was not a wrong one."""
    for key in keys:
        if not key.startswith(_CLIENT):
            db.execute("DELETE FROM sign_in_failures WHERE key = ?", [key])
            continue
        db.execute(
            "UPDATE sign_in_failures SET failures = max(failures - 1, 0), locked_until = "
            "CASE WHEN failures - 1 < ? THEN NULL ELSE locked_until END WHERE key = ?",
            [policy.client_free_attempts, key],
        )


def forget_name(db: sqlite_utils.Database, username: str) -> None:
    """Open the name's budget again (a new password was set; inside a write transaction)."""
    db.execute("DELETE FROM sign_in_failures WHERE key = ?", [_NAME + name_key(username)])
