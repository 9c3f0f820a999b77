"""What a request sends, read in one place (Flask glue, so not in `server.api`).

The JSON body: Flask's `request.get_json()`, which the routes' input schemas (webargs, under
APIFlask) read through too. A body that is not JSON, is nested past what the parser can follow,
or is not a JSON object is malformed: 400 problem+json, never 500.

The API's query strings: UTF-8, and no parameter holds a control character (a search term, a
filter, a cursor are one line): anything else is refused before a route reads it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import unquote_to_bytes

from apiflask import APIFlask
from apiflask.schema_adapters.marshmallow import parser
from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from webargs import core

from server.characters import refuse_odd_characters
from server.errors import AppError
from server.translatable import _l


class MalformedBody(AppError):
    """Not JSON, nested too deeply, or not the object (or list) the route reads."""


class _TooDeep(ValueError):
    """JSON nested past what the parser can follow."""


_WHOLE_DIGITS = 30  # far past any id or count; a bigger number is refused as out of range


def _number(text: str) -> int | float:
    """A JSON number written with a fraction or exponent: a whole one (`908.0`, `1e3`) is that
    integer, as JSON Schema counts it, so a whole-number field takes it; others stay floats
    (and a whole-number field refuses them, never cutting 1.5 to 1)."""
    value = Decimal(text)
    if value.adjusted() < _WHOLE_DIGITS and value == value.to_integral_value():
        return int(value)
    return float(text)


class _JsonProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", _number)
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            # json's parser recurses once per level: 100,000 `[` exhaust Python's stack.
            raise _TooDeep from None


class _Request(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if e is None:
            raise MalformedBody(_l("Send the request body as application/json."))
        if isinstance(e, _TooDeep):
            raise MalformedBody(_l("The request body is nested too deeply."))
        raise MalformedBody(_l("The request body is not valid JSON."))


def _body(req: Request, *, many: bool = False) -> Any:
    """Return the body: `missing` when none was sent as JSON (a schema then reads `{}`), a list
    for a schema of `many`, else an object (anything else is malformed)."""
    if not core.is_json(req.mimetype) or not req.get_data(cache=True):
        return core.missing
    body = req.get_json()
    if not isinstance(body, list if many else dict):
        raise MalformedBody(
            _l("The request body must be a JSON list.")
            if many
            else _l("The request body must be a JSON object.")
        )
    return body


def _load_json(req: Request, schema: Any) -> Any:
    return _body(req, many=schema.many)


def json_object() -> dict[str, Any] | None:
    """Return the request's JSON object, None if none was sent (for a route without a schema)."""
    body = _body(request)
    return None if body is core.missing else body


def check_query() -> None:
    """Refuse an API request's query string that is not UTF-8 (400: Werkzeug would read it
    lossily) or has a parameter holding a control character (422 naming it). Pages read their
    few parameters themselves (a sign-in's `next` that leads elsewhere is ignored)."""
    if not request.path.startswith("/api/"):
        return
    try:
        unquote_to_bytes(request.query_string).decode("utf-8")
    except UnicodeDecodeError:
        raise AppError(_l("The query string is not percent-encoded UTF-8.")) from None
    for name, value in request.args.items(multi=True):
        refuse_odd_characters({name: name + value})


def init_app(app: APIFlask) -> None:
    """Read every JSON body through Flask's parser, guarded, and the input schemas too; check
    every query string."""
    app.json_provider_class = _JsonProvider
    app.json = _JsonProvider(app)
    app.request_class = _Request
    parser.location_loader("json")(_load_json)
    app.before_request(check_query)
