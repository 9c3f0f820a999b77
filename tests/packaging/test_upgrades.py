"""Upgrades keep data, in the built program: it opens the data folder of every kept schema
version (tests/fixtures/schemas/, as tests/unit/test_upgrades.py does from source), backs the
database up first, and serves everything it held."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import sys
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from server.config import DATABASE_FILENAME
from server.db.migrations import MIGRATIONS
from tests.packaging.conftest import Launched, program_env, run_program
from tests.packaging.test_bundle import (
    EXIT_TIMEOUT,
    assert_healthy,
    browser_origin,
    get_json,
    post_json,
)
from tests.unit.test_upgrades import PASSWORD, fixtures

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only"),
]


def minor_units(amount: str) -> int:
    """Return an API amount ("-526.94", written with all its currency's decimals) in cents."""
    value = Decimal(amount)
    return int(value.scaleb(-value.as_tuple().exponent))


def every_item(opener: urllib.request.OpenerDirector, url: str) -> list[dict[str, Any]]:
    """Return the items of every page of a list, following its cursors."""
    items: list[dict[str, Any]] = []
    page = get_json(f"{url}?limit=500", opener)
    items += page["items"]
    while page["next_cursor"]:
        page = get_json(f"{url}?limit=500&cursor={page['next_cursor']}", opener)
        items += page["items"]
    return items


def backups_of(data: Path) -> dict[str, Path]:
    """Return the backups in a data folder by reason (tallybook-<time>Z-<reason>.sqlite3)."""
    found = (data / "backups").glob("tallybook-*.sqlite3")
    return {path.stem.split("Z-", 1)[1]: path for path in found}


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda path: path.stem)
def test_an_old_data_folder_opens_backed_up_and_whole(
    fixture: Path, bundle: Path, launch: Callable[..., Launched], tmp_path: Path
) -> None:
    """The bundle upgrades a data file of an earlier schema: backed up as it was, every
    account's balance, transaction, rule and import there for its user, the kept sums right."""
    held = json.loads(fixture.with_suffix(".json").read_text())
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(fixture, data / DATABASE_FILENAME)

    app = launch(bundle, "--data-dir", str(data), "--browser", "--port", "0", env=program_env())
    origin = browser_origin(app)
    assert_healthy(origin)
    backups = backups_of(data)
    if held["version"] == len(MIGRATIONS):
        assert "before-migration" not in backups  # nothing to migrate, nothing backed up
    else:
        with sqlite3.connect(backups["before-migration"]) as backup:
            assert backup.execute("PRAGMA user_version").fetchone()[0] == held["version"]

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    credentials = {"username": "alex", "password": PASSWORD}
    status, signed_in = post_json(opener, f"{origin}/api/v1/session", credentials)
    assert status == 200, signed_in
    book = f"{origin}/api/v1/books/{held['book_id']}"
    accounts = get_json(f"{book}/accounts?include_archived=true", opener)["items"]
    assert {a["name"]: minor_units(a["balance"]) for a in accounts} == held["balances"]
    assert len(every_item(opener, f"{book}/transactions")) == held["transactions"]
    assert [rule["name"] for rule in get_json(f"{book}/rules", opener)["items"]] == held["rules"]
    imports = get_json(f"{book}/imports", opener)["items"]
    assert [i["file_name"] for i in imports] == held["imports"]
    app.process.send_signal(signal.SIGINT)
    assert app.wait(timeout=EXIT_TIMEOUT) == 0

    # The sums kept for balances and reports agree with the migrated rows.
    checked = run_program(bundle, "doctor", "--data-dir", str(data), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
