"""A virtual X display for the desktop tier, started by the tests and stopped by them."""

from __future__ import annotations

import importlib.util
import os
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

XVFB_START_SECONDS = 15


def _read_display_number(fd: int, timeout: float) -> str:
    """Read the display number Xvfb writes to `-displayfd` (a line), waiting at most `timeout`."""
    deadline = time.monotonic() + timeout
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("Xvfb did not report its display number in time")
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            continue
        chunk = os.read(fd, 64)
        if not chunk:
            raise RuntimeError("Xvfb exited before reporting its display number")
        data += chunk
    return data.decode().strip()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the Xvfb we started: its own process group, politely, then firmly."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """Start Xvfb on a free display in its own process group; yield e.g. ':7'."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("needs Xvfb (Debian package xvfb)")
    if importlib.util.find_spec("webview") is None:
        pytest.skip("needs the desktop extra: pip install -e '.[desktop]'")
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            [
                xvfb,
                "-displayfd",
                str(write_end),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write_end,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        os.close(write_end)
    try:
        number = _read_display_number(read_end, XVFB_START_SECONDS)
        yield f":{number}"
    finally:
        os.close(read_end)
        _stop(process)
