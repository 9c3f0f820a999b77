"""The API's schemas answer in words that state each field's rule (server.domain.field_rules),
not marshmallow's defaults ("Length must be between 1 and 100."): set once, on every schema a
route reads, when the app is made."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask, Schema
from apiflask.fields import Boolean, Date, DateTime, Dict, Field, Integer, List, Nested, String
from marshmallow.fields import Number
from marshmallow.validate import Length, OneOf, Range, Validator

from server.domain import field_rules as rules

# A field's type problem, by its kind (first match; Flag is a Boolean, AwareDateTime a DateTime).
_NOT_THE_KIND: tuple[tuple[type[Field], str], ...] = (
    (String, rules.NOT_TEXT),
    (Integer, rules.NOT_WHOLE_NUMBER),
    (Number, rules.NOT_NUMBER),
    (Boolean, rules.NOT_TRUE_OR_FALSE),
    (DateTime, rules.NOT_DATE_TIME),
    (Date, rules.NOT_DATE),
    (List, rules.NOT_LIST),
    (Dict, rules.NOT_OBJECT),
)


class PlainLength(Length):
    """A Length that states its rule and how long the value is."""

    def __init__(self, original: Length, unit: str) -> None:
        super().__init__(min=original.min, max=original.max, equal=original.equal)
        self.unit = unit

    def _format_error(self, value: Any, message: str) -> str:
        least, most = (self.equal, self.equal) if self.equal is not None else (self.min, self.max)
        return rules.length_rule(least=least, most=most, has=len(value), unit=self.unit)


class PlainRange(Range):
    """A Range that states its bounds (for whole numbers or any)."""

    def __init__(self, original: Range, *, whole: bool) -> None:
        super().__init__(
            min=original.min,
            max=original.max,
            min_inclusive=original.min_inclusive,
            max_inclusive=original.max_inclusive,
        )
        self.whole = whole

    def _format_error(self, value: Any, message: str) -> str:
        return rules.range_rule(least=self.min, most=self.max, whole=self.whole)


class PlainOneOf(OneOf):
    """A OneOf that lists its choices."""

    def __init__(self, original: OneOf) -> None:
        super().__init__(original.choices, original.labels)

    def _format_error(self, value: Any) -> str:
        return rules.choice_rule(list(self.choices))


def _own_message(validator: Validator) -> bool:
    """Return whether a validator was given its own message (OneOf always keeps one)."""
    error = getattr(validator, "error", None)
    return bool(error) and error != getattr(validator, "default_message", None)


def _plain(validator: Validator, field: Field) -> Validator:
    if _own_message(validator) or isinstance(validator, PlainLength | PlainRange | PlainOneOf):
        return validator  # a field's own message states its rule already
    if isinstance(validator, Length):
        return PlainLength(validator, "items" if isinstance(field, List) else "characters")
    if isinstance(validator, Range):
        return PlainRange(validator, whole=isinstance(field, Integer))
    if isinstance(validator, OneOf):
        return PlainOneOf(validator)
    return validator


def plain_field(field: Field) -> None:
    """Give `field` (and the fields inside it) messages that state its rules."""
    field.error_messages["required"] = rules.REQUIRED
    field.error_messages["null"] = rules.NOT_NULL
    for kind, message in _NOT_THE_KIND:
        if isinstance(field, kind):
            field.error_messages["invalid"] = message
            break
    field.validators = [_plain(validator, field) for validator in field.validators]
    if isinstance(field, Nested):
        field.error_messages["type"] = rules.NOT_OBJECT
        plain_schema(field.schema)
    elif isinstance(field, List):
        plain_field(field.inner)
    elif isinstance(field, Dict) and field.value_field is not None:
        plain_field(field.value_field)


def plain_schema(schema: Schema) -> None:
    """Give every field of `schema` messages that state its rules."""
    schema.error_messages = {
        **schema.error_messages,
        "unknown": rules.UNKNOWN_FIELD,
        "type": rules.NOT_OBJECT,
    }
    for field in schema.fields.values():
        plain_field(field)


def read_schemas(app: APIFlask) -> list[Schema]:
    """Return every schema a route of `app` reads its input with (body, query, headers)."""
    found: list[Schema] = []
    for view in app.view_functions.values():
        declared = getattr(view, "_spec", {})  # set by APIFlask's decorators
        body = declared.get("body")
        found += [body] if isinstance(body, Schema) else []
        found += [schema for schema, _ in declared.get("args", []) if isinstance(schema, Schema)]
    return found


def plain_messages(app: APIFlask) -> None:
    """Make every schema a route reads answer with messages that state its rules."""
    for schema in read_schemas(app):
        plain_schema(schema)
