"""The OAuth 2.0 authorization server: Authlib's protocol over our records (`server.auth.oauth`
and `server.auth.oauth_tokens`).

Only the authorization code grant with PKCE and the refresh token grant are registered: no
implicit, password or client credentials grant. Authlib's PKCE lets a request without a
`code_challenge` through, allows `plain`, and insists on the verifier only for public apps;
`_S256Required` demands S256 from every app. Imported and built on an app's first request:
with the JWT library it costs 90 ms that the window's start-up should not pay.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.base import invalid_error_characters
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    UnsupportedGrantTypeError,
    grants,
)
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import current_app, request

from server.auth import oauth, oauth_tokens
from server.auth.access_tokens import issue_access_token, read_access_token
from server.auth.web import signing_key
from server.clock import utcnow
from server.request_db import database, reader


class _Client(ClientMixin):
    """A registered app as Authlib sees it."""

    def __init__(self, record: oauth.OAuthClient) -> None:
        self.record = record

    def get_client_id(self) -> str:
        return self.record.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # an app on this computer names its redirect URI, with its port, each time

    def get_allowed_scope(self, scope: str | None) -> str | None:
        try:
            return oauth.normalize_scope(scope)
        except ValueError:
            return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return self.record.allows_redirect_uri(redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return self.record.secret_is(client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.record.confidential:
            return method in ("client_secret_basic", "client_secret_post")
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in oauth.GRANT_TYPES


class _Code:
    """An authorization code as Authlib sees it."""

    code_challenge_method = "S256"

    def __init__(self, record: oauth_tokens.AuthorizationCode) -> None:
        self.record = record
        self.code_challenge = record.code_challenge

    def get_redirect_uri(self) -> str:
        return self.record.redirect_uri

    def get_scope(self) -> str:
        return self.record.scope


class _Refresh:
    """A refresh token as Authlib sees it."""

    def __init__(self, record: oauth_tokens.RefreshToken) -> None:
        self.record = record

    def check_client(self, client: _Client) -> bool:
        return self.record.grant.client_pk == client.record.id

    def get_scope(self) -> str:
        return self.record.grant.scope


class _S256Required(CodeChallenge):
    """PKCE for every app, S256 only (Authlib's own would accept less)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE with S256 is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


def _lifetime(name: str) -> timedelta:
    return timedelta(seconds=current_app.config[name])


class _AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(oauth.AUTH_METHODS)

    def save_authorization_code(self, code: str, request: Any) -> None:
        consent: oauth.Consent = request.user
        oauth_tokens.save_code(
            database(),
            code,
            client=request.client.record,
            user_id=consent.user_id,
            book_id=consent.book_id,
            scope=consent.scope,
            redirect_uri=request.payload.redirect_uri,
            code_challenge=request.payload.data["code_challenge"],
            now=utcnow(),
            lifetime=_lifetime("OAUTH_CODE_LIFETIME"),
        )

    def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
        found = oauth_tokens.look_up_code(database(), code, client.record, utcnow())
        return _Code(found) if found else None

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        """Nothing left to do: `authenticate_user` spent the code."""

    def authenticate_user(self, authorization_code: _Code) -> oauth.Grant:
        grant = oauth_tokens.redeem_code(database(), authorization_code.record, utcnow())
        if grant is None:
            raise InvalidGrantError("The authorization code was already used.")
        return grant


class _RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(oauth.AUTH_METHODS)
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: every refresh token is used once

    def authenticate_refresh_token(self, refresh_token: str) -> _Refresh:
        found = oauth_tokens.look_up_refresh_token(database(), refresh_token, utcnow())
        if found is None or found.grant.client_pk != self.request.client.record.id:
            # Said here: Authlib's own refusal would not say why.
            raise InvalidGrantError(
                "The refresh token is unknown, expired, used, revoked, or another app's: "
                "ask the user for access again."
            )
        return _Refresh(found)

    def authenticate_user(self, refresh_token: _Refresh) -> oauth.Grant:
        # Spent here, before the new tokens exist, so two requests cannot both refresh.
        if not oauth_tokens.spend_refresh_token(database(), refresh_token.record, utcnow()):
            raise InvalidGrantError("The refresh token was already used.")
        return refresh_token.record.grant

    def issue_token(self, user: oauth.Grant, refresh_token: _Refresh) -> dict[str, Any]:
        """An access token of the scope asked for (within the grant: Authlib checked it), and
        a refresh token of the grant's whole scope, as the one presented (RFC 6749 6)."""
        asked = self.request.payload.scope
        scope = oauth.normalize_scope(asked) if asked else user.scope
        return self.generate_token(user=user, scope=scope, include_refresh_token=True)

    def revoke_old_credential(self, refresh_token: _Refresh) -> None:
        """Nothing left to do: `authenticate_user` spent the token."""


class _Revocable:
    """A token handed in for revocation: revoking it revokes its grant, all of the family."""

    def __init__(self, grant: oauth.Grant) -> None:
        self.grant = grant

    def check_client(self, client: _Client) -> bool:
        return self.grant.client_pk == client.record.id


class _Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = list(oauth.AUTH_METHODS)

    def check_params(self, request: Any, client: _Client) -> None:
        if not request.form.get("token"):
            raise InvalidRequestError("Missing 'token'.")
        hint = request.form.get("token_type_hint")
        if hint and hint not in self.SUPPORTED_TOKEN_TYPES:
            # An error of RFC 6749 5.2 (RFC 7009 2.2.1), so 400 where Authlib answers 401.
            known = " or ".join(self.SUPPORTED_TOKEN_TYPES)
            raise OAuth2Error(
                f"'token_type_hint' is {known}.", status_code=400, error="unsupported_token_type"
            )

    def authenticate_token(self, request: Any, client: _Client) -> _Revocable | None:
        try:
            return super().authenticate_token(request, client)
        except InvalidGrantError as error:  # Authlib's says nothing
            error.description = "This token was given to another app: it revokes only its own."
            raise

    def query_token(self, token_string: str, token_type_hint: str | None) -> _Revocable | None:
        grant = oauth_tokens.find_refresh_token_grant(reader(), token_string)
        if grant is None:
            claims = read_access_token(signing_key(), token_string, utcnow(), expired_too=True)
            grant = oauth.find_live_grant(reader(), claims.grant_id) if claims else None
        return _Revocable(grant) if grant else None

    def revoke_token(self, token: _Revocable, request: Any) -> None:
        oauth.revoke_grant(database(), token.grant.id, utcnow())


def unsafe_parameter(parameters: Iterable[tuple[str, list[str]]]) -> OAuth2Error | None:
    """Return the error for a parameter given twice, or with characters no OAuth parameter of
    ours has (RFC 6749 A: printable ASCII; Authlib would echo them into an error and fail)."""
    for name, values in parameters:
        # Named only when the name may be said: an OAuth error's text is printable ASCII.
        said = "A parameter" if invalid_error_characters(name) else f"'{name}'"
        if len(values) > 1:
            return InvalidRequestError(f"{said} is given {len(values)} times: send it once.")
        if name != "state" and invalid_error_characters(name + values[0]):
            return InvalidRequestError(
                f"{said} has characters OAuth does not allow (quotes, backslashes, non-ASCII)."
            )
    return None


def malformed_form_request() -> OAuth2Error | None:
    """Return what is wrong with the form of a token or revocation request, before Authlib
    reads it, or None."""
    if request.mimetype != "application/x-www-form-urlencoded":
        return InvalidRequestError(
            "Send the parameters as application/x-www-form-urlencoded (RFC 6749 3.2)."
        )
    if (error := unsafe_parameter(request.form.lists())) is not None:
        return error
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return InvalidClientError(
                "The Basic credentials are not base64 of UTF-8 client_id:client_secret.",
                status_code=401,
            )
    return None


def _why_not_authenticated(request: Any) -> str | None:
    """Say what a known app did wrong authenticating itself (Authlib only lists the methods)."""
    basic_id, basic_secret = extract_basic_authorization(request.headers)
    # The form's client_id first, as Authlib tries it first (method `none`).
    record = oauth.find_client(reader(), request.form.get("client_id") or basic_id or "")
    if record is None:
        return None
    if not record.confidential:
        return "This app is public: send its client_id in the form, with no secret."
    if not (basic_secret or request.form.get("client_secret")):
        return (
            "This app is confidential: send its client secret, as HTTP Basic credentials or "
            "client_secret in the form."
        )
    return "The client secret is wrong."


class _Server(AuthorizationServer):
    """Authlib's server, with refusals that say what to do (its own leave some unexplained)."""

    def get_token_grant(self, request: Any) -> Any:
        try:
            return super().get_token_grant(request)
        except UnsupportedGrantTypeError as error:
            error.description = f"'grant_type' is {' or '.join(oauth.GRANT_TYPES)}."
            raise

    def authenticate_client(self, request: Any, methods: list[str], endpoint: str = "token") -> Any:
        try:
            return super().authenticate_client(request, methods, endpoint)
        except InvalidClientError as error:
            error.description = _why_not_authenticated(request) or error.description
            raise


def _query_client(client_id: str) -> _Client | None:
    record = oauth.find_client(reader(), client_id)
    return _Client(record) if record else None


def _save_token(token: dict[str, Any], request: Any) -> None:
    oauth_tokens.store_refresh_token(
        database(),
        token["refresh_token"],
        request.user,
        utcnow(),
        _lifetime("OAUTH_REFRESH_TOKEN_LIFETIME"),
    )


def _access_token(client: _Client, grant_type: str, user: oauth.Grant, scope: str) -> str:
    lifetime = current_app.config["OAUTH_ACCESS_TOKEN_LIFETIME"]
    return issue_access_token(signing_key(), user, scope, utcnow(), lifetime)


def _refresh_token(**_: Any) -> str:
    return oauth.REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


def _expires_in(client: _Client, grant_type: str) -> int:
    return current_app.config["OAUTH_ACCESS_TOKEN_LIFETIME"]


def build_server() -> AuthorizationServer:
    """Return an authorization server with our grants, PKCE rule and revocation."""
    server = _Server(query_client=_query_client, save_token=_save_token)
    server.scopes_supported = list(oauth.SCOPES)
    server.register_token_generator(
        "default", BearerTokenGenerator(_access_token, _refresh_token, _expires_in)
    )
    server.register_grant(_AuthorizationCodeGrant, [_S256Required(required=True)])
    server.register_grant(_RefreshTokenGrant)
    server.register_endpoint(_Revocation)
    return server
