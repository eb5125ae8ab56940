"""Time the roll-call board at 10,000 stations on PostgreSQL: `python bench/rollcall.py
[--stations 10000] [--runs 20] [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
[--sqlite]`.

Creates the app on a throw-away PostgreSQL database (and SQLite with --sqlite), applies the
migrations and bulk-inserts an election on polling day today with N stations in the 20 regions,
one observer at each: most checked in with a checklist and turnout since, some late (no
check-in), some silent (checked in five hours ago, nothing since), some with an open SOS, some
withdrawn, and call notes. Then it times, through the test client (query and rendering, the
page's own alert evaluation included):

- the first load by HQ, which raises every late/silent alert (and queues their e-mails);
- HQ's board of every station (all rows worked out, the first page of 100 rendered);
- the board's live fragment (what the page fetches every 30 s);
- a coordinator's board of one region;
- the board's statement alone (the set-based query, no rendering);

and prints p50/p95 of the wall time over --runs rounds (the cases take turns in each round)
and the median CPU time of this process (the app's share, steadier on a busy machine). The
machine's load average is printed too: on a shared machine the wall times vary with it.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402

PASSWORD = "bench-password-123"


def _regions() -> list[str]:
    from observe.branches.regions import REGIONS

    return list(REGIONS)


def seed(election_id: int, branch_ids: dict, stations: int, now) -> None:
    """Stations, one observer each, assignments, reports, SOS and calls, bulk-inserted."""
    from observe.assignments.models import Assignment
    from observe.elections.models import PollingStation
    from observe.fieldops.models import CallNote, SosSignal
    from observe.observers.models import Observer
    from observe.reports.models import (
        CheckIn,
        ChecklistForm,
        ChecklistResponse,
        Report,
        TurnoutReport,
    )

    regions = _regions()
    region_of = [regions[i % len(regions)] for i in range(stations)]
    db.session.execute(insert(PollingStation), [
        dict(id=i + 1, election_id=election_id, number=str(i // len(regions) + 1),
             region=region_of[i], district=f"District {i % 11}", address=f"Street {i}",
             registered_voters=1500) for i in range(stations)])
    db.session.execute(insert(Observer), [
        dict(id=i + 1, branch_id=branch_ids[region_of[i]], status="certified",
             full_name=f"Observer {i:05d}", email=f"o{i}@example.org",
             phone=f"+7701{i:07d}", languages=["ru"]) for i in range(stations)])
    # Every 20th withdrawn, every 20th (offset 1) late; every 10th (offset 2, 3) silent;
    # every 20th (offset 4) an open SOS; the rest checked in with reports since.
    status = ["withdrawn" if i % 20 == 0 else "confirmed" for i in range(stations)]
    db.session.execute(insert(Assignment), [
        dict(id=i + 1, election_id=election_id, station_id=i + 1, observer_id=i + 1,
             branch_id=branch_ids[region_of[i]], role="stationary", shift="full_day",
             status=status[i]) for i in range(stations)])
    form = ChecklistForm(code="bench", version=1, title="Bench", definition={"phases": {}})
    db.session.add(form)
    db.session.flush()
    reports, check_ins, checklists, turnout = [], [], [], []
    rid = 1
    for i in range(stations):
        if i % 20 == 1:
            continue  # late: no report at all
        silent = i % 10 in (2, 3)
        times = [now - timedelta(hours=5)] if silent else [
            now - timedelta(hours=4), now - timedelta(hours=2), now - timedelta(minutes=40)]
        for n, at in enumerate(times):
            kind = ("check_in", "checklist", "turnout")[n]
            reports.append(dict(id=rid, uuid=f"bench-{rid}", kind=kind, election_id=election_id,
                                station_id=i + 1, observer_id=i + 1, received_at=at,
                                occurred_at=at, updated_at=at, status="received",
                                status_reason="", severity="", flagged=False))
            if kind == "check_in":
                check_ins.append(dict(id=rid))
            elif kind == "checklist":
                checklists.append(dict(id=rid, form_id=form.id, form_version=1, phase="opening",
                                       answers={}, problems=[]))
            else:
                turnout.append(dict(id=rid, hour=10, voters=300))
            rid += 1
    for model, rows in ((Report.__table__, reports), (CheckIn.__table__, check_ins),
                        (ChecklistResponse.__table__, checklists),
                        (TurnoutReport.__table__, turnout)):
        for start in range(0, len(rows), 20_000):
            db.session.execute(insert(model), rows[start:start + 20_000])
    db.session.execute(insert(SosSignal), [
        dict(uuid=f"00000000-0000-4000-8000-{i:012d}", election_id=election_id,
             assignment_id=i + 1, observer_id=i + 1, region=region_of[i], reason="obstructed",
             note="", photo_type="", photo_sha256="", raised_at=now - timedelta(minutes=10),
             status="open", resolution_note="") for i in range(stations) if i % 20 == 4])
    db.session.execute(insert(CallNote), [
        dict(assignment_id=i + 1, note="Called", called_at=now - timedelta(minutes=i % 90))
        for i in range(stations) if i % 7 == 0])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _timed_together(cases: dict, runs: int) -> dict:
    """p50/p95 of wall time per case, and the median CPU time of this process (the app's own
    work, without the database's or other processes' share), over `runs` rounds. The cases take
    turns in each round, so a busy machine slows them alike."""
    for case in cases.values():
        case()  # warm the caches
    wall = {name: [] for name in cases}
    cpu = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            case()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
            db.session.rollback()
    return {name: (*_percentiles(wall[name]), statistics.median(cpu[name])) for name in cases}


def run(database_url: str, stations: int, runs: int) -> dict:
    from flask_migrate import upgrade

    from observe.auth import services as auth_services
    from observe.branches import services as branch_services
    from observe.branches.models import Branch
    from observe.common.db import utcnow
    from observe.elections.models import Election
    from observe.fieldops.models import FieldAlert
    from observe.fieldops.queries import board_statement
    from observe.fieldops.rules import election_zone

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    results = {}
    with app.app_context():
        upgrade()
        branch_ids = {region: branch_services.create_branch(
            region=region, name=f"Bench {region}", city="", chairperson="", phone="",
            email="").id for region in _regions()}
        auth_services.create_user(email="hq@example.org", role="hq", full_name="HQ",
                                  password=PASSWORD)
        for region, branch_id in branch_ids.items():
            auth_services.create_user(email=f"coordinator.{region}@example.org",
                                      role="coordinator", full_name=f"Coordinator {region}",
                                      password=PASSWORD,
                                      branch=db.session.get(Branch, branch_id))
        now = utcnow()
        election = Election(name="Bench elections", status="polling_day",
                            timezone="Asia/Almaty")
        election.polling_day = now.astimezone(election_zone(election)).date()  # today, locally
        db.session.add(election)
        db.session.commit()
        election_id = election.id
        started = time.perf_counter()
        seed(election_id, branch_ids, stations, now)
        print(f"  seeded {stations} stations in {time.perf_counter() - started:.1f} s",
              flush=True)
        hq, coordinator = app.test_client(), app.test_client()
        for client, email in ((hq, "hq@example.org"),
                              (coordinator, "coordinator.karaganda@example.org")):
            with app.app_context():  # see get() below
                assert client.post("/login", data={"email": email, "password": PASSWORD}
                                   ).status_code == 302

        def get(client, url):
            # A fresh app context per request: under the one pushed above, every request would
            # share its `g` and so the first request's signed-in user (Flask-Login keeps it there).
            with app.app_context():
                reply = client.get(url)
            assert reply.status_code == 200, reply.status_code
            return reply

        started = time.perf_counter()
        get(hq, "/fieldops/")
        results["first load (raises alerts)"] = time.perf_counter() - started
        results["alerts raised"] = db.session.scalar(select(func.count(FieldAlert.id)))
        db.session.rollback()
        results.update(_timed_together({
            "HQ board, all stations": lambda: get(hq, "/fieldops/"),
            "HQ live fragment": lambda: get(hq, "/fieldops/?partial=1"),
            "HQ board, checked in, by name, p. 2": lambda: get(
                hq, "/fieldops/?state=checked_in&sort=observer&page=2"),
            "coordinator board, one region": lambda: get(coordinator, "/fieldops/"),
            "board statement alone": lambda: db.session.execute(
                board_statement(election_id, None)).all(),
        }, runs))
        db.session.remove()
        db.engine.dispose()
    return results


def report(backend: str, results: dict) -> None:
    print(f"\n{backend}")
    for name, value in results.items():
        if isinstance(value, tuple):
            print(f"  {name:<36} p50 {value[0] * 1000:6.0f} ms   p95 {value[1] * 1000:6.0f} ms"
                  f"   app CPU {value[2] * 1000:6.0f} ms")
        elif isinstance(value, float):
            print(f"  {name:<36} {value * 1000:6.0f} ms")
        else:
            print(f"  {name:<36} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="the PostgreSQL server to bench on")
    parser.add_argument("--sqlite", action="store_true", help="bench on SQLite as well")
    args = parser.parse_args()
    print(f"postgresql, {args.stations} stations; load average {os.getloadavg()}", flush=True)
    url, drop = postgres_database(args.database_url)
    try:
        report("postgresql", run(url, args.stations, args.runs))
        print(f"  load average after: {os.getloadavg()}")
    finally:
        drop()
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"sqlite, {args.stations} stations", flush=True)
            report("sqlite", run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.stations,
                                 args.runs))


if __name__ == "__main__":
    main()
