"""The roll-call rules: pure functions of (now, one assignment's state, settings).

No database, no clock of their own: the board, the cron sweep and the tests hand in `now`, so a
fixed clock tests them ("late at 06:31", "silent after N hours", "nothing on a withdrawn
assignment").
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from observe.assignments.rules import ACTIVE

# Worst first: the board sorts by this order and the badge colours follow it.
STATES = {
    "sos": _l("SOS"),
    "late": _l("Late"),
    "silent": _l("Silent"),
    "expected": _l("Expected"),
    "checked_in": _l("Checked in"),
    "withdrawn": _l("Withdrawn"),
}
STATE_RANK = {state: rank for rank, state in enumerate(STATES)}
STATE_COLOURS = {"sos": "danger", "late": "warning", "silent": "warning", "expected": "secondary",
                 "checked_in": "success", "withdrawn": "light"}

ALERT_KINDS = {"late": _l("Late: no check-in"), "silent": _l("Silent: no report")}

SOS_REASONS = {
    "obstructed": _l("I am being obstructed"),
    "removed": _l("I am being removed"),
    "unsafe": _l("I feel unsafe"),
}
SOS_STATUSES = {"open": lazy_pgettext("SOS status", "Open"),
                "acknowledged": _l("Acknowledged"),
                "resolved": _l("Resolved")}

# The shifts that open the station (as on the observer's assignment page).
OPENING_SHIFTS = ("full_day", "morning")


@dataclass(frozen=True)
class Settings:
    """When a station counts as late or silent (from config; see `settings_from_config`)."""

    arrive_before: timedelta = timedelta(minutes=30)  # before polls open: 06:30 for 07:00
    afternoon_arrival: time = time(13, 30)  # the afternoon shift takes over at 14:00
    silent_after: timedelta = timedelta(hours=3)
    # The count runs past the close: stations stay watched this long after it.
    watch_after_close: timedelta = timedelta(hours=6)


@dataclass(slots=True)  # slots: a board builds thousands of these
class AssignmentState:
    """What the rules need to know about one assignment on one day."""

    status: str
    shift: str
    day: date  # the local date being watched (the polling day, or today for a practice run)
    zone: ZoneInfo
    polls_open: time
    polls_close: time
    checked_in_at: datetime | None = None
    last_report_at: datetime | None = None
    open_sos: bool = False


def settings_from_config(config) -> Settings:
    """Settings from the app's config (FIELDOPS_* keys, README), defaults where unset."""
    hours, minutes = (int(part) for part in
                      str(config.get("FIELDOPS_AFTERNOON_ARRIVAL", "13:30")).split(":"))
    return Settings(
        arrive_before=timedelta(minutes=int(config.get("FIELDOPS_ARRIVE_BEFORE_MINUTES", 30))),
        afternoon_arrival=time(hours, minutes),
        silent_after=timedelta(hours=float(config.get("FIELDOPS_SILENT_HOURS", 3))),
        watch_after_close=timedelta(hours=float(config.get("FIELDOPS_WATCH_AFTER_CLOSE_HOURS",
                                                           6))))


def _local(state: AssignmentState, clock: time) -> datetime:
    return _utc_of(state.day, clock, state.zone)


@lru_cache(maxsize=256)
def _utc_of(day: date, clock: time, zone: ZoneInfo) -> datetime:
    # Cached: a board works out the same few times of day for thousands of rows.
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def arrival_at(state: AssignmentState, settings: Settings) -> datetime:
    """When the observer is due at the station (UTC): 06:30 for a 07:00 opening by default."""
    if state.shift in OPENING_SHIFTS:
        return _local(state, state.polls_open) - settings.arrive_before
    return _local(state, settings.afternoon_arrival)


