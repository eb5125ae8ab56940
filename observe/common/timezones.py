"""Local time for people, UTC for storage (Kazakhstan is UTC+5, Asia/Almaty)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Almaty")


def parse_local(text: str, zone: ZoneInfo = LOCAL_ZONE) -> datetime | None:
    """A datetime-local value ("2026-12-01T18:00") read in the local zone, returned in UTC."""
    try:
        return from_local(datetime.fromisoformat((text or "").strip()), zone)
    except ValueError:
        return None


def from_local(value: datetime | None, zone: ZoneInfo = LOCAL_ZONE) -> datetime | None:
    """A form's naive local datetime (a DateTimeLocalField's data) in UTC; aware ones converted."""
    if value is None:
        return None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return value.replace(tzinfo=zone).astimezone(UTC)


def to_local(value: datetime | None, zone: ZoneInfo = LOCAL_ZONE) -> datetime | None:
    """A stored UTC datetime as the naive local datetime a DateTimeLocalField shows."""
    return value.astimezone(zone).replace(tzinfo=None) if value else None


def local_input(value: datetime | None, zone: ZoneInfo = LOCAL_ZONE) -> str:
    """A stored UTC datetime as a datetime-local input value in the local zone."""
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""
