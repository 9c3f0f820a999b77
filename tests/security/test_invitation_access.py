"""Who may see and answer an invitation: the person invited, signed in to the app. Tokens may
list one's invitations but not answer them; apps reach neither; others find nothing.

(The book's side, inviting and withdrawing, is in the authorization matrix.)
"""

from __future__ import annotations

import pytest

from server.clock import utcnow
from server.domain.books import create_book, list_books
from server.domain.invitations import InvitationInput, invite_member
from tests.security.test_authorization_matrix import app_token

MINE = "/api/v1/me/invitations"
# What each caller gets: listing (with how many invitations it sees), accepting, declining.
EXPECTED = {
    "anonymous": ((401, None), 401, 401),
    "someone_else": ((200, 0), 404, 404),
    "read_token": ((200, 1), 403, 403),
    "write_token": ((200, 1), 403, 403),
    "read_app": ((403, None), 403, 403),
    "write_app": ((403, None), 403, 403),
    "invited": ((200, 1), 200, 404),  # declining after accepting: nothing left to decline
}


@pytest.fixture
def invited(app, database, make_user, make_token, sign_in):
    """Sam invited into Olivia's book; a client and headers for each kind of caller."""
    olivia, sam = make_user("olivia"), make_user("sam")
    make_user("nadia")
    now = utcnow()
    book = create_book(database, olivia.id, name="Shared", currency="EUR", now=now).id
    new = InvitationInput(username="sam", role="editor")
    invitation = invite_member(database, book, new, now=now, by_user=olivia.id)
    with database.read() as conn:
        own_book = list_books(conn, sam.id)[0].id
    bearer = {
        "read_token": make_token(sam, "read"),
        "write_token": make_token(sam, "write"),
        "read_app": app_token(app, database, sam.id, own_book, "read"),
        "write_app": app_token(app, database, sam.id, own_book, "read write"),
    }
    return invitation.id, book, bearer


def caller(app, sign_in, bearer, principal):
    """Return (client, headers) for a kind of caller."""
    if principal in bearer:
        return app.test_client(), {"Authorization": f"Bearer {bearer[principal]}"}
    if principal == "anonymous":
        return app.test_client(), {}
    signed = sign_in({"invited": "sam", "someone_else": "nadia"}[principal])
    return signed.client, {"X-CSRF-Token": signed.csrf_token}


@pytest.mark.parametrize("principal", EXPECTED)
def test_who_lists_and_answers_an_invitation(app, sign_in, invited, principal):
    invitation_id, book, bearer = invited
    client, headers = caller(app, sign_in, bearer, principal)
    (list_status, seen), accept_status, decline_status = EXPECTED[principal]

    listed = client.get(MINE, headers=headers)
    assert listed.status_code == list_status, listed.json
    if seen is not None:
        assert len(listed.json["items"]) == seen
    accepted = client.post(f"{MINE}/{invitation_id}/accept", headers=headers)
    assert accepted.status_code == accept_status, accepted.json
    declined = client.delete(f"{MINE}/{invitation_id}", headers=headers)
    assert declined.status_code == decline_status, declined.json
    # Only the person invited, in the app, got into the book.
    joined = client.get(f"/api/v1/books/{book}", headers=headers).status_code == 200
    assert joined == (principal == "invited")
