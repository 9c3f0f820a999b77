"""Transactions of a book: splits, transfers, tags, filters, search, bulk changes."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Date, DateTime, Integer, List, Nested, String
from apiflask.validators import Length, OneOf
from flask import Response, current_app, request

from server.api import examples as ex
from server.api.access import book_access
from server.api.dates_ahead import FAR_DATE_RULE, confirm_far_date
from server.api.reconciliation_schemas import UNLOCK_DOC, UnlockQuery, locked, unlock_flag
from server.api.schemas import (
    IF_MATCH_DOC,
    LINES,
    PageQuery,
    amount_pattern,
    day_field,
    decode_date_cursor,
    encode_cursor,
    errors,
    tag_field,
    whole,
)
from server.auth.web import auth
from server.clock import utcnow
from server.domain.labels import PAYEE_MAX, TAG_MAX
from server.domain.money import AMOUNT_TEXT_MAX, format_amount
from server.domain.transaction_list import (
    BOUND_PATTERN,
    SEARCH_TEXT_MAX,
    Filters,
    list_transactions,
)
from server.domain.transaction_rules import MAX_SPLITS, STATUSES, SplitInput, TransactionInput
from server.domain.transactions import (
    MAX_BULK,
    BulkChange,
    Transaction,
    bulk_update,
    create_transaction,
    delete_transactions,
    get_transaction,
    update_transaction,
)
from server.domain.validation import MAX_TAGS, MEMO_MAX
from server.request_db import database, reader

bp = APIBlueprint("transactions", __name__, tag="Transactions")
MONEY = {
    "metadata": {
        "description": "Decimal string in the account's currency; negative is money out.",
        "example": "-12.34",
        "pattern": amount_pattern(),
    }
}


class SplitOut(Schema):
    category_id = Integer(allow_none=True)
    amount = String(**MONEY)
    memo = String()


class TransactionOut(Schema):
    id = Integer()
    account_id = Integer()
    date = day_field()
    amount = String(**MONEY)
    currency = String(metadata={"description": "The account's currency."})
    payee = String(allow_none=True)
    category_id = Integer(
        allow_none=True, metadata={"description": "Null when uncategorized, split or a transfer."}
    )
    memo = String()
    tags = List(String())
    status = String(validate=OneOf(STATUSES))
    splits = List(Nested(SplitOut))
    transfer_account_id = Integer(allow_none=True)
    transfer_id = Integer(allow_none=True, metadata={"description": "The other side."})
    import_id = Integer(allow_none=True)
    etag = String(
        metadata={
            "description": "The version read, as in the `ETag` header: send it in `If-Match`.",
            "example": '"txn-42-3"',
        }
    )
    created_at = DateTime()
    updated_at = DateTime()


class RegisterRow(TransactionOut):
    running_balance = String(
        allow_none=True,
        metadata={
            "description": "The account's balance after this row (an opening balance dated "
            "after today counts from its date); only when the list is filtered by `account_id` "
            "alone (a register). Rows dated after today come first: the first row dated today "
            "or before carries the account's `balance`."
        },
    )


class SplitIn(Schema):
    amount = String(required=True, validate=Length(max=AMOUNT_TEXT_MAX), **MONEY)
    category_id = Integer(load_default=None, allow_none=True)
    memo = String(load_default="", validate=Length(max=MEMO_MAX), metadata={"pattern": LINES})


class TransactionFields(Schema):
    account_id = Integer()
    date = day_field()
    amount = String(validate=Length(max=AMOUNT_TEXT_MAX), **MONEY)
    payee = String(allow_none=True, validate=Length(max=PAYEE_MAX))
    category_id = Integer(allow_none=True)
    memo = String(allow_none=True, validate=Length(max=MEMO_MAX), metadata={"pattern": LINES})
    tags = List(
        tag_field(),
        allow_none=True,
        validate=Length(max=MAX_TAGS),
    )
    status = String(validate=OneOf(STATUSES))
    splits = List(
        Nested(SplitIn),
        allow_none=True,
        validate=Length(max=MAX_SPLITS),
        metadata={
            "description": "Parts in categories that add up to `amount`; "
            "null or [] makes it an ordinary transaction again."
        },
    )
    transfer_account_id = Integer(
        allow_none=True,
        metadata={
            "description": "Make it a transfer to (or from) this account; the other side is "
            "created and kept in step. Null turns it back into an ordinary one."
        },
    )
    transfer_amount = String(
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={"description": "The other side's amount, when the accounts' currencies differ."},
    )
    confirm_far_date = confirm_far_date()


class TransactionPatch(TransactionFields):
    unlock_reconciled = unlock_flag()


class TransactionIn(TransactionFields):
    account_id = Integer(required=True)
    date = day_field(required=True)
    amount = String(required=True, validate=Length(max=AMOUNT_TEXT_MAX), **MONEY)


class TransactionFilters(Schema):
    account_id = Integer(
        metadata={"description": "Only this account's (alone, rows get a `running_balance`)."}
    )
    category_id = Integer(
        metadata={"description": "Only this category's, a split's part in it included."}
    )
    uncategorized = Boolean(
        load_default=False,
        metadata={"description": "Only those without a category (neither split nor transfer)."},
    )
    payee = String(
        validate=Length(max=PAYEE_MAX),
        metadata={"description": "Only this payee's: its whole name, in any case."},
    )
    tag = String(
        validate=Length(max=TAG_MAX),
        metadata={"description": "Only those with this tag: its name, in any case."},
    )
    status = String(
        validate=OneOf(STATUSES),
        metadata={"description": f"Only those of this status: {', '.join(STATUSES)}."},
    )
    date_from = Date(metadata={"description": "On or after this day (YYYY-MM-DD)."})
    date_to = Date(metadata={"description": "On or before this day (YYYY-MM-DD)."})
    amount_min = String(
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={
            "description": "At least this amount, a decimal string in the account's currency "
            "(money out is negative).",
            "pattern": whole(BOUND_PATTERN),
        },
    )
    amount_max = String(
        validate=Length(max=AMOUNT_TEXT_MAX),
        metadata={
            "description": "At most this amount, a decimal string in the account's currency "
            "(`-100`: money out of 100 or more).",
            "pattern": whole(BOUND_PATTERN),
        },
    )
    q = String(
        validate=Length(max=SEARCH_TEXT_MAX),
        metadata={"description": "Words in payee or memo (prefixes match)."},
    )


class TransactionQuery(PageQuery, TransactionFilters):
    pass


class TransactionPage(Schema):
    items = List(Nested(RegisterRow))
    next_cursor = String(allow_none=True)


class BulkIds(Schema):
    ids = List(Integer(), required=True, validate=Length(min=1, max=MAX_BULK))
    unlock_reconciled = unlock_flag()


class BulkUpdate(BulkIds):
    category_id = Integer(
        allow_none=True, metadata={"description": "The category to set; null uncategorizes."}
    )
    add_tags = List(
        tag_field(),
        validate=Length(max=MAX_TAGS),
    )
    status = String(validate=OneOf(STATUSES))


class BulkResult(Schema):
    count = Integer(metadata={"description": "How many transactions changed."})


def transaction_json(t: Transaction) -> dict[str, Any]:
    """A transaction as the API sends it: exactly `TransactionOut`'s fields, ready for JSON.

    Built by hand rather than dumped through the schema: lists of hundreds of rows are the
    API's hottest path, and marshmallow took as long as the database. A test holds every
    response of these routes to the schema's fields.
    """
    currency = t.currency
    return {
        "id": t.id,
        "account_id": t.account_id,
        "date": t.date.isoformat(),
        "amount": format_amount(t.amount, currency),
        "currency": currency,
        "payee": t.payee,
        "category_id": t.category_id,
        "memo": t.memo,
        "tags": t.tags,
        "status": t.status,
        "splits": [
            {
                "category_id": s.category_id,
                "amount": format_amount(s.amount, currency),
                "memo": s.memo,
            }
            for s in t.splits
        ],
        "transfer_account_id": t.transfer_account_id,
        "transfer_id": t.transfer_id,
        "import_id": t.import_id,
        "etag": t.etag,
        "created_at": t.created_at.isoformat(),
        "updated_at": t.updated_at.isoformat(),
    }


def _json(body: dict[str, Any], status: int = 200, etag: str | None = None) -> Response:
    """A response APIFlask passes through as it is (the schema documents it)."""
    response = current_app.json.response(body)
    response.status_code = status
    if etag is not None:
        response.headers["ETag"] = etag
    return response


def _input(body: dict[str, Any]) -> TransactionInput:
    splits = body.get("splits")
    return TransactionInput(
        account_id=body.get("account_id"),
        date=body.get("date"),
        amount=body.get("amount"),
        payee=body.get("payee"),
        category_id=body.get("category_id"),
        memo=body.get("memo"),
        tags=body.get("tags"),
        status=body.get("status"),
        splits=[SplitInput(s["amount"], s["category_id"], s["memo"]) for s in splits]
        if splits
        else None,
        transfer_account_id=body.get("transfer_account_id"),
        transfer_amount=body.get("transfer_amount"),
        confirm_far_date=body.get("confirm_far_date", False),
        unlock_reconciled=body.get("unlock_reconciled", False),
        cleared=frozenset(
            {name for name, value in body.items() if value is None}
            | ({"splits"} if splits == [] else set())
        ),
    )


def _with_etag(t: Transaction, status: int = 200) -> Response:
    return _json(transaction_json(t), status, t.etag)


@bp.post("/books/<int:book_id>/transactions")
@bp.auth_required(auth, roles=["write"])
@bp.input(TransactionIn, arg_name="body", example=ex.TRANSACTION_IN)
@bp.output(TransactionOut, status_code=201, example=ex.TRANSACTION)
@bp.doc(
    summary="Record a transaction",
    description="With a category, with `splits` that add up exactly to the amount, or as a "
    "transfer (`transfer_account_id`, plus `transfer_amount` across currencies). Payees and "
    "tags are created as needed. Editors and owners. " + FAR_DATE_RULE,
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create(book_id: int, body: dict[str, Any]) -> Any:
    """Record a transaction."""
    t = create_transaction(database(), book_id, _input(body), now=utcnow())
    return _with_etag(t, 201)


@bp.get("/books/<int:book_id>/transactions/<int:transaction_id>")
@bp.auth_required(auth)
@bp.output(TransactionOut, example=ex.TRANSACTION)
@bp.doc(
    summary="Read a transaction",
    description="With its splits, tags and `ETag`.",
    responses=errors(401, 404),
)
@book_access("read")
def read(book_id: int, transaction_id: int) -> Any:
    """Return one transaction."""
    return _with_etag(get_transaction(reader(), book_id, transaction_id))


def transaction_filters(query: dict[str, Any]) -> Filters:
    """The filters a list or export query asks for."""
    names = ("account_id", "category_id", "payee", "tag", "status", "date_from", "date_to")
    return Filters(
        **{name: query.get(name) for name in (*names, "amount_min", "amount_max", "q")},
        uncategorized=query["uncategorized"],
    )


@bp.get("/books/<int:book_id>/transactions")
@bp.auth_required(auth)
@bp.input(TransactionQuery, location="query", arg_name="query")
@bp.output(TransactionPage, example=ex.TRANSACTION_PAGE)
@bp.doc(
    summary="List and search transactions",
    description="Newest first, a page at a time (`limit`, `cursor`); paging never skips or "
    "repeats a row while others write. Filters combine. With `account_id` alone, each row has "
    "the account's `running_balance`.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_all(book_id: int, query: dict[str, Any]) -> Response:
    """List the book's transactions."""
    filters = transaction_filters(query)
    page = list_transactions(
        reader(), book_id, filters, query["limit"], decode_date_cursor(query["cursor"])
    )
    balances = page.running_balances or [None] * len(page.items)
    items = []
    for t, balance in zip(page.items, balances, strict=True):
        row = transaction_json(t)
        row["running_balance"] = None if balance is None else format_amount(balance, t.currency)
        items.append(row)
    return _json(
        {"items": items, "next_cursor": encode_cursor(list(page.after)) if page.after else None}
    )