class Evaluator:
    """The rules for every assignment of one election on one day, as of `now`: the times of day
    (arrival, end of the watch, the silence threshold) are worked out once, not per row, so a
    board of 10,000 stations costs a comparison or two per row. `evaluate` uses it for one."""

    __slots__ = ("watched", "late_opening", "late_afternoon", "silent_since")

    def __init__(self, now: datetime, settings: Settings, *, day: date, zone: ZoneInfo,
                 polls_open: time, polls_close: time):
        self.watched = now <= _utc_of(day, polls_close, zone) + settings.watch_after_close
        # Late: no check-in by the arrival time (06:30 is on time, 06:31 is late).
        self.late_opening = self.watched and now > (
            _utc_of(day, polls_open, zone) - settings.arrive_before)
        self.late_afternoon = self.watched and now > _utc_of(day, settings.afternoon_arrival,
                                                             zone)
        # Silent: checked in, but no report (a check-in counts) for `silent_after` or longer.
        self.silent_since = now - settings.silent_after

    def __call__(self, status: str, shift: str, checked_in_at: datetime | None,
                 last_report_at: datetime | None, open_sos: bool) -> tuple[str, set[str]]:
        """The board's state and the alert kinds earned, worked out together."""
        if status not in ACTIVE:
            return "withdrawn", set()
        if checked_in_at is None:
            late = self.late_opening if shift in OPENING_SHIFTS else self.late_afternoon
            silent = False
        else:
            late = False
            last = checked_in_at if last_report_at is None or last_report_at < checked_in_at \
                else last_report_at
            silent = self.watched and last <= self.silent_since
        due = {"late"} if late else ({"silent"} if silent else set())
        if open_sos:
            return "sos", due
        if late or silent:
            return ("late" if late else "silent"), due
        return ("checked_in" if checked_in_at is not None else "expected"), due


def evaluate(now: datetime, state: AssignmentState, settings: Settings) -> tuple[str, set[str]]:
    """The board's state and the alert kinds earned by one assignment."""
    return Evaluator(now, settings, day=state.day, zone=state.zone, polls_open=state.polls_open,
                     polls_close=state.polls_close)(
        state.status, state.shift, state.checked_in_at, state.last_report_at, state.open_sos)


def is_late(now: datetime, state: AssignmentState, settings: Settings) -> bool:
    """No check-in by the arrival time (06:30 is on time, 06:31 is late)."""
    return "late" in evaluate(now, state, settings)[1]


def is_silent(now: datetime, state: AssignmentState, settings: Settings) -> bool:
    """Checked in, but no report (a check-in counts) for `silent_after` or longer."""
    return "silent" in evaluate(now, state, settings)[1]


def roll_call_state(now: datetime, state: AssignmentState, settings: Settings) -> str:
    """The one state the board shows: withdrawn, sos, late, silent, checked_in or expected."""
    return evaluate(now, state, settings)[0]


def alerts_due(now: datetime, state: AssignmentState, settings: Settings) -> set[str]:
    """The alert kinds this assignment has earned by now (the caller raises each once)."""
    return evaluate(now, state, settings)[1]


def watched_day(election, now: datetime, practice: bool) -> date | None:
    """The local date watched for an election: its polling day; today for a practice run in
    planning (reports are accepted then too); None when there is nothing to watch."""
    if election.status == "polling_day":
        return election.polling_day
    if election.status == "planning" and practice:
        return now.astimezone(election_zone(election)).date()
    return None


def election_zone(election) -> ZoneInfo:
    """The election's time zone (Asia/Almaty when the stored name is unknown)."""
    try:
        return ZoneInfo(election.timezone or "Asia/Almaty")
    except (ValueError, KeyError):
        return ZoneInfo("Asia/Almaty")


def sort_key(column: str):
    """The board's sort keys by column name (unknown names sort by state)."""
    keys = {
        "state": lambda row: (STATE_RANK[row.state], row.number_key),
        "station": lambda row: row.number_key,
        "district": lambda row: (row.district, row.number_key),
        "observer": lambda row: (row.observer_name.casefold(), row.number_key),
        "checked_in": lambda row: (row.checked_in_at is None,
                                   row.checked_in_at or datetime.max.replace(tzinfo=UTC)),
        "last_report": lambda row: (row.last_report_at is None,
                                    row.last_report_at or datetime.min.replace(tzinfo=UTC)),
    }
    return keys.get(column, keys["state"])
