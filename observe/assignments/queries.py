"""Read-side of assignments: the board's stations, coverage per region and district, the roster."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import and_, case, func, or_, select

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE, SHIFTS
from observe.auth.models import User
from observe.branches.models import Branch
from observe.branches.regions import region_name
from observe.common.db import utcnow
from observe.common.timezones import LOCAL_ZONE
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer
from observe.permissions import Role, acting_region, scope_to_branch

FULL, PARTIAL, NONE = "full", "partial", "none"


def coverage_state(shifts) -> str:
    """Whole day covered (full_day, or morning and afternoon), partly covered, or not covered."""
    shifts = set(shifts or ())
    if "full_day" in shifts or {"morning", "afternoon"} <= shifts:
        return FULL
    return PARTIAL if shifts else NONE


def station_order():
    """Station numbers are text; shorter first sorts "9" before "10" on both databases."""
    return (func.length(PollingStation.number), PollingStation.number)


def shift_order():
    """Shifts in the order of the day: the whole day, the morning, the afternoon."""
    return case({shift: position for position, shift in enumerate(SHIFTS)},
                value=Assignment.shift, else_=len(SHIFTS))


def _number_key(number: str):
    return (len(number), number)


def stationary_shifts(election_id: int, station_ids=None) -> dict[int, set[str]]:
    """{station id: shifts held by active stationary assignments} for an election."""
    stmt = select(Assignment.station_id, Assignment.shift).where(
        Assignment.election_id == election_id, Assignment.status.in_(ACTIVE),
        Assignment.role == "stationary")
    if station_ids is not None:
        stmt = stmt.where(Assignment.station_id.in_(list(station_ids) or [-1]))
    shifts: dict[int, set[str]] = defaultdict(set)
    for station_id, shift in db.session.execute(stmt):
        shifts[station_id].add(shift)
    return shifts


def _fully_covered_ids(election_id: int):
    """A subquery of the station ids covered for the whole day."""
    def has(shift):
        return func.sum(case((Assignment.shift == shift, 1), else_=0)) > 0

    return (select(Assignment.station_id)
            .where(Assignment.election_id == election_id, Assignment.status.in_(ACTIVE),
                   Assignment.role == "stationary")
            .group_by(Assignment.station_id)
            .having(or_(has("full_day"), and_(has("morning"), has("afternoon")))))


# --- the board ---------------------------------------------------------------------------------

def board_statement(election_id: int, region: str, filters: dict):
    """A select() of the region's stations for the board, filtered as asked."""
    stmt = select(PollingStation).where(PollingStation.election_id == election_id,
                                        PollingStation.region == region)
    if filters.get("district"):
        stmt = stmt.where(PollingStation.district == filters["district"])
    if filters.get("priority"):
        stmt = stmt.where(PollingStation.is_priority.is_(True))
    if filters.get("uncovered"):
        stmt = stmt.where(PollingStation.id.not_in(_fully_covered_ids(election_id)))
    return stmt.order_by(PollingStation.district, *station_order(), PollingStation.id)


def districts_of(election_id: int, region: str) -> list[str]:
    """The districts of a region's stations in an election, for the board's filter."""
    return list(db.session.execute(
        select(PollingStation.district).where(PollingStation.election_id == election_id,
                                              PollingStation.region == region)
        .distinct().order_by(PollingStation.district)).scalars())


def stations_of_region(election_id: int, region: str) -> list[PollingStation]:
    """Every station of a region in an election, for the station select."""
    return list(db.session.execute(
        select(PollingStation).where(PollingStation.election_id == election_id,
                                     PollingStation.region == region)
        .order_by(PollingStation.district, *station_order())).scalars())


def active_assignments(election_id: int, *, station_ids=None, branch_id: int | None = None
                       ) -> dict[int, list[Assignment]]:
    """{station id: active assignments} of an election, of one branch when given."""
    stmt = select(Assignment).where(Assignment.election_id == election_id,
                                    Assignment.status.in_(ACTIVE))
    if station_ids is not None:
        stmt = stmt.where(Assignment.station_id.in_(list(station_ids) or [-1]))
    if branch_id is not None:
        stmt = stmt.where(Assignment.branch_id == branch_id)
    by_station: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in db.session.execute(stmt.order_by(Assignment.role, shift_order(),
                                                       Assignment.id)).scalars():
        by_station[assignment.station_id].append(assignment)
    return by_station


def active_count(election_id: int, branch_id: int) -> int:
    """How many active assignments a branch has in an election (its mandate letters)."""
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.election_id == election_id, Assignment.branch_id == branch_id,
        Assignment.status.in_(ACTIVE))) or 0


def assignable_observers(branch_id: int) -> list[Observer]:
    """Approved and certified observers of a branch, certified first, then by name."""
    return list(db.session.execute(
        select(Observer).where(Observer.branch_id == branch_id,
                               Observer.status.in_((Status.CERTIFIED, Status.APPROVED)))
        .order_by((Observer.status == Status.CERTIFIED).desc(), Observer.full_name,
                  Observer.id)).scalars())


