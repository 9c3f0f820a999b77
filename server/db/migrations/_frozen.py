"""What the released migrations share, frozen with them: runtime code never uses it."""

from __future__ import annotations

import sqlite_utils


def execute_all(db: sqlite_utils.Database, statements: list[str]) -> None:
    """Run the statements in order, inside the runner's write transaction."""
    # One statement at a time: executescript() would COMMIT our transaction first.
    for statement in statements:
        db.execute(statement)
