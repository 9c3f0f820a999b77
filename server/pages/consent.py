"""The consent page: an app on this computer asks the user for access to a book (OAuth 2.0).

The protocol is Authlib's (`server.auth.oauth_server`). The page posts its answer as JSON with
the CSRF token, like every page of the app, to `server.api.oauth`, and is sent back where to
go: the browser then leaves for the app's loopback address. On the desktop, a browser that is
not signed in waits while the window asks instead (`server.auth.consent_handoffs`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, render_template, request, url_for
from werkzeug.wrappers import Response

from server.auth.consent_handoffs import HandoffBusy, UnknownHandoff
from server.auth.oauth import SCOPE_DESCRIPTIONS
from server.auth.oauth_web import consent_grant, consent_handoffs, oauth_server
from server.auth.web import session_principal
from server.db.request import reader
from server.domain.books import list_books
from server.pages import in_a_session, signed_in

consent = Blueprint("consent", __name__)
P = ParamSpec("P")


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
@_window_asks_instead
@signed_in
def authorize() -> Any:
    """The consent page: which app asks for which book, with which scopes."""
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
