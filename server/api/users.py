"""Schemas for people, shared by the session and me resources."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import DateTime, Integer, Nested, String
from apiflask.validators import Length, OneOf

from server.api.schemas import Flag, stripped
from server.auth.passwords import PASSWORD_TEXT_MAX
from server.auth.users import USERNAME_MAX, USERNAME_PATTERN, USERNAME_RULE, USERNAME_TEXT_MAX
from server.i18n import LANGUAGES

# Lengths here bound the input (a new username's is its rule's); the rules and their messages
# are in server.auth.
PASSWORD = {"required": True, "load_only": True, "validate": Length(max=PASSWORD_TEXT_MAX)}
LANGUAGE = {
    "allow_none": True,
    "validate": OneOf(list(LANGUAGES)),
    "metadata": {
        "description": (
            "The language Tallybook speaks to the user: its pages and the API's problem "
            "messages. null: none chosen, so the computer's language (desktop program) or "
            "the request's `Accept-Language` decides."
        ),
        "example": "de",
    },
}


class UserOut(Schema):
    id = Integer(metadata={"example": 1})
    username = String(metadata={"example": "alex"})
    is_admin = Flag()
    created_at = DateTime()
    language = String(**LANGUAGE)


class Credentials(Schema):
    username = String(
        required=True, validate=Length(min=1, max=USERNAME_TEXT_MAX), metadata={"example": "alex"}
    )
    password = String(**PASSWORD, metadata={"example": "correct horse battery staple"})


class NewCredentials(Credentials):
    """A new user's: its username follows the rule (the document says it; server.auth judges,
    after taking off the white space around it)."""

    username = String(
        required=True,
        validate=Length(min=1, max=USERNAME_MAX, error=USERNAME_RULE),
        metadata={"example": "alex", "pattern": stripped(USERNAME_PATTERN.pattern)},
    )


class NewUser(NewCredentials):
    is_admin = Flag(
        load_default=False,
        metadata={"description": "Only an administrator may create another administrator."},
    )


class SignedIn(Schema):
    user = Nested(UserOut)
    csrf_token = String(
        allow_none=True,
        metadata={"description": "Send as `X-CSRF-Token` on writes made with the session cookie."},
    )
