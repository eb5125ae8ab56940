"""Time the polling-day dashboard and a national briefing: `python bench/briefings.py
[--sizes 10000,100000] [--database-url postgresql://postgres@127.0.0.1:5432/postgres]`.

Creates the app on a temporary SQLite database (and on a temporary PostgreSQL database when
--database-url is given), applies the migrations, bulk-inserts an election with 10,000
stations in the 20 regions, 2,000 observers assigned to half of them with check-ins, checklists,
turnout and protocols, then grows the incidents to each size (cumulatively) and times, in the
same run: the bare SQL aggregation the figures need (the GROUP BYs alone), the dashboard's
figures, the dashboard's live fragment over HTTP (rendering included) and a national briefing's
figures as of a cut-off. SQLite stops at --sqlite-max incidents (default 100,000); 1,000,000
is for PostgreSQL (`--sizes 10000,100000,1000000`).
"""

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402

STATIONS = 10_000
OBSERVERS = 2_000
POLLING_DAY = date(2030, 3, 19)
OPEN_UTC = datetime(2030, 3, 19, 2, 0, tzinfo=UTC)  # 07:00 in Almaty
CATEGORIES = ("ballot_stuffing", "multiple_voting", "group_voting", "vote_buying",
              "voter_pressure", "organised_transport", "campaigning", "secrecy_breach",
              "observer_obstruction", "voter_list", "mobile_box", "count_violation", "protocol",
              "unauthorised_persons", "video_surveillance", "other")
SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("received", "received", "verified", "rejected", "escalated", "resolved",
            "duplicate")
BATCH = 20_000

BARE_SQL = {
    # What the incident tables, the timeline and coverage need, and nothing else.
    "incidents": "SELECT s.region, i.category, r.severity, r.status, COUNT(*) FROM report r "
                 "JOIN incident i ON i.id = r.id JOIN polling_station s ON s.id = r.station_id "
                 "WHERE r.election_id = :e AND r.kind = 'incident' "
                 "GROUP BY s.region, i.category, r.severity, r.status",
    "coverage": "SELECT COUNT(DISTINCT r.observer_id), COUNT(DISTINCT r.station_id) "
                "FROM report r WHERE r.election_id = :e AND r.kind = 'check_in'",
    "checklists": "SELECT c.phase, COUNT(*), SUM(CASE WHEN r.flagged THEN 1 ELSE 0 END) "
                  "FROM report r JOIN checklist_response c ON c.id = r.id "
                  "WHERE r.election_id = :e GROUP BY c.phase",
}


def _regions() -> list[str]:
    from observe.branches.regions import REGIONS

    return list(REGIONS)


