"""Reads at scale: `python bench/briefings.py [--sizes 10000,100000,1000000]
[--database-url postgresql://postgres@127.0.0.1:5432/postgres]`.

Creates the app on a temporary SQLite database (and on a temporary PostgreSQL database when
--database-url is given), applies the migrations and seeds a national election with
`observe.scale` (10,000 stations in the 20 regions, 20,000 observers assigned in their regions,
check-ins, checklists, turnout), then grows the incidents to each size (cumulatively) and times,
in the same run, p50 and p95 over --repeat runs of:
  - the dashboard: its figures and its live fragment over HTTP, against the bare SQL of the
    aggregations it needs (the GROUP BYs and the latest serious incidents, nothing else);
  - the triage queue's first page filtered (one region, status received) over HTTP, against the
    bare SQL of that page (the same filter, order and limit);
  - a national briefing's figures as of 14:00, against the same bare SQL with the cut-off;
  - the rebuild of the incident tally (`observe/briefings/tally.py`) the figures sum.
The tally is rebuilt after each growth and kept fresh during the timings (FIGURES_STALE_SECONDS
is set high), as `flask briefings refresh-figures --every N` keeps it on polling day; without
that command the one reader in FIGURES_STALE_SECONDS who finds it stale pays the rebuild too.
The dashboard's cache is off for the timings (they measure the work), and timed once more on
(5 s: every request after the warm-up is a hit).
SQLite stops at --sqlite-max incidents (default 100,000); 1,000,000 is for PostgreSQL.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402

STATIONS, OBSERVERS = 10_000, 20_000
CUT = " AND r.received_at <= :cutoff"
# What the dashboard's and a briefing's figures need from the database, and nothing else.
AGGREGATIONS = {
    "incidents": "SELECT s.region, i.category, r.severity, r.status, COUNT(*) FROM report r "
                 "JOIN incident i ON i.id = r.id JOIN polling_station s ON s.id = r.station_id "
                 "WHERE r.election_id = :e AND r.kind = 'incident'{cut} "
                 "GROUP BY s.region, i.category, r.severity, r.status",
    "by hour": "SELECT EXTRACT(HOUR FROM r.received_at), COUNT(*) FROM report r "
               "WHERE r.election_id = :e AND r.kind = 'incident'{cut} GROUP BY 1",
    "coverage": "SELECT COUNT(DISTINCT r.observer_id), COUNT(DISTINCT r.station_id) "
                "FROM report r WHERE r.election_id = :e AND r.kind = 'check_in'{cut}",
    "checklists": "SELECT c.phase, COUNT(*), SUM(CASE WHEN r.flagged THEN 1 ELSE 0 END) "
                  "FROM report r JOIN checklist_response c ON c.id = r.id "
                  "WHERE r.election_id = :e{cut} GROUP BY c.phase",
    "turnout": "SELECT t.hour, COUNT(*), SUM(t.voters) FROM report r "
               "JOIN turnout_report t ON t.id = r.id WHERE r.election_id = :e{cut} "
               "GROUP BY t.hour",
    "serious": "SELECT r.id FROM report r WHERE r.election_id = :e AND r.kind = 'incident' "
               "AND r.severity IN ('critical', 'high'){cut} ORDER BY r.received_at DESC "
               "LIMIT 10",
}
# The queue's first page (50 rows) and the count of its pages, for one region's new reports.
TRIAGE_FROM = ("FROM report r JOIN polling_station s ON s.id = r.station_id "
               "LEFT JOIN incident i ON i.id = r.id "
               "WHERE (r.kind = 'incident' OR r.flagged) AND r.election_id = :e "
               "AND s.region = 'almaty' AND r.status = 'received' ")
TRIAGE_SQL = ("SELECT COUNT(*) " + TRIAGE_FROM,
              "SELECT r.id, r.severity, r.status, r.received_at, s.number, s.region, i.category "
              + TRIAGE_FROM + "ORDER BY CASE r.severity WHEN 'critical' THEN 4 WHEN 'high' THEN "
              "3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END DESC, r.received_at DESC, "
              "r.id DESC LIMIT 50")


def timed(func, repeat: int) -> tuple[float, float]:
    """p50 and p95 of `repeat` runs after one warm-up, in seconds (each committed, as a
    request is: a tally rebuild stays)."""
    func()
    db.session.commit()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
        db.session.commit()
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1,
                                                   round(0.95 * (len(samples) - 1)))]


def run(database_url: str, sizes: list[int], repeat: int) -> dict:
    from flask_migrate import upgrade

    from observe.auth import services as auth_services
    from observe.briefings import tally
    from observe.briefings.figures import briefing_figures, dashboard_figures
    from observe.briefings.queries import Scope
    from observe.elections.models import Election
    from observe.scale.generator import plan_of, seed_scale
    from observe.scale.polling_day import insert_incidents

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, FIGURES_STALE_SECONDS=24 * 3600,
                  DASHBOARD_CACHE_SECONDS=0)
    app = create_app(config)
    results = {}
    with app.app_context():
        upgrade()
        sqlite = db.engine.dialect.name == "sqlite"
        started = time.perf_counter()
        counts = seed_scale(stations=STATIONS, observers=OBSERVERS, incidents=sizes[0], seed=11)
        election_id, have = counts["election_id"], sizes[0]
        auth_services.create_user(email="hq@example.org", role="hq", full_name="HQ",
                                  password="bench-password-123")
        db.session.commit()
        print(f"  seeded {STATIONS} stations, {OBSERVERS} observers, {sizes[0]} incidents in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        client = app.test_client()
        response = client.post("/login", data={"email": "hq@example.org",
                                               "password": "bench-password-123"})
        assert response.status_code == 302, response.status_code
        plan, rng = plan_of(election_id), random.Random(12)
        for size in sizes:
            started = time.perf_counter()
            if size > have:
                insert_incidents(plan, size - have, rng)
                db.session.commit()
                have = size
            inserted = time.perf_counter() - started
            tally.ensure_fresh(election_id, older_than=0)
            db.session.commit()
            election = db.session.get(Election, election_id)
            cutoff = plan.local(14)
            params = {"e": election_id, "cutoff": cutoff.strftime("%Y-%m-%d %H:%M:%S.%f")
                      if sqlite else cutoff}

            def bare(cut="", params=params):
                for sql in AGGREGATIONS.values():
                    if sqlite:
                        sql = sql.replace("EXTRACT(HOUR FROM r.received_at)",
                                          "strftime('%H', r.received_at)")
                    db.session.execute(text(sql.format(cut=cut)), params).all()

            def get(url):
                reply = client.get(url)
                assert reply.status_code == 200, (url, reply.status_code)

            def cached(url):
                app.config["DASHBOARD_CACHE_SECONDS"] = 5
                try:
                    return timed(lambda: get(url), repeat)
                finally:
                    app.config["DASHBOARD_CACHE_SECONDS"] = 0

            board = dashboard_figures(Scope(election_id), election)
            assert board["incidents"]["totals"]["total"] == size, board["incidents"]["totals"]
            results[size] = {
                "insert": inserted,
                "dashboard bare SQL": timed(bare, repeat),
                "tally rebuild": timed(lambda: tally.ensure_fresh(election_id, older_than=0),
                                       repeat),
                "dashboard figures": timed(lambda e=election: dashboard_figures(
                    Scope(election_id), e), repeat),
                "dashboard HTTP": timed(lambda: get(
                    f"/briefings/dashboard/{election_id}/live"), repeat),
                "dashboard HTTP cached": cached(f"/briefings/dashboard/{election_id}/live"),
                "triage bare SQL": timed(lambda p=params: [db.session.execute(
                    text(sql), p).all() for sql in TRIAGE_SQL], repeat),
                "triage HTTP": timed(lambda: get(
                    f"/reports/triage?election_id={election_id}&region=almaty&status=received"),
                    repeat),
                "briefing bare SQL": timed(lambda: bare(CUT), repeat),
                "briefing figures": timed(lambda e=election, c=cutoff: briefing_figures(
                    Scope(election_id, cutoff=c), e), repeat),
            }
            print(f"  {size:>9} incidents (added in {inserted:.0f} s): " + ", ".join(
                f"{k} {v[0] * 1000:.0f}/{v[1] * 1000:.0f} ms"
                for k, v in results[size].items() if k != "insert"), flush=True)
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="incident counts, comma-separated (cumulative)")
    parser.add_argument("--sqlite-max", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each step")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        lite = [s for s in sizes if s <= args.sqlite_max]
        if lite and not args.postgres_only:
            print("sqlite", flush=True)
            results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", lite,
                                    args.repeat)
        if args.database_url:
            print("postgresql", flush=True)
            url, drop = postgres_database(args.database_url)
            try:
                results["postgresql"] = run(url, sizes, args.repeat)
            finally:
                drop()
    pairs = [("dashboard", "dashboard figures", "dashboard bare SQL"),
             ("dashboard HTTP", "dashboard HTTP", "dashboard bare SQL"),
             ("dashboard HTTP cached", "dashboard HTTP cached", "dashboard bare SQL"),
             ("triage HTTP", "triage HTTP", "triage bare SQL"),
             ("briefing", "briefing figures", "briefing bare SQL"),
             ("tally rebuild", "tally rebuild", "dashboard bare SQL")]
    print(f"\np50 / p95 in ms over {args.repeat} runs; ratio = p95 / bare SQL p95")
    print(f"{'backend':<11}{'incidents':>10}" + "".join(f"{name:>28}" for name, *_ in pairs))
    for backend, by_size in results.items():
        for size, t in by_size.items():
            cells = []
            for _name, step, bare in pairs:
                ratio = t[step][1] / t[bare][1] if t[bare][1] else 0
                cells.append(f"{t[step][0] * 1000:.0f}/{t[step][1] * 1000:.0f} "
                             f"(bare {t[bare][1] * 1000:.0f}) {ratio:.1f}x")
            print(f"{backend:<11}{size:>10}" + "".join(f"{c:>28}" for c in cells))


if __name__ == "__main__":
    main()
