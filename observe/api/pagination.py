"""Cursor pagination: `next` is an opaque cursor for the following page, null on the last."""

import base64
import binascii

from flask_babel import gettext as _
from sqlalchemy import Select

from observe.api.errors import ApiError
from observe.extensions import db

MAX_OFFSET = 10_000_000


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The position a cursor points at; 422 for one this API did not give out."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _sep, number = text.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
        prefix = ""
    if prefix != "o" or not 0 <= offset <= MAX_OFFSET:
        raise ApiError(422, fields={"cursor": [_("This cursor is not valid.")]})
    return offset


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
