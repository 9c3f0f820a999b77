"""Fixtures for the packaging tier: the bundle (built once per session), a virtual display, and
launching the built program in its own process group so that nothing it starts outlives a test.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.config import DATA_DIR_ENV

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "build" / "build.py"
PROGRAM = ROOT / "dist" / "Tallybook" / "Tallybook"
BUILD_TIMEOUT = 900
COMMAND_TIMEOUT = 60  # one command of the command line, e.g. `Tallybook backup`
XVFB_START_TIMEOUT = 15
# Variables that would change how the program finds its display or its data folder.
UNSET_FOR_PROGRAM = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", DATA_DIR_ENV)


def kill_group(process: subprocess.Popen[str] | subprocess.Popen[bytes], grace: float) -> None:
    """End `process` and everything in its process group: SIGTERM, then SIGKILL after `grace`.

    The group is killed even when its leader has exited, for the children it may have left
    (Qt WebEngine's helper processes, PyInstaller's hook processes).
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build dist/Tallybook once per session with build/build.py; return the program's path."""
    log_path = tmp_path_factory.mktemp("build") / "build.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(BUILD_SCRIPT)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # PyInstaller starts helper processes: end them all
        )
        try:
            returncode = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            returncode = None
        finally:
            kill_group(process, grace=5)
    if returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-40:])
        outcome = "timed out" if returncode is None else f"exited with {returncode}"
        pytest.fail(f"build/build.py {outcome}; the end of {log_path}:\n{tail}", pytrace=False)
    assert PROGRAM.is_file(), f"the build reported success but {PROGRAM} is missing"
    return PROGRAM


@pytest.fixture(scope="session")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start Xvfb on a free display number (it picks one and reports it); yield e.g. ":3"."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    log_path = tmp_path_factory.mktemp("xvfb") / "xvfb.log"
    read_end, write_end = os.pipe()
    try:
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [
                    xvfb,
                    "-displayfd",
                    str(write_end),
                    "-nolisten",
                    "tcp",
                    "-screen",
                    "0",
                    "1280x800x24",
                ],
                pass_fds=(write_end,),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)  # Xvfb has its own copy; EOF on read_end then means it exited
    try:
        # Xvfb writes the display number once it accepts connections.
        number = b""
        deadline = time.monotonic() + XVFB_START_TIMEOUT
        while not number.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_end], [], [], remaining)[0]:
                pytest.fail(f"Xvfb did not start in time; see {log_path}", pytrace=False)
            chunk = os.read(read_end, 16)
            if not chunk:
                pytest.fail(f"Xvfb exited at start; see {log_path}", pytrace=False)
            number += chunk
        yield f":{int(number)}"
    finally:
        os.close(read_end)
        kill_group(process, grace=5)


@contextlib.contextmanager
def children_handle_sigint() -> Iterator[None]:
    """Let programs started inside handle Ctrl+C even when this process ignores SIGINT.

    A background job of a non-interactive shell (as some CI runners start us) ignores SIGINT,
    and an ignored signal stays ignored across exec; a handled one is reset to the default.
    """
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def program_env(**extra: str) -> dict[str, str]:
    """Return the environment for the built program: ours without display or data settings."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET_FOR_PROGRAM}
    env.update(extra)
    return env


def run_program(
    program: Path, *args: str, cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the built program to its end (a command such as `backup`); return what it did."""
    return subprocess.run(
        [str(program), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=program_env(),
        cwd=cwd,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


class Launched:
    """The built program running in its own process group, its stdout read line by line."""

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log_path = log
        self.lines: list[str] = []
        self._log = log.open("w")
        self._queue: queue.Queue[str | None] = queue.Queue()
        try:
            with children_handle_sigint():
                self.process = subprocess.Popen(
                    args,
                    env=env,
                    cwd=cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=self._log,  # Chromium is chatty; kept for failure messages
                    text=True,
                    start_new_session=True,  # one group: the program and Qt WebEngine's helpers
                )
        except BaseException:
            self._log.close()
            raise
        self._reader = threading.Thread(target=self._read, name="stdout-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for_line(self, prefix: str, timeout: float) -> str:
        """Return the first stdout line starting with `prefix`; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._queue.get(timeout=max(remaining, 0))
            except queue.Empty:
                pytest.fail(f"no {prefix!r} line in {timeout} s; {self.describe()}", pytrace=False)
            if line is None:
                code = self.process.wait(timeout=10)
                pytest.fail(f"exited ({code}) before {prefix!r}; {self.describe()}", pytrace=False)
            self.lines.append(line)
            if line.startswith(prefix):
                return line

    def wait(self, timeout: float) -> int:
        """Wait for the program to exit on its own and return its exit code."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running after {timeout} s; {self.describe()}", pytrace=False)
        self._reader.join(timeout=10)
        while not self._queue.empty():
            if (line := self._queue.get_nowait()) is not None:
                self.lines.append(line)
        return code

    def describe(self) -> str:
        """Return what the program printed so far, for failure messages."""
        self._log.flush()
        stdout = "\n".join(self.lines)
        stderr = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        return f"stdout:\n{stdout}\nstderr (end of {self.log_path}):\n{stderr}"

    def close(self) -> None:
        """End the program and all it started, then release the pipe and the log."""
        kill_group(self.process, grace=5)
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., Launched]]:
    """Start the built program (from `tmp_path`, not the repository); all are ended afterwards."""
    started: list[Launched] = []

    def start(program: Path, *args: str, env: dict[str, str]) -> Launched:
        log = tmp_path / f"stderr-{len(started)}.log"
        launched = Launched([str(program), *args], env=env, cwd=tmp_path, log=log)
        started.append(launched)
        return launched

    try:
        yield start
    finally:
        for launched in started:
            launched.close()
