"""Read side of field operations: the roll-call board (set-based: one query for every row of the
caller's region, states worked out by the pure rules), the alerts and SOS lists, the banner
counts, and broadcasts with their delivered/read counts."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.common.db import UTCDateTime
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.fieldops import rules
from observe.fieldops.models import Broadcast, BroadcastReceipt, CallNote, FieldAlert, SosSignal
from observe.observers.models import Observer
from observe.permissions import acting_region, can, region_in_scope, scope_to_region
from observe.reports.models import Report
from observe.reports.services import reports_allowed_in_planning

BOARD_STATUSES = (*ACTIVE, "withdrawn")
PER_PAGE = 100


def settings():
    """The roll-call settings of this installation (config FIELDOPS_*)."""
    return rules.settings_from_config(current_app.config)


def watched_elections() -> list[Election]:
    """Elections whose stations are watched now: on polling day, or in planning (practice)."""
    statuses = ["polling_day"] + (["planning"] if reports_allowed_in_planning() else [])
    return list(db.session.scalars(select(Election).where(Election.status.in_(statuses))
                                   .order_by(Election.status != "polling_day",
                                             Election.polling_day, Election.id)))


def chosen_election(requested) -> Election | None:
    """The requested watched election, else the first one watched."""
    elections = watched_elections()
    return next((e for e in elections if str(e.id) == str(requested)), None) or (
        elections[0] if elections else None)


@dataclass(slots=True)
class Row:
    """One assignment on the board."""

    assignment_id: int
    status: str
    role: str
    shift: str
    station_id: int
    number: str
    district: str
    region: str
    address: str
    observer_id: int
    observer_name: str
    phone: str | None
    checked_in_at: datetime | None
    last_report_at: datetime | None
    sos_id: int | None
    last_call_at: datetime | None
    calls: int
    state: str = ""
    due: set = field(default_factory=set)

    @property
    def number_key(self) -> tuple:
        return (len(self.number), self.number)

    @property
    def telegram(self) -> str | None:
        """A t.me link by phone number (opens the chat when the observer allows it)."""
        return f"https://t.me/+{self.phone.lstrip('+')}" if self.phone else None


def board_statement(election_id: int, user, region: str | None = None):
    """Every assignment of the election in the caller's region, with what the rules need: one
    statement, the reports, open SOS and calls joined as grouped subqueries (no per-row query).
    A regional board groups only its region's reports, not the whole country's."""
    reports = (select(Report.station_id, Report.observer_id,
                      func.min(case((Report.kind == "check_in",
                                     func.coalesce(Report.occurred_at, Report.received_at))),
                               type_=UTCDateTime).label("checked_in_at"),
                      func.max(Report.received_at, type_=UTCDateTime).label("last_report_at"))
               .where(Report.election_id == election_id)
               .group_by(Report.station_id, Report.observer_id))
    sos = (select(SosSignal.assignment_id, func.max(SosSignal.id).label("sos_id"))
           .where(SosSignal.election_id == election_id, SosSignal.status != "resolved")
           .group_by(SosSignal.assignment_id))
    calls = (select(CallNote.assignment_id,
                    func.max(CallNote.called_at, type_=UTCDateTime).label("last_call_at"),
                    func.count(CallNote.id).label("calls"))
             .join(Assignment, Assignment.id == CallNote.assignment_id)
             .where(Assignment.election_id == election_id)
             .group_by(CallNote.assignment_id))
    narrowed = region or (acting_region(user) if user is not None else None)
    if narrowed:
        stations = select(PollingStation.id).where(PollingStation.election_id == election_id,
                                                   PollingStation.region == narrowed)
        reports = reports.where(Report.station_id.in_(stations))
        sos = sos.where(SosSignal.region == narrowed)
        calls = calls.where(Assignment.station_id.in_(stations))
    reports, sos, calls = reports.subquery(), sos.subquery(), calls.subquery()
    stmt = (select(Assignment.id, Assignment.status, Assignment.role, Assignment.shift,
                   PollingStation.id, PollingStation.number, PollingStation.district,
                   PollingStation.region, PollingStation.address, Observer.id,
                   Observer.full_name, Observer.phone, reports.c.checked_in_at,
                   reports.c.last_report_at, sos.c.sos_id, calls.c.last_call_at, calls.c.calls)
            .join(PollingStation, PollingStation.id == Assignment.station_id)
            .join(Observer, Observer.id == Assignment.observer_id)
            .outerjoin(reports, and_(reports.c.station_id == Assignment.station_id,
                                     reports.c.observer_id == Assignment.observer_id))
            .outerjoin(sos, sos.c.assignment_id == Assignment.id)
            .outerjoin(calls, calls.c.assignment_id == Assignment.id)
            .where(Assignment.election_id == election_id,
                   Assignment.status.in_(BOARD_STATUSES)))
    if region:
        stmt = stmt.where(PollingStation.region == region)
    # No user: the cron sweep, which watches every region.
    return stmt if user is None else scope_to_region(stmt, PollingStation.region, user)


def board_rows(election, user, now: datetime, region: str | None = None) -> list[Row]:
    """Every board row in the caller's scope (every region for user None) as of `now`, with
    its state and the alert kinds it has earned (`due`), in one pass of the rules."""
    day = rules.watched_day(election, now, reports_allowed_in_planning())
    show_phone = can(user, "observers.personal_data")
    evaluate = None if day is None else rules.Evaluator(
        now, settings(), day=day, zone=rules.election_zone(election),
        polls_open=election.polls_open, polls_close=election.polls_close)
    rows = []
    # Plain rows through the session's connection: no ORM bookkeeping for thousands of them.
    result = db.session.connection().execute(board_statement(election.id, user, region))
    for values in result.all():  # one fetch, not a round of the driver per row
        row = Row(*values[:11], values[11] if show_phone else None, *values[12:16],
                  calls=values[16] or 0)
        if evaluate is None:  # nothing watched: no late or silent, no alert
            row.state = "withdrawn" if row.status not in ACTIVE else (
                "checked_in" if row.checked_in_at else "expected")
        else:
            row.state, row.due = evaluate(row.status, row.shift, row.checked_in_at,
                                          row.last_report_at, row.sos_id is not None)
        rows.append(row)
    return rows


def due_alerts(rows: list[Row]) -> list[tuple[Row, str]]:
    """(row, kind) for every late or silent alert the rows have earned."""
    return [(row, kind) for row in rows for kind in sorted(row.due)]


@dataclass
class Board:
    rows: list  # the rows shown (filtered and sorted)
    total: int  # every row in scope
    states: Counter = field(default_factory=Counter)
    districts: list = field(default_factory=list)  # (district, Counter of states)


def filter_board(rows: list[Row], *, state="", district="", shift="", query="",
                 sort="state", descending=False) -> Board:
    """The board as asked: counts over every row in scope, rows filtered and sorted."""
    states = Counter(row.state for row in rows)
    by_district: dict[str, Counter] = {}
    for row in rows:
        by_district.setdefault(row.district, Counter())[row.state] += 1
    needle = query.strip().casefold()
    shown = [row for row in rows
             if (not state or row.state == state) and (not district or row.district == district)
             and (not shift or row.shift == shift)
             and (not needle or needle in row.observer_name.casefold()
                  or needle == row.number.casefold())]
    shown.sort(key=rules.sort_key(sort), reverse=descending)
    return Board(shown, len(rows), states, sorted(by_district.items()))


# --- Alerts, SOS and the banner ------------------------------------------------------------------

def _alerts_in_scope(stmt, user):
    # The lists show each alert's station and observer: loaded together, not row by row.
    return scope_to_region(stmt, FieldAlert.region, user).options(
        selectinload(FieldAlert.assignment).selectinload(Assignment.station),
        selectinload(FieldAlert.assignment).selectinload(Assignment.observer),
        selectinload(FieldAlert.acknowledged_by))


def open_alerts(user, election_id: int | None = None, limit: int = 200) -> list[FieldAlert]:
    """Unacknowledged late/silent alerts in the caller's region, newest first."""
    stmt = select(FieldAlert).where(FieldAlert.acknowledged_at.is_(None))
    if election_id:
        stmt = stmt.where(FieldAlert.election_id == election_id)
    stmt = _alerts_in_scope(stmt, user).order_by(FieldAlert.raised_at.desc(), FieldAlert.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def recent_alerts(user, election_id: int, limit: int = 50) -> list[FieldAlert]:
    """Acknowledged alerts of the election in the caller's region, latest acknowledged first."""
    stmt = _alerts_in_scope(select(FieldAlert).where(
        FieldAlert.election_id == election_id, FieldAlert.acknowledged_at.is_not(None)), user)
    return list(db.session.scalars(stmt.order_by(FieldAlert.acknowledged_at.desc()).limit(limit)))


def sos_signals(user, election_id: int | None = None, *, open_only=False, limit=200
                ) -> list[SosSignal]:
    """SOS signals in the caller's region: unresolved first, newest first."""
    stmt = select(SosSignal)
    if election_id:
        stmt = stmt.where(SosSignal.election_id == election_id)
    if open_only:
        stmt = stmt.where(SosSignal.status != "resolved")
    stmt = scope_to_region(stmt, SosSignal.region, user).options(
        selectinload(SosSignal.assignment).selectinload(Assignment.station),
        selectinload(SosSignal.observer)).order_by(
        SosSignal.status == "resolved", SosSignal.raised_at.desc(), SosSignal.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def staff_banner(user) -> dict:
    """The counts the coordinator's and HQ's pages show on top: open alerts and open SOS."""
    alerts = db.session.scalar(scope_to_region(
        select(func.count(FieldAlert.id)).where(FieldAlert.acknowledged_at.is_(None)),
        FieldAlert.region, user))
    sos = db.session.scalar(scope_to_region(
        select(func.count(SosSignal.id)).where(SosSignal.status == "open"), SosSignal.region,
        user))
    return {"alerts": alerts or 0, "sos": sos or 0}


def unread_broadcasts(observer) -> list[BroadcastReceipt]:
    """The observer's broadcasts not yet read, newest first."""
    return list(db.session.scalars(select(BroadcastReceipt).join(Broadcast).where(
        BroadcastReceipt.observer_id == observer.id, BroadcastReceipt.read_at.is_(None))
        .order_by(Broadcast.sent_at.desc()).limit(5)))


def own_receipt(observer, receipt_id: int) -> BroadcastReceipt | None:
    """One of the observer's own broadcast receipts; None for anybody else's."""
    receipt = db.session.get(BroadcastReceipt, receipt_id)
    return receipt if receipt is not None and receipt.observer_id == observer.id else None


def own_sos(observer, limit: int = 10) -> list[SosSignal]:
    """The observer's own SOS signals, newest first (for "seen by ... at ...")."""
    return list(db.session.scalars(select(SosSignal).where(SosSignal.observer_id == observer.id)
                                   .order_by(SosSignal.raised_at.desc()).limit(limit)))


def latest_own_sos(observer, station_id: int) -> SosSignal | None:
    """The observer's latest SOS from one station."""
    return db.session.scalars(select(SosSignal).join(Assignment).where(
        SosSignal.observer_id == observer.id, Assignment.station_id == station_id)
        .order_by(SosSignal.raised_at.desc(), SosSignal.id.desc()).limit(1)).first()


def own_sos_signal(observer, sos_id: int) -> SosSignal | None:
    """One of the observer's own SOS signals; None for anybody else's."""
    signal = db.session.get(SosSignal, sos_id)
    return signal if signal is not None and signal.observer_id == observer.id else None


def visible_sos(user, sos_id: int) -> SosSignal | None:
    """An SOS signal in the caller's region; None outside it."""
    signal = db.session.get(SosSignal, sos_id)
    return signal if signal is not None and region_in_scope(user, signal.region) else None


def visible_alert(user, alert_id: int) -> FieldAlert | None:
    """An alert in the caller's region; None outside it."""
    alert = db.session.get(FieldAlert, alert_id)
    return alert if alert is not None and region_in_scope(user, alert.region) else None


def visible_assignment(user, assignment_id: int) -> Assignment | None:
    """An assignment whose station is in the caller's region; None outside it."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not region_in_scope(user, assignment.station.region):
        return None
    return assignment


def call_log(assignment_id: int) -> list[CallNote]:
    """The calls noted for one assignment, latest first."""
    return list(db.session.scalars(select(CallNote).where(
        CallNote.assignment_id == assignment_id).order_by(CallNote.called_at.desc())))


# --- Broadcasts ----------------------------------------------------------------------------------

def broadcasts(user, limit: int = 50) -> list[tuple]:
    """(broadcast, recipients, e-mailed, delivered, read) the caller may see, newest first."""
    stmt = (select(Broadcast, func.count(BroadcastReceipt.id),
                   func.count(case((BroadcastReceipt.emailed.is_(True), 1))),
                   func.count(BroadcastReceipt.delivered_at), func.count(BroadcastReceipt.read_at))
            .outerjoin(BroadcastReceipt).group_by(Broadcast.id)
            .order_by(Broadcast.sent_at.desc(), Broadcast.id.desc()))
    stmt = scope_to_region(stmt, Broadcast.region, user)
    return list(db.session.execute(stmt.limit(limit)))


def broadcast_recipients(election, user, *, region="", district="", shift="",
                         not_checked_in=False) -> list[Observer]:
    """The observers a broadcast with these filters reaches: active assignments of the election
    in the caller's region (and the chosen region, district, shift), optionally only those
    without a check-in."""
    stmt = (select(Assignment.observer_id)
            .join(PollingStation, PollingStation.id == Assignment.station_id)
            .where(Assignment.election_id == election.id, Assignment.status.in_(ACTIVE)))
    stmt = scope_to_region(stmt, PollingStation.region, user)
    if region:
        stmt = stmt.where(PollingStation.region == region)
    if district:
        stmt = stmt.where(PollingStation.district == district)
    if shift:
        stmt = stmt.where(or_(Assignment.shift == shift, Assignment.shift == "full_day"))
    if not_checked_in:
        checked = select(Report.id).where(Report.kind == "check_in",
                                          Report.station_id == Assignment.station_id,
                                          Report.observer_id == Assignment.observer_id)
        stmt = stmt.where(~checked.exists())
    # Observers by id: PostgreSQL cannot DISTINCT a row with a JSON column.
    return list(db.session.scalars(select(Observer).where(Observer.id.in_(stmt))
                                   .order_by(Observer.id)))


def districts(election_id: int, user) -> list[str]:
    """The districts of the election's stations in the caller's region, for the filters."""
    stmt = scope_to_region(select(PollingStation.district).where(
        PollingStation.election_id == election_id), PollingStation.region, user)
    return list(db.session.scalars(stmt.distinct().order_by(PollingStation.district)))
