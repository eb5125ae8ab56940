"""The incident tally: incidents pre-counted per election, region, category, severity, status
and UTC hour, so the dashboard and a briefing sum a few thousand rows instead of grouping a
million incidents on every read.

Freshness is by age, with no hook in the submit or triage paths: a reader that finds its
election's tally older than FIGURES_STALE_SECONDS (30 by default) rebuilds it whole, in its own
transaction (committed with the request), from the reports. The rebuild is claimed with one
conditional UPDATE of `incident_tally_refresh`, so of readers arriving together one rebuilds and
the others wait for its commit and read the result; nobody counts twice. A new incident, a
verification or a rejection is in the tally at most FIGURES_STALE_SECONDS after it commits.
`flask briefings refresh-figures --every N` rebuilds ahead of the readers, so that none of them
pays for it. With a Celery broker configured, a reader who finds the tally stale does not rebuild
it either: it claims the rebuild, hands it to a worker once its request commits and sums the
tally as it is (then at most FIGURES_STALE_SECONDS plus one rebuild old). The first build of an
election's tally is made by the reader who needs it.

What the tally cannot answer is read directly: a district's figures (a district is a few dozen
stations, quick to group), and the part of a cut-off's hour up to the cut-off itself (the tally
holds whole hours).
"""

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from observe.briefings.models import IncidentTally, TallyRefresh
from observe.common.db import utcnow
from observe.common.transaction import after_commit
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.jobs.queue import is_inline, send
from observe.reports.models import Incident, Report

DEFAULT_STALE_SECONDS = 30.0
REFRESH_TASK = "observe.briefings.refresh_tally"
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def stale_seconds() -> float:
    """How old the tally may be before a reader rebuilds it."""
    return float(current_app.config.get("FIGURES_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def hour_of(column):
    """The start of the UTC hour of a stored time, as the same column type stores it."""
    if _postgres():
        return func.timezone("UTC", func.date_trunc("hour", func.timezone("UTC", column)))
    return func.strftime("%Y-%m-%d %H:00:00.000000", column)


def floor_hour(moment: datetime) -> datetime:
    """The start of the UTC hour a moment falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def refreshed_at(election_id: int) -> datetime | None:
    """When the election's tally was last rebuilt (None: never)."""
    return db.session.scalar(select(TallyRefresh.refreshed_at).where(
        TallyRefresh.election_id == election_id))


def ensure_fresh(election_id: int, older_than: float | None = None, *,
                 in_background: bool = True) -> bool:
    """Rebuild the election's tally when it is older than `older_than` seconds (by default
    FIGURES_STALE_SECONDS); True when this call rebuilt it. With a broker (and `in_background`)
    an existing tally is rebuilt by a worker after the caller's commit instead."""
    older_than = stale_seconds() if older_than is None else older_than
    now = utcnow()
    limit = now - timedelta(seconds=older_than)
    last = refreshed_at(election_id)
    if last is not None and last > limit:
        return False
    if last is None:
        _create_state(election_id)
    claimed = db.session.execute(
        update(TallyRefresh).where(TallyRefresh.election_id == election_id,
                                   TallyRefresh.refreshed_at <= limit)
        .values(refreshed_at=now).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return False  # another reader rebuilt it while we waited for its row
    if last is not None and in_background and not is_inline():
        after_commit(send, REFRESH_TASK, election_id)
        return False
    started = time.perf_counter()
    rebuild(election_id)
    db.session.execute(update(TallyRefresh).where(TallyRefresh.election_id == election_id)
                       .values(seconds=round(time.perf_counter() - started, 3))
                       .execution_options(synchronize_session=False))
    return True


def _create_state(election_id: int) -> None:
    values = {"election_id": election_id, "refreshed_at": NEVER, "seconds": 0.0}
    if _postgres():
        stmt = postgres_insert(TallyRefresh).values(**values).on_conflict_do_nothing(
            index_elements=["election_id"])
    else:
        stmt = sqlite_insert(TallyRefresh).values(**values).on_conflict_do_nothing()
    db.session.execute(stmt)


def rebuild(election_id: int) -> None:
    """Count the election's incidents again into its tally (in the current transaction)."""
    incident = Incident.__table__
    hour = hour_of(Report.received_at)
    source = (
        select(Report.election_id, PollingStation.region, incident.c.category, Report.severity,
               Report.status, hour, func.count())
        .select_from(Report)
        .join(incident, incident.c.id == Report.id)
        .join(PollingStation, PollingStation.id == Report.station_id)
        .where(Report.election_id == election_id, Report.kind == "incident",
               PollingStation.election_id == election_id)
        .group_by(Report.election_id, PollingStation.region, incident.c.category,
                  Report.severity, Report.status, hour))
    table = IncidentTally.__table__
    db.session.execute(delete(table).where(table.c.election_id == election_id))
    db.session.execute(insert(table).from_select(
        ["election_id", "region", "category", "severity", "status", "hour", "incidents"],
        source))


def _tallied(scope, *columns):
    """A SUM over the tally of the scope's region and the whole hours before its cut-off."""
    stmt = select(*columns, func.sum(IncidentTally.incidents)).where(
        IncidentTally.election_id == scope.election_id)
    if scope.region:
        stmt = stmt.where(IncidentTally.region == scope.region)
    if scope.cutoff is not None:
        stmt = stmt.where(IncidentTally.hour < floor_hour(scope.cutoff))
    return stmt.group_by(*columns)


def counts(scope) -> list[tuple]:
    """(region, category, severity, status, count) rows of the scope from the tally (whole
    hours before the cut-off only; see `remainder`)."""
    t = IncidentTally
    return [tuple(row) for row in db.session.execute(
        _tallied(scope, t.region, t.category, t.severity, t.status)).all()]


def hours(scope) -> list[tuple[int, int]]:
    """(UTC hour of the day, count) rows of the scope from the tally."""
    rows = db.session.execute(_tallied(scope, IncidentTally.hour)).all()
    return [(hour.astimezone(UTC).hour, int(n)) for hour, n in rows]


def remainder(scope):
    """The scope narrowed to what the tally does not hold: from the start of the cut-off's hour
    to the cut-off (None when there is no cut-off)."""
    if scope.cutoff is None:
        return None
    return replace(scope, since=floor_hour(scope.cutoff))


def usable(scope) -> bool:
    """Whether the scope's incident figures come from the tally (a district's do not; nor those
    asked for exactly, such as a briefing being published)."""
    return not scope.district and not scope.exact
