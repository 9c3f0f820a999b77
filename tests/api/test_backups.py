"""Backups: made with SQLite's backup API, listed, downloaded, checked and restored."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta

import pytest

from server import create_app
from server.clock import utcnow
from server.config import DATABASE_FILENAME, SECRET_KEY_FILENAME
from server.db import Database, migrations
from server.db.backups import (
    check_backup_file,
    create_backup,
    list_backups,
    restore_backup,
)
from server.db.migrations import MIGRATIONS, apply_migrations
from server.errors import ValidationFailed
from server.workers.periodic import DailyBackups
from tests.conftest import db

API = "/api/v1"


def book_names(who) -> set[str]:
    return {b["name"] for b in who.get(f"{API}/books").json["items"]}


def test_back_up_list_download_and_restore(alex, database):
    alex.post(f"{API}/books", json={"name": "Before", "currency": "EUR"})
    made = alex.post(f"{API}/backups")
    assert made.status_code == 201, made.json
    assert made.json["reason"] == "manual" and made.json["size"] > 0
    alex.post(f"{API}/books", json={"name": "After", "currency": "EUR"})
    assert book_names(alex) == {"alex's book", "Before", "After"}

    listed = alex.get(f"{API}/backups").json
    assert [b["name"] for b in listed["items"]] == [made.json["name"]]
    assert listed["keep"] == 10

    download = alex.get(f"{API}/backups/{made.json['name']}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/vnd.sqlite3"
    assert download.data.startswith(b"SQLite format 3\x00")
    assert len(download.data) == made.json["size"]
    download.close()

    restored = alex.post(f"{API}/backups/{made.json['name']}/restore")
    assert restored.status_code == 200, restored.json
    assert restored.json["restored"] == made.json["name"]
    assert restored.json["saved_as"]["reason"] == "before-restore"
    assert book_names(alex) == {"alex's book", "Before"}  # the session was in the backup too
    with database.read() as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # The replaced state was kept: restoring it brings "After" back.
    undo = alex.post(f"{API}/backups/{restored.json['saved_as']['name']}/restore")
    assert undo.status_code == 200
    assert book_names(alex) == {"alex's book", "Before", "After"}


def test_only_administrators_signed_in_handle_backups(alex, make_user, sign_in, make_token, client):
    name = alex.post(f"{API}/backups").json["name"]
    bob = make_user("bob")
    bob_client = sign_in("bob")
    for method, path in (
        ("post", "/backups"),
        ("get", "/backups"),
        ("get", f"/backups/{name}"),
        ("post", f"/backups/{name}/restore"),
        ("patch", "/backup-settings"),
    ):
        response = getattr(bob_client, method)(f"{API}{path}", json={"keep": 3})
        assert response.status_code == 403, (method, path)
        anonymous = getattr(client, method)(f"{API}{path}", json={"keep": 3})
        assert anonymous.status_code == 401, (method, path)
    token = make_token(alex.user, "write")
    via_token = alex.client.post(
        f"{API}/backups/{name}/restore", headers={"Authorization": f"Bearer {token}"}
    )
    assert via_token.status_code == 403
    assert "signed in" in via_token.json["detail"]
    assert alex.get(f"{API}/backups").status_code == 200  # the administrator, signed in
    assert bob.username == "bob"


@pytest.mark.parametrize(
    "name", [f"../{DATABASE_FILENAME}", DATABASE_FILENAME, SECRET_KEY_FILENAME, "x" * 300]
)
def test_only_backup_files_can_be_named(alex, name):
    assert alex.get(f"{API}/backups/{name}").status_code == 404
    assert alex.post(f"{API}/backups/{name}/restore").status_code == 404


def test_the_oldest_go_beyond_the_number_kept(alex):
    names = [alex.post(f"{API}/backups").json["name"] for _ in range(4)]
    changed = alex.patch(f"{API}/backup-settings", json={"keep": 2})
    assert changed.status_code == 200 and changed.json == {"keep": 2}
    assert [b["name"] for b in alex.get(f"{API}/backups").json["items"]] == names[:1:-1]
    alex.post(f"{API}/backups")
    assert len(alex.get(f"{API}/backups").json["items"]) == 2
    bad = alex.patch(f"{API}/backup-settings", json={"keep": 0})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "keep"


def test_a_bad_file_is_refused_before_anything_changes(database, tmp_path):
    apply_migrations(database)
    cases = {
        "empty": b"",
        "text": b"not a database at all\n" * 100,
        "truncated": None,
        "foreign": None,
        "newer": None,
    }
    for name in cases:
        path = tmp_path / f"{name}.sqlite3"
        if cases[name] is not None:
            path.write_bytes(cases[name])
        elif name == "truncated":
            good = create_backup(database, "manual", utcnow()).path
            path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
        elif name == "foreign":
            other = sqlite3.connect(path)
            other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
            other.commit()
            other.close()
        else:
            newer = create_backup(database, "manual", utcnow()).path
            conn = sqlite3.connect(newer)
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
            conn.commit()
            conn.close()
            path.write_bytes(newer.read_bytes())
        before = len(list_backups(database))
        with pytest.raises(ValidationFailed) as refused:
            restore_backup(database, path, utcnow())
        assert refused.value.errors[0].field == "file", name
        assert len(list_backups(database)) == before, f"{name}: backed up before the check"
    with pytest.raises(ValidationFailed, match="not a Tallybook"):
        check_backup_file(tmp_path / "foreign.sqlite3")
    with pytest.raises(ValidationFailed, match="newer Tallybook"):
        check_backup_file(tmp_path / "newer.sqlite3")


def test_a_migration_is_preceded_by_a_backup(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    older = Database(data / DATABASE_FILENAME)
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:-1])
    apply_migrations(older)
    older.close()
    monkeypatch.undo()
    app = create_app({"DATA_DIR": str(data), "AUTOMATIC_BACKUPS": False})
    made = list_backups(db(app))
    assert [b.reason for b in made] == ["before-migration"]
    assert check_backup_file(made[0].path) == len(MIGRATIONS) - 1
    db(app).close()


def test_automatic_backups_at_start_then_daily(database):
    apply_migrations(database)
    backups = DailyBackups(
        database, first_delay=timedelta(seconds=0), interval=timedelta(seconds=0.2)
    )
    backups.start()
    try:
        deadline = time.monotonic() + 10
        while len(list_backups(database)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        backups.stop()
    reasons = [b.reason for b in reversed(list_backups(database))]
    assert reasons[:3] == ["start", "daily", "daily"]
