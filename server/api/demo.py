"""A demo book to explore Tallybook with."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from apiflask.validators import Length

from server.api import examples as ex
from server.api.books import BookOut
from server.api.schemas import errors, with_etag
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.domain.currencies import CURRENCY_TEXT_MAX, currency_codes
from server.domain.demo import create_demo_book
from server.request_db import database

bp = APIBlueprint("demo", __name__, tag="Books")


class DemoIn(Schema):
    currency = String(
        load_default="EUR",
        validate=Length(max=CURRENCY_TEXT_MAX),
        metadata={"description": "ISO 4217 code of the demo's accounts.", "enum": currency_codes()},
    )


@bp.post("/demo-books")
@bp.auth_required(auth, roles=["write"])
@bp.input(DemoIn, arg_name="body", example=ex.DEMO_IN)
@bp.output(BookOut, status_code=201, example=ex.DEMO_BOOK)
@bp.doc(
    summary="Create a demo book",
    description="A new book you own, with two years of a household's finances: salary, rent "
    "and bills, groceries and meals out on a credit card paid off monthly, savings transfers.",
    responses=errors(401, 403, 422),
)
def create(body: dict[str, Any]) -> Any:
    """Create a demo book for the caller."""
    book = create_demo_book(
        database(), current_principal().user.id, now=utcnow(), currency=body["currency"]
    )
    return with_etag(book, book.etag, 201)
