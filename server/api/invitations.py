"""Invitations to a book: owners invite people by username; the person invited accepts or
declines in the app. Nobody joins a book without accepting."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, String
from apiflask.validators import Length, OneOf

from server.api import member_examples as ex
from server.api.access import book_access
from server.api.books import BookOut
from server.api.members import OWNERS_ONLY, ROLE_DOC
from server.api.schemas import PageQuery, errors, page_schema, paginate
from server.auth.web import auth, current_principal, session_principal
from server.clock import utcnow
from server.domain import invitations as domain
from server.domain.books import ROLES
from server.request_db import database, reader

bp = APIBlueprint("invitations", __name__, tag="Invitations")

INVITATIONS = "/books/<int:book_id>/invitations"
MINE = "/me/invitations"
DAYS = domain.INVITATION_LIFETIME.days
SAME_ANSWER = (
    "The answer is the same whether or not anyone has the username, so it does not tell "
    "which usernames exist: an invitation to a name nobody has is listed like the others but "
    "can never be accepted (not even by someone who registers the name later)."
)
SESSION_ONLY = {
    403: (
        "Needs a session in the app, not a token",
        "This needs a signed-in session in the app; API tokens cannot do it.",
    )
}
NOT_MINE = {404: "No such pending invitation for you (answered, withdrawn, expired, or not yours)"}


class InvitationIn(Schema):
    username = String(
        required=True,
        validate=Length(max=domain.INVITED_NAME_MAX),
        metadata={"example": "sam", "description": "The username of the person to invite."},
    )
    role = String(
        required=True,
        validate=OneOf(ROLES),
        metadata={"description": "The role they get when they accept. " + ROLE_DOC},
    )


class InvitationOut(Schema):
    id = Integer(metadata={"example": 7})
    username = String(metadata={"description": "The username as it was typed."})
    role = String(validate=OneOf(ROLES), metadata={"description": ROLE_DOC})
    invited_by = String(metadata={"description": "The username of the owner who sent it."})
    created_at = DateTime()
    expires_at = DateTime(metadata={"description": f"{DAYS} days after it was sent."})


class InvitationToMeOut(Schema):
    id = Integer(metadata={"example": 7})
    book_name = String(metadata={"example": "Household"})
    role = String(validate=OneOf(ROLES), metadata={"description": ROLE_DOC})
    invited_by = String(metadata={"description": "The username of the owner who sent it."})
    expires_at = DateTime()


InvitationPage = page_schema(InvitationOut, "InvitationPage")
InvitationToMePage = page_schema(InvitationToMeOut, "InvitationToMePage")


# The create route comes before the list: APIFlask must meet InvitationOut on its own before
# it meets it nested in InvitationPage, or it registers the schema twice.
@bp.post(INVITATIONS)
@bp.auth_required(auth, roles=["write"])
@bp.input(InvitationIn, arg_name="body", example=ex.INVITATION_IN)
@bp.output(InvitationOut, status_code=201, example=ex.INVITATION)
@bp.doc(
    summary="Invite a person into the book",
    description=f"Owners only. Sends an invitation to `username` with a role; they join the "
    f"book when they accept it, within {DAYS} days. Inviting a name again renews its "
    f"invitation with the new role. {SAME_ANSWER} Someone already a member is 409.",
    responses=errors(
        401,
        422,
        why={
            403: OWNERS_ONLY[403],
            404: "No such book",
            409: (
                "Already a member, too many pending invitations (or a request with the same "
                "`Idempotency-Key` is still running)",
                "sam is already a member of this book.",
            ),
        },
    ),
)
@book_access("manage")
def invite(book_id: int, body: dict[str, str]) -> Any:
    """Invite a person into the book."""
    new = domain.InvitationInput(username=body["username"], role=body["role"])
    me = current_principal().user.id
    return domain.invite_member(database(), book_id, new, now=utcnow(), by_user=me), 201


@bp.get(INVITATIONS)
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(InvitationPage, example=ex.INVITATION_PAGE)
@bp.doc(
    summary="List the book's pending invitations",
    description="Invitations not yet answered nor expired, by id. Any member may list them, "
    "as they list the members.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_for_book(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's pending invitations, a page at a time."""
    found = domain.list_invitations(reader(), book_id, now=utcnow())
    return paginate(found, query["limit"], query["cursor"])


@bp.delete(INVITATIONS + "/<int:invitation_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Withdraw an invitation",
    description="Owners only. The invitation can no longer be accepted.",
    responses=errors(
        401, why={403: OWNERS_ONLY[403], 404: "No such book, or no such invitation in it"}
    ),
)
@book_access("manage")
def withdraw(book_id: int, invitation_id: int) -> tuple[str, int]:
    """Withdraw a pending invitation."""
    me = current_principal().user.id
    domain.withdraw_invitation(database(), book_id, invitation_id, by_user=me)
    return "", 204


@bp.get(MINE)
@bp.auth_required(auth)
@bp.input(PageQuery, location="query", arg_name="query")
@bp.output(InvitationToMePage, example=ex.INVITATION_TO_ME_PAGE)
@bp.doc(
    summary="List my pending invitations",
    description="Invitations into other people's books waiting for your answer: the book's "
    "name, who invited you and as what. Your session or a personal access token of any scope; "
    "not an app's token.",
    responses=errors(401, 422),
)
def list_mine(query: dict[str, Any]) -> dict[str, Any]:
    """List the pending invitations sent to the caller."""
    me = current_principal().user.id
    found = domain.list_my_invitations(reader(), me, now=utcnow())
    return paginate(found, query["limit"], query["cursor"])


@bp.post(MINE + "/<int:invitation_id>/accept")
@bp.auth_required(auth, roles=["write"])
@bp.output(BookOut, example=ex.JOINED_BOOK)
@bp.doc(
    summary="Accept an invitation",
    description="Join the book with the invited role; answers the book as you now see it. "
    "Joining a book is the person's own decision: it needs a session in the app, not a token.",
    responses=errors(401, why={**SESSION_ONLY, **NOT_MINE}),
)
def accept(invitation_id: int) -> Any:
    """Accept one of the caller's invitations."""
    me = session_principal().user.id
    return domain.accept_invitation(database(), me, invitation_id, now=utcnow())


@bp.delete(MINE + "/<int:invitation_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Decline an invitation",
    description="The invitation is deleted; the book stays closed to you. Needs a session "
    "in the app, not a token.",
    responses=errors(401, why={**SESSION_ONLY, **NOT_MINE}),
)
def decline(invitation_id: int) -> tuple[str, int]:
    """Decline one of the caller's invitations."""
    me = session_principal().user.id
    domain.decline_invitation(database(), me, invitation_id, now=utcnow())
    return "", 204
