"""Elections, their contests and polling stations: the rules, written once for web and API."""

from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from observe.audit.services import record, snapshot
from observe.branches.regions import REGIONS
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.extensions import db

# The order is the only way an election may go: planning -> polling day -> closed.
STATUSES = ("planning", "polling_day", "closed")
STATUS_LABELS = {
    "planning": _l("Planning"),
    "polling_day": _l("Polling day"),
    "closed": _l("Closed"),
}
CONTEST_KINDS = {
    "mazhilis_party_list": _l("Mazhilis, party lists"),
    "oblast_maslikhat": _l("Oblast maslikhat"),
    "city_maslikhat": _l("City maslikhat"),
    "district_maslikhat": _l("District maslikhat"),
    "other": _l("Other"),
}
STATION_LANGUAGES = {"": _l("Either language"), "kk": _l("Kazakh"), "ru": _l("Russian")}

ELECTION_FIELDS = ("name", "polling_day", "timezone", "polls_open", "polls_close")
CONTEST_FIELDS = ("kind", "name", "region", "position")
STATION_FIELDS = PollingStation.AUDITED_FIELDS
STATION_LIMITS = {"number": 16, "district": 120, "address": 300, "premises": 200,
                  "commission": 200}
MAX_CHOICES = 200


class ElectionError(DomainError):
    """An election rule was broken; the message is shown to the user (next to `field`)."""

    def __init__(self, message: str | None = None, field: str | None = None, *,
                 fields: dict | None = None):
        super().__init__(message, field=field or "", fields=fields)


def _snapshot(obj, fields) -> dict:
    """snapshot() with times of day as "HH:MM" (the audit writer knows dates, not times)."""
    return {k: v.strftime("%H:%M") if isinstance(v, time) else v
            for k, v in snapshot(obj, fields).items()}


def status_label(status: str) -> str:
    """The status in the current language."""
    return str(STATUS_LABELS.get(status, status))


def contest_kind_label(kind: str) -> str:
    """The kind of contest in the current language."""
    return str(CONTEST_KINDS.get(kind, kind))


def next_statuses(status: str) -> list[str]:
    """The statuses an election may move to from `status` (itself included): forward only."""
    return list(STATUSES[STATUSES.index(status):]) if status in STATUSES else list(STATUSES)


def _check_election(fields: dict) -> dict:
    name = " ".join(str(fields.get("name") or "").split())
    if not name:
        raise ElectionError(_("Enter the name of the election."), "name")
    if len(name) > 200:
        raise ElectionError(_("The name is too long."), "name")
    if not isinstance(fields.get("polling_day"), date):
        raise ElectionError(_("Enter the polling day."), "polling_day")
    zone = (fields.get("timezone") or "").strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ElectionError(_("Unknown time zone."), "timezone") from None
    opens, closes = fields.get("polls_open"), fields.get("polls_close")
    if not isinstance(opens, time) or not isinstance(closes, time):
        raise ElectionError(_("Enter the polling hours."), "polls_open")
    if opens >= closes:
        raise ElectionError(_("The polls must close after they open."), "polls_close")
    return {**fields, "name": name, "timezone": zone}


def create_election(*, actor, name: str, polling_day: date, timezone: str = "Asia/Almaty",
                    polls_open: time = time(7, 0), polls_close: time = time(20, 0)) -> Election:
    """Create an election in planning."""
    fields = _check_election(dict(name=name, polling_day=polling_day, timezone=timezone,
                                  polls_open=polls_open, polls_close=polls_close))
    election = Election(**fields, status="planning")
    db.session.add(election)
    db.session.flush()
    record("election.create", election, actor=actor, summary=election.name,
           after=_snapshot(election, Election.AUDITED_FIELDS))
    return election


