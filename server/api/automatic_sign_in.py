"""Automatic sign-in on this computer: the desktop window of a one-person Tallybook opens
signed in (see `server.auth.automatic_sign_in` and `server.auth.window`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, String
from flask import current_app

from server.api.schemas import errors
from server.auth.automatic_sign_in import is_on, turn_off, turn_on
from server.auth.web import auth, session_principal
from server.auth.window import NOT_IN_SERVER_MODE, why_no_automatic_sign_in
from server.clock import utcnow
from server.errors import Forbidden
from server.request_db import database

bp = APIBlueprint("automatic_sign_in", __name__, tag="Me")

PATH = "/me/automatic-sign-in"
SESSION_ONLY = errors(
    401,
    why={
        403: (
            "Needs a session in the app, not a token",
            "This needs a signed-in session in the app; API tokens cannot do it.",
        )
    },
)
STATE_ON = {"on": True, "available": True, "unavailable_because": None}
STATE_UNAVAILABLE = {"on": False, "available": False, "unavailable_because": NOT_IN_SERVER_MODE}


class AutomaticSignInOut(Schema):
    on = Boolean(metadata={"description": "Whether the window opens signed in as you."})
    available = Boolean(
        metadata={
            "description": (
                "Whether it may be turned on here: only in the desktop program's window, with "
                "one person's account on the computer."
            )
        }
    )
    unavailable_because = String(
        allow_none=True,
        metadata={"description": "Why it may not be turned on here; null when it may."},
    )


def _state(user_id: int) -> dict[str, Any]:
    why_not = why_no_automatic_sign_in()
    return {
        "on": is_on(database(), user_id),
        "available": why_not is None,
        "unavailable_because": why_not,
    }


def _data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


@bp.get(PATH)
@bp.auth_required(auth)
@bp.output(AutomaticSignInOut, example=STATE_UNAVAILABLE)
@bp.doc(
    summary="Read my automatic sign-in",
    description=(
        "Whether the desktop window opens signed in as you, and whether that may be turned on "
        "here. Needs a session in the app (not a token)."
    ),
    responses=SESSION_ONLY,
)
def get_automatic_sign_in() -> dict[str, Any]:
    """Return whether automatic sign-in is on, and whether it may be turned on here."""
    return _state(session_principal().user.id)


@bp.put(PATH)
@bp.auth_required(auth, roles=["write"])
@bp.output(AutomaticSignInOut, example=STATE_ON)
@bp.doc(
    summary="Turn on automatic sign-in",
    description=(
        "From then on the desktop window opens signed in as you: a random secret is kept in a "
        "file of the data folder (mode 0600) and only its hash in the database. Only from the "
        "desktop program's window, with one person's account on the computer: never in server "
        "mode, in browser mode, or from a browser tab. Needs a session in the app."
    ),
    responses=errors(
        401,
        why={
            403: (
                "Not here: server or browser mode, more than one person, a browser tab or a token",
                NOT_IN_SERVER_MODE,
            )
        },
    ),
)
def turn_on_automatic_sign_in() -> dict[str, Any]:
    """Keep a new secret for the signed-in user, so the window opens signed in."""
    user = session_principal().user
    why_not = why_no_automatic_sign_in()
    if why_not is not None:
        raise Forbidden(why_not)
    turn_on(database(), user.id, _data_dir(), now=utcnow())
    return _state(user.id)


@bp.delete(PATH)
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Turn off automatic sign-in",
    description=(
        "Deletes the secret's file and its hash: the window asks for the password again. "
        "Changing the password turns it off too. Needs a session in the app."
    ),
    responses=SESSION_ONLY,
)
def turn_off_automatic_sign_in() -> tuple[str, int]:
    """Revoke the automatic sign-in (whoever it was for: the computer has one person)."""
    session_principal()
    turn_off(database(), _data_dir())
    return "", 204
