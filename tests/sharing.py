"""How a person joins a book in the tests: an owner invites them and they accept, as in the
app (tests/api/test_invitations.py tests the invitations themselves)."""

from __future__ import annotations

from typing import Any

from server.clock import utcnow
from server.db import Database
from server.domain.invitations import InvitationInput, accept_invitation, invite_member


def join(database: Database, book_id: int, username: str, role: str, *, by_user: int) -> None:
    """Invite `username` into the book as `role` (sent by `by_user`) and accept it for them."""
    now = utcnow()
    new = InvitationInput(username=username, role=role)
    invitation = invite_member(database, book_id, new, now=now, by_user=by_user)
    with database.read() as conn:
        user_id = conn.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
    accept_invitation(database, user_id[0], invitation.id, now=now)


def share(owner: Any, invitee: Any, book_id: int, role: str) -> None:
    """Over the API: `owner` invites the signed-in `invitee` as `role`, who accepts."""
    sent = owner.post(
        f"/api/v1/books/{book_id}/invitations",
        json={"username": invitee.user.username, "role": role},
    )
    assert sent.status_code == 201, sent.json
    accepted = invitee.post(f"/api/v1/me/invitations/{sent.json['id']}/accept")
    assert accepted.status_code == 200, accepted.json
