"""URL pieces shared by every feature: ids in paths and query strings, and safe local redirects."""

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

# The largest value of a 64-bit signed database integer (PostgreSQL BIGINT, SQLite INTEGER).
MAX_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` that never matches a number no database row can have."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def parse_id(value) -> int | None:
    """A query-string id as an int, or None when it is missing, not a number or out of range."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def local_path(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, else `fallback`: no open redirects."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    if any(ord(char) < 32 for char in target):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target
