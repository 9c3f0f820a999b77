"""One envelope for every error: RFC 9457 problem+json (an HTML page for browser pages)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, current_app, json, render_template, request

from server.error_log import ErrorLog
from server.errors import AppError, FieldError
from server.i18n import say
from server.translatable import _l

log = logging.getLogger("tallybook.http")
ERROR_LOG = "tallybook.error_log"

PROBLEM_JSON = "application/problem+json"
# Short machine-readable codes for errors raised by Flask/APIFlask rather than by us.
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


# The titles of errors raised by Flask/APIFlask (their HTTP reason phrases), marked for translation.
_TITLES = {
    400: _l("Bad Request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    406: _l("Not Acceptable"),
    409: _l("Conflict"),
    412: _l("Precondition Failed"),
    413: _l("Request Entity Too Large"),
    415: _l("Unsupported Media Type"),
    422: _l("Unprocessable Entity"),
    429: _l("Too Many Requests"),
    500: _l("Internal Server Error"),
}


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    code: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    """Build an `application/problem+json` response, its words in the request's language
    (those marked with `server.translatable._l`; `code` stays as it is)."""
    body: dict[str, Any] = {
        **(extensions or {}),
        "type": "about:blank",
        "title": say(title or _TITLES.get(status) or HTTPStatus(status).phrase),
        "status": status,
        "detail": say(detail),
        "instance": request.path,
        "code": code or _CODES.get(status, "error"),
    }
    if errors is not None:
        body["errors"] = [{"field": e.field, "message": say(e.message)} for e in errors]
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def field_errors(detail: Any, path: str | None = None) -> list[FieldError]:
    """Turn marshmallow's nested `{"json": {"field": ["message"]}}` into field errors (the
    outer keys name where in the request: a body's own field may be called `files`)."""
    if isinstance(detail, dict):
        found: list[FieldError] = []
        for key, value in detail.items():
            key = str(key)
            if path is None and key in ("json", "query", "headers", "path", "form", "files"):
                found += field_errors(value, "")
            elif key == "_schema":
                found += field_errors(value, path)
            else:
                found += field_errors(value, f"{path}.{key}" if path else key)
        return found
    if isinstance(detail, list | tuple):
        found = []
        for item in detail:
            found += (
                field_errors(item, path)
                if isinstance(item, dict | list)
                else [FieldError(path or None, item if isinstance(item, str) else str(item))]
            )
        return found
    return [FieldError(path or None, detail if isinstance(detail, str) else str(detail))]


def _wants_html() -> bool:
    if request.path.startswith("/api/") or request.path == "/api":
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def _render(status: int, detail: str, **kwargs: Any) -> Response:
    if _wants_html() and status in (404, 405, 500):
        page = render_template("pages/error.html", status=status, detail=say(detail))
        return Response(page, status=status, mimetype="text/html")
    return problem_response(status, detail, **kwargs)


def handle_app_error(error: AppError) -> Response:
    """Render one of our own errors."""
    return _render(
        error.status,
        error.detail,
        title=error.title,
        code=error.code,
        errors=error.errors if error.errors or error.status == 422 else None,
        headers=error.headers,
        extensions=error.extensions,
    )


def handle_http_error(error: HTTPError) -> Response:
    """Render an APIFlask/Werkzeug error (routing, validation, authentication)."""
    status = error.status_code
    headers = dict(error.headers or {})
    if status == 401 and request.headers.get("Authorization", "").lower().startswith("bearer "):
        # A token was sent and refused (RFC 6750 3.1): say so, so a client knows to renew it.
        headers["WWW-Authenticate"] = 'Bearer realm="Tallybook", error="invalid_token"'
    if status == 422:
        return problem_response(
            422,
            _l("The request has invalid fields."),
            title=_l("Validation failed"),
            errors=field_errors(error.detail),
            headers=headers,
        )
    if status == 400:
        detail = _l("The request could not be understood.")
    else:
        detail = {
            401: _l("Sign in, or send a valid token in the Authorization header."),
            403: _l("Your credentials do not allow this (a read-scope token cannot write)."),
            404: _l("There is nothing at this address."),
            405: _l("%(method)s is not allowed here.", method=request.method),
            413: _l("The request body is too large."),
        }.get(status, str(error.message))
    return _render(status, detail, headers=headers)


def handle_overflow(error: OverflowError) -> Response:
    """A number in the request too large for SQLite's 64-bit integers: bad input, not a bug."""
    return problem_response(
        400, _l("A number in the request is too large."), code="number_too_large"
    )


def handle_unexpected(error: Exception) -> Response:
    """Log a bug (briefly, rate-limited) and answer 500 without leaking its details."""
    route = request.url_rule.rule if request.url_rule else request.path[:100]
    current_app.extensions[ERROR_LOG].record(error, f"{request.method} {route}")
    return _render(500, _l("Something went wrong on our side; it has been logged."))


def register_error_handlers(app: APIFlask) -> None:
    """Route every error of the app through the problem envelope."""
    app.extensions[ERROR_LOG] = ErrorLog(log, app.config["LOG_ERRORS_PER_MINUTE"])
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(OverflowError, handle_overflow)
    app.error_processor(handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
