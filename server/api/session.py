"""First-run setup, registration, sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import g

from server.api import examples as ex
from server.api.schemas import errors
from server.api.users import Credentials, NewCredentials, NewUser, SignedIn
from server.auth.known_devices import guesser
from server.auth.users import authenticate, create_user
from server.auth.web import (
    ADMIN_SESSION,
    auth,
    bcrypt_rounds,
    login_policy,
    session_principal,
    sign_in,
    sign_out,
)
from server.clock import utcnow
from server.domain.books import create_personal_book
from server.domain.instance import registration_open
from server.errors import Forbidden
from server.request_db import database, reader
from server.translatable import _l

bp = APIBlueprint("session", __name__, tag="Sign-in")


@bp.post("/setup")
@bp.input(NewCredentials, arg_name="body", example=ex.CREDENTIALS)
@bp.output(SignedIn, status_code=201, example=ex.SIGNED_IN)
@bp.doc(
    summary="Create the first user (first run)",
    description="Creates the administrator and signs in. Only while no user exists (else 409).",
    responses=errors(
        422, why={409: ("Already set up", "Tallybook is already set up; sign in instead.")}
    ),
)
def setup(body: dict[str, str]) -> dict[str, Any]:
    """Create the first user, an administrator, and sign them in."""
    user = create_user(
        database(),
        body["username"],
        body["password"],
        now=utcnow(),
        rounds=bcrypt_rounds(),
        is_admin=True,
        only_if_first=True,
        personal_book=create_personal_book,
    )
    return {"user": user, "csrf_token": sign_in(user)}


@bp.post("/users")
@bp.input(NewUser, arg_name="body", example=ex.NEW_USER)
@bp.output(SignedIn, status_code=201, example=ex.REGISTERED)
@bp.doc(
    summary="Register a user",
    description=(
        "Anyone may register while registration is open, and is then signed in. An "
        "administrator may always create users (they are not signed in as the new user)."
    ),
    responses=errors(
        422,
        why={
            403: (
                "Registration is closed, or only an administrator may do this",
                "Registration is closed; ask the administrator for an account.",
            )
        },
    ),
)
def register(body: dict[str, Any]) -> dict[str, Any]:
    """Create a user account."""
    principal = g.get("principal")
    by_admin = principal is not None and principal.user.is_admin
    if by_admin and principal.session is None:
        raise Forbidden(ADMIN_SESSION)
    if not by_admin and not registration_open(reader()):
        raise Forbidden(_l("Registration is closed; ask the administrator for an account."))
    if body["is_admin"] and not by_admin:
        raise Forbidden(_l("Only an administrator can create another administrator."))
    user = create_user(
        database(),
        body["username"],
        body["password"],
        now=utcnow(),
        rounds=bcrypt_rounds(),
        is_admin=body["is_admin"],
        personal_book=create_personal_book,
    )
    if by_admin:
        return {"user": user, "csrf_token": None}
    return {"user": user, "csrf_token": sign_in(user)}


@bp.post("/session")
@bp.input(Credentials, arg_name="body", example=ex.CREDENTIALS)
@bp.output(SignedIn, example=ex.SIGNED_IN)
@bp.doc(
    summary="Sign in",
    description=(
        "Checks the password and starts a session (cookie). Wrong passwords are counted per "
        "attempted name (known or not: both are answered alike) and per client address; after "
        "5 for a name, or 20 from one address, the next attempt waits 30 seconds, then twice "
        "as long after each further wrong password, up to an hour: 429 with `Retry-After`. A "
        "browser or window that has signed in to the account before has its own count, so "
        "others' wrong passwords do not lock it out."
    ),
    responses=errors(
        422,
        why={
            401: ("Wrong username or password", "Wrong username or password."),
            429: "Too many wrong passwords: wait for `Retry-After` seconds",
        },
    ),
)
def login(body: dict[str, str]) -> dict[str, Any]:
    """Sign in with a username and password."""
    user = authenticate(
        database(),
        body["username"],
        body["password"],
        guesser=guesser(body["username"]),
        now=utcnow(),
        rounds=bcrypt_rounds(),
        policy=login_policy(),
    )
    return {"user": user, "csrf_token": sign_in(user)}


@bp.delete("/session")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(
    summary="Sign out",
    description="Ends the session; the cookie stops working at once.",
    responses=errors(
        401,
        why={
            403: (
                "A token, not a session",
                "This needs a signed-in session in the app; API tokens cannot do it.",
            )
        },
    ),
)
def logout() -> tuple[str, int]:
    """End the current session."""
    session_principal()
    sign_out()
    return "", 204
