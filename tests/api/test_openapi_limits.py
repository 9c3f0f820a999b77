"""The OpenAPI document states the limits the server keeps, no looser and no stricter.

Every `maxLength`, `maximum` and `maxItems` of a request body or parameter is tied in `LIMITS`
to the constant of the module that enforces it (the domain's; auth's for people and their
credentials): a new limit needs its line there, and a schema that drifts from its constant
fails. The domain measures text stripped and the schemas measure it as sent; the names, memos,
payees and tags below are checked at the limit and one past it through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.api.schemas import MAX_LIMIT
from server.auth import oauth, passwords, tokens, users
from server.bankfiles import dates, files
from server.db.backups import MAX_KEEP
from server.domain import (
    accounts,
    book_read,
    changes,
    csv_locale,
    currencies,
    goals,
    idempotency,
    import_batches,
    import_links,
    imports,
    invitations,
    labels,
    money,
    occurrences,
    recurrence,
    reports,
    rule_runs,
    rules,
    transaction_list,
    transaction_rules,
    transactions,
    validation,
)
from tests.api.test_openapi import openapi_path

KEYWORDS = ("maxLength", "maximum", "maxItems")
# (schema, property): the constant the server checks it with. A query parameter's schema is
# the class of the route's query schema; `[]` is an item of a list; a header parameter is
# under its component's name.
LIMITS: dict[tuple[str, str], int] = {
    ("AccountIn", "name"): validation.NAME_MAX,
    ("AccountIn", "type"): accounts.TYPE_TEXT_MAX,
    ("AccountIn", "currency"): currencies.CURRENCY_TEXT_MAX,
    ("AccountIn", "opening_balance"): money.AMOUNT_TEXT_MAX,
    ("AccountPatch", "name"): validation.NAME_MAX,
    ("AccountPatch", "type"): accounts.TYPE_TEXT_MAX,
    ("AccountPatch", "opening_balance"): money.AMOUNT_TEXT_MAX,
    ("BookIn", "name"): validation.NAME_MAX,
    ("BookIn", "currency"): currencies.CURRENCY_TEXT_MAX,
    ("BookFileBook", "name"): validation.NAME_MAX,
    ("BookPatch", "name"): validation.NAME_MAX,
    ("BookPatch", "currency"): currencies.CURRENCY_TEXT_MAX,
    ("BookDeleteQuery", "confirm_name"): validation.NAME_MAX,
    ("DemoIn", "currency"): currencies.CURRENCY_TEXT_MAX,
    ("CategoryGroupIn", "name"): validation.NAME_MAX,
    ("CategoryGroupIn", "position"): validation.MAX_POSITION,
    ("CategoryGroupPatch", "name"): validation.NAME_MAX,
    ("CategoryGroupPatch", "position"): validation.MAX_POSITION,
    ("CategoryIn", "name"): validation.NAME_MAX,
    ("CategoryPatch", "name"): validation.NAME_MAX,
    ("LabelName", "name"): labels.PAYEE_MAX,
    ("TagIn", "name"): labels.TAG_MAX,
    ("AmountIn", "amount"): money.AMOUNT_TEXT_MAX,
    # Budget goals (issue 17)
    ("GoalIn", "kind"): goals.KIND_TEXT_MAX,
    ("GoalIn", "amount"): money.AMOUNT_TEXT_MAX,
    ("GoalIn", "by_month"): reports.MONTH_LENGTH,
    ("TransactionIn", "amount"): money.AMOUNT_TEXT_MAX,
    ("TransactionIn", "transfer_amount"): money.AMOUNT_TEXT_MAX,
    ("TransactionIn", "payee"): labels.PAYEE_MAX,
    ("TransactionIn", "memo"): validation.MEMO_MAX,
    ("TransactionIn", "tags"): validation.MAX_TAGS,
    ("TransactionIn", "tags[]"): labels.TAG_MAX,
    ("TransactionIn", "splits"): transaction_rules.MAX_SPLITS,
    ("TransactionPatch", "amount"): money.AMOUNT_TEXT_MAX,
    ("TransactionPatch", "transfer_amount"): money.AMOUNT_TEXT_MAX,
    ("TransactionPatch", "payee"): labels.PAYEE_MAX,
    ("TransactionPatch", "memo"): validation.MEMO_MAX,
    ("TransactionPatch", "tags"): validation.MAX_TAGS,
    ("TransactionPatch", "tags[]"): labels.TAG_MAX,
    ("TransactionPatch", "splits"): transaction_rules.MAX_SPLITS,
    ("SplitIn", "amount"): money.AMOUNT_TEXT_MAX,
    ("SplitIn", "memo"): validation.MEMO_MAX,
    ("BulkIds", "ids"): transactions.MAX_BULK,
    # Reconciliations (issue 17).
    ("StatementIn", "statement_balance"): money.AMOUNT_TEXT_MAX,
    ("ReconciliationQuery", "limit"): MAX_LIMIT,
    ("BulkUpdate", "ids"): transactions.MAX_BULK,
    ("BulkUpdate", "add_tags"): validation.MAX_TAGS,
    ("BulkUpdate", "add_tags[]"): labels.TAG_MAX,
    ("RuleIn", "name"): validation.NAME_MAX,
    ("RuleIn", "position"): validation.MAX_POSITION,
    ("RuleIn", "payee_text"): rules.PATTERN_MAX,
    ("RuleIn", "amount_min"): validation.DECIMAL_TEXT_MAX,
    ("RuleIn", "amount_max"): validation.DECIMAL_TEXT_MAX,
    ("RuleIn", "set_payee"): labels.PAYEE_MAX,
    ("RuleIn", "add_tags"): rules.MAX_ADDED_TAGS,
    ("RuleIn", "add_tags[]"): labels.TAG_MAX,
    ("RulePatch", "name"): validation.NAME_MAX,
    ("RulePatch", "position"): validation.MAX_POSITION,
    ("RulePatch", "payee_text"): rules.PATTERN_MAX,
    ("RulePatch", "amount_min"): validation.DECIMAL_TEXT_MAX,
    ("RulePatch", "amount_max"): validation.DECIMAL_TEXT_MAX,
    ("RulePatch", "set_payee"): labels.PAYEE_MAX,
    ("RulePatch", "add_tags"): rules.MAX_ADDED_TAGS,
    ("RulePatch", "add_tags[]"): labels.TAG_MAX,
    ("OrderIn", "rule_ids"): rules.MAX_RULES_ORDERED,
    ("RunIn", "rule_ids"): rule_runs.MAX_RULES_RUN,
    ("ScheduleIn", "name"): validation.NAME_MAX,
    ("ScheduleIn", "amount"): money.AMOUNT_TEXT_MAX,
    ("ScheduleIn", "payee"): labels.PAYEE_MAX,
    ("ScheduleIn", "memo"): validation.MEMO_MAX,
    ("ScheduleIn", "tags"): validation.MAX_TAGS,
    ("ScheduleIn", "tags[]"): labels.TAG_MAX,
    ("ScheduleIn", "interval"): recurrence.MAX_INTERVAL,
    ("ScheduleIn", "count"): recurrence.MAX_COUNT,
    ("SchedulePatch", "name"): validation.NAME_MAX,
    ("SchedulePatch", "amount"): money.AMOUNT_TEXT_MAX,
    ("SchedulePatch", "payee"): labels.PAYEE_MAX,
    ("SchedulePatch", "memo"): validation.MEMO_MAX,
    ("SchedulePatch", "tags"): validation.MAX_TAGS,
    ("SchedulePatch", "tags[]"): labels.TAG_MAX,
    ("SchedulePatch", "interval"): recurrence.MAX_INTERVAL,
    ("SchedulePatch", "count"): recurrence.MAX_COUNT,
    ("FileIn", "file_name"): imports.FILE_NAME_MAX,
    ("FileIn", "date_format"): dates.DATE_FORMAT_TEXT_MAX,
    ("FileIn", "statement"): files.MAX_STATEMENT,
    ("ImportIn", "file_name"): imports.FILE_NAME_MAX,
    ("ImportIn", "date_format"): dates.DATE_FORMAT_TEXT_MAX,
    ("ImportIn", "statement"): files.MAX_STATEMENT,
    # Several files at once (issue 18.3).
    ("BatchIn", "files"): import_batches.MAX_BATCH_FILES,
    ("BatchFileIn", "file_name"): imports.FILE_NAME_MAX,
    ("BatchFileIn", "date_format"): dates.DATE_FORMAT_TEXT_MAX,
    ("BatchFileIn", "statement"): files.MAX_STATEMENT,
    ("BackupSettings", "keep"): MAX_KEEP,
    ("InvitationIn", "username"): invitations.INVITED_NAME_MAX,
    ("Credentials", "username"): users.USERNAME_TEXT_MAX,
    ("Credentials", "password"): passwords.PASSWORD_TEXT_MAX,
    ("NewCredentials", "username"): users.USERNAME_MAX,
    ("NewCredentials", "password"): passwords.PASSWORD_TEXT_MAX,
    ("NewUser", "username"): users.USERNAME_MAX,
    ("NewUser", "password"): passwords.PASSWORD_TEXT_MAX,
    ("PasswordChange", "current_password"): passwords.PASSWORD_TEXT_MAX,
    ("PasswordChange", "new_password"): passwords.PASSWORD_TEXT_MAX,
    ("TokenIn", "name"): tokens.NAME_MAX,
    ("ClientIn", "name"): tokens.NAME_MAX,
    ("ClientIn", "redirect_uris"): oauth.MAX_REDIRECT_URIS,
    ("ClientIn", "redirect_uris[]"): oauth.REDIRECT_URI_TEXT_MAX,
    ("IdempotencyKey", "Idempotency-Key"): idempotency.KEY_MAX_LENGTH,
    ("PageQuery", "limit"): MAX_LIMIT,
    ("AccountListQuery", "limit"): MAX_LIMIT,
    ("ArchivedQuery", "limit"): MAX_LIMIT,
    ("CategoryQuery", "limit"): MAX_LIMIT,
    ("PayeeQuery", "limit"): MAX_LIMIT,
    ("PayeeQuery", "q"): labels.PAYEE_MAX,
    ("TransactionQuery", "limit"): MAX_LIMIT,
    ("TransactionQuery", "payee"): labels.PAYEE_MAX,
    ("TransactionQuery", "tag"): labels.TAG_MAX,
    ("TransactionQuery", "amount_min"): money.AMOUNT_TEXT_MAX,
    ("TransactionQuery", "amount_max"): money.AMOUNT_TEXT_MAX,
    ("TransactionQuery", "q"): transaction_list.SEARCH_TEXT_MAX,
    # issue 18: the transactions CSV in a locale's conventions
    ("TransactionCsvQuery", "payee"): labels.PAYEE_MAX,
    ("TransactionCsvQuery", "tag"): labels.TAG_MAX,
    ("TransactionCsvQuery", "amount_min"): money.AMOUNT_TEXT_MAX,
    ("TransactionCsvQuery", "amount_max"): money.AMOUNT_TEXT_MAX,
    ("TransactionCsvQuery", "q"): transaction_list.SEARCH_TEXT_MAX,
    ("TransactionCsvQuery", "locale"): csv_locale.LOCALE_MAX,
    ("ChangesQuery", "since"): changes.CURSOR_TEXT_MAX,
    ("ChangesQuery", "limit"): changes.MAX_LIMIT,
    ("ReportQuery", "start"): reports.MONTH_LENGTH,
    ("ReportQuery", "end"): reports.MONTH_LENGTH,
    ("ReportQuery", "account_id"): reports.MAX_FILTER_IDS,
    ("ReportQuery", "category_id"): reports.MAX_FILTER_IDS,
    ("UpcomingQuery", "days"): occurrences.MAX_DAYS_AHEAD,
    ("BookFile", "accounts"): book_read.MAX_BOOK_ACCOUNTS,
    ("BookFile", "category_groups"): book_read.MAX_BOOK_CATEGORY_GROUPS,
    ("BookFile", "categories"): book_read.MAX_BOOK_CATEGORIES,
    ("BookFile", "payees"): book_read.MAX_BOOK_PAYEES,
    ("BookFile", "tags"): book_read.MAX_BOOK_TAGS,
    ("BookFile", "rules"): book_read.MAX_BOOK_RULES,
    ("BookFile", "budgets"): book_read.MAX_BOOK_BUDGETS,
    ("BookFile", "goals"): book_read.MAX_BOOK_GOALS,  # budget goals (issue 17)
    ("BookFile", "schedules"): book_read.MAX_BOOK_SCHEDULES,
    ("BookFile", "reconciliations"): book_read.MAX_BOOK_RECONCILIATIONS,  # issue 17
    ("BookFile", "transactions"): book_read.MAX_BOOK_TRANSACTIONS,
    # issue 18, QIF: the mapping of a file's names to the book's
    ("FileIn", "mapping"): import_links.MAPPING_MAX,
    ("ImportIn", "mapping"): import_links.MAPPING_MAX,
    ("BatchFileIn", "mapping"): import_links.MAPPING_MAX,
    ("LinkIn", "name"): import_links.LINK_NAME_MAX,
    # Books from other apps (issue 18)
    ("OtherBookIn", "file_name"): imports.FILE_NAME_MAX,
    ("OtherBookIn", "name"): validation.NAME_MAX,
}
FLOOR = 110  # the document states 118 today: the walk cannot pass having found none


def query_schemas(app) -> dict[tuple[str, str], str]:
    """Return the name of each operation's query schema, by (method, OpenAPI path)."""
    found = {}
    for rule in app.url_map.iter_rules():
        declared = getattr(app.view_functions[rule.endpoint], "_spec", {})  # set by APIFlask
        for schema, location, *_ in declared.get("args", []):
            if location == "query":
                name = (schema if isinstance(schema, type) else type(schema)).__name__
                for method in rule.methods - {"HEAD", "OPTIONS"}:
                    found[method.lower(), openapi_path(rule.rule)] = name
    return found


