"""Time auto-assignment on a generated branch: `python bench/auto_assign.py [--observers N]`.

Creates the app on a temporary SQLite database (and on a temporary PostgreSQL database when
--database-url is given), applies the migrations, bulk-inserts one branch with N certified
observers and M polling stations of its region (some priority, some needing Kazakh or Russian),
then times the proposal and applying every proposed pair separately.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402

DISTRICTS = ["Kazybek Bi", "Alikhan Bokeikhan", "Temirtau", "Saran", "Shakhtinsk", "Abay",
             "Balkhash", "Priozersk", "Karkaraly", "Osakarovka", "Bukhar-Zhyrau", "Nura",
             "Aktogay", "Shet", "Ulytau", "Zhezkazgan", "Satpayev", "Karazhal", "Shakhan",
             "Topar"]
# Some observers give a city that matches no district (the regional centre, a village).
CITIES = [*DISTRICTS, "Karaganda", "Dolinka"]
LANGUAGE_SETS = [["kk", "ru"], ["ru"], ["kk"], ["ru", "other"], ["kk", "ru", "other"]]


def observer_rows(branch_id: int, n: int) -> list[dict]:
    return [dict(branch_id=branch_id, status="certified", full_name=f"Observer {i:05d}",
                 city=CITIES[(i * 7) % len(CITIES)], languages=LANGUAGE_SETS[i % 5],
                 email=f"observer{i}@example.org") for i in range(n)]


def station_rows(election_id: int, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        suffix = " district" if i % 3 else ""
        rows.append(dict(election_id=election_id, number=str(1000 + i), region="karaganda",
                         district=DISTRICTS[(i * 3) % len(DISTRICTS)] + suffix,
                         address=f"Street {i}", registered_voters=500 + (i * 37) % 2500,
                         is_priority=i % 10 == 0,
                         language="kk" if i % 10 in (1, 2, 3) else "ru" if i % 20 == 4 else ""))
    return rows


def run(database_url: str, observers: int, stations: int) -> dict:
    from datetime import date

    from flask_migrate import upgrade

    from observe.assignments import auto
    from observe.assignments.models import Assignment
    from observe.auth import services as auth_services
    from observe.branches import services as branch_services
    from observe.elections.models import Election, PollingStation
    from observe.observers.models import Observer

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    timings = {}
    with app.app_context(), app.test_request_context():
        upgrade()
        branch = branch_services.create_branch(region="karaganda", name="Bench", city="Karaganda",
                                               chairperson="Chair", phone="", email="")
        user = auth_services.create_user(email="bench@example.org", role="coordinator",
                                         full_name="Bench", branch=branch,
                                         password="bench-password-123")
        election = Election(name="Bench elections", polling_day=date(2030, 3, 19))
        db.session.add(election)
        db.session.flush()
        db.session.execute(insert(Observer), observer_rows(branch.id, observers))
        db.session.execute(insert(PollingStation), station_rows(election.id, stations))
        db.session.commit()

        started = time.perf_counter()
        result = auto.plan(election, branch)
        timings["propose"] = time.perf_counter() - started
        started = time.perf_counter()
        again = auto.propose(election, branch)
        timings["propose again"] = time.perf_counter() - started
        assert [p.key for p in again] == [p.key for p in result.pairs]
        local = sum("same_district" in p.reasons for p in result.pairs)

        started = time.perf_counter()
        created, problems = auto.apply(result.pairs, [p.key for p in result.pairs], user)
        db.session.commit()
        timings["apply (incl. commit)"] = time.perf_counter() - started
        assert not problems, problems[:3]
        assert db.session.scalar(select(func.count()).select_from(Assignment)) == len(created)
        counts = {"pairs": len(result.pairs), "local": local, "unmatched": len(result.unmatched)}
        db.session.remove()
        db.engine.dispose()
    return {"timings": timings, "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observers", type=int, default=2000)
    parser.add_argument("--stations", type=int, default=1000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {"sqlite": run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.observers,
                                 args.stations)}
        if args.database_url:
            url, drop = postgres_database(args.database_url)
            try:
                results["postgresql"] = run(url, args.observers, args.stations)
            finally:
                drop()
    print(f"{args.observers} observers, {args.stations} stations")
    steps = list(next(iter(results.values()))["timings"])
    print(f"{'backend':<12}" + "".join(f"{step:>24}" for step in steps)
          + f"{'pairs':>8}{'local':>8}{'unmatched':>11}")
    for backend, result in results.items():
        timings, counts = result["timings"], result["counts"]
        print(f"{backend:<12}" + "".join(f"{timings[s]:>22.3f} s" for s in steps)
              + f"{counts['pairs']:>8}{counts['local']:>8}{counts['unmatched']:>11}")


if __name__ == "__main__":
    main()
