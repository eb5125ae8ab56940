"""Where one API submission spends its time, in-process: `python bench/profile_submission.py
[--requests N] [--top 30] [--web]`.

Seeds a small polling day on a throw-away PostgreSQL database (as bench/submissions.py does,
smaller), then sends N `POST /api/v1/incidents` through Flask's test client (no HTTP server)
and prints: the statements and pool checkouts per request (a SQLAlchemy listener), the mean
in-process time per request, and a cProfile of the whole run sorted by own time and by
cumulative time. `--web` profiles the incident form instead (a signed-in session).
The in-process figures move by +-20 % with the neighbours' load: compare runs made together.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_observers import postgres_database  # noqa: E402
from bench.submissions import PASSWORD  # noqa: E402


def build(database_url: str, rate_limits: str, limited: bool):
    from flask_migrate import upgrade
    from sqlalchemy import event

    from observe import create_app
    from observe.config import TestingConfig
    from observe.extensions import db
    from observe.scale.accounts import observer_accounts
    from observe.scale.generator import seed_scale

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url, API_RATE_LIMIT="1000000 per minute",
                  RATELIMIT_STORAGE_URI=rate_limits, RATELIMIT_ENABLED=limited,
                  # What the served app runs with (bench/submissions.py sets OBSERVE_ENV).
                  WTF_CSRF_ENABLED=False)
    app = create_app(config)
    with app.app_context():
        upgrade()
        counts = seed_scale(stations=50, observers=60, incidents=500, seed=14,
                            polling_day=date.today())
        reporters = observer_accounts(counts["election_id"], 20, PASSWORD)
        db.session.commit()
        counter = {"statements": 0, "checkouts": 0}
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a, **k: counter.__setitem__("statements", counter["statements"] + 1))
        event.listen(db.engine, "commit",
                     lambda *a: counter.__setitem__("statements", counter["statements"] + 1))
        event.listen(db.engine, "rollback",
                     lambda *a: counter.__setitem__("statements", counter["statements"] + 1))
        event.listen(db.engine.pool, "checkout",
                     lambda *a: counter.__setitem__("checkouts", counter["checkouts"] + 1))
        db.session.remove()
    return app, reporters, counter


def api_request(client, reporter):
    when = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    response = client.post("/api/v1/incidents", headers={
        "Authorization": f"Bearer {reporter.token}"}, json={
        "client_uuid": str(uuid.uuid4()), "station_id": reporter.station_id,
        "category": "ballot_stuffing", "severity": "high",
        "description": "Bundles of ballots put in the box.", "occurred_at": when})
    assert response.status_code == 201, response.get_data(as_text=True)


def web_request(client, reporter):
    response = client.post(f"/reports/stations/{reporter.station_id}/incident", data={
        "uuid": str(uuid.uuid4()), "category": "ballot_stuffing", "severity": "high",
        "occurred_at": "00:05", "description": "Bundles of ballots put in the box."})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--web", action="store_true")
    parser.add_argument("--rate-limit-storage", default="memory://",
                        help="RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379/15")
    parser.add_argument("--no-rate-limit", action="store_true",
                        help="RATELIMIT_ENABLED=False, to see what the limiter costs")
    parser.add_argument("--dump", help="also write the cProfile data to this file")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    database_url, drop = postgres_database(args.database_url)
    try:
        app, reporters, counter = build(database_url, args.rate_limit_storage,
                                        not args.no_rate_limit)
        rng = random.Random(14)
        clients = {}
        for reporter in reporters:
            client = app.test_client()
            if args.web:
                response = client.post("/login", data={"email": reporter.email,
                                                       "password": PASSWORD})
                assert response.status_code == 302, response.status_code
            clients[reporter] = client
        send = web_request if args.web else api_request
        for reporter in reporters:  # warm up
            send(clients[reporter], reporter)
        picks = [rng.choice(reporters) for _ in range(args.requests)]
        counter.update(statements=0, checkouts=0)
        started, cpu = time.perf_counter(), time.process_time()
        for reporter in picks:
            send(clients[reporter], reporter)
        plain, cpu = time.perf_counter() - started, time.process_time() - cpu
        statements, checkouts = counter["statements"], counter["checkouts"]
        profiler = cProfile.Profile()
        profiler.enable()
        for reporter in picks:
            send(clients[reporter], reporter)
        profiler.disable()
        n = args.requests
        if args.dump:
            profiler.dump_stats(args.dump)
        print(f"{'web form' if args.web else 'API'}: {n} requests, "
              f"{plain / n * 1000:.2f} ms each in-process (no profiler), "
              f"{cpu / n * 1000:.2f} ms of it this process's CPU; "
              f"{statements / n:.1f} statements incl. COMMIT/ROLLBACK and "
              f"{checkouts / n:.2f} pool checkouts per request; load {os.getloadavg()[0]:.1f}")
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print(out.getvalue())
    finally:
        drop()


if __name__ == "__main__":
    main()
