"""Cursor pagination: `next` is an opaque cursor for the following page, null on the last."""

import re

from flask_babel import gettext as _
from sqlalchemy import Select

from observe.api.errors import ApiError
from observe.extensions import db

MAX_OFFSET = 99_999_999


# What a cursor looks like, for the schema: every string matching it is a valid cursor.
CURSOR_PATTERN = r"^o[0-9]{1,8}$"


def encode_cursor(offset: int) -> str:
    return f"o{offset}"


def decode_cursor(cursor: str | None) -> int:
    """The position a cursor points at; 422 for one this API did not give out."""
    if not cursor:
        return 0
    if not re.fullmatch(CURSOR_PATTERN, cursor) or int(cursor[1:]) > MAX_OFFSET:
        raise ApiError(422, fields={"cursor": [_("This cursor is not valid.")]})
    return int(cursor[1:])


def page_of_list(rows: list, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of an already loaded list."""
    offset = decode_cursor(cursor)
    items = rows[offset:offset + limit]
    more = len(rows) > offset + limit
    return items, encode_cursor(offset + limit) if more else None


def page_of_statement(stmt: Select, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of a select() in its own order (one row more is read to know whether one follows)."""
    offset = decode_cursor(cursor)
    rows = list(db.session.scalars(stmt.offset(offset).limit(limit + 1)))
    more = len(rows) > limit
    return rows[:limit], encode_cursor(offset + limit) if more else None
