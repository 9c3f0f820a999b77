"""Category groups and categories of a book."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, DateTime, Integer, String
from apiflask.validators import Length, OneOf, Range
from flask import request

from server.api import examples as ex
from server.api.access import book_access
from server.api.schemas import (
    IF_MATCH_DOC,
    NOT_BLANK,
    Flag,
    PageQuery,
    decode_cursor,
    encode_cursor,
    errors,
    page_schema,
    with_etag,
)
from server.auth.web import auth
from server.clock import utcnow
from server.domain import categories as domain
from server.domain import category_groups
from server.domain.categories import KINDS, Category, CategoryChanges, CategoryInput
from server.domain.category_groups import CategoryGroup, GroupChanges, GroupInput
from server.domain.validation import MAX_POSITION, NAME_MAX
from server.request_db import database, reader

bp = APIBlueprint("categories", __name__, tag="Categories")

GROUPS = "/books/<int:book_id>/category-groups"
CATEGORIES = "/books/<int:book_id>/categories"
POSITION = Integer(
    validate=Range(min=-MAX_POSITION, max=MAX_POSITION),
    metadata={"description": "Sort key: groups are shown by position, then name."},
)


def paginate_offset(items: list[Any], limit: int, cursor: str | None) -> dict[str, Any]:
    """Cut an ordered list into the page at the offset a cursor holds."""
    offset = decode_cursor(cursor)
    end = offset + limit
    return {
        "items": items[offset:end],
        "next_cursor": encode_cursor(end) if len(items) > end else None,
    }


class CategoryGroupOut(Schema):
    id = Integer()
    name = String(metadata={"example": "Housing"})
    position = Integer()
    archived = Flag()
    created_at = DateTime()
    updated_at = DateTime()


class CategoryGroupIn(Schema):
    name = String(
        required=True,
        validate=Length(max=NAME_MAX),
        metadata={"example": "Housing", "pattern": NOT_BLANK},
    )
    position = Integer(
        validate=Range(min=-MAX_POSITION, max=MAX_POSITION),
        metadata={"description": "Sort key; default: after the last group."},
    )


class CategoryGroupPatch(Schema):
    name = String(validate=Length(max=NAME_MAX), metadata={"pattern": NOT_BLANK})
    position = POSITION
    archived = Flag()


class ArchivedQuery(PageQuery):
    include_archived = Boolean(
        load_default=False, metadata={"description": "Include archived ones too."}
    )


class CategoryOut(Schema):
    id = Integer()
    name = String(metadata={"example": "Rent/Mortgage"})
    group = String(metadata={"example": "Housing", "description": "The name of its group."})
    group_id = Integer()
    kind = String(validate=OneOf(KINDS))
    archived = Flag()
    rollover = Flag(
        metadata={"description": "The budget carries what is left (or overspent) onwards."}
    )
    created_at = DateTime()
    updated_at = DateTime()


class CategoryIn(Schema):
    name = String(
        required=True,
        validate=Length(max=NAME_MAX),
        metadata={"example": "Groceries", "pattern": NOT_BLANK},
    )
    group_id = Integer(required=True, metadata={"description": "A category group of this book."})
    kind = String(load_default="expense", validate=OneOf(KINDS))


class CategoryPatch(Schema):
    name = String(validate=Length(max=NAME_MAX), metadata={"pattern": NOT_BLANK})
    group_id = Integer(metadata={"description": "Move it to this group of the book."})
    kind = String(validate=OneOf(KINDS))
    archived = Flag()
    rollover = Flag(
        metadata={"description": "In the budget, carry what is left (or overspent) onwards."}
    )


class CategoryQuery(ArchivedQuery):
    kind = String(validate=OneOf(KINDS), metadata={"description": "Only this kind."})


class CategoryDeleteQuery(Schema):
    reassign_to = Integer(
        metadata={
            "description": "Move the transactions and splits that use it to this category of "
            "the book first (needed if any do)."
        }
    )


CategoryGroupPage = page_schema(CategoryGroupOut, "CategoryGroupPage")
CategoryPage = page_schema(CategoryOut, "CategoryPage")


def _with_etag(item: Category | CategoryGroup, status: int = 200) -> tuple[Any, int, dict]:
    return with_etag(item, item.etag, status)


# Routes that output an item come before its list: APIFlask must meet the item schema on its
# own before it meets it nested in the page schema, or it registers it twice.


@bp.post(GROUPS)
@bp.auth_required(auth, roles=["write"])
@bp.input(CategoryGroupIn, arg_name="body", example=ex.GROUP_IN)
@bp.output(CategoryGroupOut, status_code=201, example=ex.GROUP)
@bp.doc(
    summary="Create a category group",
    description="Its name is unique in the book.",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create_group(book_id: int, body: dict[str, Any]) -> Any:
    """Create a category group in the book."""
    group = category_groups.create_group(database(), book_id, GroupInput(**body), now=utcnow())
    return _with_etag(group, 201)


@bp.get(GROUPS + "/<int:group_id>")
@bp.auth_required(auth)
@bp.output(CategoryGroupOut, example=ex.GROUP)
@bp.doc(summary="Read a category group", description="With its `ETag`.", responses=errors(401, 404))
@book_access("read")
def read_group(book_id: int, group_id: int) -> Any:
    """Return one category group of the book."""
    return _with_etag(category_groups.get_group(reader(), book_id, group_id))


@bp.patch(GROUPS + "/<int:group_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(CategoryGroupPatch, arg_name="body", example=ex.GROUP_PATCH)
@bp.output(CategoryGroupOut, example=ex.GROUP_RENAMED)
@bp.doc(
    summary="Rename, reorder or archive a category group",
    description=f"Archiving a group hides its categories from the default list. {IF_MATCH_DOC}",
    responses=errors(401, 403, 404, 412, 422),
)
@book_access("write")
def update_group(book_id: int, group_id: int, body: dict[str, Any]) -> Any:
    """Change a category group."""
    group = category_groups.update_group(
        database(),
        book_id,
        group_id,
        GroupChanges(**body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _with_etag(group)


@bp.delete(GROUPS + "/<int:group_id>")
@bp.auth_required(auth, roles=["write"])
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a category group",
    description="Only an empty group (no categories, archived ones included) can be deleted; "
    "otherwise 409 says why.",
    responses=errors(
        401,
        403,
        404,
        412,
        why={
            409: (
                "The group still has categories",
                "The group 'Food' still has 2 categories (archived ones included); delete or "
                "move them first.",
            )
        },
    ),
)
@book_access("write")
def delete_group(book_id: int, group_id: int) -> tuple[str, int]:
    """Delete an empty category group."""
    category_groups.delete_group(
        database(), book_id, group_id, if_match=request.headers.get("If-Match")
    )
    return "", 204


@bp.get(GROUPS)
@bp.auth_required(auth)
@bp.input(ArchivedQuery, location="query", arg_name="query")
@bp.output(CategoryGroupPage, example=ex.GROUP_PAGE)
@bp.doc(
    summary="List category groups",
    description="By position, then name; archived groups only with `include_archived=true`.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_groups(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's category groups, a page at a time."""
    groups = category_groups.list_groups(
        reader(), book_id, include_archived=query["include_archived"]
    )
    return paginate_offset(groups, query["limit"], query["cursor"])


