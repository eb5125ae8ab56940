"""Time the registry export: `python bench/export_observers.py [--rows N] [--database-url URL]`.

Builds N observers (default 200,000) in one branch on a temporary SQLite database, and on a
temporary PostgreSQL database when --database-url names a server, then downloads
/observers/export.csv and /observers/export.xlsx as the branch's coordinator (personal columns
included) through the real route. Each download runs in a process of its own and reports its time
and its peak memory: how far the process's maximum resident set grew while exporting.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402

PASSWORD = "bench-password-123"
EMAIL = "bench.coordinator@example.org"
LANGUAGES = [["kk", "ru"], ["kk"], ["ru"], ["ru", "other"]]
CHANNELS = ["telegram", "instagram", "facebook", "whatsapp", "website", "ngo"]


def make_app(database_url: str):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    return create_app(config)


def build(database_url: str, rows: int) -> float:
    """Migrate the database and insert the branch, its coordinator and `rows` observers."""
    from flask_migrate import upgrade

    from observe.auth import services as auth_services
    from observe.branches import services as branch_services
    from observe.common.db import utcnow
    from observe.observers.models import Observer

    app = make_app(database_url)
    started = time.perf_counter()
    with app.app_context(), app.test_request_context():
        upgrade()
        branch = branch_services.create_branch(region="karaganda", name="Bench", city="Karaganda",
                                               chairperson="Chair", phone="", email="")
        auth_services.create_user(email=EMAIL, role="coordinator", full_name="Bench",
                                  branch=branch, password=PASSWORD)
        db.session.commit()
        now = utcnow()
        batch = []
        for number in range(rows):
            batch.append({
                "branch_id": branch.id, "status": ("applied", "approved", "certified")[number % 3],
                "full_name": f"Наблюдатель Номер {number}", "iin": f"{number:012d}",
                "birth_date": date(1960, 1, 1) + timedelta(days=number % 15000),
                "phone": f"+7701{number:07d}", "email": f"observer{number}@example.org",
                "city": "Караганда", "languages": LANGUAGES[number % len(LANGUAGES)],
                "other_language": "Немецкий" if number % len(LANGUAGES) == 3 else "",
                "experience": "none", "availability": "full_day",
                "channel": CHANNELS[number % len(CHANNELS)], "campaign": "spring",
                "applied_at": now - timedelta(minutes=number), "status_changed_at": now})
            if len(batch) == 5000:
                db.session.execute(insert(Observer.__table__), batch)
                batch = []
        if batch:
            db.session.execute(insert(Observer.__table__), batch)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def export(database_url: str, fmt: str) -> dict:
    """Download one export as the coordinator; runs in a process of its own."""
    app = make_app(database_url)
    client = app.test_client()
    with app.app_context():
        response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        response = client.get(f"/observers/export.{fmt}")
        assert response.status_code == 200, response.status_code
        size = sum(len(chunk) for chunk in response.iter_encoded())  # read, not kept
        seconds = time.perf_counter() - started
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        response.close()
        db.session.remove()
        db.engine.dispose()
    return {"seconds": seconds, "peak_mb": grown / 1024, "size_mb": size / 1024 / 1024}


def postgres_database(server_url: str):
    """Create a throw-away database on the server; return its URL and a function to drop it."""
    if server_url.startswith(("postgres://", "postgresql://")):
        server_url = "postgresql+psycopg://" + server_url.split("://", 1)[1]
    url = make_url(server_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"observe_bench_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def bench(database_url: str, rows: int) -> dict:
    results = {"build": {"seconds": build(database_url, rows)}}
    for fmt in ("csv", "xlsx"):
        done = subprocess.run([sys.executable, __file__, "--export", fmt,
                               "--database-url", database_url],
                              capture_output=True, text=True, check=True)
        results[fmt] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    parser.add_argument("--export", choices=("csv", "xlsx"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:  # the child process of one download
        print(json.dumps(export(args.database_url, args.export)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        results = {"sqlite": bench(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.rows)}
        if args.database_url:
            url, drop = postgres_database(args.database_url)
            try:
                results["postgresql"] = bench(url, args.rows)
            finally:
                drop()
    print(f"{args.rows} observers")
    print(f"{'backend':<12}{'format':<8}{'time':>10}{'peak memory':>14}{'file':>10}")
    for backend, result in results.items():
        print(f"{backend:<12}{'(build)':<8}{result['build']['seconds']:>8.1f} s")
        for fmt in ("csv", "xlsx"):
            r = result[fmt]
            print(f"{backend:<12}{fmt:<8}{r['seconds']:>8.1f} s{r['peak_mb']:>11.0f} MB"
                  f"{r['size_mb']:>7.1f} MB")


if __name__ == "__main__":
    main()