class Limits:
    """The limits a document states on what requests send, by (schema, property)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.found: dict[tuple[str, str], dict[str, int]] = {}
        self.seen: set[str] = set()

    def component(self, ref: str) -> tuple[str, dict[str, Any]]:
        section, name = ref.split("/")[-2:]
        return name, self.spec["components"][section][name]

    def schema(self, name: str, node: dict[str, Any]) -> None:
        if name not in self.seen:
            self.seen.add(name)
            for prop, sub in node.get("properties", {}).items():
                self.property(name, prop, sub)

    def property(self, name: str, prop: str, node: dict[str, Any]) -> None:
        if "$ref" in node:
            self.schema(*self.component(node["$ref"]))
            return
        for part in node.get("allOf", []) + node.get("anyOf", []) + node.get("oneOf", []):
            self.property(name, prop, part)
        stated = {key: node[key] for key in KEYWORDS if key in node}
        if stated:
            self.found.setdefault((name, prop), {}).update(stated)
        if "items" in node:
            self.property(name, f"{prop}[]", node["items"])
        for inner, sub in node.get("properties", {}).items():
            self.property(name, f"{prop}.{inner}", sub)


def documented_limits(app, spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, int]]:
    """Walk every request body and parameter of `spec`, following `$ref`s and list items."""
    limits = Limits(spec)
    queries = query_schemas(app)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in item.get("parameters", []) + operation.get("parameters", []):
                owner = f"{parameter.get('in')} parameter of {method.upper()} {path}"
                if "$ref" in parameter:
                    owner, parameter = limits.component(parameter["$ref"])
                elif parameter["in"] == "query":
                    owner = queries.get((method, path), owner)
                limits.property(owner, parameter["name"], parameter.get("schema", {}))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                limits.property(f"body of {method.upper()} {path}", "", media.get("schema", {}))
    return limits.found


def test_every_documented_limit_is_the_constant_the_server_checks(app, client):
    spec = client.get("/api/v1/openapi.json").json
    documented = documented_limits(app, spec)
    untied = sorted(key for key in documented if key not in LIMITS)
    assert untied == [], "tie each in LIMITS to the constant the server checks it with"
    for key, stated in documented.items():
        assert list(stated.values()) == [LIMITS[key]], (key, stated)
    assert sorted(key for key in LIMITS if key not in documented) == [], "stale lines in LIMITS"
    assert len(documented) >= FLOOR


def text(length: int) -> str:
    return "x" * length


def tag_list(length: int) -> list[str]:
    return [f"tag {number}" for number in range(length)]


# (path under the book, the body with the value, the field refused, its limit, the value)
AT_THE_LIMIT = [
    pytest.param(
        "accounts",
        lambda ids, value: {"name": value, "type": "checking"},
        "name",
        validation.NAME_MAX,
        text,
        id="account name",
    ),
    pytest.param(
        "categories",
        lambda ids, value: {"name": value, "group_id": ids["group"]},
        "name",
        validation.NAME_MAX,
        text,
        id="category name",
    ),
    pytest.param(
        "schedules",
        lambda ids, value: {
            "name": value,
            "account_id": ids["account"],
            "amount": "-950.00",
            "frequency": "monthly",
            "start_date": "2026-01-01",
        },
        "name",
        validation.NAME_MAX,
        text,
        id="schedule name",
    ),
    pytest.param(
        "transactions",
        lambda ids, value: {
            "account_id": ids["account"],
            "date": "2026-01-01",
            "amount": "-1.00",
            "memo": value,
        },
        "memo",
        validation.MEMO_MAX,
        text,
        id="transaction memo",
    ),
    pytest.param(
        "transactions",
        lambda ids, value: {
            "account_id": ids["account"],
            "date": "2026-01-01",
            "amount": "-1.00",
            "payee": value,
        },
        "payee",
        labels.PAYEE_MAX,
        text,
        id="transaction payee",
    ),
    pytest.param(
        "transactions",
        lambda ids, value: {
            "account_id": ids["account"],
            "date": "2026-01-01",
            "amount": "-1.00",
            "tags": [value],
        },
        "tags.0",
        labels.TAG_MAX,
        text,
        id="transaction tag",
    ),
    pytest.param(
        "payees", lambda ids, value: {"name": value}, "name", labels.PAYEE_MAX, text, id="payee"
    ),
    pytest.param(
        "tags", lambda ids, value: {"name": value}, "name", labels.TAG_MAX, text, id="tag"
    ),
    pytest.param(
        "rules",
        lambda ids, value: {
            "name": "Shop",
            "payee_match": "contains",
            "payee_text": value,
            "add_tags": ["shop"],
        },
        "payee_text",
        rules.PATTERN_MAX,
        text,
        id="rule payee_text",
    ),
    pytest.param(
        "rules",
        lambda ids, value: {
            "name": "Shop",
            "payee_match": "contains",
            "payee_text": "shop",
            "add_tags": value,
        },
        "add_tags",
        rules.MAX_ADDED_TAGS,
        tag_list,
        id="rule add_tags",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "limit", "value"), AT_THE_LIMIT)
def test_the_limit_is_accepted_and_one_more_is_refused(
    ledger, eur, path, body, field, limit, value
):
    groups = ledger.who.get(f"{ledger.base}/category-groups").json["items"]
    ids = {"account": eur["id"], "group": groups[0]["id"]}
    url = f"{ledger.base}/{path}"
    accepted = ledger.who.post(url, json=body(ids, value(limit)))
    assert accepted.status_code == 201, accepted.json
    refused = ledger.who.post(url, json=body(ids, value(limit + 1)))
    assert refused.status_code == 422, refused.json
    assert [error["field"] for error in refused.json["errors"]] == [field]