def station_in_election(election_id: int, station_id: int | None) -> PollingStation | None:
    """A station of the election by id; None for a missing id or another election's station."""
    if not station_id:
        return None
    station = db.session.get(PollingStation, station_id)
    return station if station is not None and station.election_id == election_id else None


def observer_in_scope(observer_id: int | None, user) -> Observer | None:
    """An observer by id among the user's branches; None for anyone else's."""
    if not observer_id:
        return None
    return db.session.execute(scope_to_branch(
        select(Observer).where(Observer.id == observer_id), Observer.branch_id, user)
    ).scalar_one_or_none()


# --- coverage ----------------------------------------------------------------------------------

@dataclass
class CoverageRow:
    """Counts of stations by coverage state for one district (or a region's total)."""

    district: str
    stations: int = 0
    full: int = 0
    partial: int = 0
    none: int = 0

    def add(self, state: str) -> None:
        self.stations += 1
        setattr(self, state, getattr(self, state) + 1)


@dataclass
class RegionCoverage:
    region: str
    districts: list[CoverageRow] = field(default_factory=list)
    total: CoverageRow = field(default_factory=lambda: CoverageRow(""))

    @property
    def name(self) -> str:
        return region_name(self.region)


@dataclass
class StationCoverage:
    station: PollingStation
    state: str


def election_regions(election_id: int) -> list[str]:
    """The regions that have stations in an election."""
    return list(db.session.execute(
        select(PollingStation.region).where(PollingStation.election_id == election_id)
        .distinct().order_by(PollingStation.region)).scalars())


def coverage_regions(election_id: int, user, requested: str = "") -> tuple[list[str], str]:
    """(regions shown, the one region chosen or "") on the coverage page and in the roster.

    A region-bound user sees their own region; the others every region of the election, or
    the one they asked for.
    """
    own = acting_region(user)
    if own is not None:
        return [own], own
    regions = election_regions(election_id)
    return ([requested], requested) if requested in regions else (regions, "")


def region_options(election_id: int, user) -> list[tuple[str, str]]:
    """(code, name) of the regions a user may switch between; none for a region-bound user."""
    if acting_region(user) is not None:
        return []
    return [(code, region_name(code)) for code in election_regions(election_id)]


def station_coverage(election_id: int, regions) -> list[StationCoverage]:
    """Every station of the regions with its coverage state."""
    stations = db.session.execute(select(PollingStation).where(
        PollingStation.election_id == election_id,
        PollingStation.region.in_(list(regions) or ["-"]))).scalars().all()
    shifts = stationary_shifts(election_id)
    return [StationCoverage(s, coverage_state(shifts.get(s.id))) for s in stations]


def coverage_by_region(covered: list[StationCoverage]) -> list[RegionCoverage]:
    """Counts per region and district, regions by name, districts alphabetically."""
    rows: dict[str, dict[str, CoverageRow]] = defaultdict(dict)
    for item in covered:
        districts = rows[item.station.region]
        district = item.station.district
        districts.setdefault(district, CoverageRow(district)).add(item.state)
    result = []
    for region, districts in rows.items():
        summary = RegionCoverage(region, [districts[d] for d in sorted(districts)])
        for row in summary.districts:
            for name in ("stations", "full", "partial", "none"):
                setattr(summary.total, name, getattr(summary.total, name) + getattr(row, name))
        result.append(summary)
    return sorted(result, key=lambda r: r.name)


def stations_needing_observers(covered: list[StationCoverage]) -> list[StationCoverage]:
    """Stations not covered for the whole day: priority ones first, then uncovered before
    partly covered, then by region, district and number."""
    return sorted((c for c in covered if c.state != FULL), key=lambda c: (
        not c.station.is_priority, c.state != NONE, c.station.region, c.station.district,
        _number_key(c.station.number)))


def unassigned_certified(election_id: int, regions, user) -> list[Observer]:
    """Certified observers of the regions' branches the user may see, without an active
    assignment in the election."""
    assigned = select(Assignment.observer_id).where(Assignment.election_id == election_id,
                                                    Assignment.status.in_(ACTIVE))
    stmt = (select(Observer).join(Branch, Branch.id == Observer.branch_id)
            .where(Branch.region.in_(list(regions) or ["-"]),
                   Observer.status == Status.CERTIFIED, Observer.id.not_in(assigned))
            .order_by(Observer.branch_id, Observer.full_name, Observer.id))
    return list(db.session.execute(scope_to_branch(stmt, Observer.branch_id, user)).scalars())


def branch_names() -> dict[int, str]:
    """{branch id: name}, for labelling rows."""
    return dict(db.session.execute(select(Branch.id, Branch.name)).all())


# --- the roster and contacts -------------------------------------------------------------------