def update_election(election: Election, *, actor, **fields) -> Election:
    """Change an election's details and move its status forward (never back)."""
    unknown = set(fields) - set(ELECTION_FIELDS) - {"status"}
    if unknown:
        raise TypeError(f"unknown election fields {sorted(unknown)}")
    merged = _check_election({k: getattr(election, k) for k in ELECTION_FIELDS}
                             | {k: v for k, v in fields.items() if k != "status"})
    status = fields.get("status") or election.status
    if status not in STATUSES:
        raise ElectionError(_("Unknown status."), "status")
    if status not in next_statuses(election.status):
        raise ElectionError(_("The status can only move forward: planning, polling day, "
                              "closed."), "status")
    before = _snapshot(election, Election.AUDITED_FIELDS)
    for name in ELECTION_FIELDS:
        setattr(election, name, merged[name])
    election.status = status
    db.session.flush()
    after = _snapshot(election, Election.AUDITED_FIELDS)
    if after != before:
        action = "election.status" if before["status"] != after["status"] else "election.update"
        record(action, election, actor=actor, summary=election.name,
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    return election


def parse_choices(text: str) -> list[str]:
    """The parties or candidates of a contest, one per line of a textarea."""
    names = [" ".join(line.split()) for line in str(text or "").splitlines()]
    names = [name for name in names if name]
    seen: set[str] = set()
    for name in names:
        if len(name) > 200:
            raise ElectionError(_("A party or candidate name is too long: %(name)s",
                                  name=name[:40] + "…"), "choices")
        if name.casefold() in seen:
            raise ElectionError(_("%(name)s is listed twice.", name=name), "choices")
        seen.add(name.casefold())
    if len(names) > MAX_CHOICES:
        raise ElectionError(_("A contest can have at most %(num)d choices.", num=MAX_CHOICES),
                            "choices")
    return names


def _check_contest(kind: str, name: str, region: str) -> tuple[str, str, str]:
    if kind not in CONTEST_KINDS:
        raise ElectionError(_("Choose the kind of contest."), "kind")
    name = " ".join(str(name or "").split())
    if not name:
        raise ElectionError(_("Enter the name of the contest."), "name")
    if len(name) > 200:
        raise ElectionError(_("The name is too long."), "name")
    region = region or ""
    if region and region not in REGIONS:
        raise ElectionError(_("Unknown region."), "region")
    return kind, name, region


def _contest_snapshot(contest: Contest) -> dict:
    return snapshot(contest, CONTEST_FIELDS) | {"choices": [c.name for c in contest.choices]}


def _set_choices(contest: Contest, names: list[str]) -> None:
    """Keep the rows of choices that stay (protocols will point at them), add and drop others."""
    existing = {choice.name: choice for choice in contest.choices}
    kept = []
    for position, name in enumerate(names):
        choice = existing.pop(name, None) or ContestChoice(name=name)
        choice.position = position
        kept.append(choice)
    contest.choices = kept


def add_contest(election: Election, *, actor, kind: str, name: str, region: str = "",
                choices: list[str] | str = ()) -> Contest:
    """Add a contest held on the election's polling day, with its parties or candidates."""
    kind, name, region = _check_contest(kind, name, region)
    names = parse_choices(choices) if isinstance(choices, str) else parse_choices(
        "\n".join(choices))
    position = max((c.position for c in election.contests), default=0) + 1
    contest = Contest(election=election, kind=kind, name=name, region=region, position=position)
    _set_choices(contest, names)
    db.session.add(contest)
    db.session.flush()
    record("contest.create", contest, actor=actor, summary=f"{election.name}: {name}",
           after=_contest_snapshot(contest))
    return contest


def update_contest(contest: Contest, *, actor, kind: str, name: str, region: str = "",
                   choices: list[str] | str = ()) -> Contest:
    """Change a contest and its list of parties or candidates."""
    kind, name, region = _check_contest(kind, name, region)
    names = parse_choices(choices) if isinstance(choices, str) else parse_choices(
        "\n".join(choices))
    before = _contest_snapshot(contest)
    contest.kind, contest.name, contest.region = kind, name, region
    _set_choices(contest, names)
    db.session.flush()
    after = _contest_snapshot(contest)
    if after != before:
        record("contest.update", contest, actor=actor, summary=name,
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    return contest


def remove_contest(contest: Contest, *, actor) -> None:
    """Remove a contest and its choices."""
    before = _contest_snapshot(contest)
    record("contest.delete", contest, actor=actor, summary=contest.name, before=before)
    election = contest.election
    election.contests.remove(contest)
    db.session.flush()


def check_station(fields: dict) -> tuple[dict, dict[str, str]]:
    """Clean a station's fields; returns (clean fields, {field: message})."""
    errors: dict[str, str] = {}
    clean = dict(fields)
    for name, limit in STATION_LIMITS.items():
        if name in clean:
            clean[name] = " ".join(str(clean[name] or "").split())
            if len(clean[name]) > limit:
                errors[name] = _("At most %(num)d characters.", num=limit)
    if "number" in clean and not clean["number"]:
        errors["number"] = _("Enter the station number.")
    if "region" in clean and clean["region"] not in REGIONS:
        errors["region"] = _("Unknown region.")
    voters = clean.get("registered_voters", 0)
    if not isinstance(voters, int) or isinstance(voters, bool) or voters < 0:
        errors["registered_voters"] = _("The number of voters must be a whole number, 0 or "
                                        "more.")
    for name, bound in (("latitude", 90), ("longitude", 180)):
        value = clean.get(name)
        if value is not None and not (-bound <= value <= bound):
            errors[name] = _("Must be between %(low)d and %(high)d.", low=-bound, high=bound)
    if (clean.get("latitude") is None) != (clean.get("longitude") is None):
        errors.setdefault("longitude", _("Give both the latitude and the longitude, or neither."))
    if clean.get("language", "") not in STATION_LANGUAGES:
        errors["language"] = _("Unknown language.")
    if "priority_note" in clean:
        clean["priority_note"] = str(clean["priority_note"] or "").strip()
    if "is_priority" in clean:
        clean["is_priority"] = bool(clean["is_priority"])
    return clean, errors


def update_station(station: PollingStation, *, actor, **fields) -> PollingStation:
    """Change a polling station by hand, including its priority flag and note."""
    unknown = set(fields) - set(STATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown station fields {sorted(unknown)}")
    merged = {k: getattr(station, k) for k in STATION_FIELDS} | fields
    clean, errors = check_station(merged)
    if errors:
        raise ElectionError(fields=errors)
    taken = db.session.scalar(select(PollingStation.id).where(
        PollingStation.election_id == station.election_id,
        PollingStation.region == clean["region"], PollingStation.number == clean["number"],
        PollingStation.id != station.id))
    if taken is not None:
        raise ElectionError(_("This region already has a station with this number."), "number")
    before = snapshot(station, STATION_FIELDS)
    for name in STATION_FIELDS:
        setattr(station, name, clean[name])
    try:
        db.session.flush()
    except IntegrityError:
        # Another editor took the number between the check above and this write.
        raise ElectionError(_("This region already has a station with this number."),
                            "number") from None
    after = snapshot(station, STATION_FIELDS)
    if after != before:
        action = ("station.priority" if before["is_priority"] != after["is_priority"]
                  else "station.update")
        record(action, station, actor=actor, summary=f"{station.region} {station.number}",
               before={k: v for k, v in before.items() if after[k] != v},
               after={k: v for k, v in after.items() if before[k] != v})
    return station


def next_polling_day(today: date | None = None) -> date | None:
    """Polling day of the next election not yet closed (today's counts), if any is planned."""
    from sqlalchemy import func, select

    from observe.elections.models import Election

    today = today or utcnow().date()
    return db.session.scalar(select(func.min(Election.polling_day)).where(
        Election.polling_day >= today, Election.status != "closed"))
