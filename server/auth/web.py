"""Who is asking: the session cookie or a bearer token, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from apiflask import HTTPTokenAuth
from flask import Response, after_this_request, current_app, g, request

from server.auth.cookies import cookie_name, secret_key, set_cookie_later
from server.auth.known_devices import remember_device
from server.auth.oauth import Grant, find_live_grant, record_grant_use
from server.auth.sessions import (
    Session,
    csrf_token,
    end_session,
    find_session,
    start_session,
    touch_session,
)
from server.auth.sign_in_failures import LoginPolicy
from server.auth.tokens import TOKEN_PREFIX, ApiToken, find_usable_token, record_token_use
from server.auth.users import User, get_user
from server.clock import utcnow
from server.errors import Forbidden, NotFound
from server.request_db import database, reader
from server.translatable import _l

if TYPE_CHECKING:
    from datetime import datetime

    from joserfc.jwk import ECKey

SESSION_COOKIE = "tallybook_session"
CSRF_HEADER = "X-CSRF-Token"
# The only routes outside its book that an app's token may call: all of them read.
APP_ROUTES_OUTSIDE_BOOK = frozenset(
    {"books.list_my_books", "me.get_me", "meta.health", "meta.get_instance", "openapi.spec"}
)
# Inside its book, an app reaches the book's data (what the consent page names), never who
# shares the book or its settings. An allow-list: a new route is closed to apps until added.
APP_BOOK_BLUEPRINTS = frozenset(
    {
        "accounts",
        "transactions",
        "transactions_csv",
        "reconciliations",
        "categories",
        "labels",
        "imports",
        "import_batches",
        "rules",
        "schedules",
        "budgets",
        "goals",
        "reports",
        "dashboard",
        "changes",
        "undo",
    }
)
APP_BOOK_ROUTES = frozenset({"books.read_book", "book_files.export", "beancount_files.export"})


@dataclass(frozen=True)
class Principal:
    """The user behind a request, and how they proved it."""

    user: User
    scopes: frozenset[str]
    session: Session | None = None
    raw_session: str | None = None
    token: ApiToken | None = None
    grant: Grant | None = None

    @property
    def book_id(self) -> int | None:
        """The one book an app was let into; None for the user's own session or tokens."""
        return self.grant.book_id if self.grant else None


class _RequestAuth(HTTPTokenAuth):
    """Bearer tokens and the session cookie alike, resolved by `load_principal` beforehand."""

    def authenticate(self, auth: object, stored_password: object) -> Principal | None:
        return g.get("principal")


auth = _RequestAuth(
    scheme="Bearer",
    security_scheme_name="bearerAuth",
    description=(
        "A personal access token from Settings > Tokens & apps, an app's access token (OAuth 2.0, "
        "see /.well-known/oauth-authorization-server), or the session cookie of the app "
        "(writes then also need the `X-CSRF-Token` header)."
    ),
)


@auth.get_user_roles
def _roles(principal: Principal) -> list[str]:
    return sorted(principal.scopes)


def current_principal() -> Principal:
    """Return the authenticated principal (routes behind `auth_required` only)."""
    return g.principal


def session_cookie_name() -> str:
    """Return the session cookie's name as set (`__Host-` prefixed under TLS)."""
    return cookie_name(SESSION_COOKIE)


def bearer_token() -> str | None:
    """Return the bearer token of the request, '' for a malformed header, None for none."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def signing_key() -> ECKey:
    """Return the key that signs apps' access tokens (read from the data folder once)."""
    extensions = current_app.extensions
    if "tallybook.signing_key" not in extensions:
        from server.auth.access_tokens import load_signing_key

        extensions["tallybook.signing_key"] = load_signing_key(Path(current_app.config["DATA_DIR"]))
    return extensions["tallybook.signing_key"]


def _token_principal(raw: str, now: datetime) -> Principal | None:
    api_token = find_usable_token(reader(), raw, now)
    if api_token is None:
        return None
    user = get_user(reader(), api_token.user_id)
    scopes = {"read", "write"} if api_token.scope == "write" else {"read"}
    record_token_use(database(), api_token, now)
    return Principal(user, frozenset(scopes), token=api_token)


def _app_principal(raw: str, now: datetime) -> Principal | None:
    # Imported on an app's first request: JWT support costs start-up time the window needs.
    from server.auth.access_tokens import read_access_token

    claims = read_access_token(signing_key(), raw, now)
    if claims is None:
        return None
    # The grant is checked every time, so that revoking it stops its tokens at once.
    grant = find_live_grant(reader(), claims.grant_id)
    if (
        grant is None
        or grant.user_id != claims.user_id
        or grant.book_id != claims.book_id
        or not claims.scopes <= set(grant.scope.split())
    ):
        return None
    user = get_user(reader(), grant.user_id)
    record_grant_use(database(), grant, now)
    return Principal(user, claims.scopes, grant=grant)