@bp.patch("/books/<int:book_id>/transactions/<int:transaction_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(TransactionPatch, arg_name="body", example=ex.TRANSACTION_PATCH)
@bp.output(TransactionOut, example=ex.TRANSACTION_SPLIT)
@bp.doc(
    summary="Change a transaction",
    description="Send only what changes; `null` clears a field. A transfer's other side "
    "follows its date, amount and account. A date moved: "
    + FAR_DATE_RULE
    + " "
    + UNLOCK_DOC
    + " "
    + IF_MATCH_DOC,
    responses=locked(401, 403, 404, 412, 422),
)
@book_access("write")
def update(book_id: int, transaction_id: int, body: dict[str, Any]) -> Any:
    """Change a transaction."""
    t = update_transaction(
        database(),
        book_id,
        transaction_id,
        _input(body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _with_etag(t)


@bp.delete("/books/<int:book_id>/transactions/<int:transaction_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(UnlockQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a transaction",
    description="A transfer goes with its other side. " + UNLOCK_DOC + " " + IF_MATCH_DOC,
    responses=locked(401, 403, 404, 412, 422),
)
@book_access("write")
def delete(book_id: int, transaction_id: int, query: dict[str, Any]) -> tuple[str, int]:
    """Delete a transaction."""
    delete_transactions(
        database(),
        book_id,
        [transaction_id],
        if_match=request.headers.get("If-Match"),
        unlock_reconciled=query["unlock_reconciled"],
    )
    return "", 204


@bp.post("/books/<int:book_id>/transactions/bulk-update")
@bp.auth_required(auth, roles=["write"])
@bp.input(BulkUpdate, arg_name="body", example=ex.BULK_UPDATE)
@bp.output(BulkResult, example=ex.BULK_RESULT)
@bp.doc(
    summary="Categorize, tag or set the status of many transactions",
    description="All or nothing: one invalid id or change and none is applied. " + UNLOCK_DOC,
    responses=locked(401, 403, 404, 422),
)
@book_access("write")
def bulk_change(book_id: int, body: dict[str, Any]) -> dict[str, int]:
    """Change many transactions at once."""
    change = BulkChange(
        ids=body["ids"],
        category_id=body.get("category_id"),
        uncategorize="category_id" in body and body["category_id"] is None,
        add_tags=body.get("add_tags"),
        status=body.get("status"),
        unlock_reconciled=body["unlock_reconciled"],
    )
    count = bulk_update(database(), book_id, change, now=utcnow())
    return {"count": count}


@bp.post("/books/<int:book_id>/transactions/bulk-delete")
@bp.auth_required(auth, roles=["write"])
@bp.input(BulkIds, arg_name="body", example=ex.BULK_DELETE)
@bp.output(BulkResult, example=ex.BULK_DELETED)
@bp.doc(
    summary="Delete many transactions",
    description="All or nothing; transfers go with their other side (counted). " + UNLOCK_DOC,
    responses=locked(401, 403, 404, 422),
)
@book_access("write")
def bulk_delete(book_id: int, body: dict[str, Any]) -> dict[str, int]:
    """Delete many transactions at once."""
    unlock = body["unlock_reconciled"]
    return {
        "count": delete_transactions(database(), book_id, body["ids"], unlock_reconciled=unlock)
    }
