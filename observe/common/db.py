"""Database types and helpers shared by every feature."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored in UTC.

    PostgreSQL keeps the offset; SQLite hands back naive values, which are UTC by construction
    because every write goes through this type.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None or value.tzinfo is UTC:  # PostgreSQL's, in a UTC session
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
