"""The `Idempotency-Key` header, honoured app-wide on the API's authenticated POST routes.

A hook claims the key before the route runs (after the Host, Origin and CSRF checks and after
the caller is known), another stores the route's answer if it succeeded or frees the key if it
failed. A repeat of the same request with the same key gets the stored answer again, marked
`Idempotent-Replayed: true`; nothing runs twice. New POST routes get this without doing
anything; the OpenAPI document lists the header on every route it applies to.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any

from apiflask import APIFlask
from flask import Response, current_app, g, request

from server.api import API_PREFIX
from server.api.schemas import extend_spec, problem_response
from server.auth.web import Principal
from server.clock import utcnow
from server.db import Database
from server.domain.idempotency import (
    KEY_LIFETIME,
    KEY_MAX_LENGTH,
    STORED_HEADERS,
    Claim,
    StoredResponse,
    claim_key,
    complete_claim,
    key_problem,
    purge_expired_keys,
    release_claim,
    request_fingerprint,
)
from server.errors import AppError, FieldError
from server.request_db import database
from server.translatable import _l

log = logging.getLogger("tallybook.http")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# POST routes where the header is ignored. Their answers are credentials, which must never be
# stored in clear, nor replayed without the cookie that goes with them:
# - setup, registration, sign-in: they start a session (cookie and CSRF token); anonymous
#   callers have no user to scope a key to anyway;
# - /me/password: it ends every session and starts a new one (cookie and CSRF token);
# - /tokens and /oauth/clients: the answer holds a secret, which is stored only as a hash.
# Add any new route whose answer holds a secret.
EXEMPT_PATHS = frozenset(
    f"{API_PREFIX}{path}"
    for path in ("/setup", "/users", "/session", "/me/password", "/tokens", "/oauth/clients")
)


class InvalidIdempotencyKey(AppError):
    status, title, code = 400, "Invalid Idempotency-Key header", "invalid_idempotency_key"


def _has_role(scopes: frozenset[str], role: str | Iterable[str]) -> bool:
    if isinstance(role, str):
        return role in scopes
    return all(name in scopes for name in role)


def _route_allows(principal: Principal) -> bool:
    """Tell whether the caller's scopes satisfy the roles the route declares.

    A read-only token is thus refused by the route itself (403), never given a replay.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    roles = getattr(view, "_spec", {}).get("roles") or []
    return not roles or any(_has_role(principal.scopes, role) for role in roles)


def _applies() -> Principal | None:
    """Return the caller if this request is one the header applies to, else None."""
    rule = request.url_rule
    if request.method != "POST" or rule is None or rule.rule in EXEMPT_PATHS:
        return None
    if not rule.rule.startswith(f"{API_PREFIX}/"):
        return None
    principal: Principal | None = g.get("principal")
    if principal is None or not _route_allows(principal):
        return None
    return principal


def _replay(stored: StoredResponse) -> Response:
    response = Response(stored.body, status=stored.status, headers=stored.headers)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def claim_for_request() -> Response | None:
    """Claim the request's key before its route runs, or answer with the stored response."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    principal = _applies()
    if principal is None:
        return None
    problem = key_problem(key)
    if problem is not None:
        raise InvalidIdempotencyKey(
            _l("The %(header)s header is invalid: %(problem)s", header=HEADER, problem=problem),
            errors=[FieldError(HEADER, problem)],
        )
    body = request.get_data()
    request.stream = io.BytesIO(body)  # still there for a route that reads it (a book file)
    fingerprint = request_fingerprint(request.method, request.full_path, body)
    book_id = (request.view_args or {}).get("book_id")
    outcome = claim_key(database(), principal.user.id, key, fingerprint, utcnow(), book_id=book_id)
    if isinstance(outcome, StoredResponse):
        return _replay(outcome)
    g.idempotency_claim = outcome
    return None


def finish_claim(response: Response) -> Response:
    """Store a successful answer under the request's key; free the key after a failure."""
    claim: Claim | None = g.pop("idempotency_claim", None)
    if claim is None:
        return response
    if 200 <= response.status_code < 300:
        headers = [
            (name, response.headers[name]) for name in STORED_HEADERS if name in response.headers
        ]
        if not complete_claim(
            database(), claim, response.status_code, response.get_data(), headers
        ):
            log.warning(
                "%s %s: the idempotency key was taken over while the request ran",
                request.method,
                request.path,
            )
    else:
        release_claim(database(), claim)
    return response


_KEY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID is a good choice): a retry with the same key and the same "
        "request gets the first answer again, with `Idempotent-Replayed: true`, and changes "
        f"nothing. Keys are yours alone and kept {KEY_LIFETIME.total_seconds() / 3600:g} "
        "hours. The same key with a different request answers 422 "
        "(`idempotency_key_reused`); while the first request still runs, 409 with "
        "`Retry-After`. A failed request frees its key for a corrected retry."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": KEY_MAX_LENGTH,
        "pattern": "^[\\x20-\\x7E]+$",
    },
}


def document_header(spec: dict[str, Any]) -> dict[str, Any]:
    """Add the `Idempotency-Key` header to every POST operation of the spec it applies to."""
    parameters = spec.setdefault("components", {}).setdefault("parameters", {})
    parameters["IdempotencyKey"] = _KEY_PARAMETER
    for path, item in spec.get("paths", {}).items():
        operation = item.get("post")
        if operation is None or path in EXEMPT_PATHS or not path.startswith(f"{API_PREFIX}/"):
            continue
        if not operation.get("security"):
            continue  # anonymous callers have no user to scope a key to
        operation.setdefault("parameters", []).append(
            {"$ref": "#/components/parameters/IdempotencyKey"}
        )
        responses = operation.setdefault("responses", {})
        responses.setdefault(
            "400",
            problem_response(
                400,
                f"Malformed {HEADER} header",
                f"The {HEADER} header is invalid: Use 1 to {KEY_MAX_LENGTH} characters (this one "
                "has 300).",
            ),
        )
        responses.setdefault(
            "422",
            problem_response(
                422,
                f"This {HEADER} was used for another request",
                f"This {HEADER} was already used for a different request; use a new key for a "
                "new request.",
            ),
        )
        responses.setdefault(
            "409",
            problem_response(
                409,
                f"A request with this {HEADER} is still running",
                f"A request with this {HEADER} is still running; retry after it ends.",
            )
            | {"headers": {"Retry-After": {"schema": {"type": "integer"}}}},
        )
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {})[REPLAYED_HEADER] = {
                    "description": f"`true` when this is the stored answer to an earlier "
                    f"request with the same {HEADER}.",
                    "schema": {"type": "string", "enum": ["true"]},
                }
    return spec


def init_app(app: APIFlask, db: Database) -> None:
    """Install the hooks (after the security checks) and forget keys past their lifetime."""
    app.before_request(claim_for_request)
    app.after_request(finish_claim)
    extend_spec(app, document_header)
    purge_expired_keys(db, utcnow())
