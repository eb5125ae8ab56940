"""Read-side aggregates of polling-day reports for the dashboard and briefings.

Every figure is a GROUP BY in the database, bounded by a scope (election, optional region and
district) and an optional cut-off on `received_at` (the server's clock, the same column the
triage queue's "until" filter reads, so a number and the list behind it agree). The incident
counts, the only figures that grow with polling day's millions of reports, are summed from the
pre-counted tally (`tally.py`) instead. Only the small grouped result leaves the database;
pandas shapes it in `figures.py`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, distinct, func, select, text

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.branches.regions import REGIONS
from observe.briefings import tally
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.permissions import acting_region, region_in_scope
from observe.reports.models import ChecklistResponse, Incident, Report, TurnoutReport
from observe.reports.rules import SEVERITY_RANK

# Incidents that count as checked by HQ, as waiting, and as refused; duplicates count nowhere
# in a briefing (they are the same event as another report).
VERIFIED = ("verified", "escalated", "resolved")
UNVERIFIED = ("received",)
REJECTED = ("rejected",)
# Turnout figures HQ threw out, and repeats, do not count.
NOT_COUNTED = ("rejected", "duplicate")


@dataclass(frozen=True)
class Scope:
    """What a figure covers: an election, optionally one region and district, up to a time."""

    election_id: int
    region: str = ""
    district: str = ""
    cutoff: datetime | None = None  # UTC; None: everything received so far
    since: datetime | None = None  # UTC, inclusive; None: from the start
    # Incident figures grouped from the reports themselves, not the tally (see `tally.py`).
    exact: bool = False


def _stations(stmt, scope: Scope):
    stmt = stmt.where(PollingStation.election_id == scope.election_id)
    if scope.region:
        stmt = stmt.where(PollingStation.region == scope.region)
    if scope.district:
        stmt = stmt.where(PollingStation.district == scope.district)
    return stmt


def _reports(stmt, scope: Scope, kind: str | None = None):
    """Join the report base to its station and bound it by scope, kind and cut-off."""
    stmt = stmt.join(PollingStation, Report.station_id == PollingStation.id)
    stmt = _stations(stmt, scope).where(Report.election_id == scope.election_id)
    if kind:
        stmt = stmt.where(Report.kind == kind)
    if scope.cutoff is not None:
        stmt = stmt.where(Report.received_at <= scope.cutoff)
    if scope.since is not None:
        stmt = stmt.where(Report.received_at >= scope.since)
    return stmt


def _scoped_reports(scope: Scope, kind: str, *columns):
    """The scope's reports of one kind (id and the given columns) as a materialized CTE.

    Joined to a detail table straight away, PostgreSQL walked the whole report primary key in
    a parallel merge join to find 30,000 checklists among a million incidents (0.5 s); reading
    the kind's rows first through its index and joining those takes a tenth of that."""
    return _reports(select(Report.id, *columns), scope, kind).cte(
        f"scoped_{kind}").prefix_with("MATERIALIZED")


def _scalar(stmt) -> int:
    return int(db.session.execute(stmt).scalar() or 0)


# --- Coverage -----------------------------------------------------------------------------------

def coverage(scope: Scope) -> dict:
    """Stations, stations with observers assigned and present, observers assigned and checked
    in, and the regions where observers are present."""
    stations = _scalar(_stations(select(func.count(PollingStation.id)), scope))
    assigned = db.session.execute(_stations(
        select(func.count(distinct(Assignment.observer_id)),
               func.count(distinct(Assignment.station_id)))
        .join(PollingStation, Assignment.station_id == PollingStation.id)
        .where(Assignment.status.in_(ACTIVE)), scope)).one()
    present = db.session.execute(_reports(
        select(func.count(distinct(Report.observer_id)), func.count(distinct(Report.station_id)),
               func.count(distinct(PollingStation.region))), scope, "check_in")
        .where(Report.status.not_in(NOT_COUNTED))).one()
    return {"stations": stations, "observers_assigned": int(assigned[0] or 0),
            "stations_assigned": int(assigned[1] or 0),
            "observers_present": int(present[0] or 0), "stations_present": int(present[1] or 0),
            "regions_present": int(present[2] or 0)}


# --- Checklists ---------------------------------------------------------------------------------

