"""The signed-in user: who am I, change my password."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import String

from server.api import examples as ex
from server.api.schemas import Flag, errors
from server.api.users import LANGUAGE, PASSWORD, UserOut
from server.auth.known_devices import guesser
from server.auth.users import check_current_password, set_language, set_password
from server.auth.web import (
    auth,
    bcrypt_rounds,
    current_principal,
    login_policy,
    session_principal,
    sign_in,
)
from server.clock import utcnow
from server.request_db import database

bp = APIBlueprint("me", __name__, tag="Me")


class PasswordChange(Schema):
    current_password = String(**PASSWORD)
    new_password = String(**PASSWORD)
    revoke_tokens = Flag(
        load_default=True,
        metadata={
            "description": (
                "Also revoke every personal access token of the user and every app's access "
                "(on by default: a password changed because it leaked should not leave a way in)."
            )
        },
    )


class ProfileChange(Schema):
    language = String(required=True, **LANGUAGE)


class PasswordChanged(Schema):
    csrf_token = String(metadata={"description": "The new session's CSRF token."})


@bp.get("/me")
@bp.auth_required(auth)
@bp.output(UserOut, example=ex.ALEX)
@bp.doc(
    summary="Read the signed-in user",
    description="Who the session cookie or the bearer token belongs to. Any scope.",
    responses=errors(401),
)
def get_me() -> Any:
    """Return the user behind the session or token."""
    return current_principal().user


@bp.patch("/me")
@bp.auth_required(auth, roles=["write"])
@bp.input(ProfileChange, arg_name="body", example={"language": "fr"})
@bp.output(UserOut, example=ex.ALEX)
@bp.doc(
    summary="Change my profile",
    description=(
        "Sets the language Tallybook speaks to the signed-in user: `en`, `de`, `fr`, or null "
        "to follow the computer's language (desktop program) or the request's "
        "`Accept-Language`. The API's problem messages follow it too; `code` stays English."
    ),
    responses=errors(401, 422, why={403: "A read-scope token cannot change the profile"}),
)
def change_me(body: dict[str, Any]) -> Any:
    """Keep the user's choice of language and return the user."""
    return set_language(database(), current_principal().user.id, body["language"])


@bp.post("/me/password")
@bp.auth_required(auth, roles=["write"])
@bp.input(PasswordChange, arg_name="body", example=ex.PASSWORD_CHANGE)
@bp.output(PasswordChanged, example=ex.PASSWORD_CHANGED)
@bp.doc(
    summary="Change my password",
    description=(
        "Needs the current password and a session in the app (not a token). Ends every "
        "session of the user, then starts a new one for this client; unless `revoke_tokens` is "
        "false, also revokes the user's API tokens and apps. Wrong current passwords are "
        "counted as at sign-in: 429 with `Retry-After` after too many."
    ),
    responses=errors(
        401,
        422,
        why={
            403: (
                "Needs a session in the app, not a token",
                "This needs a signed-in session in the app; API tokens cannot do it.",
            ),
            429: "Too many wrong passwords: wait for `Retry-After` seconds",
        },
    ),
)
def change_password(body: dict[str, Any]) -> dict[str, str]:
    """Replace the password, end all sessions (and tokens and apps, unless told not to) and
    sign this client in again."""
    user = session_principal().user
    now = utcnow()
    check_current_password(
        database(),
        user.id,
        body["current_password"],
        guesser=guesser(user.username),
        now=now,
        policy=login_policy(),
    )
    set_password(
        database(),
        user.id,
        body["new_password"],
        now=now,
        rounds=bcrypt_rounds(),
        revoke_tokens=body["revoke_tokens"],
    )
    return {"csrf_token": sign_in(user)}
