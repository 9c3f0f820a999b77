"""The OAuth 2.0 endpoints apps call (token, revocation, keys, metadata), and the consent
page's answer.

Outside /api/v1 (their URLs are the protocol's), they answer in RFC 6749's terms, not
problem+json: the protocol is Authlib's (`server.auth.oauth_server`) and these routes only
carry HTTP to it. The consent page itself is `server.pages.consent`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, g, jsonify, request, url_for
from werkzeug.wrappers import Response

from server.auth.consent_handoffs import UnknownHandoff
from server.auth.oauth import Consent, server_metadata
from server.auth.oauth_web import consent_grant, consent_handoffs, oauth_server
from server.auth.web import Principal, session_principal, signing_key
from server.db.request import reader
from server.domain.books import CAN_WRITE, member_role
from server.errors import AppError, NotFound, Unauthorized, ValidationFailed
from server.security import pages_origin

bp = Blueprint("oauth", __name__)
P = ParamSpec("P")


class AuthorizationRefused(AppError):
    status, title, code = 400, "Authorization request refused", "oauth_request_refused"


def _signed_in_user() -> Principal:
    """The user answering, signed in to the app itself (an app's token cannot say yes)."""
    if g.get("principal") is None:
        raise Unauthorized("Sign in to Tallybook to answer this app.")
    return session_principal()


def _form_checked(view: Callable[P, Any]) -> Callable[P, Any]:
    """Answer a token or revocation request that Authlib should not read with its OAuth error,
    before anything reads the form."""

    @wraps(view)
    def checked(*args: P.args, **kwargs: P.kwargs) -> Any:
        from server.auth.oauth_server import malformed_form_request  # see server.auth.oauth_web

        error = malformed_form_request()
        if error is not None:
            return oauth_server().handle_error_response(None, error)
        return view(*args, **kwargs)

    return checked


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
        grant = consent_grant(principal.user)
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
@_form_checked
def token() -> Response:
    """Exchange a code (with its PKCE verifier) or a refresh token for new tokens."""
    return oauth_server().create_token_response()


@bp.post("/oauth/revoke")
@_form_checked
def revoke() -> Response:
    """Revoke a token (RFC 7009): the app's whole grant ends with it."""
    return oauth_server().create_endpoint_response("revocation")


@bp.get("/oauth/jwks.json")
def jwks() -> Response:
    """The public key that signs access tokens, for apps that check them."""
    from server.auth.access_tokens import public_jwks  # see server.auth.oauth_web

    return jsonify(public_jwks(signing_key()))


@bp.get("/.well-known/oauth-authorization-server")
def metadata() -> Response:
    """Authorization server metadata (RFC 8414)."""
    issuer = request.host_url.rstrip("/")
    return jsonify(
        server_metadata(
            issuer=issuer,
            # A page: under localhost, where the user's session lives (see server.security).
            authorization_endpoint=pages_origin() + url_for("consent.authorize"),
            token_endpoint=issuer + url_for("oauth.token"),
            revocation_endpoint=issuer + url_for("oauth.revoke"),
            jwks_uri=issuer + url_for("oauth.jwks"),
            service_documentation=issuer + url_for("pages.api_docs"),
        )
    )
