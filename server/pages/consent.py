"""The consent page: an app on this computer asks the user for access to a book (OAuth 2.0).

The protocol is Authlib's (`server.auth.oauth_server`). The page posts its answer as JSON with
the CSRF token, like every page of the app, to `server.api.oauth_endpoints`, and is sent back
where to go: the browser then leaves for the app's loopback address. On the desktop, a browser
that is not signed in waits while the window asks instead (`server.auth.consent_handoffs`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec
from urllib.parse import urlencode

from apiflask import APIBlueprint
from authlib.oauth2 import OAuth2Error
from flask import current_app, render_template, request, url_for
from werkzeug.wrappers import Response

from server.api.oauth_schemas import REDIRECT_URI, TAG, AuthorizeQuery
from server.auth.consent_handoffs import HandoffBusy, UnknownHandoff
from server.auth.oauth import SCOPE_DESCRIPTIONS
from server.auth.oauth_web import consent_grant, consent_handoffs, oauth_server
from server.auth.web import session_principal
from server.domain.books import list_books
from server.pages import in_a_session, signed_in
from server.request_db import reader

# An APIBlueprint so that the page, where apps send the user's browser, declares its contract.
consent = APIBlueprint("consent", __name__, tag=TAG)
P = ParamSpec("P")


HTML = "text/html"


def _refusal(error: OAuth2Error) -> Response:
    """Send the error back to the app when its redirect URI is known good, else show it."""
    if error.redirect_uri:
        return oauth_server().handle_error_response(None, error)
    detail = error.description or error.error
    return Response(
        render_template(
            "pages/error.html",
            page="error",
            status=400,
            detail=f"This app's request cannot be accepted: {detail}",
        ),
        status=400,
        mimetype="text/html",
    )


def _handoff_over() -> Response:
    return Response(
        render_template(
            "pages/error.html",
            page="error",
            status=410,
            detail="This app's request is over (answered, or it waited too long): start again "
            "from the app.",
        ),
        status=410,
        mimetype="text/html",
    )


def _opened_by_an_app() -> bool:
    """Whether the browser opened this page itself (an app asked it to), rather than a web
    page navigating or embedding it: only then may the window be asked."""
    headers = request.headers
    return (
        headers.get("Sec-Fetch-Site") == "none"
        and headers.get("Sec-Fetch-Mode") == "navigate"
        and headers.get("Sec-Fetch-Dest") == "document"
    )


def _window_asks_instead(view: Callable[P, Any]) -> Callable[P, Any]:
    """On the desktop, ask in the window, which is signed in, and let a browser an app opened
    wait for the answer instead of signing in.

    While another request waits, this one is answered in the browser (after signing in)."""

    @wraps(view)
    def page(*args: P.args, **kwargs: P.kwargs) -> Any:
        show_in_window = current_app.config.get("CONSENT_IN_WINDOW")
        if (
            not show_in_window
            or in_a_session()
            or request.args.get("handoff") is not None
            or not _opened_by_an_app()
        ):
            return view(*args, **kwargs)
        try:
            grant = consent_grant(None)
        except OAuth2Error as error:
            return _refusal(error)
        try:
            handle, match_code = consent_handoffs().open()
        except HandoffBusy:
            return view(*args, **kwargs)
        # The window's copy names the handoff, so it answers there and never hands off again.
        show_in_window(f"{request.full_path}&{urlencode({'handoff': handle})}")
        return render_template(
            "pages/consent_handoff.html",
            page="consent-handoff",
            client=grant.client.record,
            handle=handle,
            match_code=match_code,
            sign_in_url=url_for("pages.login", next=request.full_path),
        )

    return page


@consent.get("/oauth/authorize")
@consent.input(AuthorizeQuery, location="query", arg_name="query", validation=False)
@consent.doc(
    summary="Ask the user for access (consent page)",
    description=(
        "Open this in the user's browser: it is a page of Tallybook, not an API call. The user "
        "signs in if need be, sees the app, the book and the scopes, and chooses Allow or "
        "Deny. The browser then goes to `redirect_uri` with `code` (valid "
        "{OAUTH_CODE_LIFETIME}, once) and `state`, or with `error` and `state`: "
        "`access_denied` when the user denies, `invalid_scope`, `unsupported_response_type`, "
        "or `invalid_request` (e.g. no S256 `code_challenge`). A request that cannot be "
        "trusted to go back gets an error page instead. Every parameter once, in ASCII (only "
        "`state` may hold anything)."
    ),
    responses={
        200: {
            "description": "The consent page; on the desktop, when this browser is not signed "
            "in, a page that waits while the Tallybook window asks instead.",
            "content": {HTML: {"schema": {"type": "string"}, "example": "<!doctype html>..."}},
        },
        302: {
            "description": "To `redirect_uri` with an `error` the app should read; or first to "
            "the same page under `localhost` (opened under 127.0.0.1), to the sign-in page, or "
            "to the first-run setup.",
            "headers": {
                "Location": {
                    "description": f"e.g. `{REDIRECT_URI}?error=invalid_scope&state=st4te`",
                    "schema": {"type": "string"},
                }
            },
        },
        400: {
            "description": "An error page: `client_id` or `redirect_uri` is missing, the app "
            "is unknown, the redirect URI is not one it registered, or a parameter is repeated "
            "or not ASCII.",
            "content": {
                HTML: {
                    "schema": {"type": "string"},
                    "example": "<!doctype html>... This app's request cannot be accepted: "
                    "Redirect URI ... is not supported by client. ...",
                }
            },
        },
    },
    operation_id="get_oauth_authorize",  # the id clients generated from the document use
)
@_window_asks_instead
@signed_in
def authorize(query: Mapping[str, Any]) -> Any:
    """The consent page: which app asks for which book, with which scopes (Authlib reads the
    request itself: `query` only documents it)."""
    principal = session_principal()
    try:
        grant = consent_grant(principal.user)
    except OAuth2Error as error:
        return _refusal(error)
    books = list_books(reader(), principal.user.id)
    asked_book = request.args.get("book_id", type=int)
    if asked_book is not None:
        books = [book for book in books if book.id == asked_book]
    match_code = None
    if (handle := request.args.get("handoff")) is not None:
        try:
            match_code = consent_handoffs().match_code(handle)
        except UnknownHandoff:
            return _handoff_over()
    scopes = grant.request.scope.split()
    return render_template(
        "pages/consent.html",
        match_code=match_code,
        page="consent",
        client=grant.client.record,
        redirect_uri=grant.request.payload.redirect_uri,
        scopes=[(scope, SCOPE_DESCRIPTIONS[scope]) for scope in scopes],
        books=books,
        asked_book=asked_book,
        wants_write="write" in scopes,
    )
