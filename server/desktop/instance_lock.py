"""One Tallybook per data folder: a lock held for as long as a program uses the folder."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from server.translatable import _l

LOCK_FILENAME = "tallybook.lock"


class AlreadyRunning(Exception):
    """Another Tallybook (window, server or command) is using the data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.message = _l(
            "Tallybook is already running with the data folder %(folder)s. "
            "Use that window or server, or close it first.",
            folder=str(data_dir),
        )
        super().__init__(self.message)
        self.data_dir = data_dir


class InstanceLock:
    """Hold the data folder's lock (released when the process ends, even by a crash)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = FileLock(data_dir / LOCK_FILENAME, timeout=0, mode=0o600)

    def acquire(self) -> InstanceLock:
        """Take the lock, or raise AlreadyRunning at once."""
        try:
            self._lock.acquire()
        except Timeout:
            raise AlreadyRunning(self.data_dir) from None
        return self

    def release(self) -> None:
        """Let another program use the folder."""
        self._lock.release()

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
