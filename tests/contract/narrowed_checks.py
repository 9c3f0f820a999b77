"""Where a schemathesis check assumes more than HTTP (or OAuth) promises: narrowed there only.

Importing this module registers the narrowed checks; `contract_config` turns off the built-in
checks they stand for, so each runs once, everywhere, except for what is listed here.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from server.api.oauth_schemas import OAuthRevocationForm, OAuthTokenForm
from server.domain.book_read import BEFORE_THE_TRANSACTIONS

BOOK = "/api/v1/books/{book_id}"
# positive_data_acceptance takes "valid by the document" for "must be accepted". HTTP lets a
# server refuse a well-formed request it cannot carry out given what it holds (RFC 9110: 409,
# 422), and no JSON Schema can state what a book holds: a name already taken, an id of a row
# that is not in this book, a category of the other kind. The server refuses these with a
# 409/422 problem naming the field; these are the fields, per operation, whose refusal depends
# on the book's contents (any other refusal there still fails the check).
REFERENCES = frozenset({"account_id", "category_id", "group_id", "set_category_id", "tag_id"})
NAMES = frozenset({"name"})
# How many decimals an amount may have is its currency's (the account's or the book's); the
# document states the amount's form.
AMOUNTS = frozenset({"amount", "opening_balance"})
FAR_DATES = frozenset({"date", "confirm_far_date"})
STATE_DEPENDENT: dict[str, frozenset[str]] = {
    f"POST {BOOK}/accounts": NAMES | AMOUNTS,
    f"PATCH {BOOK}/accounts/{{account_id}}": NAMES | AMOUNTS,
    f"POST {BOOK}/category-groups": NAMES,
    f"PATCH {BOOK}/category-groups/{{group_id}}": NAMES,
    f"POST {BOOK}/categories": NAMES | REFERENCES,
    f"PATCH {BOOK}/categories/{{category_id}}": NAMES | REFERENCES,
    f"DELETE {BOOK}/categories/{{category_id}}": frozenset({"reassign_to"}),
    f"POST {BOOK}/payees": NAMES,
    f"PATCH {BOOK}/payees/{{payee_id}}": NAMES,
    f"POST {BOOK}/tags": NAMES,
    f"PATCH {BOOK}/tags/{{tag_id}}": NAMES,
    # Only expense categories have a budget: the category's kind is the book's.
    f"PUT {BOOK}/budgets/{{month}}/categories/{{category_id}}": REFERENCES,
    # A date more than a year after today is asked about (`confirm_far_date`): today is the
    # clock's, not the request's.
    f"POST {BOOK}/transactions": REFERENCES | AMOUNTS | FAR_DATES,
    f"PATCH {BOOK}/transactions/{{transaction_id}}": REFERENCES | AMOUNTS | FAR_DATES,
    # A book whose budget holds amounts keeps its currency until they are 0.
    f"PATCH {BOOK}": frozenset({"currency"}),
    f"POST {BOOK}/transactions/bulk-update": REFERENCES,
    # A schedule ends on a day (`end_date`) or after a number of occurrences (`count`), not both:
    # a rule between two fields, which the fields' descriptions state; refused at `count`.
    f"POST {BOOK}/schedules": REFERENCES | AMOUNTS | frozenset({"count"}),
    f"PATCH {BOOK}/schedules/{{schedule_id}}": REFERENCES | AMOUNTS | frozenset({"count"}),
    # A date the schedule has no occurrence on depends on the schedule.
    f"POST {BOOK}/schedules/{{schedule_id}}/enter": frozenset({"date"}),
    f"POST {BOOK}/schedules/{{schedule_id}}/skip": frozenset({"date"}),
    # A rule needs a condition (a payee, an amount or an account): a rule among fields, which
    # the description states; refused at `payee_match`.
    f"POST {BOOK}/rules": REFERENCES | frozenset({"payee_match"}),
    f"PATCH {BOOK}/rules/{{rule_id}}": REFERENCES | frozenset({"payee_match"}),
    f"POST {BOOK}/rules/apply": frozenset({"rule_ids"}),
    f"POST {BOOK}/rules/preview": frozenset({"rule_ids"}),
    # The new order must list the book's rules, each once.
    f"PUT {BOOK}/rules/order": frozenset({"rule_ids"}),
    # Whether base64 bytes are a bank file Tallybook reads (CSV, OFX, QIF, CAMT) is beyond a
    # schema: the document says base64 (`format: byte`), the server says what it could not read.
    # Issue 18: a QIF mapping names the file's categories and accounts, and the book's ids;
    # reversing amounts is for CSV files (refused at `amounts_reversed` for OFX and QIF).
    **{
        f"POST {BOOK}/imports{end}": REFERENCES | {"content", "mapping", "amounts_reversed"}
        for end in ("", "/preview")
    },
    # The same for another app's whole book (issue 18); and `app` is refused when its optional
    # library (Beancount) is not installed: the install's state, not the request's.
    "POST /api/v1/books/import/{app}": frozenset({"content", "app"}),
    # A target goal needs the category's rollover; only expense categories have goals.
    f"PUT {BOOK}/categories/{{category_id}}/goal": frozenset({"kind"}),
    # Deleting a book asks for its name, as it is now.
    f"DELETE {BOOK}": frozenset({"confirm_name"}),
    # An invitation to someone who is already a member is refused.
    f"POST {BOOK}/invitations": frozenset({"username"}),
    # Not the book's state but a rule no JSON Schema states either: a new password's length
    # counts after Unicode normalization (NFKC), and it must not be a common password.
    "POST /api/v1/setup": frozenset({"password"}),
    "POST /api/v1/users": frozenset({"password"}),
    "POST /api/v1/me/password": frozenset({"new_password"}),
    # A report's last month comes after its first: a rule between two parameters.
    **{
        f"GET {BOOK}/reports/{report}": REFERENCES | frozenset({"end"})
        for report in ("cash-flow", "income-expense", "net-worth", "spending")
    },
}
# A book file's lists hold a whole book (accounts, categories, transactions referring to them by
# `ref`...): the document states their bounds and that they hold objects; the items' fields and
# how they refer to each other are the book file's format (README, "Keeping your books"), which
# the server checks as it reads the file, naming each problem at its item. And it reads the
# file as a stream, so what the transactions refer to comes before them, as Tallybook writes
# it (README): a rule on the order of an object's members, which no JSON Schema states.
BOOK_FILE = "POST /api/v1/books/import"
# Several bank files at once: each file is refused at its own place, for what it holds
# (`files.N.content`: not a bank file Tallybook reads) or what the book holds
# (`files.N.account_id`: no such account, or none matches the file yet), as `POST .../imports`.
IMPORT_BATCHES = frozenset({f"POST {BOOK}/imports/batches", f"POST {BOOK}/imports/batches/preview"})
BOOK_FILE_LISTS = tuple(
    f"{name}["
    for name in (
        "accounts",
        "category_groups",
        "categories",
        "payees",
        "tags",
        "rules",
        "budgets",
        "goals",
        "schedules",
        "reconciliations",
        "transactions",
    )
)
# A cursor is only ever one the server gave out (it names where a page ended, or a point in
# the change feed's history): its validity is the server's state too.
CURSORS = frozenset({"cursor", "since"})
# The Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header, 2.7) answers 422 to a
# key reused for another request; the fuzzer reuses the document's example key.
KEY_REUSED = "idempotency_key_reused"


# RFC 6749 5.2 and RFC 7009 2.2.1: an unknown app or a spent token is refused with 400/401 and
# an OAuth `error`; what credentials exist is the server's state (schemathesis allows for this at
# the token endpoint only).
OAUTH_FORMS = frozenset({"POST /oauth/token", "POST /oauth/revoke"})
OAUTH_CREDENTIAL_ERRORS = frozenset({"invalid_client", "invalid_grant"})
KNOWN_OAUTH_PARAMETERS = frozenset({*OAuthTokenForm().fields, *OAuthRevocationForm().fields})


def _json(response: schemathesis.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# RFC 6749 3.2: parameters the server does not know are ignored, and ours are, unless a name
# or value holds characters no OAuth parameter has (printable ASCII but quote and backslash):
# those are refused, as Authlib would echo them into an error it cannot write. The document
# states the characters of the parameters it names; no form schema names the others.
# (And a parameter given more than once is refused, known or not: RFC 6749 3.2 forbids it.)
ODD_PARAMETER = ("characters OAuth does not allow", "times: send it once")


def _refused_for_state(case: schemathesis.Case, response: schemathesis.Response) -> bool:
    body = _json(response)
    if case.operation.label in OAUTH_FORMS and response.status_code in (400, 401):
        return body.get("error") in OAUTH_CREDENTIAL_ERRORS or (
            body.get("error") == "invalid_request"
            and any(why in body.get("error_description", "") for why in ODD_PARAMETER)
            and bool(set(case.body or {}) - KNOWN_OAUTH_PARAMETERS)
        )
    if response.status_code not in (409, 422):
        return False
    problem = body
    if problem.get("code") == KEY_REUSED:
        return True
    fields = {error.get("field") for error in problem.get("errors", [])}
    if case.operation.label == BOOK_FILE and all(
        str(error.get("field")).startswith(BOOK_FILE_LISTS)
        or error.get("message") == BEFORE_THE_TRANSACTIONS
        for error in problem.get("errors", [])
    ):
        return bool(fields)
    if case.operation.label in IMPORT_BATCHES:
        return bool(fields) and all(str(field).startswith("files") for field in fields)
    allowed = STATE_DEPENDENT.get(case.operation.label, frozenset()) | CURSORS
    return bool(fields) and fields <= allowed


@schemathesis.check
def positive_data_acceptance_given_state(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """positive_data_acceptance, but for a refusal that depends on what the server holds."""
    if _refused_for_state(case, response):
        return None
    return positive_data_acceptance(ctx, response, case)


# RFC 6749 3.1: the authorization endpoint MUST ignore parameters it does not know, and it
# answers a bad request by sending the browser back to the app with `error` (4.1.2.1), or on
# to sign in first: a 302, where negative_data_rejection expects a 4xx.
REDIRECTS_ITS_ERRORS = frozenset({"GET /oauth/authorize"})


@schemathesis.check
def negative_data_rejection_but_oauth_redirects(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """negative_data_rejection, but for the OAuth authorization endpoint's redirects."""
    if case.operation.label in REDIRECTS_ITS_ERRORS and response.status_code == 302:
        return None
    return negative_data_rejection(ctx, response, case)
