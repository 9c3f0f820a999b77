"""Members of a book: list them, change roles, remove (or leave). People join a book by
accepting an invitation (server/api/invitations.py)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, String
from apiflask.validators import OneOf

from server.api import member_examples as ex
from server.api.access import book_access
from server.api.schemas import PageQuery, errors, page_schema, paginate
from server.auth.oauth import fit_grants_to_role
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.domain import members as domain
from server.domain.books import CAN_WRITE, ROLES
from server.request_db import database, reader

bp = APIBlueprint("members", __name__, tag="Members")

MEMBERS = "/books/<int:book_id>/members"
ROLE_DOC = (
    "`owner` manages the book and its members, `editor` reads and writes its data, "
    "`viewer` only reads."
)
OWNERS_ONLY = {403: "Only an owner manages members", 404: "No such book, or no such member"}
LAST_OWNER = {409: "It would leave the book without an owner"}


class MemberOut(Schema):
    user_id = Integer(metadata={"example": 2})
    username = String(metadata={"example": "sam"})
    role = String(validate=OneOf(ROLES), metadata={"description": ROLE_DOC})
    since = DateTime(metadata={"description": "When they became a member."})


class MemberPatch(Schema):
    role = String(required=True, validate=OneOf(ROLES), metadata={"description": ROLE_DOC})


class MemberChanged(MemberOut):
    """A member after a change of role: a schema of its own, because APIFlask meets MemberOut
    nested in MemberPage first (its path is shorter) and would register it twice."""


MemberPage = page_schema(MemberOut, "MemberPage")


@bp.patch(MEMBERS + "/<int:user_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(MemberPatch, arg_name="body", example=ex.MEMBER_PATCH)
@bp.output(MemberChanged, example={**ex.MEMBER, "role": "viewer"})
@bp.doc(
    summary="Change a member's role",
    description="Owners only. The last owner cannot be given another role: make someone "
    "else an owner first (409). " + ROLE_DOC,
    responses=errors(401, 422, why={**OWNERS_ONLY, **LAST_OWNER}),
)
@book_access("manage")
def change_role(book_id: int, user_id: int, body: dict[str, str]) -> Any:
    """Change a member's role."""
    role = body["role"]
    changed = domain.change_role(
        database(), book_id, user_id, role, by_user=current_principal().user.id
    )
    # The member's apps may do no more than the member (same transaction, from the gate).
    fit_grants_to_role(database(), user_id, book_id, utcnow(), may_write=role in CAN_WRITE)
    return changed


@bp.get(MEMBERS)
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(MemberPage, example=ex.MEMBER_PAGE)
@bp.doc(
    summary="List members",
    description="Everyone who shares the book, with their role, by user id. Any member may "
    "list them.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_all(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's members, a page at a time."""
    found = domain.list_members(reader(), book_id)
    return paginate(found, query["limit"], query["cursor"])


@bp.delete(MEMBERS + "/<int:user_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Remove a member, or leave the book",
    description="Owners remove anyone; any member removes themselves (leaves) with their own "
    "user id. The last owner can do neither (409). A removed member no longer sees the book "
    "(404) from their next request on, and the apps they let into it lose their access.",
    responses=errors(401, why={**OWNERS_ONLY, **LAST_OWNER}),
)
@book_access("manage", or_self="user_id")
def remove(book_id: int, user_id: int) -> tuple[str, int]:
    """Remove a member from the book."""
    domain.remove_member(database(), book_id, user_id, by_user=current_principal().user.id)
    fit_grants_to_role(database(), user_id, book_id, utcnow(), may_write=None)
    return "", 204
