"""Upgrades keep data: today's Tallybook opens the data file of every kept schema version,
backs it up first, and finds everything it held (tests/fixtures/make_schema_fixture.py makes
them; add one whenever a migration is added)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from server import create_app
from server.config import DATABASE_FILENAME
from server.db import kept_sums
from server.db.backups import list_backups
from server.db.migrations import MIGRATIONS, schema_version
from tests.conftest import db

FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"
PASSWORD = "a long passphrase 2026"


def fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("v*.sqlite3"), key=lambda p: int(p.stem[1:]))


def test_there_is_a_fixture_of_the_current_schema():
    assert f"v{len(MIGRATIONS)}.sqlite3" in {p.name for p in fixtures()}


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: p.stem)
def test_an_old_data_file_opens_backed_up_and_whole(fixture, tmp_path):
    held = json.loads(fixture.with_suffix(".json").read_text())
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(fixture, data_dir / DATABASE_FILENAME)

    app = create_app({"DATA_DIR": str(data_dir), "AUTOMATIC_BACKUPS": False})
    database = db(app)
    try:
        assert schema_version(database) == len(MIGRATIONS)
        reasons = [b.reason for b in list_backups(database)]
        assert reasons == ([] if held["version"] == len(MIGRATIONS) else ["before-migration"])
        book = held["book_id"]
        with database.read() as conn:
            assert kept_sums.differences(conn) == []
            count = conn.execute(
                "SELECT count(*) FROM transactions WHERE book_id = ?", [book]
            ).fetchone()[0]
            balances = dict(
                conn.execute(
                    "SELECT name, opening_balance + total FROM accounts WHERE book_id = ?",
                    [book],
                )
            )
            assert [r[0] for r in conn.execute("SELECT name FROM rules")] == held["rules"]
            files = [r[0] for r in conn.execute("SELECT file_name FROM imports")]
        assert (count, balances, files) == (
            held["transactions"],
            held["balances"],
            held["imports"],
        )

        # What the newer version adds works on the old data too.
        client = app.test_client()
        signed = client.post("/api/v1/session", json={"username": "alex", "password": PASSWORD})
        assert signed.status_code == 200, signed.json
        spending = client.get(f"/api/v1/books/{book}/reports/spending?start=2000-01&end=2099-12")
        assert spending.status_code == 200 and spending.json["parts"]
        feed = client.get(f"/api/v1/books/{book}/changes?limit=1000").json
        fed = [c for c in feed["changes"] if c["kind"] == "transaction"]
        assert len(fed) == held["transactions"]
    finally:
        database.close()