def checklists_by_phase(scope: Scope) -> list[dict]:
    """Per phase: checklists received and how many signal a problem."""
    checklist = ChecklistResponse.__table__
    reports = _scoped_reports(scope, "checklist", Report.flagged)
    rows = db.session.execute(
        select(checklist.c.phase, func.count(reports.c.id),
               func.sum(cast(reports.c.flagged, Integer)))
        .select_from(reports).join(checklist, checklist.c.id == reports.c.id)
        .group_by(checklist.c.phase)).all()
    return [{"phase": phase, "received": int(n), "flagged": int(flagged or 0)}
            for phase, n, flagged in rows]


def _json_elements_sql(table: str, column: str) -> str:
    """The FROM fragment that turns a JSON list column into rows of `element`."""
    if db.engine.dialect.name == "postgresql":
        return f"{table} AS t CROSS JOIN LATERAL json_array_elements_text(t.{column}) AS e(element)"
    return f"{table} AS t, json_each(t.{column}) AS e"


def _element() -> str:
    return "e.element" if db.engine.dialect.name == "postgresql" else "e.value"


def _scope_sql(scope: Scope, kind: str) -> tuple[str, dict]:
    where = ["r.election_id = :election_id", "r.kind = :kind", "s.election_id = :election_id"]
    params = {"election_id": scope.election_id, "kind": kind}
    if scope.region:
        where.append("s.region = :region")
        params["region"] = scope.region
    if scope.district:
        where.append("s.district = :district")
        params["district"] = scope.district
    if scope.cutoff is not None:
        where.append("r.received_at <= :cutoff")
        params["cutoff"] = scope.cutoff
    if scope.since is not None:
        where.append("r.received_at >= :since")
        params["since"] = scope.since
    return " AND ".join(where), params


def checklist_problems(scope: Scope) -> list[dict]:
    """Per phase and question: how many checklists name it among their problems."""
    where, params = _scope_sql(scope, "checklist")
    sql = ("WITH scoped AS MATERIALIZED (SELECT r.id FROM report r "
           f"JOIN polling_station s ON s.id = r.station_id WHERE {where}) "
           f"SELECT t.phase, {_element()} AS question, COUNT(*) AS n "
           f"FROM {_json_elements_sql('checklist_response', 'problems')} "
           f"JOIN scoped ON scoped.id = t.id GROUP BY t.phase, {_element()}")
    params = _bind_cutoff(params)
    rows = db.session.execute(text(sql), params).all()
    return [{"phase": phase, "question": str(question), "count": int(n)}
            for phase, question, n in rows]


def _bind_cutoff(params: dict) -> dict:
    # Raw SQL bypasses the UTCDateTime type: SQLite compares the stored text, so the bound
    # value must be written the way the type writes it (naive UTC).
    if db.engine.dialect.name != "sqlite":
        return params
    return {**params, **{name: params[name].astimezone(ZoneInfo("UTC"))
                         .strftime("%Y-%m-%d %H:%M:%S.%f")
                         for name in ("cutoff", "since") if params.get(name) is not None}}


# --- Turnout ------------------------------------------------------------------------------------

def turnout_by_hour(scope: Scope) -> list[dict]:
    """Per reporting hour: stations reporting, voters (each station's highest figure for the
    hour: a correction only ever raises it, the rules refuse a figure below an earlier one),
    and the registered voters of those stations."""
    turnout = TurnoutReport.__table__
    reports = _scoped_reports(scope, "turnout", Report.station_id, Report.status)
    per_station = (
        select(turnout.c.hour.label("hour"), reports.c.station_id.label("station_id"),
               func.max(turnout.c.voters).label("voters"))
        .select_from(reports).join(turnout, turnout.c.id == reports.c.id)
        .where(reports.c.status.not_in(NOT_COUNTED))
        .group_by(turnout.c.hour, reports.c.station_id).subquery())
    rows = db.session.execute(
        select(per_station.c.hour, func.count(), func.sum(per_station.c.voters),
               func.sum(PollingStation.registered_voters))
        .join(PollingStation, PollingStation.id == per_station.c.station_id)
        .group_by(per_station.c.hour).order_by(per_station.c.hour)).all()
    return [{"hour": int(hour), "stations": int(n), "voters": int(voters or 0),
             "registered": int(registered or 0)} for hour, n, voters, registered in rows]


# --- Incidents ----------------------------------------------------------------------------------

