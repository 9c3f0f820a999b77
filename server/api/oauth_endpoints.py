"""The OAuth 2.0 endpoints apps call (token, revocation, keys, metadata), and the consent
page's answer.

Outside /api/v1 (their URLs are the protocol's), they answer in RFC 6749's terms, not
problem+json: the protocol is Authlib's (`server.auth.oauth_server`) and these routes only
carry HTTP to it. Authlib reads and judges the forms itself, so their schemas document them
(`validation=False`) and APIFlask's validation never answers. The consent page itself is
`server.pages.consent`; its answer is in the document (a page's call, not an app's: it needs
the user signed in to Tallybook); the desktop handoff, a detail of the pages, is not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec

from apiflask import APIBlueprint
from authlib.oauth2 import OAuth2Error
from flask import g, jsonify, request, url_for
from werkzeug.wrappers import Response

from server.api.oauth_schemas import (
    JWKS,
    METADATA,
    REDIRECT_URI,
    REVOCATION_FORMS,
    TAG,
    TOKEN_FORMS,
    TOKENS,
    AuthorizationServerMetadata,
    ConsentAnswer,
    ConsentAnswered,
    ConsentQuery,
    JsonWebKeySet,
    OAuthRevocationForm,
    OAuthTokenForm,
    OAuthTokens,
    oauth_error,
    unauthenticated,
)
from server.api.schemas import errors
from server.auth.consent_handoffs import UnknownHandoff
from server.auth.oauth import ACCESS_TOKEN_ALGORITHM, Consent, server_metadata
from server.auth.oauth_web import consent_grant, consent_handoffs, oauth_server
from server.auth.web import Principal, session_principal, signing_key
from server.domain.books import CAN_WRITE, member_role
from server.errors import AppError, NotFound, Unauthorized, ValidationFailed
from server.request_db import reader
from server.request_input import json_object
from server.security import pages_origin
from server.translatable import _l

bp = APIBlueprint("oauth", __name__, tag=TAG)
P = ParamSpec("P")


class AuthorizationRefused(AppError):
    status, title, code = 400, "Authorization request refused", "oauth_request_refused"


def _signed_in_user() -> Principal:
    """The user answering, signed in to the app itself (an app's token cannot say yes)."""
    if g.get("principal") is None:
        raise Unauthorized(_l("Sign in to Tallybook to answer this app."))
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
@bp.input(ConsentQuery, location="query", arg_name="query", validation=False)
@bp.input(ConsentAnswer, arg_name="body", validation=False, example={"allow": True, "book_id": 3})
@bp.output(ConsentAnswered, example={"redirect_to": f"{REDIRECT_URI}?code=8bK1Yc0H3n7eZs2Qm5TqWv"})
@bp.doc(
    summary="Answer an app's request (the consent page's Allow or Deny)",
    description=(
        "What the consent page sends when the user chooses, with the same query as the page "
        "(the app's authorization request). Only the user signed in to Tallybook answers: "
        "the session cookie and `X-CSRF-Token`, never a token. The answer says where the "
        "browser goes: the app's redirect URI with `code`, or with `error=access_denied`."
    ),
    responses=errors(
        401,
        422,
        why={
            400: (
                "The app's request cannot be accepted (unknown app, redirect URI, scope...), "
                "or a waiting browser's request is over",
                "The app's request waited too long: start again from the app.",
            ),
            403: (
                "Not the user signed in to Tallybook (a token), or the CSRF header is missing",
                "This needs a signed-in session in the app; API tokens cannot do it.",
            ),
        },
    ),
    operation_id="post_oauth_authorize",
)
def decide(query: Mapping[str, Any], body: Any) -> Any:
    """The user's answer: `{"allow": true, "book_id": 3}` or `{"allow": false}`.

    Answers `{"redirect_to": url}`: the app's redirect URI with a code, or with an error. When
    the window answers for a waiting browser (`handoff`), that browser is sent there instead.
    Authlib reads the authorization request itself, and the body is judged here: `query` and
    `body` only document them.
    """
    principal = _signed_in_user()
    body = json_object()
    if not isinstance(body, dict) or not isinstance(body.get("allow"), bool):
        raise ValidationFailed.on("allow", _l("Say true to allow the app or false to deny it."))
    book_id = body.get("book_id")
    if body["allow"] and (not isinstance(book_id, int) or isinstance(book_id, bool)):
        raise ValidationFailed.on("book_id", _l("Choose the book the app may use."))
    server = oauth_server()
    try:
        grant = consent_grant(principal.user)
    except OAuth2Error as error:
        raise AuthorizationRefused(error.description or error.error) from None
    consent = None
    if body["allow"]:
        asked_book = request.args.get("book_id", type=int)
        if asked_book is not None and book_id != asked_book:
            raise ValidationFailed.on("book_id", _l("The app asked for another book."))
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
            _l("The app's request waited too long: start again from the app.")
        ) from None
    return jsonify(redirect_to=None, handed_off=True)