def roster_statement(election_id: int, *columns, branch_id: int | None = None,
                     region: str | None = None):
    """Active assignments of an election by region, district, station and shift, selecting
    `columns` (the Assignment rows when none are named): the roster page and its export."""
    stmt = (select(*(columns or (Assignment,))).select_from(Assignment)
            .join(PollingStation, PollingStation.id == Assignment.station_id)
            .join(Observer, Observer.id == Assignment.observer_id)
            .where(Assignment.election_id == election_id, Assignment.status.in_(ACTIVE)))
    if branch_id is not None:
        stmt = stmt.where(Assignment.branch_id == branch_id)
    if region:
        stmt = stmt.where(PollingStation.region == region)
    return stmt.order_by(PollingStation.region, PollingStation.district, *station_order(),
                         shift_order(), Observer.full_name)


def roster(election_id: int, *, branch_id: int | None = None, region: str | None = None
           ) -> list[Assignment]:
    """Active assignments of an election by region, district, station and shift."""
    return list(db.session.execute(
        roster_statement(election_id, branch_id=branch_id, region=region)).scalars())


def assignments_of(observer: Observer) -> list[Assignment]:
    """An observer's assignments, newest polling day first."""
    return list(db.session.execute(
        select(Assignment).join(Election, Election.id == Assignment.election_id)
        .where(Assignment.observer_id == observer.id)
        .order_by(Election.polling_day.desc(), Assignment.created_at.desc())).scalars())


def coordinators_of(branch_id: int) -> list[User]:
    """The active coordinators of a branch, for an observer to contact."""
    return list(db.session.execute(
        select(User).where(User.branch_id == branch_id, User.role == Role.COORDINATOR,
                           User.is_active.is_(True)).order_by(User.full_name)).scalars())


def assignment_of(observer: Observer, assignment_id: int) -> Assignment | None:
    """One of the observer's own assignments; None for anyone else's."""
    assignment = db.session.get(Assignment, assignment_id)
    return assignment if assignment is not None and assignment.observer_id == observer.id \
        else None


# Shifts that start with the opening of the polls: be there early to watch it.
OPENING_SHIFTS = ("full_day", "morning")
ARRIVE_BEFORE = timedelta(minutes=30)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Almaty")
    except (ZoneInfoNotFoundError, ValueError):
        return LOCAL_ZONE


def map_links(station: PollingStation) -> dict | None:
    """A geo: link (opens the phone's map app) and an OpenStreetMap one, when coordinates exist."""
    if station.latitude is None or station.longitude is None:
        return None
    lat, lon = f"{station.latitude:.6f}", f"{station.longitude:.6f}"
    return {"geo": f"geo:{lat},{lon}?q={lat},{lon}",
            "osm": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"}


@dataclass
class AssignmentDetails:
    """What an observer needs to know about one assignment: where, when, when to arrive."""

    assignment: Assignment
    election: Election
    station: PollingStation
    opens: str  # polls open, "HH:MM" local time
    closes: str
    timezone: str
    arrive: str  # "HH:MM" to be at the station by, "" when the shift starts later
    upcoming: bool  # active, and polling day is today or later
    map: dict | None

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.station.address, self.station.premises) if part)


def assignment_details(assignment: Assignment, today: date | None = None) -> AssignmentDetails:
    """The station, address, polling hours and arrival time of one assignment."""
    election = assignment.election
    zone = _zone(election.timezone)
    arrive = ""
    if assignment.shift in OPENING_SHIFTS:
        arrive = (datetime.combine(election.polling_day, election.polls_open)
                  - ARRIVE_BEFORE).time().strftime("%H:%M")
    today = today or utcnow().astimezone(zone).date()
    return AssignmentDetails(
        assignment=assignment, election=election, station=assignment.station,
        opens=election.polls_open.strftime("%H:%M"), closes=election.polls_close.strftime("%H:%M"),
        timezone=str(zone), arrive=arrive,
        upcoming=assignment.status in ACTIVE and election.polling_day >= today,
        map=map_links(assignment.station))


def observer_assignments(observer: Observer, today: date | None = None
                         ) -> list[AssignmentDetails]:
    """The observer's assignments with station, address, polling hours and arrival time,
    newest polling day first."""
    return [assignment_details(a, today) for a in assignments_of(observer)]


def mandate_assignments(election_id: int, user, branch_id: int | None = None
                        ) -> list[Assignment]:
    """The active assignments of an election whose letters the user may print (one branch's
    when given), in the order of the printed pile."""
    stmt = (select(Assignment)
            .join(PollingStation, Assignment.station_id == PollingStation.id)
            .join(Observer, Assignment.observer_id == Observer.id)
            .where(Assignment.election_id == election_id, Assignment.status.in_(ACTIVE))
            .order_by(Assignment.branch_id, PollingStation.region, *station_order(),
                      Observer.full_name, Assignment.id))
    stmt = scope_to_branch(stmt, Assignment.branch_id, user)
    if branch_id is not None:
        stmt = stmt.where(Assignment.branch_id == branch_id)
    return list(db.session.execute(stmt).scalars())
