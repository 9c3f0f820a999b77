"""The data folder is its user's only (issue 16, finding 4): `tallybook serve` over a folder
another program made readable by everyone, with an earlier version's files in it, signing in,
entering a transaction and making a backup there, leaves the
folder 0700 and every file Tallybook keeps there 0600, and refuses a folder of another user."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from server import create_app
from server.clock import utcnow
from server.config import LOG_FILENAME
from server.db.backups import create_backup
from tests.conftest import PASSWORD, db, user_in

MAIN = Path(__file__).resolve().parents[2] / "main.py"
NOBODY = 65534
FOREIGN = "notes.txt"  # the user's own file in the folder: not Tallybook's to change


def modes(folder: Path) -> dict[str, int]:
    """Return the permissions of the folder and of everything under it, by relative path."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for inside, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(inside, name)
            found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def assert_private(folder: Path) -> None:
    """The folder and its folders are 0700, every file 0600 (but the user's own file)."""
    found = modes(folder)
    wrong = {
        name: oct(mode)
        for name, mode in found.items()
        if name != FOREIGN and mode != (0o700 if (folder / name).is_dir() else 0o600)
    }
    assert not wrong, wrong
    assert found[FOREIGN] == 0o644


def as_an_earlier_version_left_it(folder: Path) -> None:
    """A database, a log and a backup readable by everyone, in a folder readable by everyone,
    as `--data-dir` over an existing folder (or a container's volume) had them."""
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    app = create_app({"DATA_DIR": str(folder), "AUTOMATIC_BACKUPS": False})
    user_in(db(app), admin=True)
    create_backup(db(app), "manual", utcnow())
    db(app).close()
    (folder / f"{LOG_FILENAME}.1").write_text("an older log\n")
    (folder / FOREIGN).write_text("mine\n")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`python -m server serve` (as the `tallybook` program runs it) over such a folder."""
    folder = tmp_path / "data"
    as_an_earlier_version_left_it(folder)
    assert modes(folder)["tallybook.sqlite3"] == 0o644
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", first)
        assert match, first + process.stderr.read()
        yield folder, match.group(1)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()
        process.communicate()


def test_serve_keeps_every_file_private(served):
    folder, url = served
    api = url + "api/v1"
    session = requests.Session()
    signed_in = session.post(f"{api}/session", json={"username": "alex", "password": PASSWORD})
    session.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
    book = session.get(f"{api}/books").json()["items"][0]["id"]
    account = session.post(
        f"{api}/books/{book}/accounts",
        json={"name": "Cash", "type": "cash", "currency": "EUR", "opening_balance": "10.00"},
    )
    assert account.status_code == 201, account.text
    spent = session.post(
        f"{api}/books/{book}/transactions",
        json={"account_id": account.json()["id"], "date": "2026-03-02", "amount": "-4.20"},
    )
    assert spent.status_code == 201, spent.text
    assert session.post(f"{api}/backups").status_code == 201
    # While it runs: the database's -wal and -shm, the lock, the new log lines.
    assert {"tallybook.sqlite3-wal", "tallybook.sqlite3-shm", "tallybook.lock"} <= set(
        modes(folder)
    )
    assert "backup made (manual)" in (folder / LOG_FILENAME).read_text()
    assert len(list((folder / "backups").iterdir())) == 2
    assert_private(folder)


def test_a_folder_of_another_user_is_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o755)
    os.chown(folder, NOBODY, NOBODY)
    serve = [sys.executable, "-m", "server", "serve", "--port", "0", "--data-dir", str(folder)]
    window = [sys.executable, str(MAIN), "--browser", "--port", "0", "--data-dir", str(folder)]
    for command in (serve, window):
        refused = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert refused.returncode == 1, refused.stderr
        assert f"The data folder {folder} belongs to another user (uid {NOBODY})" in (
            refused.stderr
        )
        assert "--data-dir" in refused.stderr
    assert list(folder.iterdir()) == []  # nothing was written there
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
