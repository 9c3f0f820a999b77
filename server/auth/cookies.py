"""Our cookies: named, flagged and signed one way."""

from __future__ import annotations

from flask import Response, after_this_request, current_app


def cookie_name(name: str) -> str:
    """Return a cookie's name as set: `__Host-` prefixed when served over TLS."""
    return f"__Host-{name}" if current_app.config["TLS"] else name


def secret_key() -> bytes:
    """Return the app's secret key (it signs CSRF tokens and known-device cookies)."""
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode("utf-8")


def set_cookie_later(name: str, value: str, *, max_age: int | None) -> None:
    """Set one of our cookies on the response this request produces: the whole site's, hidden
    from scripts, never sent by other sites, and `Secure` under TLS. `max_age` None: until the
    browser or window closes."""

    @after_this_request
    def _set_cookie(response: Response) -> Response:
        response.set_cookie(
            cookie_name(name),
            value,
            max_age=max_age,
            path="/",
            secure=current_app.config["TLS"],
            httponly=True,
            samesite="Strict",
        )
        return response
