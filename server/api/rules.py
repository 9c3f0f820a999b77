"""Rules of a book: what they are, and running them on the transactions already there."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Date, DateTime, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask import request

from server.api import examples as ex
from server.api.access import book_access
from server.api.schemas import (
    IF_MATCH_DOC,
    NOT_BLANK,
    Flag,
    errors,
    stripped,
    tag_field,
    with_etag,
)
from server.auth.web import auth
from server.clock import utcnow
from server.domain import rules as domain
from server.domain.labels import PAYEE_MAX
from server.domain.money import format_amount
from server.domain.rule_runs import MAX_RULES_RUN, Change, apply_rules, preview_rules
from server.domain.rules import (
    MAX_ADDED_TAGS,
    MAX_RULES_ORDERED,
    PATTERN_MAX,
    PAYEE_MATCHES,
    Rule,
    RuleChanges,
    RuleInput,
)
from server.domain.validation import (
    DECIMAL_PATTERN,
    DECIMAL_TEXT_MAX,
    MAX_POSITION,
    NAME_MAX,
    changes_of,
)
from server.request_db import database, reader

bp = APIBlueprint("rules", __name__, tag="Rules")

RULES = "/books/<int:book_id>/rules"
DECIMAL = stripped(DECIMAL_PATTERN)  # as validation.decimal reads it
AMOUNT_DOC = (
    "Signed, in the transaction's currency: -100 to -20 matches spending of 20 to 100. Inclusive."
)


class RulePatch(Schema):
    name = String(
        validate=Length(max=NAME_MAX), metadata={"example": "Groceries", "pattern": NOT_BLANK}
    )
    enabled = Flag(metadata={"description": "Disabled rules never run."})
    position = Integer(
        validate=Range(min=-MAX_POSITION, max=MAX_POSITION),
        metadata={"description": "Rules run in position order; a new one comes last."},
    )
    payee_match = String(
        allow_none=True,
        validate=OneOf(PAYEE_MATCHES),
        metadata={"description": "How the payee is compared with `payee_text` (any case)."},
    )
    payee_text = String(
        validate=Length(max=PATTERN_MAX),
        metadata={
            "example": "corner shop",
            "description": "Needs `payee_match` (text without it is refused at `payee_match`); "
            "clearing `payee_match` clears it too.",
        },
    )
    amount_min = String(
        allow_none=True,
        validate=Length(max=DECIMAL_TEXT_MAX),
        metadata={"description": AMOUNT_DOC, "pattern": DECIMAL},
    )
    amount_max = String(
        allow_none=True,
        validate=Length(max=DECIMAL_TEXT_MAX),
        metadata={"description": AMOUNT_DOC, "pattern": DECIMAL},
    )
    account_id = Integer(
        allow_none=True, metadata={"description": "Only transactions of this account."}
    )
    set_category_id = Integer(
        allow_none=True,
        metadata={"description": "Categorize (not transfers or split transactions)."},
    )
    set_payee = String(
        allow_none=True,
        validate=Length(max=PAYEE_MAX),
        metadata={"description": "Rename the payee.", "pattern": NOT_BLANK},
    )
    add_tags = List(
        tag_field(),
        validate=Length(max=MAX_ADDED_TAGS),
    )


class RuleIn(RulePatch):
    name = String(
        required=True,
        validate=Length(max=NAME_MAX),
        metadata={"example": "Groceries", "pattern": NOT_BLANK},
    )


class RuleOut(Schema):
    id = Integer()
    name = String()
    position = Integer()
    enabled = Flag()
    payee_match = String(allow_none=True)
    payee_text = String()
    amount_min = String(allow_none=True)
    amount_max = String(allow_none=True)
    account_id = Integer(allow_none=True)
    set_category_id = Integer(allow_none=True)
    set_payee = String(allow_none=True)
    add_tags = List(String())
    etag = String(metadata={"description": "Send as `If-Match` to change or delete it."})
    created_at = DateTime()
    updated_at = DateTime()


class RuleList(Schema):
    items = List(Nested(RuleOut))


class OrderIn(Schema):
    rule_ids = List(
        Integer(),
        required=True,
        validate=Length(max=MAX_RULES_ORDERED),
        metadata={"description": "Every rule of the book, once each, in the order to run."},
    )


class RunIn(Schema):
    rule_ids = List(
        Integer(),
        load_default=None,
        validate=Length(max=MAX_RULES_RUN),
        metadata={"description": "Run only these rules (default: every enabled rule)."},
    )


class ChangeOut(Schema):
    transaction_id = Integer()
    date = Date()
    account_id = Integer()
    amount = String()
    payee_before = String()
    payee_after = String()
    category_before = Integer(allow_none=True)
    category_after = Integer(allow_none=True)
    tags_added = List(String())


class PreviewOut(Schema):
    changes = List(Nested(ChangeOut), metadata={"description": "The first 200, newest first."})
    total = Integer(metadata={"description": "How many transactions would change in all."})


class Applied(Schema):
    changed = Integer(metadata={"description": "How many transactions changed."})


def rule_json(rule: Rule) -> dict[str, Any]:
    return {**rule.__dict__, "etag": rule.etag}


def _with_etag(rule: Rule, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return with_etag(rule_json(rule), rule.etag, status)


def _change_json(change: Change) -> dict[str, Any]:
    return {**change.__dict__, "amount": format_amount(change.amount, change.currency)}


@bp.post(RULES)
@bp.auth_required(auth, roles=["write"])
@bp.input(RuleIn, arg_name="body", example=ex.RULE_IN)
@bp.output(RuleOut, status_code=201, example=ex.RULE)
@bp.doc(
    summary="Create a rule",
    description="At least one condition (payee, amount range, account; all given must hold) "
    "and one action (category, payee name, tags). Runs on imports from now on; run it on what "
    "is already there with the preview and apply routes.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create_rule(book_id: int, body: dict[str, Any]) -> Any:
    """Create a rule."""
    rule = domain.create_rule(database(), book_id, RuleInput(**body), now=utcnow())
    return _with_etag(rule, 201)


@bp.get(RULES + "/<int:rule_id>")
@bp.auth_required(auth)
@bp.output(RuleOut, example=ex.RULE)
@bp.doc(
    summary="Get a rule",
    description="With its `ETag`, for a change that follows.",
    responses=errors(401, 404),
)
@book_access("read")
def get_rule(book_id: int, rule_id: int) -> Any:
    """One rule."""
    return _with_etag(domain.get_rule(reader(), book_id, rule_id))


@bp.get(RULES)
@bp.auth_required(auth)
@bp.output(RuleList, example=ex.RULE_LIST)
@bp.doc(
    summary="List the rules",
    description="In the order they run; each sees what the ones before it changed.",
    responses=errors(401, 404),
)
@book_access("read")
def list_rules(book_id: int) -> dict[str, Any]:
    """The book's rules."""
    return {"items": [rule_json(r) for r in domain.list_rules(reader(), book_id)]}


