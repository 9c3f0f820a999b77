"""The SQLite data file: one long-lived writer connection, read-only connections for reads.

Every write and every checkpoint goes through the single writer connection, serialised by a
lock: the SQLite that ships with Python here (3.40) has the WAL-reset corruption race, fixed in
3.51.3, which needs two connections writing or checkpointing at once. Readers open the file
read-only, so they can do neither.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

log = logging.getLogger("tallybook.db")

BUSY_TIMEOUT_MS = 10_000


class _WriterConnection(sqlite3.Connection):
    """A connection whose `with conn:` blocks do not end our explicit transaction.

    sqlite-utils wraps its inserts in `with conn:`, which commits on exit; inside a
    `Database.write()` block that would commit half of a multi-row change. While a write
    transaction of ours is open, the outer block alone decides commit or rollback.
    """

    owns_transaction = False

    def __enter__(self) -> _WriterConnection:
        if self.owns_transaction:
            return self
        return super().__enter__()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        if self.owns_transaction:
            return False
        return super().__exit__(exc_type, exc, tb)


WRITER_CACHE_KIB = 64 * 1024


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")


class Database:
    """The data file of one Tallybook instance."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._writer = sqlite3.connect(
            self.path,
            isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
            check_same_thread=False,  # shared by waitress threads, guarded by self._lock
            factory=_WriterConnection,
        )
        self._writer.row_factory = sqlite3.Row
        _apply_pragmas(self._writer)
        mode = self._writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise RuntimeError(f"{self.path}: cannot switch to WAL journal mode (got {mode})")
        self._writer.execute("PRAGMA synchronous = FULL")
        # Large writes (an import of 100k rows into a book of 1M) touch many index pages: a
        # page cache of 64 MiB instead of 2 keeps them from being read again and again.
        self._writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        self._utils = sqlite_utils.Database(self._writer)

    @property
    def sqlite_version(self) -> str:
        """Return the version of the SQLite library in use."""
        return sqlite3.sqlite_version

    def reader(self) -> sqlite3.Connection:
        """Open a new read-only connection (the caller closes it)."""
        conn = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        _apply_pragmas(conn)
        conn.execute("PRAGMA query_only = ON")
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Open a short-lived read-only connection for a block (outside a request)."""
        conn = self.reader()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Open a read-only connection for a block whose reads all see one state of the
        database (one read transaction), whatever is written meanwhile."""
        with self.read() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def replace_with(self, source: sqlite3.Connection) -> None:
        """Overwrite the whole database with `source`'s, page by page (SQLite's backup API).

        Holds the writer's lock, so no write interleaves; readers see the old or the new state.
        """
        with self._lock:
            if self._writer.owns_transaction:
                raise RuntimeError("cannot replace the database inside a write transaction")
            source.backup(self._writer)
            self._writer.execute("PRAGMA journal_mode = WAL")
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """Run a block as one `BEGIN IMMEDIATE` transaction on the writer connection.

        Commits when the block ends, rolls back if it raises. Reads inside the block see the
        transaction's own writes. Nested calls join the outer transaction.
        """
        with self._lock:
            if self._writer.owns_transaction:
                yield self._utils
                return
            self._writer.execute("BEGIN IMMEDIATE")
            self._writer.owns_transaction = True
            try:
                yield self._utils
                self._writer.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back by itself (e.g. on a full disk).
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
            finally:
                self._writer.owns_transaction = False

    def checkpoint(self) -> None:
        """Copy the WAL back into the main file and truncate it."""
        with self._lock:
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Checkpoint and close the writer connection."""
        with self._lock:
            try:
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                self._writer.close()
