"""Defences of a server that any web page on this computer can send requests to.

Checked on every request, before any route runs: the Host header (DNS rebinding), no
credentials in the URL, and for state-changing requests the Origin / Sec-Fetch-Site headers,
a JSON body, and the CSRF token of a cookie session. Security headers go on every response.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, g, redirect, request

from server.auth.web import (
    CSRF_HEADER,
    check_app_reach,
    current_csrf_token,
    end_request_session,
    load_principal,
    session_cookie_name,
)
from server.errors import AppError, CsrfFailed, Forbidden, UnsupportedMediaType
from server.translatable import _l

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
LOOPBACK_LITERALS = ("127.0.0.1", "[::1]")
PAGES_HOST = "localhost"
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
        raise HostNotAllowed(
            _l("This server does not answer to the host name %(host)s.", host=repr(host))
        )


def pages_origin() -> str:
    """Return the origin the pages are served from for this request: its own, but under
    `localhost` instead of a loopback IP literal (see `send_pages_to_localhost`)."""
    name, port = _split_host(request.headers.get("Host", ""))
    if name not in LOOPBACK_LITERALS:
        return _own_origin()
    return f"{request.scheme}://{PAGES_HOST}:{port}" if port else f"{request.scheme}://{PAGES_HOST}"


def _is_page() -> bool:
    return request.blueprint in ("pages", "consent")


def send_pages_to_localhost() -> Response | None:
    """Serve the pages, and so the session cookie, only under the name `localhost`.

    Apps on this computer get their OAuth answers at a loopback IP literal (RFC 8252 7.3) on
    a port of their own, and browsers send a host's cookies to every port of it: a session
    cookie of 127.0.0.1 would reach every such app. Scripts use 127.0.0.1 for the API as
    before. A session cookie left on an IP literal (by an older version) is ended.
    """
    if request.method not in SAFE_METHODS or not _is_page():
        return None
    origin = pages_origin()
    if origin == _own_origin():
        return None
    response = redirect(origin + request.full_path.rstrip("?"))
    if request.cookies.get(session_cookie_name()):
        end_request_session(response)
    return response


def check_no_credentials_in_url() -> None:
    """Refuse credentials in the query string: URLs end up in logs and browser history."""
    for name in URL_CREDENTIALS:
        if name in request.args:
            raise AppError(
                _l(
                    "Credentials are not accepted in the URL (parameter %(name)s); send a "
                    "token in the Authorization header.",
                    name=repr(name),
                )
            )


def _own_origin() -> str:
    return f"{request.scheme}://{request.headers.get('Host', '')}"


def check_state_change() -> None:
    """Guard writes: same-origin only, JSON bodies only, CSRF token for cookie sessions."""
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return  # nothing runs for a request no route takes: it gets its 404 or 405
    site = request.headers.get("Sec-Fetch-Site")
    if site in ("cross-site", "same-site"):
        raise Forbidden(_l("Requests from other sites may not change anything here."))
    origin = request.headers.get("Origin")
    if origin is not None and origin != _own_origin():
        raise Forbidden(_l("Requests from %(origin)s may not change anything here.", origin=origin))
    if request.endpoint in FORM_ENDPOINTS:
        return
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if has_body and not request.is_json:
        raise UnsupportedMediaType(_l("Send the request body as application/json."))
    principal = g.get("principal")
    if principal is not None and principal.session is not None:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = current_csrf_token()
        if not sent or not _same(sent, expected):
            raise CsrfFailed(
                _l(
                    "The %(csrf_header)s header is missing or wrong; reload the page and "
                    "try again.",
                    csrf_header=CSRF_HEADER,
                )
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
    """Install the checks in order: host (pages under localhost), URL credentials, who is
    asking (and an app's reach), then writes."""
    app.before_request(check_host)
    app.before_request(send_pages_to_localhost)
    app.before_request(check_no_credentials_in_url)
    app.before_request(load_principal)
    app.before_request(check_app_reach)
    app.before_request(check_state_change)
    app.after_request(add_security_headers)
