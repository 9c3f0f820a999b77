"""What an import says beyond a bank's lines (QIF's categories, transfers and splits), and the
mapping of the file's names to the book's, beside the import routes that use them."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String
from apiflask.validators import Length, OneOf
from marshmallow import ValidationError

from server.characters import character_problem
from server.domain.import_links import (
    CREATE,
    LINK_KINDS,
    LINK_NAME_MAX,
    MAPPED,
    MAPPING_MAX,
    MATCHED,
    THIS_ACCOUNT,
    UNLINKED,
)


def _plain_text(text: str) -> None:
    """Refuse a name with characters no text may hold, with the item's other problems (the
    route's own check would come after the schema's refusal of a half-sent item)."""
    problem = character_problem(text)
    if problem is not None:
        raise ValidationError(problem)


class LinkIn(Schema):
    kind = String(required=True, validate=OneOf(LINK_KINDS))
    name = String(
        required=True,
        validate=[Length(min=1, max=LINK_NAME_MAX), _plain_text],
        metadata={"description": "As the file writes it (a `name` of the preview's `links`)."},
    )
    id = Integer(
        required=True, metadata={"description": "The book's category or account it stands for."}
    )


class MappedFileIn(Schema):
    mapping = List(
        Nested(LinkIn),
        load_default=[],
        validate=Length(max=MAPPING_MAX),
        metadata={
            "description": "The file's category and account names to read as the book's "
            "categories and accounts, where they differ (QIF)."
        },
    )


class LinkOut(Schema):
    kind = String(validate=OneOf(LINK_KINDS))
    name = String(metadata={"description": "As the file writes it."})
    id = Integer(allow_none=True, metadata={"description": "The book's category or account."})
    action = String(
        validate=OneOf((MATCHED, MAPPED, CREATE, UNLINKED, THIS_ACCOUNT)),
        metadata={
            "description": f"`{MATCHED}` by name, `{MAPPED}` by the request's `mapping`, "
            f"`{CREATE}`: a new category (in the group its name starts with), `{UNLINKED}`: "
            f"no such account, the rows stay plain ones, `{THIS_ACCOUNT}`: the account "
            "imported into (Quicken's opening balance)."
        },
    )


class SplitRowOut(Schema):
    amount = String()
    category = String(allow_none=True, metadata={"description": "As the file names it."})
    transfer = String(allow_none=True, metadata={"description": "The account it goes to."})
    memo = String()


class LinkedRowOut(Schema):
    category = String(allow_none=True, metadata={"description": "As the file names it (QIF)."})
    transfer = String(
        allow_none=True, metadata={"description": "The account of a transfer, by name (QIF)."}
    )
    tag = String(allow_none=True, metadata={"description": "QIF's class: becomes a tag."})
    cleared = String(
        metadata={
            "description": "`cleared` or `reconciled` as the file marks it (both come in "
            "cleared), or empty."
        }
    )
    splits = List(Nested(SplitRowOut), metadata={"description": "QIF's split lines."})
