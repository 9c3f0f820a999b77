"""Personal access tokens for scripts."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import AwareDateTime, DateTime, Integer, String
from apiflask.validators import Length, OneOf

from server.api import examples as ex
from server.api.schemas import PageQuery, errors, page_schema, paginate
from server.auth.tokens import NAME_MAX, SCOPES, create_token, list_tokens, revoke_token
from server.auth.web import auth, current_principal, session_principal
from server.clock import utcnow
from server.errors import ValidationFailed
from server.request_db import database, reader
from server.translatable import _l

bp = APIBlueprint("tokens", __name__, tag="API tokens")


class TokenOut(Schema):
    id = Integer()
    name = String(metadata={"example": "budget spreadsheet"})
    scope = String(validate=OneOf(SCOPES), metadata={"example": "read"})
    token_hint = String(
        metadata={
            "description": "The token's first characters, to recognise it.",
            "example": "tb_pat_Xy3k",
        }
    )
    created_at = DateTime()
    expires_at = DateTime(allow_none=True)
    last_used_at = DateTime(allow_none=True)


class TokenCreated(TokenOut):
    token = String(
        metadata={"description": "The secret. Shown this once: it is stored only as a hash."}
    )


class TokenIn(Schema):
    name = String(required=True, validate=Length(min=1, max=NAME_MAX))
    scope = String(required=True, validate=OneOf(SCOPES))
    expires_at = AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "When the token stops working (ISO 8601 with offset); null for never."
        },
    )


TokenPage = page_schema(TokenOut, "TokenPage")


@bp.get("/tokens")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(TokenPage, example=ex.TOKEN_PAGE)
@bp.doc(
    summary="List my tokens",
    description="Tokens that are not revoked; secrets never.",
    responses=errors(401, 422),
)
def list_my_tokens(query: dict[str, Any]) -> dict[str, Any]:
    """List the caller's tokens."""
    tokens = list_tokens(reader(), current_principal().user.id)
    return paginate(tokens, query["limit"], query["cursor"])


@bp.post("/tokens")
@bp.auth_required(auth, roles=["write"])
@bp.input(TokenIn, arg_name="body", example=ex.TOKEN_IN)
@bp.output(TokenCreated, status_code=201, example=ex.TOKEN_CREATED)
@bp.doc(
    summary="Create a token",
    description=(
        "Needs a session in the app: a token cannot create tokens. The response is the only "
        "time the secret is shown."
    ),
    responses=errors(
        401,
        422,
        why={
            403: (
                "Needs a session in the app: a token cannot create tokens",
                "This needs a signed-in session in the app; API tokens cannot do it.",
            )
        },
    ),
)
def create_my_token(body: dict[str, Any]) -> dict[str, Any]:
    """Create a personal access token."""
    principal = session_principal()
    now = utcnow()
    name = body["name"].strip()
    if not name:
        raise ValidationFailed.on("name", _l("Give the token a name."))
    if body["expires_at"] is not None and body["expires_at"] <= now:
        raise ValidationFailed.on("expires_at", _l("Choose a time in the future."))
    token, secret = create_token(
        database(),
        principal.user.id,
        name=name,
        scope=body["scope"],
        now=now,
        expires_at=body["expires_at"],
    )
    return {**token.__dict__, "token": secret}


@bp.delete("/tokens/<int:token_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Revoke a token",
    description="It stops working at once.",
    responses=errors(401, 403, why={404: ("No such token of yours", "No token with id 9.")}),
)
def revoke_my_token(token_id: int) -> tuple[str, int]:
    """Revoke one of the caller's tokens."""
    revoke_token(database(), current_principal().user.id, token_id, utcnow())
    return "", 204
