"""The desktop window, told apart from a browser tab: the launcher gives the server a one-time
handoff and opens the window on it (`WINDOW_HANDOFF` in the config; never in server mode nor
in browser mode). The window's first request redeems it and gets a cookie naming this launch's
window; that is what automatic sign-in is offered to and honoured for."""

from __future__ import annotations

import hmac
import secrets
import threading
from pathlib import Path

from flask import current_app, request

from server.auth.automatic_sign_in import user_to_sign_in
from server.auth.cookies import cookie_name, set_cookie_later
from server.auth.sessions import hash_secret
from server.auth.users import User, count_users, get_user
from server.request_db import database, reader

HANDOFF_CONFIG = "WINDOW_HANDOFF"
WINDOW_COOKIE = "tallybook_window"
WINDOW_COOKIE_LIFETIME = 24 * 3600  # a new one at every launch anyway
NOT_IN_SERVER_MODE = (
    "Automatic sign-in is only for the desktop program's window, never for a server others "
    "reach over the network or for a browser."
)
ONE_PERSON_ONLY = "Automatic sign-in is only for a computer where one person has an account."
ONLY_IN_THE_WINDOW = "Turn on automatic sign-in from the Tallybook window, not a browser tab."


_LOCK = threading.Lock()


class _Window:
    """This launch's handoff (its hash until redeemed, once) and then the window's id."""

    def __init__(self, handoff: str) -> None:
        self._handoff_hash: str | None = hash_secret(handoff)
        self._window_hash: str | None = None
        self._lock = threading.Lock()

    def redeem(self, handoff: str) -> str | None:
        """Return a new window id for the right handoff, once; None otherwise."""
        with self._lock:
            expected = self._handoff_hash
            if expected is None or not hmac.compare_digest(hash_secret(handoff), expected):
                return None
            self._handoff_hash = None
            window_id = secrets.token_urlsafe(32)
            self._window_hash = hash_secret(window_id)
            return window_id

    def is_window(self, window_id: str) -> bool:
        """Whether `window_id` is the id this launch's window was given."""
        with self._lock:
            expected = self._window_hash
        return expected is not None and hmac.compare_digest(hash_secret(window_id), expected)


def _window() -> _Window | None:
    """This server's window, or None when it serves no window (server or browser mode)."""
    handoff = current_app.config.get(HANDOFF_CONFIG)
    if not handoff:
        return None
    with _LOCK:
        return current_app.extensions.setdefault("tallybook.window", _Window(handoff))


def serves_a_window() -> bool:
    """Whether this server was started for the desktop window."""
    return _window() is not None


def from_the_window() -> bool:
    """Whether the request comes from this launch's desktop window."""
    window = _window()
    window_id = request.cookies.get(cookie_name(WINDOW_COOKIE))
    return window is not None and bool(window_id) and window.is_window(window_id)


def why_no_automatic_sign_in() -> str | None:
    """Return why automatic sign-in cannot be turned on for this request, or None if it can."""
    if not serves_a_window():
        return NOT_IN_SERVER_MODE
    if count_users(reader()) != 1:
        return ONE_PERSON_ONLY
    if not from_the_window():
        return ONLY_IN_THE_WINDOW
    return None


def open_window(handoff: str) -> User | None:
    """Redeem the launcher's handoff: mark the client as the window, and return the user to
    sign in automatically, if that is on (and still allowed). A wrong or used handoff does
    nothing."""
    window = _window()
    window_id = window.redeem(handoff) if window is not None else None
    if window_id is None:
        return None
    set_cookie_later(WINDOW_COOKIE, window_id, max_age=WINDOW_COOKIE_LIFETIME)
    user_id = user_to_sign_in(database(), Path(current_app.config["DATA_DIR"]))
    if user_id is None:
        return None
    return get_user(reader(), user_id)
