"""Local time for people, UTC for storage (Kazakhstan is UTC+5, Asia/Almaty)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Almaty")


def parse_local(text: str, zone: ZoneInfo = LOCAL_ZONE) -> datetime | None:
    """A datetime-local value ("2026-12-01T18:00") read in the local zone, returned in UTC."""
    try:
        naive = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def local_input(value: datetime | None, zone: ZoneInfo = LOCAL_ZONE) -> str:
    """A stored UTC datetime as a datetime-local input value in the local zone."""
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""
