"""A crash in the middle of an import leaves the book as it was: intact, the import absent."""

from __future__ import annotations

import base64
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import requests
from click.testing import CliRunner

from server.cli import cli
from server.config import DATA_DIR_ENV, DATABASE_FILENAME
from tests.conftest import PASSWORD

ROWS = 150_000


def test_sigkill_during_a_large_import_loses_nothing_and_keeps_nothing_half(data_dir):
    env = {**os.environ, DATA_DIR_ENV: str(data_dir)}
    runner = CliRunner(env={DATA_DIR_ENV: str(data_dir)})
    created = runner.invoke(
        cli, ["user", "create", "--username", "alex", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert created.exit_code == 0, created.output
    token = runner.invoke(cli, ["token", "create", "--username", "alex", "--scope", "write"])
    headers = {"Authorization": f"Bearer {token.stdout.strip()}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        url = re.search(r"serving (http://127\.0\.0\.1:\d+/)", process.stdout.readline()).group(1)
        api = url + "api/v1"
        book = requests.get(f"{api}/books", headers=headers, timeout=10).json()["items"][0]["id"]
        account = requests.post(
            f"{api}/books/{book}/accounts",
            json={"name": "Checking", "type": "checking", "opening_balance": "10.00"},
            headers=headers,
            timeout=10,
        ).json()["id"]
        lines = "".join(
            f"2024-{1 + i % 12:02}-{1 + i % 28:02},Shop {i},-{i % 500}.{i % 100:02}\n"
            for i in range(ROWS)
        )
        body = {
            "account_id": account,
            "file_name": "huge.csv",
            "content": base64.b64encode(("Date,Payee,Amount\n" + lines).encode()).decode(),
        }
        outcome: dict[str, object] = {}

        def send() -> None:
            try:
                outcome["status"] = requests.post(
                    f"{api}/books/{book}/imports", json=body, headers=headers, timeout=300
                ).status_code
            except requests.RequestException as error:
                outcome["error"] = error

        sender = threading.Thread(target=send)
        sender.start()
        # In the middle: the import's uncommitted pages are spilling into the write-ahead log.
        wal = data_dir / f"{DATABASE_FILENAME}-wal"
        deadline = time.monotonic() + 120
        while (not wal.exists() or wal.stat().st_size < 4_000_000) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "status" not in outcome, "the import finished before the crash: make it larger"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        sender.join(timeout=30)
        assert "error" in outcome  # the connection died with the server
    finally:
        process.kill()
        process.communicate()

    conn = sqlite3.connect(data_dir / DATABASE_FILENAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM transactions").fetchone()[0] == 0
        balance = conn.execute("SELECT opening_balance + total FROM accounts").fetchone()[0]
        assert balance == 1000
        # The import sets the search index's trigger aside inside its transaction: it is back.
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert "transactions_search_insert" in triggers
        assert conn.execute("SELECT count(*) FROM transactions_fts").fetchone()[0] == 0
    finally:
        conn.close()
