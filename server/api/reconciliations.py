"""Reconciliations of an account against its bank's statements: start, follow, finish or
cancel one; the account's history of them."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import request

from server.api import reconciliation_examples as ex
from server.api.access import book_access
from server.api.reconciliation_schemas import (
    FinishIn,
    ReconciliationOut,
    ReconciliationPage,
    ReconciliationQuery,
    StatementIn,
    reconciliation_json,
)
from server.api.schemas import IF_MATCH_DOC, errors, paginate, with_etag
from server.auth.web import auth, current_principal
from server.clock import utcnow
from server.domain import reconciliations as domain
from server.domain.reconciliations import Reconciliation, StatementInput
from server.request_db import database, reader

bp = APIBlueprint("reconciliations", __name__, tag="Reconciliations")

RECONCILIATIONS = "/books/<int:book_id>/accounts/<int:account_id>/reconciliations"
ONE = RECONCILIATIONS + "/<int:reconciliation_id>"
NOT_OPEN = {409: "The reconciliation is finished already"}


def _with_etag(r: Reconciliation, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return with_etag(reconciliation_json(r), r.etag, status)


def _who() -> str:
    return current_principal().user.username


@bp.post(RECONCILIATIONS)
@bp.auth_required(auth, roles=["write"])
@bp.input(StatementIn, arg_name="body", example=ex.STATEMENT_IN)
@bp.output(ReconciliationOut, status_code=201, example=ex.OPEN)
@bp.doc(
    summary="Start reconciling an account",
    description="With the bank statement's date and ending balance. The answer compares the "
    "statement with the account's cleared balance on that date; clear transactions "
    "(`status`) until `difference` is zero, then finish. One open reconciliation per account. "
    "Editors and owners.",
    responses=errors(
        401, 403, 404, 422, why={409: "The account has an open reconciliation already"}
    ),
)
@book_access("write")
def start(book_id: int, account_id: int, body: dict[str, Any]) -> Any:
    """Start a reconciliation."""
    started = domain.start_reconciliation(
        database(), book_id, account_id, StatementInput(**body), by=_who(), now=utcnow()
    )
    return _with_etag(started, 201)


@bp.get(RECONCILIATIONS)
@bp.auth_required(auth)
@bp.input(ReconciliationQuery, location="query", arg_name="query")
@bp.output(ReconciliationPage, example=ex.HISTORY)
@bp.doc(
    summary="An account's reconciliations",
    description="The history: each finished one (who, when, the statement, an adjustment), "
    "and the open one, in the order they were started; `state=open` gives only the open one "
    "(an empty list when there is none).",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_all(book_id: int, account_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the account's reconciliations."""
    found = domain.list_reconciliations(reader(), book_id, account_id, query.get("state"))
    page = paginate(found, query["limit"], query["cursor"])
    return {**page, "items": [reconciliation_json(r) for r in page["items"]]}


@bp.get(RECONCILIATIONS + "/current")
@bp.auth_required(auth)
@bp.output(ReconciliationOut, example=ex.OPEN)
@bp.doc(
    summary="The open reconciliation",
    description="With its live figures; 404 when the account has none open.",
    responses=errors(401, 404),
)
@book_access("read")
def current(book_id: int, account_id: int) -> Any:
    """Return the account's open reconciliation."""
    return _with_etag(domain.open_reconciliation(reader(), book_id, account_id))


@bp.get(ONE)
@bp.auth_required(auth)
@bp.output(ReconciliationOut, example=ex.FINISHED_RECONCILIATION)
@bp.doc(
    summary="Read a reconciliation",
    description="With its figures as the rows are now: a finished one whose `difference` is "
    "no longer zero had rows changed since (unlocked).",
    responses=errors(401, 404),
)
@book_access("read")
def read(book_id: int, account_id: int, reconciliation_id: int) -> Any:
    """Return one reconciliation."""
    return _with_etag(domain.get_reconciliation(reader(), book_id, reconciliation_id, account_id))


@bp.post(ONE + "/finish")
@bp.auth_required(auth, roles=["write"])
@bp.input(FinishIn, arg_name="body", example=ex.FINISH_IN)
@bp.output(ReconciliationOut, example=ex.FINISHED_RECONCILIATION)
@bp.doc(
    summary="Finish a reconciliation",
    description="When the cleared balance agrees with the statement, or with `adjust` "
    "(adding a labelled adjustment transaction for the difference). The account's cleared "
    "transactions up to the statement date become `reconciled`, and locked. " + IF_MATCH_DOC,
    responses=errors(
        401,
        403,
        404,
        412,
        422,
        why={
            409: (
                "Finished already, or the cleared balance differs from the statement's and "
                "`adjust` was not asked for",
                "The cleared balance differs from the statement's by 44.50 EUR: clear the rows "
                "the statement shows, or finish with `adjust` to add an adjustment for the "
                "difference.",
            )
        },
    ),
)
@book_access("write")
def finish(book_id: int, account_id: int, reconciliation_id: int, body: dict[str, Any]) -> Any:
    """Finish a reconciliation."""
    finished = domain.finish_reconciliation(
        database(),
        book_id,
        account_id,
        reconciliation_id,
        adjust=body["adjust"],
        by=_who(),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _with_etag(finished)


@bp.delete(ONE)
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Cancel a reconciliation",
    description="Only an open one; the statuses given meanwhile stay. " + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412, why=NOT_OPEN),
)
@book_access("write")
def cancel(book_id: int, account_id: int, reconciliation_id: int) -> tuple[str, int]:
    """Cancel an open reconciliation."""
    domain.cancel_reconciliation(
        database(),
        book_id,
        account_id,
        reconciliation_id,
        if_match=request.headers.get("If-Match"),
    )
    return "", 204