@bp.get("/oauth/handoff/<handle>")
@bp.doc(hide=True)
def handoff(handle: str) -> Response:
    """The waiting browser asks whether the window has answered: `{"answered": false}`, or
    `{"answered": true, "redirect_to": url}` (once; the handoff is then over)."""
    try:
        redirect_to = consent_handoffs().collect(handle)
    except UnknownHandoff:
        raise NotFound(_l("This request is over: start again from the app.")) from None
    return jsonify(answered=redirect_to is not None, redirect_to=redirect_to)


@bp.post("/oauth/token")
@_form_checked
@bp.input(OAuthTokenForm, location="form", arg_name="form", validation=False, examples=TOKEN_FORMS)
@bp.output(OAuthTokens, description="New tokens (`Cache-Control: no-store`).", example=TOKENS)
@bp.doc(
    summary="Get tokens for a code or a refresh token",
    description=(
        "A form. Answers an access token (a JWT, valid {OAUTH_ACCESS_TOKEN_LIFETIME}, for the "
        "one book the user chose) and a refresh token (valid {OAUTH_REFRESH_TOKEN_LIFETIME}, "
        "works once). A code used twice revokes what it gave; a used refresh token coming back "
        "revokes the app's access altogether. A public app sends its `client_id`; a "
        "confidential one authenticates with its secret (Basic or in the form)."
    ),
    responses={
        400: oauth_error(
            "The request is wrong: `invalid_request` (a missing or repeated parameter, a "
            "missing or malformed `code_verifier`, a body that is not a form), "
            "`unsupported_grant_type` (none, or another), `invalid_grant` (a wrong, used or "
            "expired code or refresh token, another redirect URI, a wrong verifier), "
            "`invalid_scope` (wider than granted), `invalid_client` (a `client_id` in the form "
            "that is no app's).",
            "invalid_request",
            "Missing 'code_verifier'.",
        ),
        401: unauthenticated(),
    },
)
def token(form: Mapping[str, Any]) -> Response:
    """Exchange a code (with its PKCE verifier) or a refresh token for new tokens (Authlib
    reads the form itself: `form` only documents it)."""
    return oauth_server().create_token_response()


@bp.post("/oauth/revoke")
@_form_checked
@bp.input(
    OAuthRevocationForm,
    location="form",
    arg_name="form",
    validation=False,
    examples=REVOCATION_FORMS,
)
@bp.doc(
    summary="Revoke the app's access (RFC 7009)",
    description=(
        "A form. Revoking either token, even an expired access token, ends the whole grant: "
        "every token of it stops working at once, and the app leaves the user's Settings > "
        "Authorized apps. A token that is unknown, not Tallybook's, or already revoked gets "
        "the same 200."
    ),
    responses={
        200: {
            "description": "Revoked (or nothing to revoke): an empty JSON object.",
            "content": {"application/json": {"schema": {"type": "object"}, "example": {}}},
        },
        400: oauth_error(
            "No `token` (`invalid_request`), a `token_type_hint` other than the two "
            "(`unsupported_token_type`), a token given to another app (`invalid_grant`), or a "
            "`client_id` in the form that is no app's (`invalid_client`).",
            "invalid_request",
            "Missing 'token'.",
        ),
        401: unauthenticated(),
    },
)
def revoke(form: Mapping[str, Any]) -> Response:
    """Revoke a token (RFC 7009): the app's whole grant ends with it (Authlib reads the form
    itself: `form` only documents it)."""
    return oauth_server().create_endpoint_response("revocation")


@bp.get("/oauth/jwks.json")
@bp.output(JsonWebKeySet, description="The public key.", example=JWKS)
@bp.doc(
    summary="The key that signs access tokens",
    description=(
        f"A JWK Set (RFC 7517) with the public {ACCESS_TOKEN_ALGORITHM} key, for an app that "
        "checks its tokens itself; the API checks every token anyway. The key is kept in the "
        "data folder, so it stays the same across restarts."
    ),
)
def jwks() -> dict[str, Any]:
    """The public key that signs access tokens, for apps that check them."""
    from server.auth.access_tokens import public_jwks  # see server.auth.oauth_web

    return public_jwks(signing_key())


@bp.get("/.well-known/oauth-authorization-server")
@bp.output(AuthorizationServerMetadata, description="The metadata.", example=METADATA)
@bp.doc(
    summary="Where the OAuth endpoints are (RFC 8414)",
    description=(
        "Start here: the endpoints under the name the app reached the server by, and what they "
        "take. The consent page is under `localhost`, where the user's session in the browser "
        "lives."
    ),
)
def metadata() -> dict[str, str | list[str]]:
    """Authorization server metadata (RFC 8414)."""
    issuer = request.host_url.rstrip("/")
    return server_metadata(
        issuer=issuer,
        # A page: under localhost, where the user's session lives (see server.security).
        authorization_endpoint=pages_origin() + url_for("consent.authorize"),
        token_endpoint=issuer + url_for("oauth.token"),
        revocation_endpoint=issuer + url_for("oauth.revoke"),
        jwks_uri=issuer + url_for("oauth.jwks"),
        service_documentation=issuer + url_for("pages.api_docs"),
    )
