"""Consent given in the desktop window for an app whose browser is not signed in.

An app sends the user's browser to the consent page. On the desktop that browser is usually
not signed in to Tallybook, but the Tallybook window is: the page is shown there instead, and
the browser waits (polling with a random handle) for the answer to carry back to the app.
Only for a browser an app opened (a web page cannot start one), one at a time, and with a
code shown on both sides. Held in memory: a handoff lives minutes, and a restart only means
asking again.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

LIFETIME_SECONDS = 300


@dataclass
class _Handoff:
    opened_at: float
    match_code: str
    redirect_to: str | None = None


class UnknownHandoff(LookupError):
    """No such handoff: never opened, already collected, or expired."""


class HandoffBusy(RuntimeError):
    """Another request is waiting for the window's answer."""


class ConsentHandoffs:
    """The open handoffs of one server."""

    def __init__(self, lifetime_seconds: float = LIFETIME_SECONDS) -> None:
        self._lifetime = lifetime_seconds
        self._lock = threading.Lock()
        self._open: dict[str, _Handoff] = {}

    def _forget_expired(self, now: float) -> None:
        for handle in [h for h, o in self._open.items() if now - o.opened_at > self._lifetime]:
            del self._open[handle]

    def open(self) -> tuple[str, str]:
        """Start a handoff; return its handle (the browser's secret to collect the answer) and
        the code both the browser and the window show, so the user can tell they belong
        together. One at a time: the window asks about one request, not a queue of them."""
        now = time.monotonic()
        handle = secrets.token_urlsafe(32)
        match_code = f"{secrets.randbelow(10_000):04d}"
        with self._lock:
            self._forget_expired(now)
            if any(o.redirect_to is None for o in self._open.values()):
                raise HandoffBusy
            self._open[handle] = _Handoff(now, match_code)
        return handle, match_code

    def match_code(self, handle: str) -> str:
        """Return the code of an open, unanswered handoff."""
        with self._lock:
            self._forget_expired(time.monotonic())
            handoff = self._open.get(handle)
            if handoff is None or handoff.redirect_to is not None:
                raise UnknownHandoff(handle)
            return handoff.match_code

    def answer(self, handle: str, redirect_to: str) -> None:
        """Record the user's answer: where the waiting browser goes next."""
        with self._lock:
            self._forget_expired(time.monotonic())
            handoff = self._open.get(handle)
            if handoff is None or handoff.redirect_to is not None:
                raise UnknownHandoff(handle)
            handoff.redirect_to = redirect_to

    def collect(self, handle: str) -> str | None:
        """Return the answer once it is there (and forget the handoff), else None."""
        with self._lock:
            self._forget_expired(time.monotonic())
            handoff = self._open.get(handle)
            if handoff is None:
                raise UnknownHandoff(handle)
            if handoff.redirect_to is not None:
                del self._open[handle]
            return handoff.redirect_to
