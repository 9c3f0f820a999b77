"""Accounts of a book, with their balances."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Date, DateTime, Integer, String
from apiflask.validators import Length, OneOf
from flask import request

from server.api import account_examples as ex
from server.api.access import book_access
from server.api.dates_ahead import AS_OF_RULE, FAR_DATE_RULE, confirm_far_date
from server.api.schemas import (
    IF_MATCH_DOC,
    NOT_BLANK,
    Flag,
    PageQuery,
    amount_pattern,
    errors,
    page_schema,
    paginate,
    with_etag,
)
from server.auth.web import auth
from server.clock import local_today, utcnow
from server.domain.accounts import (
    ACCOUNT_TYPES,
    TYPE_TEXT_MAX,
    Account,
    AccountChanges,
    AccountInput,
    create_account,
    delete_account,
    get_account,
    list_accounts,
    update_account,
)
from server.domain.currencies import CURRENCY_TEXT_MAX, currency_codes
from server.domain.money import AMOUNT_TEXT_MAX, format_amount
from server.domain.validation import NAME_MAX
from server.request_db import database, reader

bp = APIBlueprint("accounts", __name__, tag="Accounts")
MONEY = {
    "metadata": {
        "description": "Decimal string in the account's currency.",
        "example": "-12.34",
        "pattern": amount_pattern(),
    }
}


class AccountOut(Schema):
    id = Integer()
    name = String(metadata={"example": "Checking"})
    type = String(validate=OneOf(ACCOUNT_TYPES))
    currency = String(metadata={"example": "EUR"})
    opening_balance = String(**MONEY)
    opening_date = Date()
    archived = Flag()
    as_of = Date(metadata={"description": "The day the balances are as of: today."})
    balance = String(
        metadata={"description": "As of today: opening balance plus the transactions so far."}
    )
    cleared_balance = String(
        metadata={
            "description": "As of today: opening balance plus cleared and reconciled transactions."
        }
    )
    reconciled_balance = String(
        metadata={"description": "As of today: opening balance plus reconciled transactions."}
    )
    balance_projected = String(
        metadata={"description": "Opening balance plus all transactions, those dated ahead too."}
    )
    upcoming_count = Integer(metadata={"description": "How many transactions are dated ahead."})
    upcoming_total = String(
        metadata={
            "description": "What lies ahead: `balance_projected` less `balance` (the "
            "transactions dated ahead, and the opening balance if its date is ahead)."
        }
    )
    etag = String(
        metadata={
            "description": "The version read, as in the `ETag` header: send it in `If-Match`.",
            "example": '"account-7-2-150000-150000-0-150000"',
        }
    )
    created_at = DateTime()
    updated_at = DateTime()


class AccountIn(Schema):
    name = String(required=True, validate=Length(max=NAME_MAX), metadata={"pattern": NOT_BLANK})
    type = String(
        required=True, validate=Length(max=TYPE_TEXT_MAX), metadata={"enum": list(ACCOUNT_TYPES)}
    )
    currency = String(
        load_default=None,
        validate=Length(max=CURRENCY_TEXT_MAX),
        metadata={
            "description": "ISO 4217; default: the book's currency.",
            "enum": currency_codes(),
        },
    )
    opening_balance = String(load_default="0", validate=Length(max=AMOUNT_TEXT_MAX), **MONEY)
    opening_date = Date(load_default=None, metadata={"description": "Default: today."})
    confirm_far_date = confirm_far_date()


class AccountPatch(Schema):
    name = String(validate=Length(max=NAME_MAX), metadata={"pattern": NOT_BLANK})
    type = String(validate=Length(max=TYPE_TEXT_MAX), metadata={"enum": list(ACCOUNT_TYPES)})
    opening_balance = String(validate=Length(max=AMOUNT_TEXT_MAX), **MONEY)
    opening_date = Date()
    archived = Flag()
    confirm_far_date = confirm_far_date()


class AccountListQuery(PageQuery):
    include_archived = Boolean(
        load_default=False,
        metadata={"description": "Also list archived accounts (they are left out otherwise)."},
    )


AccountPage = page_schema(AccountOut, "AccountPage")


def account_json(account: Account) -> dict[str, Any]:
    """Shape an account for the API (money as decimal strings)."""
    money = {
        name: format_amount(getattr(account, name), account.currency)
        for name in (
            "opening_balance",
            "balance",
            "cleared_balance",
            "reconciled_balance",
            "balance_projected",
            "upcoming_total",
        )
    }
    return {**account.__dict__, **money, "etag": account.etag}


def _with_etag(account: Account, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return with_etag(account_json(account), account.etag, status)


@bp.post("/books/<int:book_id>/accounts")
@bp.auth_required(auth, roles=["write"])
@bp.input(AccountIn, arg_name="body", example=ex.ACCOUNT_IN)
@bp.output(AccountOut, status_code=201, example=ex.ACCOUNT_NEW)
@bp.doc(
    summary="Open an account",
    description="Editors and owners. " + FAR_DATE_RULE + " " + AS_OF_RULE,
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create(book_id: int, body: dict[str, Any]) -> Any:
    """Open an account."""
    account = create_account(database(), book_id, AccountInput(**body), now=utcnow())
    return _with_etag(account, 201)


@bp.get("/books/<int:book_id>/accounts")
@bp.auth_required(auth)
@bp.input(AccountListQuery, location="query", arg_name="query")
@bp.output(AccountPage, example=ex.ACCOUNT_PAGE)
@bp.doc(
    summary="List accounts with balances",
    description="In the order they were opened; archived ones only with `include_archived`. "
    + AS_OF_RULE,
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_all(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's accounts."""
    accounts = list_accounts(
        reader(), book_id, today=local_today(), include_archived=query["include_archived"]
    )
    page = paginate(accounts, query["limit"], query["cursor"])
    return {**page, "items": [account_json(a) for a in page["items"]]}


@bp.get("/books/<int:book_id>/accounts/<int:account_id>")
@bp.auth_required(auth)
@bp.output(AccountOut, example=ex.ACCOUNT)
@bp.doc(
    summary="Read an account",
    description="With its balances and `ETag`. " + AS_OF_RULE,
    responses=errors(401, 404),
)
@book_access("read")
def read(book_id: int, account_id: int) -> Any:
    """Return one account."""
    return _with_etag(get_account(reader(), book_id, account_id, today=local_today()))


@bp.patch("/books/<int:book_id>/accounts/<int:account_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(AccountPatch, arg_name="body", example=ex.ACCOUNT_PATCH)
@bp.output(AccountOut, example=ex.ACCOUNT_RENAMED)
@bp.doc(
    summary="Change or archive an account",
    description="The currency cannot change. Archived accounts keep their history. "
    + FAR_DATE_RULE
    + " "
    + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412, 422),
)
@book_access("write")
def update(book_id: int, account_id: int, body: dict[str, Any]) -> Any:
    """Change an account."""
    account = update_account(
        database(),
        book_id,
        account_id,
        AccountChanges(**body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _with_etag(account)


@bp.delete("/books/<int:book_id>/accounts/<int:account_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete an account",
    description="Only an account without transactions; archive one that has them. " + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412, why={409: "The account has transactions"}),
)
@book_access("write")
def delete(book_id: int, account_id: int) -> tuple[str, int]:
    """Delete an unused account."""
    delete_account(database(), book_id, account_id, if_match=request.headers.get("If-Match"))
    return "", 204
