"""The request's JSON body, read in one place: Flask's `request.get_json()`, which the routes'
input schemas (webargs, under APIFlask) read through too.

A body that is not JSON, is nested past what the parser can follow, or is not a JSON object
is malformed: 400 problem+json, never 500 (Flask glue, so not in `server.api`).
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from apiflask.schema_adapters.marshmallow import parser
from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from webargs import core

from server.errors import AppError


class MalformedBody(AppError):
    """Not JSON, nested too deeply, or not the object (or list) the route reads."""


class _JsonProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            # json's parser recurses once per level: 100,000 `[` exhaust Python's stack.
            raise ValueError("The request body is nested too deeply.") from None


class _Request(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:
            raise MalformedBody("Send the request body as application/json.")
        if "nested too deeply" in str(e):
            raise MalformedBody(str(e))
        raise MalformedBody("The request body is not valid JSON.")


def _body(req: Request, *, many: bool = False) -> Any:
    """Return the body: `missing` when none was sent as JSON (a schema then reads `{}`), a list
    for a schema of `many`, else an object (anything else is malformed)."""
    if not core.is_json(req.mimetype) or not req.get_data(cache=True):
        return core.missing
    body = req.get_json()
    if not isinstance(body, list if many else dict):
        raise MalformedBody(f"The request body must be a JSON {'list' if many else 'object'}.")
    return body


def _load_json(req: Request, schema: Any) -> Any:
    return _body(req, many=schema.many)


def json_object() -> dict[str, Any] | None:
    """Return the request's JSON object, None if none was sent (for a route without a schema)."""
    body = _body(request)
    return None if body is core.missing else body


def init_app(app: APIFlask) -> None:
    """Read every JSON body through Flask's parser, guarded, and the input schemas too."""
    app.json_provider_class = _JsonProvider
    app.json = _JsonProvider(app)
    app.request_class = _Request
    parser.location_loader("json")(_load_json)