def seed(election_id: int, branch_ids: dict) -> dict:
    """Stations, observers, assignments and the non-incident reports; returns the next ids."""
    from observe.assignments.models import Assignment
    from observe.elections.models import PollingStation
    from observe.observers.models import Observer
    from observe.reports.models import ChecklistForm

    regions = _regions()
    db.session.execute(insert(PollingStation), [
        dict(id=i + 1, election_id=election_id, number=str(i + 1),
             region=regions[i % len(regions)], district=f"District {i % 7}", address="",
             registered_voters=1000 + i % 1500) for i in range(STATIONS)])
    db.session.execute(insert(Observer), [
        dict(id=i + 1, branch_id=branch_ids[regions[i % len(regions)]], status="certified",
             full_name=f"Observer {i}", email=f"o{i}@example.org", languages=["ru"])
        for i in range(OBSERVERS)])
    # Observer i sits at station i (same region), and every station of the first half has one.
    db.session.execute(insert(Assignment), [
        dict(election_id=election_id, station_id=(i % (STATIONS // 2)) + 1,
             observer_id=(i % OBSERVERS) + 1, branch_id=branch_ids[regions[i % len(regions)]],
             role="stationary", shift="full_day", status="confirmed")
        for i in range(OBSERVERS)])
    form = ChecklistForm(code="bench", version=1, title="Bench", definition={"phases": {}})
    db.session.add(form)
    db.session.flush()
    report_id = 1
    reports, check_ins, checklists, turnout = [], [], [], []
    for i in range(OBSERVERS):
        station = (i % (STATIONS // 2)) + 1
        for kind, minutes in (("check_in", 20), ("checklist", 40), ("turnout", 190)):
            at = OPEN_UTC + timedelta(minutes=minutes + i % 30)
            reports.append(dict(id=report_id, uuid=f"bench-{report_id}", kind=kind,
                                election_id=election_id, station_id=station,
                                observer_id=i + 1, received_at=at, occurred_at=at,
                                updated_at=at, status="received", status_reason="",
                                severity="", flagged=kind == "checklist" and i % 5 == 0))
            if kind == "check_in":
                check_ins.append(dict(id=report_id))
            elif kind == "checklist":
                checklists.append(dict(id=report_id, form_id=form.id, form_version=1,
                                       phase="opening", answers={},
                                       problems=["q1"] if i % 5 == 0 else []))
            else:
                turnout.append(dict(id=report_id, hour=10, voters=100 + i % 300))
            report_id += 1
    from observe.reports.models import CheckIn, ChecklistResponse, Report, TurnoutReport

    db.session.execute(insert(Report.__table__), reports)
    db.session.execute(insert(CheckIn.__table__), check_ins)
    db.session.execute(insert(ChecklistResponse.__table__), checklists)
    db.session.execute(insert(TurnoutReport.__table__), turnout)
    db.session.commit()
    return {"report_id": report_id, "incidents": 0}


def add_incidents(election_id: int, state: dict, target: int) -> None:
    """Bulk-insert synthetic incidents until there are `target` of them."""
    from observe.reports.models import Incident, Report

    while state["incidents"] < target:
        count = min(BATCH, target - state["incidents"])
        reports, incidents = [], []
        for _ in range(count):
            n, rid = state["incidents"], state["report_id"]
            at = OPEN_UTC + timedelta(seconds=(n * 37) % (13 * 3600))
            reports.append(dict(id=rid, uuid=f"bench-{rid}", kind="incident",
                                election_id=election_id, station_id=(n * 7919) % STATIONS + 1,
                                observer_id=n % OBSERVERS + 1, received_at=at, occurred_at=at,
                                updated_at=at, status=STATUSES[n % len(STATUSES)],
                                status_reason="", severity=SEVERITIES[n % 4], flagged=False))
            incidents.append(dict(id=rid, category=CATEGORIES[n % len(CATEGORIES)],
                                  description=f"Synthetic incident {n}.", people_involved="",
                                  complaint_filed=False, complaint_number=""))
            state["incidents"] += 1
            state["report_id"] += 1
        db.session.execute(insert(Report.__table__), reports)
        db.session.execute(insert(Incident.__table__), incidents)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _timed(func, repeat: int = 3) -> float:
    """The best of `repeat` runs, in seconds (the first warms the caches)."""
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        db.session.rollback()
    return best


def run(database_url: str, sizes: list[int]) -> dict:
    from flask_migrate import upgrade

    from observe.auth import services as auth_services
    from observe.branches import services as branch_services
    from observe.briefings.figures import briefing_figures, dashboard_figures
    from observe.briefings.queries import Scope
    from observe.elections.models import Election

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    results = {}
    with app.app_context():
        upgrade()
        branch_ids = {}
        for region in _regions():
            branch_ids[region] = branch_services.create_branch(
                region=region, name=f"Bench {region}", city="", chairperson="", phone="",
                email="").id
        auth_services.create_user(email="hq@example.org", role="hq", full_name="HQ",
                                  password="bench-password-123")
        election = Election(name="Bench elections", polling_day=POLLING_DAY,
                            status="polling_day")
        db.session.add(election)
        db.session.commit()
        election_id = election.id
        started = time.perf_counter()
        state = seed(election_id, branch_ids)
        print(f"  seeded stations, observers, assignments, reports in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        client = app.test_client()
        response = client.post("/login", data={"email": "hq@example.org",
                                               "password": "bench-password-123"})
        assert response.status_code == 302, response.status_code
        cutoff = OPEN_UTC + timedelta(hours=7)  # 14:00 in Almaty
        for size in sizes:
            started = time.perf_counter()
            add_incidents(election_id, state, size)
            inserted = time.perf_counter() - started
            election = db.session.get(Election, election_id)

            def bare():
                for sql in BARE_SQL.values():
                    db.session.execute(text(sql), {"e": election_id}).all()

            def fragment():
                reply = client.get(f"/briefings/dashboard/{election_id}/live")
                assert reply.status_code == 200, reply.status_code

            figures = briefing_figures(Scope(election_id, cutoff=cutoff), election)
            board = dashboard_figures(Scope(election_id), election)
            assert board["incidents"]["totals"]["total"] == size, board["incidents"]["totals"]
            results[size] = {
                "insert": inserted,
                "bare SQL": _timed(bare),
                "dashboard figures": _timed(lambda e=election: dashboard_figures(
                    Scope(election_id), e)),
                "dashboard HTTP": _timed(fragment),
                "briefing figures": _timed(lambda e=election: briefing_figures(
                    Scope(election_id, cutoff=cutoff), e)),
                "as of 14:00": figures["incidents"]["totals"]["total"],
            }
            print(f"  {size:>9} incidents: " + ", ".join(
                f"{k} {v:.3f} s" if isinstance(v, float) else f"{k} {v}"
                for k, v in results[size].items()), flush=True)
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="incident counts, comma-separated (cumulative)")
    parser.add_argument("--sqlite-max", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        lite = [s for s in sizes if s <= args.sqlite_max]
        if lite:
            print("sqlite", flush=True)
            results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", lite)
        if args.database_url:
            print("postgresql", flush=True)
            url, drop = postgres_database(args.database_url)
            try:
                results["postgresql"] = run(url, sizes)
            finally:
                drop()
    steps = ["bare SQL", "dashboard figures", "dashboard HTTP", "briefing figures"]
    print(f"\n{'backend':<12}{'incidents':>10}" + "".join(f"{s:>20}" for s in steps)
          + f"{'dashboard/bare':>16}")
    for backend, by_size in results.items():
        for size, timings in by_size.items():
            ratio = timings["dashboard figures"] / timings["bare SQL"] if timings["bare SQL"] \
                else 0
            print(f"{backend:<12}{size:>10}" + "".join(f"{timings[s]:>18.3f} s" for s in steps)
                  + f"{ratio:>15.1f}x")


if __name__ == "__main__":
    main()
