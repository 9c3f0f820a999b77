"""OAuth 2.0 endpoints for apps on this computer: consent page, token, revocation, metadata.

The protocol is Authlib's (`server.auth.oauth_server`); this module only carries HTTP to it.
The consent page posts its answer as JSON with the CSRF token, like every page of the app,
and is sent back where to go: the browser then leaves for the app's loopback address. On the
desktop, a browser that is not signed in waits while the window asks instead
(`server.auth.consent_handoffs`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from server.auth.consent_handoffs import ConsentHandoffs, HandoffBusy, UnknownHandoff
from server.auth.oauth import SCOPE_DESCRIPTIONS, Consent, server_metadata
from server.auth.web import Principal, session_principal, signing_key
from server.db.request import reader
from server.domain.books import CAN_WRITE, list_books, member_role
from server.errors import AppError, NotFound, Unauthorized, ValidationFailed
from server.pages import in_a_session, signed_in
from server.security import pages_origin

if TYPE_CHECKING:
    from authlib.integrations.flask_oauth2 import AuthorizationServer

bp = Blueprint("oauth", __name__)
P = ParamSpec("P")


class AuthorizationRefused(AppError):
    status, title, code = 400, "Authorization request refused", "oauth_request_refused"


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


def _signed_in_user() -> Principal:
    """The user answering, signed in to the app itself (an app's token cannot say yes)."""
    if g.get("principal") is None:
        raise Unauthorized("Sign in to Tallybook to answer this app.")
    return session_principal()


def oauth_server() -> AuthorizationServer:
    """Return the app's authorization server, built on the first request that needs it."""
    extensions = current_app.extensions
    if "tallybook.oauth" not in extensions:
        from server.auth.oauth_server import build_server  # see its module docstring

        extensions["tallybook.oauth"] = build_server()
    return extensions["tallybook.oauth"]


def _refused_form() -> Response | None:
    """The OAuth error for a token or revocation request Authlib should not read, if any."""
    from server.auth.oauth_server import malformed_form_request  # see oauth_server()

    error = malformed_form_request()
    return None if error is None else oauth_server().handle_error_response(None, error)


def _consent_grant(end_user: object) -> Any:
    """Authlib's reading of the authorization request (raises OAuth2Error when it is bad)."""
    from server.auth.oauth_server import unsafe_parameter  # see oauth_server()

    if (error := unsafe_parameter(request.args.lists())) is not None:
        raise error
    return oauth_server().get_consent_grant(end_user=end_user)


def consent_handoffs() -> ConsentHandoffs:
    """Return the app's open handoffs to the desktop window."""
    return current_app.extensions.setdefault("tallybook.consent_handoffs", ConsentHandoffs())


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
            grant = _consent_grant(None)
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


@bp.get("/oauth/authorize")
@_window_asks_instead
@signed_in
def authorize() -> Any:
    """The consent page: which app asks for which book, with which scopes."""
    principal = session_principal()
    try:
        grant = _consent_grant(principal.user)
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


@bp.post("/oauth/authorize")
def decide() -> Any:
    """The user's answer: `{"allow": true, "book_id": 3}` or `{"allow": false}`.

    Answers `{"redirect_to": url}`: the app's redirect URI with a code, or with an error. When
    the window answers for a waiting browser (`handoff`), that browser is sent there instead.
    """
    principal = _signed_in_user()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("allow"), bool):
        raise ValidationFailed.on("allow", "Say true to allow the app or false to deny it.")
    server = oauth_server()
    try:
        grant = _consent_grant(principal.user)
    except OAuth2Error as error:
        raise AuthorizationRefused(error.description or error.error) from None
    consent = None
    if body["allow"]:
        book_id = body.get("book_id")
        asked_book = request.args.get("book_id", type=int)
        if not isinstance(book_id, int) or isinstance(book_id, bool):
            raise ValidationFailed.on("book_id", "Choose the book the app may use.")
        if asked_book is not None and book_id != asked_book:
            raise ValidationFailed.on("book_id", "The app asked for another book.")
        try:
            role = member_role(reader(), principal.user.id, book_id)
        except NotFound as error:
            raise ValidationFailed.on("book_id", str(error)) from None
        scope = grant.request.scope
        if role not in CAN_WRITE:  # a viewer can let an app read, no more
            scope = "read"
        consent = Consent(principal.user.id, book_id, scope)
    response = server.create_authorization_response(grant=grant, grant_user=consent)
    location = response.headers.get("Location")
    if location is None:
        raise AuthorizationRefused(response.get_data(as_text=True))
    handle = request.args.get("handoff")
    if handle is None:
        return jsonify(redirect_to=location, handed_off=False)
    try:
        consent_handoffs().answer(handle, location)
    except UnknownHandoff:
        raise AuthorizationRefused(
            "The app's request waited too long: start again from the app."
        ) from None
    return jsonify(redirect_to=None, handed_off=True)


@bp.get("/oauth/handoff/<handle>")
def handoff(handle: str) -> Response:
    """The waiting browser asks whether the window has answered: `{"answered": false}`, or
    `{"answered": true, "redirect_to": url}` (once; the handoff is then over)."""
    try:
        redirect_to = consent_handoffs().collect(handle)
    except UnknownHandoff:
        raise NotFound("This request is over: start again from the app.") from None
    return jsonify(answered=redirect_to is not None, redirect_to=redirect_to)


@bp.post("/oauth/token")
def token() -> Response:
    """Exchange a code (with its PKCE verifier) or a refresh token for new tokens."""
    if (refused := _refused_form()) is not None:
        return refused
    return oauth_server().create_token_response()


@bp.post("/oauth/revoke")
def revoke() -> Response:
    """Revoke a token (RFC 7009): the app's whole grant ends with it."""
    if (refused := _refused_form()) is not None:
        return refused
    return oauth_server().create_endpoint_response("revocation")


@bp.get("/oauth/jwks.json")
def jwks() -> Response:
    """The public key that signs access tokens, for apps that check them."""
    from server.auth.access_tokens import public_jwks  # see server.auth.oauth_server

    return jsonify(public_jwks(signing_key()))


@bp.get("/.well-known/oauth-authorization-server")
def metadata() -> Response:
    """Authorization server metadata (RFC 8414)."""
    issuer = request.host_url.rstrip("/")
    return jsonify(
        server_metadata(
            issuer=issuer,
            # A page: under localhost, where the user's session lives (see server.security).
            authorization_endpoint=pages_origin() + url_for("oauth.authorize"),
            token_endpoint=issuer + url_for("oauth.token"),
            revocation_endpoint=issuer + url_for("oauth.revoke"),
            jwks_uri=issuer + url_for("oauth.jwks"),
            service_documentation=issuer + url_for("pages.api_docs"),
        )
    )
