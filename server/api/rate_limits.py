"""Rate limits for scripts and apps (Flask-Limiter): one in a loop cannot starve the window.

Each personal access token and each app's grant has its own budget of API requests
(`API_RATE_LIMIT`, e.g. "1200 per minute", counted over a moving window). The app's own
session is not limited: it is the user at the window, behind the CSRF token. Answers to
limited callers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
(a Unix time); one over the limit is a 429 problem+json with `Retry-After` in seconds. The
OpenAPI document lists both on every operation a token can call.
"""

from __future__ import annotations

import math
import time
from typing import Any

from apiflask import APIFlask
from flask import Response, current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from server.api import API_PREFIX
from server.api.schemas import extend_spec, problem_response
from server.auth.web import Principal
from server.config import DEFAULTS
from server.problems import problem_response as problem

_HEADERS = {
    "X-RateLimit-Limit": "Requests this token (or app) may make in the window.",
    "X-RateLimit-Remaining": "Requests it has left in the window.",
    "X-RateLimit-Reset": "When the window has room again (Unix time, seconds).",
}


def _script(principal: Principal | None) -> bool:
    return principal is not None and (principal.token is not None or principal.grant is not None)


def _credential() -> str:
    """The budget a request counts against: its token's, or its app grant's."""
    principal: Principal = g.principal
    if principal.token is not None:
        return f"token:{principal.token.id}"
    return f"app:{principal.grant.id}"  # type: ignore[union-attr]  # _exempt() saw to it


def _exempt() -> bool:
    return not (request.path.startswith(f"{API_PREFIX}/") and _script(g.get("principal")))


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _over_the_limit() -> str:
    return (
        f"Too many requests with this token: the limit is {_api_limit()}. "
        "Wait for the Retry-After seconds, then go on."
    )


def _limiter() -> Limiter:
    return current_app.extensions["tallybook.limiter"]


def _refuse(error: RateLimitExceeded) -> Response:
    limit = _limiter().current_limit
    wait = math.ceil(limit.reset_at - time.time()) if limit else 1
    headers = {"Retry-After": str(max(1, wait))}
    return problem(429, error.description or _over_the_limit(), headers=headers)


def add_headers(response: Response) -> Response:
    """Tell a limited caller where it stands (Flask-Limiter's own headers would also put a
    Retry-After on every answer, overriding the idempotency's)."""
    limit = _limiter().current_limit
    if limit is not None:
        response.headers["X-RateLimit-Limit"] = str(limit.limit.amount)
        response.headers["X-RateLimit-Remaining"] = str(limit.remaining)
        response.headers["X-RateLimit-Reset"] = str(limit.reset_at)
    return response


def document_limits(spec: dict[str, Any]) -> dict[str, Any]:
    """Add the 429 answer and the X-RateLimit headers to every operation a token can call."""
    headers = {
        name: {"description": description, "schema": {"type": "integer"}}
        for name, description in _HEADERS.items()
    }
    for path, item in spec.get("paths", {}).items():
        if not path.startswith(f"{API_PREFIX}/"):
            continue
        for operation in item.values():
            if not isinstance(operation, dict) or not operation.get("security"):
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(headers)
            limited = problem_response(
                429,
                "Too many requests with this token or app: wait for `Retry-After` seconds "
                f"(by default {DEFAULTS['API_RATE_LIMIT']}; the app's own session has none)",
                "Too many requests with this token: the limit is 1200 per minute. Wait for the "
                "Retry-After seconds, then go on.",
            )
            limited["headers"].update(headers)
            responses.setdefault("429", limited)
    return spec


def init_app(app: APIFlask) -> None:
    """Count scripts' API requests; install after `load_principal`, whose answer keys them."""
    app.extensions["tallybook.limiter"] = Limiter(
        key_func=_credential,
        app=app,
        application_limits=[
            ApplicationLimit(
                _api_limit, scope="api", exempt_when=_exempt, error_message=_over_the_limit
            )
        ],
        storage_uri="memory://",  # one server process per data folder
        strategy="moving-window",
    )
    app.after_request(add_headers)
    app.register_error_handler(RateLimitExceeded, _refuse)
    extend_spec(app, document_limits)
