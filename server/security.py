"""Defences of a server that any web page on this computer can send requests to.

Checked on every request, before any route runs: the Host header (DNS rebinding), no
credentials in the URL, and for state-changing requests the Origin / Sec-Fetch-Site headers,
a JSON body, and the CSRF token of a cookie session. Security headers go on every response.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, g, request

from server.auth.web import CSRF_HEADER, check_app_reach, current_csrf_token, load_principal
from server.errors import AppError, CsrfFailed, Forbidden, UnsupportedMediaType

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
# OAuth's token and revocation endpoints take forms (RFC 6749 3.2, RFC 7009 2.1) and trust the
# app's own credentials in them, never the cookie.
FORM_ENDPOINTS = frozenset({"oauth.token", "oauth.revoke"})
URL_CREDENTIALS = ("access_token", "token", "api_key", "apikey", "session", "password")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class HostNotAllowed(AppError):
    status, title, code = 400, "Host not allowed", "host_not_allowed"


def _split_host(host: str) -> tuple[str, str | None]:
    """Split a Host header into (name, port); IPv6 literals keep their brackets."""
    if host.startswith("["):
        name, _, rest = host.partition("]")
        name += "]"
        port = rest[1:] if rest.startswith(":") else None
        return name.lower(), port
    name, sep, port = host.partition(":")
    return name.lower().rstrip("."), (port if sep else None)


def allowed_hosts() -> set[str]:
    """Return the host names this server answers to."""
    return {*LOOPBACK_NAMES, *(h.lower() for h in current_app.config["ALLOWED_HOSTS"])}


def check_host() -> None:
    """Refuse a Host header that is not ours (name and port): DNS rebinding defence."""
    host = request.headers.get("Host", "")
    name, port = _split_host(host)
    default_port = "443" if request.scheme == "https" else "80"
    server_port = request.environ.get("SERVER_PORT", default_port)
    if name not in allowed_hosts() or (port or default_port) != server_port:
        raise HostNotAllowed(f"This server does not answer to the host name {host!r}.")


def check_no_credentials_in_url() -> None:
    """Refuse credentials in the query string: URLs end up in logs and browser history."""
    for name in URL_CREDENTIALS:
        if name in request.args:
            raise AppError(
                f"Credentials are not accepted in the URL (parameter {name!r}); send a token "
                "in the Authorization header."
            )


def _own_origin() -> str:
    return f"{request.scheme}://{request.headers.get('Host', '')}"


def check_state_change() -> None:
    """Guard writes: same-origin only, JSON bodies only, CSRF token for cookie sessions."""
    if request.method in SAFE_METHODS:
        return
    site = request.headers.get("Sec-Fetch-Site")
    if site in ("cross-site", "same-site"):
        raise Forbidden("Requests from other sites may not change anything here.")
    origin = request.headers.get("Origin")
    if origin is not None and origin != _own_origin():
        raise Forbidden(f"Requests from {origin} may not change anything here.")
    if request.endpoint in FORM_ENDPOINTS:
        return
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if has_body and not request.is_json:
        raise UnsupportedMediaType("Send the request body as application/json.")
    principal = g.get("principal")
    if principal is not None and principal.session is not None:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = current_csrf_token()
        if not sent or not _same(sent, expected):
            raise CsrfFailed(
                f"The {CSRF_HEADER} header is missing or wrong; reload the page and try again."
            )


def _same(a: str, b: str | None) -> bool:
    return b is not None and hmac.compare_digest(a.encode(), b.encode())


def add_security_headers(response: Response) -> Response:
    """Set the headers every response carries."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.path.startswith("/api/"):
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config["TLS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def init_app(app: Flask) -> None:
    """Install the checks in order: host, URL credentials, who is asking (and an app's reach),
    then writes."""
    app.before_request(check_host)
    app.before_request(check_no_credentials_in_url)
    app.before_request(load_principal)
    app.before_request(check_app_reach)
    app.before_request(check_state_change)
    app.after_request(add_security_headers)
