"""Domain objects as the API's answer models (times in ISO 8601 with the local offset)."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from observe.api import schemas
from observe.common.timezones import LOCAL_ZONE


def local(value: datetime | None, zone_name: str = "") -> datetime | None:
    """A stored UTC time in the election's zone (Kazakhstan's by default), offset included."""
    if value is None:
        return None
    try:
        zone = ZoneInfo(zone_name) if zone_name else LOCAL_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        zone = LOCAL_ZONE
    return value.astimezone(zone)


def station(row) -> schemas.Station:
    return schemas.Station(
        id=row.id, election_id=row.election_id, number=row.number, region=row.region,
        district=row.district or "", address=row.address or "", premises=row.premises or "",
        commission=row.commission or "", registered_voters=row.registered_voters or 0,
        latitude=row.latitude, longitude=row.longitude, language=row.language or "",
        is_priority=bool(row.is_priority))


def election(row, stations: int | None = None) -> schemas.Election:
    return schemas.Election(
        id=row.id, name=row.name, polling_day=row.polling_day, timezone=row.timezone,
        polls_open=row.polls_open.strftime("%H:%M"), polls_close=row.polls_close.strftime("%H:%M"),
        status=row.status, stations=stations)
