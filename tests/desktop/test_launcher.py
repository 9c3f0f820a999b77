"""The launcher without a window: browser mode, and a server that cannot start."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

MAIN = Path(__file__).resolve().parents[2] / "main.py"


def launch(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.Popen(
        [sys.executable, str(MAIN), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_no_display_serves_in_the_browser_until_interrupted(tmp_path):
    process = launch("--data-dir", str(tmp_path), "--port", "0")
    try:
        lines = [process.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("No display found")
        url = re.fullmatch(r"Tallybook is running at (http://localhost:\d+/)\n", lines[1])[1]
        assert requests.get(url + "api/v1/health", timeout=5).json()["status"] == "ok"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        with pytest.raises(requests.ConnectionError):  # the server went with the launcher
            requests.get(url + "api/v1/health", timeout=5)
    finally:
        process.kill()
        process.communicate()


def test_a_server_that_cannot_start_is_reported(tmp_path):
    with sqlite3.connect(tmp_path / "tallybook.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 999")  # written by a "newer" Tallybook
    process = launch("--data-dir", str(tmp_path), "--browser", "--port", "0")
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 1
    assert "newer Tallybook" in stderr


def test_explicit_busy_port_is_an_error(tmp_path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        process = launch("--data-dir", str(tmp_path), "--browser", "--port", str(port))
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "could not start" in stderr
