"""The launcher without a window: browser mode, a server that cannot start, and the commands
it hands to the command line."""

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
from click.testing import CliRunner

from server.cli import cli
from server.config import DATABASE_FILENAME
from tests.conftest import PASSWORD

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
    with sqlite3.connect(tmp_path / DATABASE_FILENAME) as conn:
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


def run_main(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run main.py to its end, as the bundle's `tallybook` runs it."""
    return subprocess.run(
        [sys.executable, str(MAIN), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_command_runs_the_command_line_with_its_exit_codes(tmp_path):
    """A first argument that is not an option is a command of server/cli/, as `tallybook`."""
    user = ("user", "create", "--username", "alex", "--password-stdin", "--data-dir", str(tmp_path))
    created = run_main(*user, stdin=PASSWORD + "\n")
    assert (created.returncode, created.stdout) == (0, "Created user alex (id 1).\n")
    taken = run_main(*user, stdin=PASSWORD + "\n")
    assert taken.returncode == 1 and "This username is taken." in taken.stderr
    unknown = run_main("no-such-command")
    assert unknown.returncode == 2 and "Usage: tallybook [OPTIONS] COMMAND" in unknown.stderr
    assert run_main("user", "create", "--help").stdout.startswith("Usage: tallybook user create")


def test_help_lists_the_commands():
    shown = run_main("--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: tallybook [-h] [--data-dir DATA_DIR]")
    for name in cli.commands:
        assert f"\n  {name} " in shown.stdout, name
    # With its one-line help, in a column as wide as the longest command's name needs.
    assert re.search(r"\n  serve +Serve Tallybook headless", shown.stdout)
    assert "Run `tallybook COMMAND --help` for a command's options." in shown.stdout


def test_version_is_the_packages():
    from server.version import __version__

    shown = run_main("--version")
    assert (shown.returncode, shown.stdout) == (0, f"tallybook, version {__version__}\n")
    assert CliRunner().invoke(cli, ["--version"]).output == shown.stdout  # one way to say it


def test_the_window_never_imports_the_command_line():
    """The window's start-up imports what it needs only (it is measured: bench/startup.py)."""
    program = (
        "import sys, main; main.build_parser().parse_args(['--browser']);"
        "import server.config, server.desktop.instance_lock, server.desktop.launcher;"
        "print('server.cli' in sys.modules)"
    )
    found = subprocess.run(
        [sys.executable, "-c", program],
        cwd=MAIN.parent,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert found.stdout == "False\n"