def load_principal() -> None:
    """Resolve the request's credentials into `g.principal` (None when there are none)."""
    g.principal = None
    now = utcnow()
    token = bearer_token()
    if token is not None:
        # An explicit Authorization header never falls back to the cookie.
        if token.startswith(TOKEN_PREFIX):
            g.principal = _token_principal(token, now)
        elif token.count(".") == 2:
            g.principal = _app_principal(token, now)
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


def check_app_reach() -> None:
    """Keep an app's token inside the one book the user let it into."""
    principal = g.get("principal")
    if principal is None or principal.book_id is None or not request.path.startswith("/api/"):
        return
    endpoint = request.endpoint or ""
    book_id = (request.view_args or {}).get("book_id")
    if book_id is None:
        if app_may_call(endpoint, in_a_book=False):
            return
        raise Forbidden(_l("An app's access covers one book, and this is outside it."))
    if book_id != principal.book_id:
        raise NotFound(
            _l("No book with id %(book_id)s.", book_id=book_id)
        )  # as for a book of someone else
    if not app_may_call(endpoint, in_a_book=True):
        raise Forbidden(
            _l("An app may use the book's data, not change who shares it or its settings.")
        )


def app_may_call(endpoint: str, *, in_a_book: bool) -> bool:
    """Whether an app's token may call the API route `endpoint` (in its own book, when the
    route's path names a book)."""
    if not in_a_book:
        return endpoint in APP_ROUTES_OUTSIDE_BOOK
    return endpoint.partition(".")[0] in APP_BOOK_BLUEPRINTS or endpoint in APP_BOOK_ROUTES


def session_principal() -> Principal:
    """Return the principal if it signed in through the app; tokens are refused with 403."""
    principal = current_principal()
    if principal.session is None:
        raise Forbidden(_l("This needs a signed-in session in the app; API tokens cannot do it."))
    return principal


ADMIN_SESSION = _l(
    "Administering Tallybook needs an administrator signed in to the app; API tokens cannot do it."
)


def require_admin() -> Principal:
    """Return the principal if it is an administrator signed in to the app. Instance
    administration (users, registration, backups, apps) is never a token's to do, whatever its
    scope: a leaked token must not reach every user's data or make an administrator."""
    principal = current_principal()
    if not principal.user.is_admin:
        raise Forbidden(_l("Only an administrator can do this."))
    if principal.session is None:
        raise Forbidden(ADMIN_SESSION)
    return principal


def current_csrf_token() -> str | None:
    """Return the CSRF token of the signed-in session, for pages to hand to their scripts."""
    principal = g.get("principal")
    if principal is None or principal.raw_session is None:
        return None
    return csrf_token(secret_key(), principal.raw_session)


def sign_in(user: User, *, until_closed: bool = False) -> str:
    """Start a new session for `user`, ending the request's old one, and remember this client
    as one of the user's devices; return the session's CSRF token.

    A new id at every sign-in means a session id planted before sign-in is worthless. The
    cookie is set on the response this request produces; `until_closed`, it is kept only until
    the window closes (an automatic sign-in is made again at every launch, or not at all).
    """
    config = current_app.config
    old = request.cookies.get(session_cookie_name())
    with database().write() as db:
        if old:
            end_session(db, old)
        raw = start_session(db, user.id, utcnow(), config["SESSION_ABSOLUTE_TIMEOUT"])

    lifetime = None if until_closed else config["SESSION_ABSOLUTE_TIMEOUT"]
    set_cookie_later(SESSION_COOKIE, raw, max_age=lifetime)
    remember_device(user.username)  # from now on, others' wrong passwords do not lock it out
    return csrf_token(secret_key(), raw)


def end_request_session(response: Response | None = None) -> None:
    """End the request's session and clear its cookie on `response` (else on the response
    this request produces)."""
    raw = request.cookies.get(session_cookie_name())
    if raw:
        with database().write() as db:
            end_session(db, raw)

    def clear_cookie(answer: Response) -> Response:
        answer.delete_cookie(
            session_cookie_name(),
            path="/",
            secure=current_app.config["TLS"],
            httponly=True,
            samesite="Strict",
        )
        return answer

    if response is None:
        after_this_request(clear_cookie)
    else:
        clear_cookie(response)


def sign_out() -> None:
    """End the request's session and clear the cookie on the response."""
    end_request_session()


def bcrypt_rounds() -> int:
    """Return the configured bcrypt work factor."""
    return current_app.config["BCRYPT_ROUNDS"]


def login_policy() -> LoginPolicy:
    """Return the configured back-off policy for wrong passwords."""
    config = current_app.config
    return LoginPolicy(
        free_attempts=config["LOGIN_FREE_ATTEMPTS"],
        client_free_attempts=config["LOGIN_CLIENT_FREE_ATTEMPTS"],
        backoff_base=config["LOGIN_BACKOFF_BASE"],
        backoff_max=config["LOGIN_BACKOFF_MAX"],
    )
