"""The desktop program's own places, for real under Xvfb: the window opens signed in when
automatic sign-in is on (and at the sign-in page when it is off), and a start-up problem is
shown in a Qt message box besides the console on a Linux desktop."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from server import create_app
from server.auth.automatic_sign_in import turn_off, turn_on
from server.clock import utcnow
from server.config import LOG_FILENAME
from server.desktop.instance_lock import InstanceLock
from tests.conftest import db, user_in
from tests.desktop.test_window import (
    CHILD_SECONDS,
    MAIN,
    ROOT,
    _launcher_env,
    _window_line,
    smoke_launch,
)

pytestmark = pytest.mark.desktop


def _open_window(display: str, data_dir) -> dict:
    return _window_line(smoke_launch(display, data_dir).stdout)


def test_the_window_opens_signed_in_only_while_automatic_sign_in_is_on(xvfb_display, tmp_path):
    data_dir = tmp_path / "data"
    app = create_app({"DATA_DIR": str(data_dir), "AUTOMATIC_BACKUPS": False})
    try:
        database = db(app)
        alex = user_in(database, admin=True)
        turn_on(database, alex.id, data_dir, now=utcnow())
    finally:
        db(app).close()
    signed_in = _open_window(xvfb_display, data_dir)
    assert urlsplit(signed_in["url"]).path == "/"
    assert signed_in["title"] == "Books · Tallybook"

    app = create_app({"DATA_DIR": str(data_dir), "AUTOMATIC_BACKUPS": False})
    try:
        turn_off(db(app), data_dir)
    finally:
        db(app).close()
    asked = _open_window(xvfb_display, data_dir)
    assert urlsplit(asked["url"]).path == "/login"
    assert asked["title"] == "Sign in · Tallybook"


def _window_titles(display: str) -> str:
    return subprocess.run(
        ["xwininfo", "-display", display, "-root", "-tree"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout


def test_already_running_is_shown_in_a_qt_box_and_on_the_console(xvfb_display, tmp_path):
    if subprocess.run(["which", "xwininfo"], capture_output=True, check=False).returncode:
        pytest.skip("needs xwininfo (Debian package x11-utils)")
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    with (
        InstanceLock(data_dir),
        subprocess.Popen(
            [sys.executable, str(MAIN), "--data-dir", str(data_dir)],
            cwd=ROOT,
            env=_launcher_env(xvfb_display),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        ) as second,
    ):
        try:
            deadline = time.monotonic() + CHILD_SECONDS
            while '"Tallybook"' not in _window_titles(xvfb_display):
                assert second.poll() is None, "the launch ended without showing its box"
                assert time.monotonic() < deadline, "no message box appeared"
                time.sleep(0.2)
        finally:
            second.terminate()  # the person would press OK; the message is out by now
            _, stderr = second.communicate(timeout=30)
    assert "Tallybook is already running" in stderr
    assert str(data_dir) in stderr
    assert "Tallybook is already running" in (data_dir / LOG_FILENAME).read_text()
