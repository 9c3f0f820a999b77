"""Every limit a schema field of the API states (and the OpenAPI document shows: maxLength,
minimum and maximum, enum) is named in the message a value past it gets (issue 19)."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow.fields import Field, List, Nested
from marshmallow.validate import Length, OneOf, Range

from server.api.plain_messages import read_schemas
from server.domain.field_rules import count


def _fields(schema, path=""):
    for name, field in schema.fields.items():
        yield f"{path}{name}", field
        if isinstance(field, Nested):
            yield from _fields(field.schema, f"{path}{name}.")
        elif isinstance(field, List):
            yield f"{path}{name}[]", field.inner


def _refused(validator, value) -> str:
    try:
        validator(value)
    except ValidationError as error:
        return " ".join(error.messages)
    raise AssertionError(f"{value!r} was taken")


def _past_limits(field: Field):
    """Yield (a field's validator, a value past its limit, the words its message must hold)."""
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max is not None:
            too_long = (
                [None] * (validator.max + 1)
                if isinstance(field, List)
                else "x" * (validator.max + 1)
            )
            yield validator, too_long, [count(validator.max)]
        elif isinstance(validator, Range) and validator.max is not None:
            yield validator, validator.max + 1, [count(validator.max)]
        elif isinstance(validator, OneOf):
            yield validator, "not one of them", [str(choice) for choice in validator.choices]


def test_every_limited_field_names_its_limit_when_refused(app):
    checked, vague = 0, []
    for schema in read_schemas(app):
        for name, field in _fields(schema):
            for validator, value, words in _past_limits(field):
                checked += 1
                message = _refused(validator, value)
                if not all(word in message for word in words):
                    vague.append(f"{type(schema).__name__}.{name}: {message}")
    assert checked > 50
    assert not vague, vague
