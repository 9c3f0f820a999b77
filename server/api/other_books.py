"""A whole book brought from another finance app (Beancount, GnuCash, ...) as a new book."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from apiflask.validators import Length

from server.api import other_book_examples as ox
from server.api.books import BookOut
from server.api.schemas import errors
from server.auth.web import auth, current_principal
from server.characters import refuse_odd_characters
from server.clock import utcnow
from server.domain.imports import FILE_NAME_MAX
from server.domain.other_books import MAX_OTHER_BOOK_BYTES, OtherAppFile, bring_book
from server.domain.validation import NAME_MAX
from server.errors import ValidationFailed
from server.otherapps.registry import APPS
from server.request_db import database
from server.translatable import _l

bp = APIBlueprint("other_books", __name__, tag="Books")


class OtherBookIn(Schema):
    file_name = String(required=True, validate=Length(min=1, max=FILE_NAME_MAX))
    content = String(
        required=True,
        metadata={
            "description": "The file's bytes, base64-encoded, as the other app saved it "
            f"(at most {MAX_OTHER_BOOK_BYTES // 2**20} MB before encoding).",
            "format": "byte",
            "minLength": 1,
        },
    )
    name = String(
        validate=Length(min=1, max=NAME_MAX),
        metadata={"description": "The new book's name; the source's own when left out."},
    )


class AccountCheckOut(Schema):
    account = String(metadata={"description": "The account's name in the new book."})
    currency = String()
    source_balance = String(metadata={"description": "What the other app says it holds."})
    balance = String(metadata={"description": "What it holds in the new book."})
    equal = Boolean()


class OtherBookOut(Schema):
    book = Nested(BookOut)
    app = String(metadata={"enum": list(APPS)})
    accounts = List(Nested(AccountCheckOut))
    mismatches = Integer(metadata={"description": "How many accounts' balances differ."})
    notes = List(
        String(),
        metadata={
            "description": "What did not come over, and what the source itself gets wrong "
            "(a failed balance assertion, say), in plain words."
        },
    )


APP_LIST = "; ".join(f"`{app.key}`: {app.files}" for app in APPS.values())


@bp.post("/books/import/<app>")
@bp.auth_required(auth, roles=["write"])
@bp.input(OtherBookIn, example=ox.OTHER_BOOK_IN)
@bp.output(OtherBookOut, status_code=201, example=ox.OTHER_BOOK_OUT)
@bp.doc(
    summary="Make a book from another app's book",
    description="A new book, owned by you, with the accounts, categories and groups, payees, "
    "tags and transactions (splits and transfers) of a book kept in another app; all or "
    f"nothing. The apps and their files: {APP_LIST}. The answer compares each account's "
    "balance with the source's and notes what could not come over (prices, shares, "
    "amounts in a second currency on one account). A file the app's reader cannot read is "
    "refused on `content`, saying why; an app whose optional library is not installed is "
    "refused on `app`, saying what to install.",
    responses=errors(400, 401, 403, 404, 422, why={413: "The file is too large"}),
)
def bring(app: str, json_data: dict[str, Any]) -> Any:
    """Make a new book from another app's file and check its balances."""
    refuse_odd_characters({k: json_data[k] for k in ("file_name", "name") if k in json_data})
    try:
        content = base64.b64decode(json_data["content"], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.on("content", _l("Send the file's bytes base64-encoded.")) from None
    brought = OtherAppFile(
        app=app, file_name=json_data["file_name"], content=content, name=json_data.get("name")
    )
    result = bring_book(database(), current_principal().user.id, brought, now=utcnow())
    return {
        "book": result.book,
        "app": result.app,
        "accounts": result.accounts,
        "mismatches": result.mismatches,
        "notes": result.notes,
    }, 201