@bp.patch(RULES + "/<int:rule_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(RulePatch, arg_name="body", example=ex.RULE_PATCH)
@bp.output(RuleOut, example=ex.RULE_CHANGED)
@bp.doc(
    summary="Change a rule",
    description="Only the fields sent change; null clears a condition or action. " + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412, 422),
)
@book_access("write")
def update_rule(book_id: int, rule_id: int, body: dict[str, Any]) -> Any:
    """Change a rule."""
    rule = domain.update_rule(
        database(),
        book_id,
        rule_id,
        changes_of(RuleChanges, body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _with_etag(rule)


@bp.put(RULES + "/order")
@bp.auth_required(auth, roles=["write"])
@bp.input(OrderIn, arg_name="body", example=ex.RULE_ORDER)
@bp.output(RuleList, example=ex.RULE_LIST)
@bp.doc(
    summary="Put the rules in order",
    description="Moves them all at once: `rule_ids` lists every rule of the book in the order "
    "they should run (positions become 1, 2, 3...). A list that misses a rule, names one twice "
    "or one the book does not have is refused with nothing moved.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def reorder_rules(book_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Put the rules in order."""
    rules = domain.reorder_rules(database(), book_id, body["rule_ids"], now=utcnow())
    return {"items": [rule_json(r) for r in rules]}


@bp.delete(RULES + "/<int:rule_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a rule",
    description="What it changed stays as it is. " + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412),
)
@book_access("write")
def delete_rule(book_id: int, rule_id: int) -> tuple[str, int]:
    """Delete a rule (what it changed stays)."""
    domain.delete_rule(database(), book_id, rule_id, if_match=request.headers.get("If-Match"))
    return "", 204


@bp.post(RULES + "/preview")
@bp.auth_required(auth, roles=["write"])
@bp.input(RunIn, arg_name="body", example=ex.RULE_RUN)
@bp.output(PreviewOut, example=ex.RULE_PREVIEW)
@bp.doc(
    summary="Preview running the rules",
    description="What running the rules on the book's transactions would change; writes "
    "nothing. Editors and owners.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write", writes=False)
def preview(book_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Show what the rules would change."""
    changes, total = preview_rules(reader(), book_id, body["rule_ids"])
    return {"changes": [_change_json(c) for c in changes], "total": total}


@bp.post(RULES + "/apply")
@bp.auth_required(auth, roles=["write"])
@bp.input(RunIn, arg_name="body", example=ex.RULE_RUN)
@bp.output(Applied, example=ex.RULE_APPLIED)
@bp.doc(
    summary="Run the rules",
    description="Makes every change the preview shows, as one write. Editors and owners.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def apply(book_id: int, body: dict[str, Any]) -> dict[str, int]:
    """Run the rules on the book's transactions."""
    changed = apply_rules(database(), book_id, body["rule_ids"], now=utcnow())
    return {"changed": changed}
