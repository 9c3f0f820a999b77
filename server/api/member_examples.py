"""Example requests and responses of the member and invitation routes.

The same household as `server.api.examples`: Alex (user 1) owns "Household" and invites Sam.
"""

from __future__ import annotations

from server.api.examples import AT, BOOK, EARLIER

LATER = "2026-03-16T18:24:05+00:00"  # AT + the 14 days an invitation lasts

MEMBER = {"user_id": 2, "username": "sam", "role": "editor", "since": AT}
MEMBER_PATCH = {"role": "viewer"}
MEMBER_PAGE = {
    "items": [{"user_id": 1, "username": "alex", "role": "owner", "since": EARLIER}, MEMBER],
    "next_cursor": None,
}
INVITATION_IN = {"username": "sam", "role": "editor"}
INVITATION = {
    "id": 7,
    "username": "sam",
    "role": "editor",
    "invited_by": "alex",
    "created_at": AT,
    "expires_at": LATER,
}
INVITATION_PAGE = {"items": [INVITATION], "next_cursor": None}
INVITATION_TO_ME_PAGE = {
    "items": [
        {
            "id": 7,
            "book_name": "Household",
            "role": "editor",
            "invited_by": "alex",
            "expires_at": LATER,
        }
    ],
    "next_cursor": None,
}
JOINED_BOOK = {**BOOK, "role": "editor"}
