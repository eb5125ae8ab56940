"""Throughput of POST /api/v1/incidents: `python bench/api_incidents.py [--seconds S]`.

Builds a throw-away PostgreSQL database (or SQLite with --sqlite), applies the migrations and
seeds a polling day: one election, 64 stations, 64 observers each assigned to one and holding
their own API token (as each phone does). Serves the app with gunicorn on a random loopback
port, then runs a small threaded client at 16 and 64 concurrent clients, each POSTing new
incidents (a fresh client_uuid each) over a kept-alive connection for S seconds. Prints
requests/s and the p50/p95/p99 latency of each level, and any non-201 answer.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_observers import postgres_database  # noqa: E402

CLIENTS = (16, 64)


def seed(database_url: str, observers: int) -> list[tuple[str, int]]:
    """Migrate, seed a polling day; return (token, station id) per observer."""
    from datetime import date

    from flask_migrate import upgrade

    from observe import create_app
    from observe.assignments.models import Assignment
    from observe.auth import services as auth_services
    from observe.branches import services as branch_services
    from observe.config import TestingConfig
    from observe.elections.models import Election, PollingStation
    from observe.extensions import db
    from observe.observers.models import Observer

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        branch = branch_services.create_branch(region="karaganda", name="Bench branch")
        election = Election(name="Bench", polling_day=date.today(), status="polling_day")
        db.session.add(election)
        db.session.flush()
        pairs = []
        for i in range(observers):
            station = PollingStation(election_id=election.id, number=str(100 + i),
                                     region="karaganda", address=f"Street {i}",
                                     registered_voters=2000)
            user = auth_services.create_user(email=f"bench{i}@example.org", role="observer",
                                             branch=branch)
            observer = Observer(full_name=f"Observer {i}", branch_id=branch.id,
                                user_id=user.id, status="certified")
            db.session.add_all([station, observer])
            db.session.flush()
            db.session.add(Assignment(election_id=election.id, station_id=station.id,
                                      observer_id=observer.id, branch_id=branch.id,
                                      role="stationary", shift="full_day", status="confirmed"))
            pairs.append((auth_services.create_api_token(user, name="bench"), station.id))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return pairs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database_url: str, port: int, workers: int, threads: int, uploads: str):
    env = {**os.environ, "DATABASE_URL": database_url, "OBSERVE_ENV": "testing",
           "UPLOAD_FOLDER": uploads, "API_RATE_LIMIT": "1000000 per minute"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers), "--threads",
         str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def client(port: int, token: str, station_id: int, until: float, latencies: list,
           failures: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while time.perf_counter() < until:
        occurred = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        body = json.dumps({"client_uuid": str(uuid.uuid4()), "station_id": station_id,
                           "category": "ballot_stuffing", "severity": "high",
                           "description": "Bundles of ballots put in the box.",
                           "occurred_at": occurred})
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/incidents", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            failures.append(repr(error))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
        if response.status != 201:
            failures.append(response.status)
    connection.close()


def level(port: int, pairs, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    failures: list = []
    until = time.perf_counter() + seconds
    threads = [threading.Thread(target=client, args=(port, *pairs[i % len(pairs)], until,
                                                     latencies, failures))
               for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000,
            "failures": len(failures), "failure_kinds": sorted({str(f) for f in failures})[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL (a throw-away database is made on it)")
    parser.add_argument("--sqlite", action="store_true", help="bench on a SQLite file instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            database_url, drop = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", (lambda: None)
        else:
            database_url, drop = postgres_database(args.database_url)
        try:
            pairs = seed(database_url, max(CLIENTS))
            port = free_port()
            server = serve(database_url, port, args.workers, args.threads, tmp)
            try:
                level(port, pairs, 4, 1.0)  # warm the workers' connections and caches
                print(f"POST /api/v1/incidents, gunicorn {args.workers} workers x "
                      f"{args.threads} threads, {'SQLite' if args.sqlite else 'PostgreSQL'}, "
                      f"{args.seconds:.0f} s per level")
                for clients in CLIENTS:
                    r = level(port, pairs, clients, args.seconds)
                    print(f"{r['clients']:>3} clients: {r['rps']:7.1f} req/s  "
                          f"p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  "
                          f"p99 {r['p99']:6.1f} ms  ({r['requests']} requests, "
                          f"{r['failures']} not 201{': ' if r['failures'] else ''}"
                          f"{', '.join(r['failure_kinds'])})")
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            drop()


if __name__ == "__main__":
    main()
