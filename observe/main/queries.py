"""What each role's home page counts: read through the features' queries, never their views.

Each builder takes the signed-in user and returns plain data for `templates/main/index.html`:
the observer's assignment and trainings, the coordinator's waiting applications, sessions and
uncovered stations, HQ's elections, coverage and training numbers, the admin's accounts,
branches and audit log.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from observe.common.db import utcnow
from observe.common.timezones import LOCAL_ZONE
from observe.extensions import db
from observe.permissions import Role, acting_region

SHOWN = 3  # items listed on a card; the counts are complete


def count_of(stmt) -> int:
    """The number of rows a select() gives."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _today() -> date:
    return utcnow().astimezone(LOCAL_ZONE).date()


# --- the election everyone works on now ---------------------------------------------------------

def current_election():
    """The next polling day not yet closed; else the latest election; None when there is none."""
    from observe.elections.queries import elections_newest_first

    elections = elections_newest_first()
    today = _today()
    coming = [e for e in elections if e.polling_day >= today and e.status != "closed"]
    if coming:
        return min(coming, key=lambda e: (e.polling_day, e.id))
    return elections[0] if elections else None


@dataclass
class Coverage:
    """Stations of an election (in the user's regions) by whole-day coverage."""

    stations: int = 0
    full: int = 0
    partial: int = 0
    none: int = 0

    @property
    def uncovered(self) -> int:
        """Stations still needing an observer for some or all of the day."""
        return self.partial + self.none


def coverage_counts(election_id: int, user) -> Coverage:
    """Counts of the election's stations the user may see, by coverage state."""
    from observe.assignments.queries import coverage_state, stationary_shifts
    from observe.elections.models import PollingStation
    from observe.permissions import scope_to_region

    ids = db.session.execute(scope_to_region(
        select(PollingStation.id).where(PollingStation.election_id == election_id),
        PollingStation.region, user)).scalars().all()
    shifts = stationary_shifts(election_id)
    coverage = Coverage()
    for station_id in ids:
        state = coverage_state(shifts.get(station_id))
        coverage.stations += 1
        setattr(coverage, state, getattr(coverage, state) + 1)
    return coverage


# --- observers -----------------------------------------------------------------------------------

@dataclass
class ObserverHome:
    observer: object | None
    assignments: list = field(default_factory=list)  # upcoming active ones, soonest first
    sessions: list = field(default_factory=list)  # upcoming sessions open to the observer
    sessions_total: int = 0
    registered: set = field(default_factory=set)  # ids of the sessions they registered for


def observer_home(user) -> ObserverHome:
    """The observer's coming assignments (station, time, to confirm) and upcoming trainings."""
    from observe.assignments.queries import assignments_of
    from observe.assignments.rules import ACTIVE
    from observe.observers.queries import observer_of
    from observe.training.queries import registrations_of, sessions_open_to_observer

    observer = observer_of(user)
    if observer is None:
        return ObserverHome(None)
    today = _today()
    assignments = sorted((a for a in assignments_of(observer)
                          if a.status in ACTIVE and a.election.polling_day >= today),
                         key=lambda a: (a.election.polling_day, a.id))
    sessions = [s for s in sessions_open_to_observer(observer) if not s.is_cancelled]
    registered = {session_id for session_id, registration in registrations_of(observer).items()
                  if registration.cancelled_at is None}
    # Sessions they registered for come first: those are the dates to keep.
    sessions.sort(key=lambda s: (s.id not in registered, s.starts_at))
    return ObserverHome(observer, assignments, sessions[:SHOWN], len(sessions), registered)


# --- coordinators --------------------------------------------------------------------------------

@dataclass
class CoordinatorHome:
    waiting: int  # applications of the branch waiting for a decision
    sessions: list
    sessions_total: int
    election: object | None
    coverage: Coverage | None


def _upcoming_sessions(user) -> tuple[list, int]:
    from observe.training.queries import sessions_for

    sessions = [s for s in db.session.execute(sessions_for(user, upcoming=True)).scalars()
                if not s.is_cancelled]
    return sessions[:SHOWN], len(sessions)


def coordinator_home(user) -> CoordinatorHome:
    """Applications waiting, upcoming sessions and the uncovered stations of the region."""
    from observe.observers.choices import Status
    from observe.observers.queries import registry_statement

    waiting = count_of(registry_statement(user, {"status": Status.APPLIED.value}))
    sessions, total = _upcoming_sessions(user)
    election = current_election()
    in_region = user.branch_id is not None and acting_region(user) is not None
    coverage = coverage_counts(election.id, user) if election and in_region else None
    return CoordinatorHome(waiting, sessions, total, election, coverage)


# --- HQ ------------------------------------------------------------------------------------------

@dataclass
class HqHome:
    elections: list  # (election, stations) newest first
    election: object | None
    coverage: Coverage | None
    training: dict  # totals over the branches: registered, attended, certified
    sessions_total: int


def training_totals(user) -> dict:
    """Registered, attended and certified observers over every branch the user sees."""
    from observe.training.stats import by_branch

    rows = by_branch(user)
    return {name: sum(int(row.get(name) or 0) for row in rows)
            for name in ("registered", "attended", "certified")}


def hq_home(user) -> HqHome:
    """Elections with their stations, the current election's coverage, training numbers."""
    from observe.elections.queries import elections_newest_first, station_counts

    counts = station_counts(user)
    elections = [(e, counts.get(e.id, 0)) for e in elections_newest_first()[:SHOWN]]
    election = current_election()
    coverage = coverage_counts(election.id, user) if election else None
    _sessions, total = _upcoming_sessions(user)
    return HqHome(elections, election, coverage, training_totals(user), total)


# --- admins --------------------------------------------------------------------------------------

@dataclass
class AdminHome:
    users: dict  # active, inactive, locked
    branches: dict  # active, inactive
    audit: dict  # entries and failed sign-ins in the last day


def admin_home(user) -> AdminHome:
    """Accounts, branches and the last day of the audit log."""
    from observe.audit.queries import recent_counts
    from observe.branches.queries import branch_counts
    from observe.users.queries import account_counts

    return AdminHome(account_counts(), branch_counts(), recent_counts(utcnow() - timedelta(days=1)))


HOMES = {
    Role.OBSERVER: observer_home,
    Role.COORDINATOR: coordinator_home,
    Role.HQ: hq_home,
    Role.ADMIN: admin_home,
}


def home_of(user):
    """The home page's data for the user's role."""
    return HOMES[Role(user.role)](user)
