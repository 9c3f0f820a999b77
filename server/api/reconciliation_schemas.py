"""The shapes of reconciliations in the API, and how a route documents the lock on reconciled
rows (the `unlock_reconciled` flag and its 409)."""

from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Date, DateTime, Integer, Nested, String
from apiflask.validators import Length, OneOf

from server.api import reconciliation_examples as ex
from server.api.schemas import Flag, PageQuery, Problem, amount_pattern, errors, page_schema
from server.domain.money import AMOUNT_TEXT_MAX, format_amount
from server.domain.reconciliations import STATES, Reconciliation
from server.problems import PROBLEM_JSON

MONEY = {
    "metadata": {
        "description": "Decimal string in the account's currency.",
        "example": "1234.56",
        "pattern": amount_pattern(),
    }
}
UNLOCK_DOC = (
    "A reconciled row's amount, date, account and status, its deletion, and its transfer's "
    "other side are locked: such a change answers 409 (code `reconciled`, naming the "
    "`reconciliation` it would break) unless `unlock_reconciled` is true."
)


def unlock_flag() -> Flag:
    """The body flag that lets a change move reconciled rows."""
    return Flag(
        load_default=False,
        metadata={"description": "Change reconciled rows anyway, breaking their reconciliation."},
    )


class UnlockQuery(Schema):
    unlock_reconciled = Boolean(
        load_default=False,
        metadata={"description": "Delete reconciled rows anyway, breaking their reconciliation."},
    )


def locked(*statuses: int) -> dict[int, Any]:
    """`@bp.doc(responses=...)` for a route that may touch reconciled rows: these errors and
    the 409 of the lock, with its members."""
    responses = errors(
        *statuses,
        why={
            409: (
                "A reconciled row would change: `reconciliation` names the statement it was "
                "agreed with (null if it was marked reconciled by hand), `transaction_id` the "
                "row; send `unlock_reconciled` to go ahead",
                ex.LOCKED_DETAIL,
            )
        },
    )
    media = responses[409]["content"][PROBLEM_JSON]
    media["schema"] = ReconciledProblem
    media["example"].update(
        code="reconciled", instance="/api/v1/books/1/transactions/42", **ex.LOCKED_MEMBERS
    )
    return responses


class StatementRef(Schema):
    id = Integer()
    account_id = Integer()
    statement_date = Date()
    statement_balance = String(**MONEY)
    currency = String(metadata={"description": "The account's currency."})


class ReconciledProblem(Problem):
    """The refusal to change a reconciled row: problem+json naming the row and its statement."""

    transaction_id = Integer(metadata={"description": "The reconciled row."})
    reconciliation = Nested(
        StatementRef,
        allow_none=True,
        metadata={"description": "The statement it was reconciled with; null: marked by hand."},
    )


class ReconciliationOut(Schema):
    id = Integer()
    account_id = Integer()
    currency = String(metadata={"description": "The account's currency."})
    statement_date = Date(metadata={"description": "The statement covers everything up to it."})
    statement_balance = String(**MONEY)
    cleared_balance = String(
        metadata={
            "description": "Opening balance plus cleared and reconciled rows dated on or "
            "before the statement date, as the rows are now.",
            "example": "1190.06",
        }
    )
    difference = String(
        metadata={
            "description": "`statement_balance` minus `cleared_balance`: zero when they agree.",
            "example": "44.50",
        }
    )
    state = String(validate=OneOf(STATES))
    started_by = String(metadata={"description": "Who started it (their username then)."})
    started_at = DateTime()
    finished_by = String(allow_none=True)
    finished_at = DateTime(allow_none=True)
    adjustment_id = Integer(
        allow_none=True,
        metadata={"description": "The adjustment transaction the finish added, if any."},
    )
    etag = String(
        metadata={
            "description": "The version read, as in the `ETag` header: send it in `If-Match`.",
            "example": '"rec-5-open-119006"',
        }
    )


ReconciliationPage = page_schema(ReconciliationOut, "ReconciliationPage")


class ReconciliationQuery(PageQuery):
    state = String(
        validate=OneOf(STATES),
        metadata={"description": "Only those in this state (`open`: the open one, if any)."},
    )


class StatementIn(Schema):
    statement_date = Date(
        required=True,
        metadata={"description": "The statement's date: not before the last one reconciled."},
    )
    statement_balance = String(required=True, validate=Length(max=AMOUNT_TEXT_MAX), **MONEY)


class FinishIn(Schema):
    adjust = Flag(
        load_default=False,
        metadata={
            "description": "If the cleared balance still differs from the statement's, add a "
            'cleared "Reconciliation adjustment" transaction for the difference on the '
            "statement date (otherwise such a finish answers 409)."
        },
    )


def reconciliation_json(r: Reconciliation) -> dict[str, Any]:
    """A reconciliation as the API sends it (money as decimal strings)."""
    money = {
        name: format_amount(getattr(r, name), r.currency)
        for name in ("statement_balance", "cleared_balance", "difference")
    }
    return {**r.__dict__, **money, "etag": r.etag}
