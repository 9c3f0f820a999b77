"""How a start-up problem reaches the person at the computer: the choice per platform (Windows
and macOS can only be chosen here, not run), and the Linux console path for real."""

from __future__ import annotations

import sys

import pytest

from server.config import LOG_FILENAME
from server.desktop import messages
from server.desktop.messages import CONSOLE, MACOS_BOX, QT_BOX, WINDOWS_BOX, tell_user, ways_to_tell
from server.translatable import _l


@pytest.mark.parametrize(
    ("platform", "console", "frozen", "qt", "expected"),
    [
        # Windowed builds have no console: only the box reaches anyone.
        ("win32", False, True, False, [WINDOWS_BOX]),
        ("darwin", False, True, False, [MACOS_BOX]),
        # A frozen build started from a terminal: both.
        ("win32", True, True, False, [CONSOLE, WINDOWS_BOX]),
        ("darwin", True, True, False, [CONSOLE, MACOS_BOX]),
        # `python main.py` in a terminal: the console says it.
        ("win32", True, False, False, [CONSOLE]),
        ("darwin", True, False, False, [CONSOLE]),
        # Linux keeps the console and adds Qt's box where the window's toolkit is there.
        ("linux", True, False, True, [CONSOLE, QT_BOX]),
        ("linux", True, True, True, [CONSOLE, QT_BOX]),
        ("linux", True, False, False, [CONSOLE]),
    ],
)
def test_each_platform_is_told_its_own_way(platform, console, frozen, qt, expected):
    chosen = ways_to_tell(platform, console=console, frozen=frozen, qt=qt, unattended=False)
    assert chosen == expected


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_an_unattended_run_gets_no_box(platform):
    chosen = ways_to_tell(platform, console=True, frozen=True, qt=True, unattended=True)
    assert chosen == [CONSOLE]


def test_the_choice_reads_the_running_program(monkeypatch, capsys, tmp_path):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setitem(messages.BOXES, WINDOWS_BOX, lambda text: shown.append(("w", text)))
    tell_user("Tallybook is already running.", data_dir=tmp_path)
    assert shown == [("w", "Tallybook is already running.")]
    assert "Tallybook is already running." in capsys.readouterr().err


def test_on_linux_without_a_display_the_console_and_the_log_say_it(monkeypatch, capsys, tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("the Linux path")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    tell_user("Tallybook could not start: the port is taken", data_dir=tmp_path)
    assert capsys.readouterr().err == "Tallybook could not start: the port is taken\n"
    log = (tmp_path / LOG_FILENAME).read_text()
    assert "Tallybook could not start: the port is taken" in log


def test_a_box_that_fails_still_leaves_the_console_message(monkeypatch, capsys, tmp_path):
    def broken(text: str) -> None:
        raise OSError("no window system")

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setitem(messages.BOXES, MACOS_BOX, broken)
    tell_user("Tallybook could not start: bad data folder", data_dir=tmp_path)
    assert "bad data folder" in capsys.readouterr().err


def test_a_marked_message_is_shown_in_the_computer_s_language_and_logged_in_english(
    monkeypatch, capsys, tmp_path
):
    if not sys.platform.startswith("linux"):
        pytest.skip("the Linux path")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    tell_user(_l("Tallybook could not start: %(error)s", error="port 8421"), data_dir=tmp_path)
    assert capsys.readouterr().err == "Tallybook konnte nicht starten: port 8421\n"
    assert "Tallybook could not start: port 8421" in (tmp_path / LOG_FILENAME).read_text()
