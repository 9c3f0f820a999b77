"""Telling the person at the computer that Tallybook could not start.

A windowed build on Windows or macOS has no console: what it prints goes nowhere, so a
start-up problem (the data folder, the lock, the port, the server) is also shown in the
platform's own message box. A Linux desktop keeps the console message and, where the window's
toolkit (Qt) is there, shows a box too: started from a menu, no one reads the console.
`ways_to_tell` decides; `tell_user` does it. Nothing heavy is imported until a box is shown.
A marked message (server.translatable) is shown in this computer's language (there is no
request yet to take one from) and logged in English.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from server.translatable import Text

log = logging.getLogger("tallybook.desktop")

TITLE = "Tallybook"
CONSOLE, WINDOWS_BOX, MACOS_BOX, QT_BOX = "console", "windows", "macos", "qt"
MB_ICONERROR = 0x10
MB_SETFOREGROUND = 0x10000
# AppleScript reads the text from its arguments: nothing in it is ever parsed as script.
MACOS_ALERT = (
    "on run argv",
    "display alert (item 1 of argv) message (item 2 of argv) as critical",
    "end run",
)


def qt_available() -> bool:
    """Return whether a Qt message box can be shown: a display and the window's toolkit."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    try:
        import qtpy.QtWidgets  # noqa: F401
    except Exception:  # qtpy raises its own errors when no binding is installed
        return False
    return True


def ways_to_tell(
    platform: str, *, console: bool, frozen: bool, qt: bool, unattended: bool
) -> list[str]:
    """Decide how to tell the user a start-up problem: on the console when there is one, and
    in a native box where the console may be missing or unseen (a windowed build on Windows or
    macOS; a Linux desktop with Qt). Never a box in an unattended run: no one would close it."""
    ways = [CONSOLE] if console else []
    if unattended:
        return ways
    if platform == "win32" and (frozen or not console):
        ways.append(WINDOWS_BOX)
    elif platform == "darwin" and (frozen or not console):
        ways.append(MACOS_BOX)
    elif platform.startswith("linux") and qt:
        ways.append(QT_BOX)
    return ways


def _windows_box(message: str) -> None:
    import ctypes

    ctypes.windll.user32.MessageBoxW(None, message, TITLE, MB_ICONERROR | MB_SETFOREGROUND)  # type: ignore[attr-defined]


def _macos_box(message: str) -> None:
    script = [part for line in MACOS_ALERT for part in ("-e", line)]
    subprocess.run(["osascript", *script, TITLE, message], check=False)


def _qt_box(message: str) -> None:
    from qtpy.QtWidgets import QApplication, QMessageBox

    application = QApplication.instance() or QApplication([TITLE])
    QMessageBox.critical(None, TITLE, message)
    application.processEvents()  # let the box's window go before the process ends


BOXES = {WINDOWS_BOX: _windows_box, MACOS_BOX: _macos_box, QT_BOX: _qt_box}


def _log_to_data_folder(data_dir: Path | None) -> None:
    """Send this process's log to the data folder's, as the server's goes (once the folder is
    known): the launcher logs only when it has a problem to tell."""
    if data_dir is None:
        return
    from server.config import DEFAULTS, configure_logging

    configure_logging(
        data_dir, DEFAULTS["LOG_LEVEL"], DEFAULTS["LOG_MAX_BYTES"], DEFAULTS["LOG_BACKUP_COUNT"]
    )


def in_system_language(message: str) -> str:
    """Return `message` in this computer's language if it is marked and we speak that
    language, else as it is."""
    if not isinstance(message, Text):
        return message
    from babel.support import Translations

    from server.i18n import DEFAULT_LANGUAGE, TRANSLATIONS, system_language
    from server.paths import resource_root

    language = system_language()
    if language in (None, DEFAULT_LANGUAGE):
        return str(message)
    try:
        catalog = Translations.load(str(resource_root() / TRANSLATIONS), [language])
        return message.translated(catalog)
    except (OSError, KeyError, ValueError):  # a catalog that cannot be read: say it in English
        return str(message)


def tell_user(message: str, *, data_dir: Path | None = None, unattended: bool = False) -> None:
    """Log `message` and tell it to the person at the computer in every way that reaches them
    (in this computer's language when the message is marked for translation)."""
    with contextlib.suppress(OSError):  # the folder may be the problem; the message goes out
        _log_to_data_folder(data_dir)
    log.error("%s", message)
    message = in_system_language(message)
    ways = ways_to_tell(
        sys.platform,
        console=sys.stderr is not None,
        frozen=bool(getattr(sys, "frozen", False)),
        qt=sys.platform.startswith("linux") and qt_available(),
        unattended=unattended,
    )
    if CONSOLE in ways:
        print(message, file=sys.stderr, flush=True)
    for way in ways:
        if way in BOXES:
            try:
                BOXES[way](message)
            except Exception:  # a box that cannot be shown must not hide the message
                log.exception("could not show the message box (%s)", way)
