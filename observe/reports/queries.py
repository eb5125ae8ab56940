"""Read-side queries of polling-day reports: the observer's stations and reports, the triage
queue (scoped to the caller's region through permissions.scope_to_region)."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, or_, select
from sqlalchemy.orm import selectinload

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.elections.models import Contest, Election, PollingStation
from observe.extensions import db
from observe.observers.queries import observer_of
from observe.permissions import can, region_in_scope, scope_to_region
from observe.reports.models import (
    ChecklistResponse,
    Evidence,
    Incident,
    ProtocolCopy,
    Report,
    TurnoutReport,
)
from observe.reports.rules import SEVERITY_RANK
from observe.reports.services import election_takes_reports


def reporting_assignments(observer) -> list[Assignment]:
    """The observer's active assignments in elections that take reports now."""
    if observer is None:
        return []
    rows = db.session.scalars(select(Assignment).join(Election).where(
        Assignment.observer_id == observer.id, Assignment.status.in_(ACTIVE))
        .order_by(Election.polling_day, Assignment.id)).all()
    return [a for a in rows if election_takes_reports(a.election)]


def reporting_assignment(observer, station_id: int) -> Assignment | None:
    """The observer's assignment at this station when it takes reports; None otherwise."""
    return next((a for a in reporting_assignments(observer) if a.station_id == station_id),
                None)


def station_contests(station: PollingStation) -> list[Contest]:
    """The contests whose protocols are copied at this station (national and its region's)."""
    return list(db.session.scalars(select(Contest).where(
        Contest.election_id == station.election_id,
        Contest.region.in_(("", station.region))).order_by(Contest.position, Contest.id)))


@dataclass
class StationDay:
    """What the observer has sent from one station, for the polling-day hub."""

    assignment: Assignment
    checked_in_at: datetime | None = None
    phases: set = field(default_factory=set)
    turnout: dict = field(default_factory=dict)
    incidents: int = 0
    protocols: set = field(default_factory=set)


def station_day(assignment: Assignment) -> StationDay:
    """The hub's summary of one station: check-in, phases answered, turnout hours, counts."""
    day = StationDay(assignment)
    reports = db.session.scalars(select(Report).where(
        Report.station_id == assignment.station_id,
        Report.observer_id == assignment.observer_id).order_by(Report.received_at)).all()
    for report in reports:
        if report.kind == "check_in":
            day.checked_in_at = day.checked_in_at or report.occurred_at
        elif isinstance(report, ChecklistResponse):
            day.phases.add(report.phase)
        elif isinstance(report, TurnoutReport):
            day.turnout[report.hour] = report.voters
        elif isinstance(report, Incident):
            day.incidents += 1
        elif isinstance(report, ProtocolCopy):
            day.protocols.add(report.contest_id)
    return day


def own_reports(observer, limit: int = 200) -> list[Report]:
    """The observer's reports, newest first."""
    return list(db.session.scalars(select(Report).where(Report.observer_id == observer.id)
                                   .options(selectinload(Report.station))
                                   .order_by(Report.received_at.desc(), Report.id.desc())
                                   .limit(limit)))


def own_report(observer, report_id: int) -> Report | None:
    """One of the observer's own reports; None for anyone else's."""
    report = db.session.get(Report, report_id)
    return report if report is not None and report.observer_id == observer.id else None


# --- Triage ---------------------------------------------------------------------------------------

@dataclass
class QueueFilters:
    election_id: int | None = None
    region: str = ""
    district: str = ""
    station: str = ""
    category: str = ""
    severity: str = ""
    status: str = ""
    kind: str = ""
    phase: str = ""  # a checklist phase: only checklists of it
    since: datetime | None = None
    until: datetime | None = None


SEVERITY_ORDER = case(SEVERITY_RANK, value=Report.severity, else_=0)


