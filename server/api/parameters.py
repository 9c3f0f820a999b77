"""What each path parameter of the API is, said once for every route that has it.

APIFlask documents a path's `<int:book_id>` by its name and type only; this spec processor
adds the description kept here for that name (and, where the handler judges free text, its
pattern). A route with a parameter named nowhere here
fails `tests/api/test_openapi.py`, so a new name needs its line.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask

from server.api.schemas import extend_spec, whole
from server.domain.reports import MONTH_PATTERN
from server.otherapps.registry import APPS

BOOK = "`GET /books/{book_id}"

PATH_PARAMETERS: dict[str, str] = {
    "book_id": "The book's id (`GET /books` lists yours).",
    "account_id": f"The account's id ({BOOK}/accounts` lists them).",
    "transaction_id": f"The transaction's id ({BOOK}/transactions` lists them).",
    "group_id": f"The category group's id ({BOOK}/category-groups` lists them).",
    "category_id": f"The category's id ({BOOK}/categories` lists them).",
    "payee_id": f"The payee's id ({BOOK}/payees` lists them).",
    "tag_id": f"The tag's id ({BOOK}/tags` lists them).",
    "rule_id": f"The rule's id ({BOOK}/rules` lists them).",
    "schedule_id": f"The scheduled transaction's id ({BOOK}/schedules` lists them).",
    "reconciliation_id": "The reconciliation's id "
    f"({BOOK}/accounts/{{account_id}}/reconciliations` lists them).",
    "import_id": f"The import's id ({BOOK}/imports` lists them).",
    "batch_id": f"The batch's id: `batch_id` of its imports ({BOOK}/imports` lists them).",
    "job_id": "The background import's id: the end of the `Location` its 202 answer gave.",
    "month": "The month, `YYYY-MM`.",
    "user_id": f"The member's user id ({BOOK}/members` lists them).",
    "invitation_id": "The invitation's id (`GET /me/invitations` lists yours; "
    f"{BOOK}/invitations` a book's).",
    "name": "The backup's file name (`GET /backups` lists them).",
    "token_id": "The token's id (`GET /tokens` lists yours).",
    "grant_id": "The authorized app's id (`GET /authorized-apps` lists yours).",
    "app": f"The app the book comes from: {', '.join(f'`{key}`' for key in APPS)}.",
    "client_pk": "The registered app's `id` in `GET /oauth/clients` (not its `client_id`).",
}


# What a path parameter's text must be, where the route takes any text and its handler judges it.
PATH_PATTERNS: dict[str, str] = {
    "month": whole(MONTH_PATTERN),
    "app": whole("|".join(APPS)),  # another app's key (issue 18)
}


def describe_path_parameters(spec: dict[str, Any]) -> dict[str, Any]:
    """Give each path parameter that has none the description of its name, and its pattern."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "path":
                    continue
                name = parameter["name"]
                if not parameter.get("description") and name in PATH_PARAMETERS:
                    parameter["description"] = PATH_PARAMETERS[name]
                if name in PATH_PATTERNS:
                    parameter["schema"]["pattern"] = PATH_PATTERNS[name]
    return spec


def init_app(app: APIFlask) -> None:
    """Describe the path parameters in the app's OpenAPI document."""
    extend_spec(app, describe_path_parameters)
