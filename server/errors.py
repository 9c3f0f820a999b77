"""Errors that carry their HTTP status. Domain code raises them; one handler renders them.

This module stays free of Flask so that `server.domain` and `server.auth` can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.translatable import _l


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field (`field` is None for the input as a whole)."""

    field: str | None
    message: str


class AppError(Exception):
    """Base class: an expected failure the client can act on."""

    status = 400
    title = _l("Bad request")
    code = "bad_request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        # More members of the problem+json body, for a client to act on (RFC 9457 3.2).
        self.extensions: dict[str, Any] = {}


class Unauthorized(AppError):
    status, title, code = 401, _l("Authentication required"), "unauthorized"


class Forbidden(AppError):
    status, title, code = 403, _l("Forbidden"), "forbidden"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class NotFound(AppError):
    status, title, code = 404, _l("Not found"), "not_found"


class Conflict(AppError):
    status, title, code = 409, _l("Conflict"), "conflict"


class PreconditionFailed(AppError):
    status, title, code = 412, _l("Precondition failed"), "precondition_failed"


class UnsupportedMediaType(AppError):
    status, title, code = 415, _l("Unsupported media type"), "unsupported_media_type"


class ValidationFailed(AppError):
    status, title, code = 422, _l("Validation failed"), "validation_failed"

    @classmethod
    def on(cls, field: str | None, message: str) -> ValidationFailed:
        """Build the error for a single field."""
        return cls(message, errors=[FieldError(field, message)])


class TooManyRequests(AppError):
    status, title, code = 429, _l("Too many requests"), "too_many_requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = retry_after
