"""Every field's problem in one answer: when a request's JSON body breaks its schema, the
domain still checks the fields that parsed, so a client hears of a too-long name and of an
amount with too many decimals at once, not one after the other.

The route runs again with the body as far as it parsed (each refused field as sent, or left
out), inside one write transaction that is always rolled back: the domain's checks speak, nothing
is written. Only the writes of the entities listed here take part: their domain functions
touch nothing but the database.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from apiflask import APIFlask, HTTPError, Schema
from flask import request
from marshmallow import ValidationError

from server.errors import FieldError, ValidationFailed
from server.problems import field_errors
from server.request_db import database

# Endpoints (by blueprint, or one by one) whose writes answer every field at once.
ONE_ROUND = (
    "accounts.",
    "books.",
    "categories.",
    "goals.",
    "invitations.",
    "labels.",
    "members.",
    "rules.",
    "schedules.",
    "tokens.",
    "transactions.",
    "session.register",
    "session.setup",
)
_WRITES = ("POST", "PUT", "PATCH")
SCHEMA_DETAIL = "The request has invalid fields."


class _Refused(Exception):
    """Raised to roll the checking run back when the domain found nothing more."""


def answer_every_field(app: APIFlask) -> None:
    """Make each listed write whose JSON body breaks its schema answer the domain's problems
    with the body's other fields too."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(ONE_ROUND):
            parser = _body_parser(view)
            if parser is not None:
                app.view_functions[endpoint] = _every_field(view, *parser)


def _body_parser(view: Callable[..., Any]) -> tuple[Callable[..., Any], Schema, str] | None:
    """Return what the route's JSON body parser calls, the body's schema and its argument."""
    wrapper: Any = view
    while (inner := getattr(wrapper, "__wrapped__", None)) is not None:
        # webargs' wrapper adds its argument's name to those of the function it wraps.
        names = getattr(wrapper, "__webargs_argnames__", ())
        if len(names) > len(getattr(inner, "__webargs_argnames__", ())):
            parsing = inspect.getclosurevars(wrapper).nonlocals
            if parsing.get("location") == "json" and isinstance(parsing.get("argmap"), Schema):
                return inner, parsing["argmap"], parsing["arg_name"]
        wrapper = inner
    return None


def _every_field(
    view: Callable[..., Any], parsed: Callable[..., Any], schema: Schema, arg_name: str
) -> Callable[..., Any]:
    @functools.wraps(view)
    def answering(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except HTTPError as refusal:
            partial = _read_partly(schema) if request.method in _WRITES else None
            if refusal.status_code != 422 or partial is None:
                raise
            bodies, problems = partial
            runs = [(parsed, args, {**kwargs, arg_name: body}) for body in bodies]
            raise _with_the_domains(runs, problems) from None

    return answering


Run = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def _read_partly(schema: Schema) -> tuple[list[dict[str, Any]], list[FieldError]] | None:
    """Return the body as far as it parses, twice: with each field the schema refused as it
    was sent, then as None; and the schema's problems. None when the schema has none (the 422
    came from elsewhere)."""
    sent = request.get_json(silent=True)
    if not isinstance(sent, dict):
        return None
    try:
        schema.load(sent)
    except ValidationError as error:
        as_sent, without = dict(error.valid_data or {}), dict(error.valid_data or {})
        for name, field in schema.load_fields.items():
            key, sent_as = field.attribute or name, field.data_key or name
            if key not in without and (field.required or sent_as in sent):
                as_sent[key], without[key] = sent.get(sent_as), None
        return [as_sent, without], field_errors({"json": error.messages})
    return None


def _with_the_domains(runs: list[Run], problems: list[FieldError]) -> ValidationFailed:
    """Run the route on the partly parsed body, roll it back, and return the refusal with the
    domain's problems of the fields the schema took.

    The domain first sees each refused field as sent (its checks take any value, and one that
    looks at two fields, a rule's action say, sees what was sent); should the route fall over
    on such a value, it sees the field left out instead."""
    refused = {problem.field for problem in problems}
    for route, args, kwargs in runs:
        try:
            with database().write():
                route(*args, **kwargs)
                raise _Refused
        except ValidationFailed as domain:
            more = [e for e in domain.errors if not _within(e.field, refused)]
            return ValidationFailed(domain.detail, errors=[*problems, *more])
        except _Refused:
            break
        # The route fell over on a body it never sees otherwise: try the next way; after the
        # last, the schema's answer stands alone.
        except Exception:  # noqa: S112
            continue
    return ValidationFailed(SCHEMA_DETAIL, errors=problems)


def _within(field: str | None, refused: set[str | None]) -> bool:
    """Return whether `field` is, holds or is inside one the schema refused already (the
    schema names an item `tags.0` where the domain may name the list `tags`, or `tags[0]`)."""
    dotted = _dotted(field)
    return any(
        dotted == other or dotted.startswith(f"{other}.") or other.startswith(f"{dotted}.")
        for other in map(_dotted, refused)
    )


def _dotted(field: str | None) -> str:
    return (field or "").replace("[", ".").replace("]", "")