def incident_counts(scope: Scope) -> list[dict]:
    """Incidents grouped by region, category, severity and status: the small table every
    incident figure is shaped from. From the tally (at most FIGURES_STALE_SECONDS old) plus
    the reports of the cut-off's last part hour, or from the reports alone (see `tally.usable`)."""
    rows = _tallied_or_counted(scope, tally.counts, _incident_counts)
    return [{"region": region, "category": category, "severity": severity or "",
             "status": status, "count": int(n)}
            for region, category, severity, status, n in rows]


def _tallied_or_counted(scope: Scope, from_tally, counted) -> list[tuple]:
    """`(*key, n)` rows of the scope: from the tally plus the cut-off's part hour counted from
    the reports, or all counted from the reports where the tally cannot answer."""
    if not tally.usable(scope):
        return counted(scope)
    tally.ensure_fresh(scope.election_id)
    rows = from_tally(scope)
    rest = tally.remainder(scope)
    return rows if rest is None else _merged(rows + counted(rest))


def _merged(rows: list[tuple]) -> list[tuple]:
    totals: dict[tuple, int] = {}
    for *key, n in rows:
        totals[tuple(key)] = totals.get(tuple(key), 0) + int(n)
    return [(*key, n) for key, n in totals.items()]


def _incident_counts(scope: Scope) -> list[tuple]:
    incident = Incident.__table__
    return [tuple(row) for row in db.session.execute(_reports(
        select(PollingStation.region, incident.c.category, Report.severity, Report.status,
               func.count(Report.id))
        .join(incident, incident.c.id == Report.id), scope, "incident")
        .group_by(PollingStation.region, incident.c.category, Report.severity,
                  Report.status)).all()]


def _hour_sql(column: str) -> str:
    if db.engine.dialect.name == "postgresql":
        return f"CAST(EXTRACT(HOUR FROM {column} AT TIME ZONE 'UTC') AS INTEGER)"
    return f"CAST(strftime('%H', {column}) AS INTEGER)"


