"""Who is asking: the session cookie or a bearer token, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass

from apiflask import HTTPTokenAuth
from flask import Response, after_this_request, current_app, g, request

from server.auth.sessions import (
    Session,
    csrf_token,
    end_session,
    find_session,
    start_session,
    touch_session,
)
from server.auth.tokens import ApiToken, find_usable_token, record_token_use
from server.auth.users import LoginPolicy, User, get_user
from server.clock import utcnow
from server.db.request import database, reader
from server.errors import Forbidden

SESSION_COOKIE = "tallybook_session"
SESSION_COOKIE_TLS = "__Host-tallybook_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Principal:
    """The user behind a request, and how they proved it."""

    user: User
    scopes: frozenset[str]
    session: Session | None = None
    raw_session: str | None = None
    token: ApiToken | None = None


class _RequestAuth(HTTPTokenAuth):
    """Bearer tokens and the session cookie alike, resolved by `load_principal` beforehand."""

    def authenticate(self, auth: object, stored_password: object) -> Principal | None:
        return g.get("principal")


auth = _RequestAuth(
    scheme="Bearer",
    security_scheme_name="bearerAuth",
    description=(
        "A personal access token from Settings > API tokens, or the session cookie of the "
        "app (writes then also need the `X-CSRF-Token` header)."
    ),
)


@auth.get_user_roles
def _roles(principal: Principal) -> list[str]:
    return sorted(principal.scopes)


def _secret_key() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else key.encode("utf-8")


def current_principal() -> Principal:
    """Return the authenticated principal (routes behind `auth_required` only)."""
    return g.principal


def session_cookie_name() -> str:
    """Return the cookie name: `__Host-` prefixed when served over TLS."""
    return SESSION_COOKIE_TLS if current_app.config["TLS"] else SESSION_COOKIE


def bearer_token() -> str | None:
    """Return the bearer token of the request, '' for a malformed header, None for none."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def load_principal() -> None:
    """Resolve the request's credentials into `g.principal` (None when there are none)."""
    g.principal = None
    now = utcnow()
    token = bearer_token()
    if token is not None:
        # An explicit Authorization header never falls back to the cookie.
        api_token = find_usable_token(reader(), token, now) if token else None
        if api_token is None:
            return
        user = get_user(reader(), api_token.user_id)
        scopes = {"read", "write"} if api_token.scope == "write" else {"read"}
        g.principal = Principal(user, frozenset(scopes), token=api_token)
        record_token_use(database(), api_token, now)
        return
    raw = request.cookies.get(session_cookie_name())
    if not raw:
        return
    session = find_session(reader(), raw, now, current_app.config["SESSION_IDLE_TIMEOUT"])
    if session is None:
        return
    user = get_user(reader(), session.user_id)
    g.principal = Principal(user, frozenset({"read", "write"}), session=session, raw_session=raw)
    touch_session(database(), session, now)


def session_principal() -> Principal:
    """Return the principal if it signed in through the app; tokens are refused with 403."""
    principal = current_principal()
    if principal.session is None:
        raise Forbidden("This needs a signed-in session in the app; API tokens cannot do it.")
    return principal


def require_admin() -> Principal:
    """Return the principal if it is an administrator."""
    principal = current_principal()
    if not principal.user.is_admin:
        raise Forbidden("Only an administrator can do this.")
    return principal


def current_csrf_token() -> str | None:
    """Return the CSRF token of the signed-in session, for pages to hand to their scripts."""
    principal = g.get("principal")
    if principal is None or principal.raw_session is None:
        return None
    return csrf_token(_secret_key(), principal.raw_session)


def sign_in(user_id: int) -> str:
    """Start a new session for `user_id`, ending the request's old one; return its CSRF token.

    A new id at every sign-in means a session id planted before sign-in is worthless. The
    cookie is set on the response this request produces.
    """
    config = current_app.config
    old = request.cookies.get(session_cookie_name())
    with database().write() as db:
        if old:
            end_session(db, old)
        raw = start_session(db, user_id, utcnow(), config["SESSION_ABSOLUTE_TIMEOUT"])

    @after_this_request
    def _set_cookie(response: Response) -> Response:
        response.set_cookie(
            session_cookie_name(),
            raw,
            max_age=config["SESSION_ABSOLUTE_TIMEOUT"],
            path="/",
            secure=config["TLS"],
            httponly=True,
            samesite="Strict",
        )
        return response

    return csrf_token(_secret_key(), raw)


def sign_out() -> None:
    """End the request's session and clear the cookie on the response."""
    raw = request.cookies.get(session_cookie_name())
    if raw:
        with database().write() as db:
            end_session(db, raw)

    @after_this_request
    def _clear_cookie(response: Response) -> Response:
        response.delete_cookie(
            session_cookie_name(),
            path="/",
            secure=current_app.config["TLS"],
            httponly=True,
            samesite="Strict",
        )
        return response


def bcrypt_rounds() -> int:
    """Return the configured bcrypt work factor."""
    return current_app.config["BCRYPT_ROUNDS"]


def login_policy() -> LoginPolicy:
    """Return the configured back-off policy for wrong passwords."""
    config = current_app.config
    return LoginPolicy(
        config["LOGIN_FREE_ATTEMPTS"], config["LOGIN_BACKOFF_BASE"], config["LOGIN_BACKOFF_MAX"]
    )