def triage_statement(user, filters: QueueFilters):
    """The triage queue as a select(): incidents, and checklists or protocols flagged as a
    problem, in the user's region, most severe first, then newest. Pages and counts are taken
    from it, so a number on the dashboard and the list behind it agree."""
    # The incident table itself, not the Incident mapper: joining a subclass mapper to its
    # base's query would alias it.
    incident = Incident.__table__
    stmt = (select(Report).join(PollingStation, Report.station_id == PollingStation.id)
            .outerjoin(incident, incident.c.id == Report.id)
            .where(or_(Report.kind == "incident", Report.flagged))
            .options(selectinload(Report.station), selectinload(Report.observer),
                     selectinload(Report.locked_by)))
    stmt = scope_to_region(stmt, PollingStation.region, user)
    if filters.election_id:
        stmt = stmt.where(Report.election_id == filters.election_id)
    if filters.region:
        stmt = stmt.where(PollingStation.region == filters.region)
    if filters.district:
        stmt = stmt.where(PollingStation.district == filters.district)
    if filters.station:
        stmt = stmt.where(PollingStation.number == filters.station)
    if filters.category:
        stmt = stmt.where(incident.c.category == filters.category)
    if filters.severity:
        stmt = stmt.where(Report.severity == filters.severity)
    if filters.status:
        stmt = stmt.where(Report.status == filters.status)
    if filters.kind:
        stmt = stmt.where(Report.kind == filters.kind)
    if filters.phase:
        checklist = ChecklistResponse.__table__
        stmt = stmt.where(Report.id.in_(select(checklist.c.id).where(
            checklist.c.phase == filters.phase)))
    if filters.since:
        stmt = stmt.where(Report.received_at >= filters.since)
    if filters.until:
        stmt = stmt.where(Report.received_at <= filters.until)
    return stmt.order_by(SEVERITY_ORDER.desc(), Report.received_at.desc(), Report.id.desc())


def report_in_scope(user, report_id: int) -> Report | None:
    """A report the staff user may triage (its station in their region); None otherwise."""
    report = db.session.get(Report, report_id)
    if report is None or not region_in_scope(user, report.station.region):
        return None
    return report


def queue_choices(user) -> dict:
    """The values the queue's filters offer: elections, regions and districts in scope."""
    elections = db.session.scalars(select(Election).order_by(Election.polling_day.desc())).all()
    places = scope_to_region(select(PollingStation.region, PollingStation.district).distinct(),
                             PollingStation.region, user)
    rows = db.session.execute(places.order_by(PollingStation.region,
                                              PollingStation.district)).all()
    return {"elections": elections, "regions": sorted({r for r, _ in rows}),
            "districts": sorted({d for _, d in rows if d})}


def visible_evidence(user, evidence_id: int) -> Evidence | None:
    """An evidence file the user may open: staff within their region, the observer their own."""
    item = db.session.get(Evidence, evidence_id)
    if item is None:
        return None
    if can(user, "reports.triage"):
        return item if report_in_scope(user, item.report_id) is not None else None
    observer = observer_of(user)
    return item if observer is not None and item.report.observer_id == observer.id else None


def checklist_versions_of(elections: list) -> list[tuple]:
    """(version, ids of the given elections that answer it) for those elections: the current
    version for each one not closed, and every version their stored answers were given to."""
    from observe.reports.models import ChecklistForm, ChecklistResponse
    from observe.reports.services import current_checklist

    if not elections:
        return []
    by_form: dict[int, set[int]] = {}
    open_ids = {e.id for e in elections if e.status != "closed"}
    if open_ids:
        by_form[current_checklist().id] = set(open_ids)
    answered = db.session.execute(
        select(ChecklistResponse.form_id, ChecklistResponse.election_id).distinct().where(
            ChecklistResponse.election_id.in_([e.id for e in elections])))
    for form_id, election_id in answered:
        by_form.setdefault(form_id, set()).add(election_id)
    forms = db.session.scalars(select(ChecklistForm).where(ChecklistForm.id.in_(by_form))
                               .order_by(ChecklistForm.created_at.desc(),
                                         ChecklistForm.id.desc()))
    return [(form, sorted(by_form[form.id])) for form in forms]


def checklist_versions() -> list:
    """Every stored checklist version, newest first."""
    from observe.reports.models import ChecklistForm

    return list(db.session.scalars(select(ChecklistForm).order_by(
        ChecklistForm.created_at.desc(), ChecklistForm.id.desc())))
