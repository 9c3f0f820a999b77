"""The database as seen from a request: the app's `Database` and a read connection on `g`."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

from server.db import Database

EXTENSION_KEY = "tallybook.db"


def database() -> Database:
    """Return the current app's database (its single writer lives there)."""
    return current_app.extensions[EXTENSION_KEY]


def reader() -> sqlite3.Connection:
    """Return this request's read-only connection, opening it on first use."""
    if "db_reader" not in g:
        g.db_reader = database().reader()
    return g.db_reader


def ping() -> None:
    """Read from the database once: it is there and answers (a health check)."""
    reader().execute("SELECT 1")


def _close_reader(_exc: BaseException | None = None) -> None:
    conn = g.pop("db_reader", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask, db: Database) -> None:
    """Attach `db` to the app and close each request's reader at teardown."""
    app.extensions[EXTENSION_KEY] = db
    app.teardown_appcontext(_close_reader)