@bp.post(CATEGORIES)
@bp.auth_required(auth, roles=["write"])
@bp.input(CategoryIn, arg_name="body", example=ex.CATEGORY_IN)
@bp.output(CategoryOut, status_code=201, example=ex.CATEGORY)
@bp.doc(
    summary="Create a category",
    description="In one of the book's groups; its name is unique in the group (any case).",
    responses=errors(401, 403, 404, 422),
)
@book_access("write")
def create_category(book_id: int, body: dict[str, Any]) -> Any:
    """Create a category in the book."""
    category = domain.create_category(database(), book_id, CategoryInput(**body), now=utcnow())
    return _with_etag(category, 201)


@bp.get(CATEGORIES + "/<int:category_id>")
@bp.auth_required(auth)
@bp.output(CategoryOut, example=ex.CATEGORY)
@bp.doc(
    summary="Read a category",
    description="With its `ETag`. A category of another book answers 404.",
    responses=errors(401, 404),
)
@book_access("read")
def read_category(book_id: int, category_id: int) -> Any:
    """Return one category of the book."""
    return _with_etag(domain.get_category(reader(), book_id, category_id))


@bp.patch(CATEGORIES + "/<int:category_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(CategoryPatch, arg_name="body", example=ex.CATEGORY_PATCH)
@bp.output(CategoryOut, example=ex.CATEGORY_CHANGED)
@bp.doc(
    summary="Change a category",
    description="Rename it, move it to another group, change its kind or archive it. "
    + IF_MATCH_DOC,
    responses=errors(401, 403, 404, 412, 422),
)
@book_access("write")
def update_category(book_id: int, category_id: int, body: dict[str, Any]) -> Any:
    """Change a category."""
    category = domain.update_category(
        database(),
        book_id,
        category_id,
        CategoryChanges(**body),
        now=utcnow(),
        if_match=request.headers.get("If-Match"),
    )
    return _with_etag(category)


@bp.delete(CATEGORIES + "/<int:category_id>")
@bp.auth_required(auth, roles=["write"])
@bp.input(CategoryDeleteQuery, location="query", arg_name="query")
@bp.output({}, status_code=204)
@bp.doc(
    summary="Delete a category",
    description="A category that transactions or splits use is refused with 409 unless "
    "`reassign_to` names another category of the book: they move there, then it is deleted, "
    f"all in one transaction. Archiving keeps it instead. {IF_MATCH_DOC}",
    responses=errors(
        401,
        403,
        404,
        412,
        422,
        why={
            409: (
                "Transactions or splits use it (and no `reassign_to`)",
                "The category 'Groceries' is used by 37 transactions and 2 splits; archive it "
                "instead, or pass reassign_to=<id of another category>.",
            )
        },
    ),
)
@book_access("write")
def delete_category(book_id: int, category_id: int, query: dict[str, Any]) -> tuple[str, int]:
    """Delete a category, moving what uses it to `reassign_to` first."""
    domain.delete_category(
        database(),
        book_id,
        category_id,
        now=utcnow(),
        reassign_to=query.get("reassign_to"),
        if_match=request.headers.get("If-Match"),
    )
    return "", 204


@bp.get(CATEGORIES)
@bp.auth_required(auth)
@bp.input(CategoryQuery, location="query", arg_name="query")
@bp.output(CategoryPage, example=ex.CATEGORY_PAGE)
@bp.doc(
    summary="List categories",
    description="By group, then name. Archived categories, and those of archived groups, only "
    "with `include_archived=true`; `kind` keeps expense or income ones.",
    responses=errors(401, 404, 422),
)
@book_access("read")
def list_categories(book_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """List the book's categories, a page at a time."""
    found = domain.list_categories(
        reader(), book_id, include_archived=query["include_archived"], kind=query.get("kind")
    )
    return paginate_offset(found, query["limit"], query["cursor"])