def utc_offset_hours(election: Election) -> int:
    """The election's zone offset from UTC on polling day, in whole hours."""
    moment = datetime.combine(election.polling_day or date.today(), time(12),
                              tzinfo=ZoneInfo(election.timezone or "Asia/Almaty"))
    return int(moment.utcoffset().total_seconds() // 3600)


def incidents_by_hour(scope: Scope, offset_hours: int) -> list[dict]:
    """Incidents received per local hour of the day (from the tally as `incident_counts`)."""
    rows = _tallied_or_counted(scope, tally.hours, _incidents_by_utc_hour)
    counts: dict[int, int] = {}
    for utc_hour, n in rows:
        local = (int(utc_hour) + offset_hours) % 24
        counts[local] = counts.get(local, 0) + int(n)
    return [{"hour": h, "count": counts[h]} for h in sorted(counts)]


def _incidents_by_utc_hour(scope: Scope) -> list[tuple[int, int]]:
    where, params = _scope_sql(scope, "incident")
    hour = _hour_sql("r.received_at")
    sql = (f"SELECT {hour} AS h, COUNT(*) FROM report r "
           "JOIN polling_station s ON s.id = r.station_id "
           f"WHERE {where} GROUP BY {hour}")
    return [(int(h), int(n)) for h, n in db.session.execute(text(sql),
                                                              _bind_cutoff(params)).all()]


def serious_incidents(scope: Scope, *, limit: int = 10, verified_only: bool = False,
                      severities=("critical", "high")) -> list[dict]:
    """The latest (or, verified only, the most serious) incidents: station, place, category,
    severity, status, time and description; never who reported them."""
    incident = Incident.__table__
    stmt = _reports(
        select(Report.id, Report.severity, Report.status, Report.received_at,
               Report.occurred_at, PollingStation.number, PollingStation.region,
               PollingStation.district, incident.c.category, incident.c.description)
        .join(incident, incident.c.id == Report.id), scope, "incident")
    if verified_only:
        # Most serious first: the newest of each severity, read one severity at a time (the
        # newest-first index answers each at once; ranking them all sorted every verified
        # incident, 0.4 s at a million), then ranked together.
        rows = []
        for severity in severities:
            rows += db.session.execute(
                stmt.where(Report.severity == severity, Report.status.in_(VERIFIED))
                .order_by(Report.received_at.desc(), Report.id.desc()).limit(limit)).all()
        rows.sort(key=lambda r: (SEVERITY_RANK.get(r.severity, 0), r.received_at, r.id),
                  reverse=True)
        rows = rows[:limit]
    else:
        rows = db.session.execute(
            stmt.where(Report.severity.in_(severities), Report.status != "duplicate")
            .order_by(Report.received_at.desc(), Report.id.desc()).limit(limit)).all()
    return [{"id": r.id, "reference": f"I-{r.id}", "severity": r.severity, "status": r.status,
             "received_at": r.received_at, "occurred_at": r.occurred_at,
             "station": r.number, "region": r.region, "district": r.district,
             "category": r.category, "description": _short(r.description)} for r in rows]


def _short(description: str, limit: int = 200) -> str:
    description = " ".join((description or "").split())
    return description if len(description) <= limit else description[:limit - 1].rstrip() + "…"


# --- Protocols ----------------------------------------------------------------------------------

def protocol_summary(scope: Scope) -> dict:
    """Protocol copies received, how many break the arithmetic, and how often each relation."""
    received, flagged = db.session.execute(_reports(
        select(func.count(Report.id), func.sum(cast(Report.flagged, Integer))),
        scope, "protocol").where(Report.status != "duplicate")).one()
    where, params = _scope_sql(scope, "protocol")
    sql = (f"SELECT {_element()} AS code, COUNT(*) "
           f"FROM {_json_elements_sql('protocol_copy', 'mismatches')} "
           "JOIN report r ON r.id = t.id JOIN polling_station s ON s.id = r.station_id "
           f"WHERE {where} AND r.status <> 'duplicate' GROUP BY {_element()}")
    codes = {str(code): int(n) for code, n in db.session.execute(text(sql),
                                                                _bind_cutoff(params)).all()}
    return {"received": int(received or 0), "flagged": int(flagged or 0), "codes": codes}


# --- Places -------------------------------------------------------------------------------------

def places(election_id: int, region: str = "") -> list[str]:
    """The regions of an election's stations, or a region's districts."""
    column = PollingStation.district if region else PollingStation.region
    stmt = select(distinct(column)).where(PollingStation.election_id == election_id,
                                          column != "")
    if region:
        stmt = stmt.where(PollingStation.region == region)
    return sorted(db.session.scalars(stmt))


def requested_scope(user, election_id: int, region: str = "", district: str = "",
                    cutoff: datetime | None = None) -> Scope | None:
    """The scope a user asked for, held to their region (a coordinator's region is their own);
    None when they asked for a region outside it or one the election does not have."""
    region, district = (region or "").strip(), (district or "").strip()
    if region and not region_in_scope(user, region):
        return None
    region = region or acting_region(user) or ""
    if region and region not in places(election_id) and region not in REGIONS:
        return None
    return Scope(election_id, region=region, district=district if region else "", cutoff=cutoff)


def briefings_in_scope(user, election_id: int | None = None, limit: int = 200) -> list:
    """Briefings the user may see (a coordinator: their region's), newest cut-off first."""
    from observe.briefings.models import Briefing

    stmt = select(Briefing).order_by(Briefing.cutoff_at.desc(), Briefing.series.desc(),
                                     Briefing.version.desc())
    region = acting_region(user)
    if region is not None:
        stmt = stmt.where(Briefing.region == region)
    if election_id:
        stmt = stmt.where(Briefing.election_id == election_id)
    return list(db.session.scalars(stmt.limit(limit)))


def published_briefings(region: str | None = None, election_id: int | None = None):
    """A select() of published briefings only (frozen: text and figures never move again), for
    the public updates page; readers show their title, narrative, cut-off and headline figures."""
    from observe.briefings.models import Briefing

    stmt = select(Briefing).where(Briefing.status == "published",
                                  Briefing.published_at.is_not(None))
    if region is not None:
        stmt = stmt.where(Briefing.region == region)
    if election_id:
        stmt = stmt.where(Briefing.election_id == election_id)
    return stmt


def published_briefing(briefing_id: int):
    """One published briefing, or None (a draft or a reviewed one is never public)."""
    from observe.briefings.models import Briefing

    briefing = db.session.get(Briefing, briefing_id)
    return briefing if briefing is not None and briefing.status == "published" else None
