"""Retention and complaints at scale: `python bench/complaints.py [--observers 5000]
[--stations 2000] [--incidents 20000] [--complaints 500]
[--database-url postgresql://postgres@127.0.0.1:5432/postgres]`.

On a temporary SQLite database (and a temporary PostgreSQL one with --database-url): seeds an
election with `observe.scale`, opens --complaints complaints (half filed, some overdue) and
times the complaints board's first page over HTTP and the briefing's complaint numbers; then
closes the election, sets its retention to 0 months and times the dry run (`plan`) and the real
erasure of every observer (`run_retention`: targeted erasure plus the sweep of every text column
of every table), then checks that the sweep finds none of the erased values.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402


def _timed(fn, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return result, times


def run(url: str, args) -> None:
    from flask_migrate import upgrade

    from observe.auth.services import create_user
    from observe.common.db import utcnow
    from observe.complaints import services
    from observe.complaints.privacy import services as privacy
    from observe.complaints.privacy import sweep
    from observe.complaints.queries import complaint_numbers
    from observe.elections.models import Election
    from observe.elections.services import update_election
    from observe.observers.models import Observer
    from observe.reports.models import Incident
    from observe.scale.generator import seed_scale

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-" * 8)
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_scale(stations=args.stations, observers=args.observers, incidents=args.incidents)
        hq = create_user(email="hq@bench.test", role="hq", password="bench-password-1")
        db.session.commit()
        election = db.session.scalar(select(Election))
        incidents = db.session.scalars(select(Incident).limit(args.complaints)).all()
        now = utcnow()
        _, opened = _timed(lambda: [services.open_complaint([i], body="district", actor=hq)
                                    for i in incidents])
        for n, complaint in enumerate(db.session.scalars(select(services.Complaint))):
            if n % 2 == 0:
                services.file_complaint(complaint, filed_at=now - timedelta(days=3),
                                        due_at=now + timedelta(days=n % 7 - 3), actor=hq)
        db.session.commit()
        print(f"  open {len(incidents)} complaints: {opened[0]:.2f} s")
        client = app.test_client()
        client.post("/login", data={"email": "hq@bench.test", "password": "bench-password-1"})
        _, board = _timed(lambda: client.get("/complaints/"), repeat=args.repeat)
        print(f"  board, first page over HTTP: p50 {statistics.median(board) * 1000:.0f} ms")
        numbers, times = _timed(lambda: complaint_numbers(election.id), repeat=args.repeat)
        print(f"  briefing numbers {numbers}: p50 {statistics.median(times) * 1000:.1f} ms")

        update_election(election, actor=hq, status="closed")
        privacy.set_policy(election, 0, actor=hq)
        db.session.commit()
        values = [v for o in db.session.scalars(select(Observer).limit(50))
                  for v in (o.iin, o.phone, o.email)]
        planned, times = _timed(privacy.plan)
        print(f"  dry run: {len(planned)} observers due in {times[0]:.2f} s")
        cpu = time.process_time()
        done, times = _timed(privacy.run_retention)
        db.session.commit()
        cpu = time.process_time() - cpu
        # CPU time of this process too: on a shared machine the wall time says more about the
        # other processes than about this code.
        print(f"  real run: {len(done)} observers erased in {times[0]:.2f} s "
              f"({times[0] / max(len(done), 1) * 1000:.1f} ms each; this process's CPU "
              f"{cpu:.2f} s)")
        left, times = _timed(lambda: sweep.find([v for v in values if v]))
        print(f"  scan of every text column for 150 erased values: {left or 'nothing left'} "
              f"in {times[0]:.2f} s")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--observers", type=int, default=5000)
    parser.add_argument("--incidents", type=int, default=20000)
    parser.add_argument("--complaints", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite")
        run(f"sqlite:///{tmp}/bench.sqlite3", args)
    if args.database_url:
        url, drop = postgres_database(args.database_url)
        try:
            print("PostgreSQL")
            run(url, args)
        finally:
            drop()


if __name__ == "__main__":
    main()
