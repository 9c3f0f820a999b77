"""Apps (OAuth 2.0 clients): registered by administrators, authorized by users for one book."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, List, String
from apiflask.validators import Length

from server.api.schemas import Flag, PageQuery, errors, page_schema, paginate
from server.auth.oauth import (
    MAX_REDIRECT_URIS,
    REDIRECT_URI_TEXT_MAX,
    delete_client,
    list_clients,
    list_grants,
    register_client,
    revoke_grant,
)
from server.auth.tokens import NAME_MAX
from server.auth.web import auth, current_principal, require_admin, session_principal
from server.clock import utcnow
from server.request_db import database, reader

bp = APIBlueprint("apps", __name__, tag="Apps (OAuth)")

REDIRECT_URI = "http://127.0.0.1/callback"
CLIENT = {
    "id": 1,
    "client_id": "tb_app_3q2Vb0m1x9ZkR7pL4sT8wA",
    "name": "Receipt scanner",
    "redirect_uris": [REDIRECT_URI],
    "confidential": False,
    "created_at": "2026-11-20T09:30:00Z",
}
CLIENT_IN = {"name": "Receipt scanner", "redirect_uris": [REDIRECT_URI], "confidential": False}
AUTHORIZED_APP = {
    "id": 4,
    "client_id": CLIENT["client_id"],
    "name": "Receipt scanner",
    "book_id": 1,
    "book_name": "Household",
    "scope": "read write",
    "created_at": "2026-11-21T18:02:11Z",
    "last_used_at": "2026-11-24T07:45:00Z",
}
FORBIDDEN_TOKENS = (
    "Needs a signed-in session of an administrator",
    "This needs a signed-in session in the app; API tokens cannot do it.",
)


class ClientOut(Schema):
    id = Integer()
    client_id = String(
        metadata={"description": "The app's public identifier, for its authorization requests."}
    )
    name = String(metadata={"description": "Shown to users on the consent page."})
    redirect_uris = List(
        String(),
        metadata={"description": "Loopback URIs; a request may use any port (RFC 8252 7.3)."},
    )
    confidential = Flag(
        metadata={"description": "Whether the app authenticates with a secret (else PKCE only)."}
    )
    created_at = DateTime()


class ClientCreated(ClientOut):
    client_secret = String(
        allow_none=True,
        metadata={
            "description": "For a confidential app, its secret: shown this once, stored hashed."
        },
    )


class ClientIn(Schema):
    name = String(required=True, validate=Length(min=1, max=NAME_MAX))
    redirect_uris = List(
        String(validate=Length(min=1, max=REDIRECT_URI_TEXT_MAX)),
        required=True,
        validate=Length(min=1, max=MAX_REDIRECT_URIS),
        metadata={
            "description": (
                "Where the app receives its answer: `http://127.0.0.1/<path>` or "
                "`http://[::1]/<path>`, the port left to the app."
            )
        },
    )
    confidential = Flag(
        load_default=False,
        metadata={
            "description": "Give the app a secret too (most apps on a desktop cannot keep one)."
        },
    )


class AuthorizedAppOut(Schema):
    id = Integer()
    client_id = String()
    name = String(attribute="client_name", metadata={"description": "The app's name."})
    book_id = Integer()
    book_name = String()
    scope = String(metadata={"description": "`read`, or `read write`."})
    created_at = DateTime(metadata={"description": "When you allowed it."})
    last_used_at = DateTime(allow_none=True)


ClientPage = page_schema(ClientOut, "OAuthClientPage")
AuthorizedAppPage = page_schema(AuthorizedAppOut, "AuthorizedAppPage")


@bp.get("/oauth/clients")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(ClientPage, example={"items": [CLIENT], "next_cursor": None})
@bp.doc(
    summary="List registered apps",
    description="Every app registered to ask users for access. Administrators only.",
    responses=errors(401, 422, why={403: "Only an administrator can do this"}),
)
def list_apps(query: dict[str, Any]) -> dict[str, Any]:
    """List the registered apps."""
    require_admin()
    return paginate(list_clients(reader()), query["limit"], query["cursor"])


@bp.post("/oauth/clients")
@bp.auth_required(auth, roles=["write"])
@bp.input(ClientIn, arg_name="body", example=CLIENT_IN)
@bp.output(ClientCreated, status_code=201, example={**CLIENT, "client_secret": None})
@bp.doc(
    summary="Register an app",
    description=(
        "An administrator registers an app on this computer, with the loopback redirect URIs "
        "it listens on. The app then asks users for access with the authorization code flow "
        "and PKCE (see `/.well-known/oauth-authorization-server`). Needs a session in the app."
    ),
    responses=errors(401, 422, why={403: FORBIDDEN_TOKENS}),
)
def register_app(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Register an OAuth client."""
    require_admin()
    client, secret = register_client(
        database(),
        name=body["name"],
        redirect_uris=body["redirect_uris"],
        confidential=body["confidential"],
        now=utcnow(),
    )
    return {**client.__dict__, "confidential": client.confidential, "client_secret": secret}, 201


@bp.delete("/oauth/clients/<int:client_pk>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Remove a registered app",
    description="Every user's access through it ends at once. Needs an administrator's session.",
    responses=errors(401, why={403: FORBIDDEN_TOKENS, 404: ("No such app", "No app with id 9.")}),
)
def remove_app(client_pk: int) -> tuple[str, int]:
    """Delete an OAuth client and all it was given."""
    require_admin()
    delete_client(database(), client_pk)
    return "", 204


@bp.get("/authorized-apps")
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(AuthorizedAppPage, example={"items": [AUTHORIZED_APP], "next_cursor": None})
@bp.doc(
    summary="List my authorized apps",
    description="The apps you let into a book and have not revoked, oldest first.",
    responses=errors(401, 422, why={403: "An app's own token cannot list apps"}),
)
def list_my_authorized_apps(query: dict[str, Any]) -> dict[str, Any]:
    """List the caller's grants."""
    grants = list_grants(reader(), current_principal().user.id)
    return paginate(grants, query["limit"], query["cursor"])


@bp.delete("/authorized-apps/<int:grant_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Revoke an app's access",
    description="Its tokens stop working at once; to come back it must ask you again.",
    responses=errors(
        401,
        why={
            403: FORBIDDEN_TOKENS,
            404: ("No such app of yours", "No authorized app with id 9."),
        },
    ),
)
def revoke_authorized_app(grant_id: int) -> tuple[str, int]:
    """Revoke one of the caller's grants."""
    principal = session_principal()
    revoke_grant(
        database(), grant_id, utcnow(), user_id=principal.user.id, because="revoked by the user"
    )
    return "", 204
