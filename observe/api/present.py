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


def _base(report) -> dict:
    zone = report.election.timezone if report.election else ""
    return dict(id=report.id, reference=report.reference, kind=report.kind,
                client_uuid=report.uuid, status=report.status, election_id=report.election_id,
                station_id=report.station_id, occurred_at=local(report.occurred_at, zone),
                received_at=local(report.received_at, zone), flagged=bool(report.flagged),
                severity=report.severity or "")


def evidence(item, zone: str = "") -> schemas.Evidence:
    return schemas.Evidence(id=item.id, kind=item.kind, content_type=item.content_type,
                            original_name=item.original_name or "", size=item.size,
                            sha256=item.sha256, uploaded_at=local(item.uploaded_at, zone))


def incident(report, *, detail: bool = False) -> schemas.Incident:
    from observe.reports.rules import CATEGORY_LABELS

    zone = report.election.timezone if report.election else ""
    label = CATEGORY_LABELS.get(report.category)
    fields = dict(
        _base(report), category=report.category, category_label=str(label or report.category),
        description=report.description or "", people_involved=report.people_involved or "",
        complaint_filed=bool(report.complaint_filed),
        complaint_number=report.complaint_number or "", status_reason=report.status_reason or "",
        station=schemas.StationRef(id=report.station.id, number=report.station.number,
                                   region=report.station.region,
                                   district=report.station.district or ""),
        observer=schemas.ObserverRef(id=report.observer.id, full_name=report.observer.full_name),
        evidence=[evidence(e, zone) for e in report.evidence])
    if not detail:
        return schemas.Incident(**fields)
    events = [schemas.Event(kind=e.kind, text=e.text or "",
                            actor=e.actor.display_name if e.actor else None,
                            created_at=local(e.created_at, zone)) for e in report.events]
    return schemas.IncidentDetail(**fields, events=events)


def report(row):
    """Any kind of report as its answer model."""
    base = _base(row)
    if row.kind == "check_in":
        return schemas.CheckIn(**base, latitude=row.latitude, longitude=row.longitude,
                               accuracy=row.accuracy_m)
    if row.kind == "checklist":
        return schemas.Checklist(**base, form_id=row.form_id, form_version=row.form_version,
                                 phase=row.phase, answers=row.answers or {},
                                 problems=list(row.problems or []))
    if row.kind == "turnout":
        return schemas.Turnout(**base, hour=row.hour, voters=row.voters)
    if row.kind == "incident":
        return incident(row)
    return schemas.Protocol(
        **base, contest_id=row.contest_id,
        **{name: getattr(row, name) for name in row.FIGURES},
        votes=[schemas.Vote(choice_id=v.choice_id, votes=v.votes) for v in row.votes],
        mismatches=list(row.mismatches or []))
