"""Nothing acknowledged is lost: `python bench/nothing_lost.py [--requests N] [--clients C]`.

Seeds a polling day on a throw-away PostgreSQL database (`observe.scale`), serves the app with
gunicorn on loopback and runs C client threads that POST N new incidents to /api/v1/incidents
as phones do: a request that fails or times out is sent again with the same client_uuid until
it is answered 200/201. In the middle it SIGKILLs a gunicorn worker (the master starts another),
later the master itself and its workers, then starts gunicorn again on the same port. When the
clients are done it reads the database: every acknowledged client_uuid must be stored exactly
once, with the id the answer gave, and no row may exist that no client sent. Prints sent,
acknowledged, stored, lost and duplicated. tests/scale/test_nothing_lost.py runs a small version.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402

GIVE_UP_AFTER = 120  # seconds a phone keeps retrying one report


class Server:
    """gunicorn on a fixed loopback port, killable and restartable."""

    def __init__(self, database_url: str, port: int, uploads: str, workers: int = 2,
                 threads: int = 4):
        self.env = {**os.environ, "DATABASE_URL": database_url, "OBSERVE_ENV": "testing",
                    "UPLOAD_FOLDER": uploads, "API_RATE_LIMIT": "1000000 per minute"}
        self.port, self.workers, self.threads = port, workers, threads
        self.process = None
        self.events: list[str] = []

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-w", str(self.workers),
             "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "error", "wsgi:app"], cwd=ROOT, env=self.env)
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    self.events.append(f"started master {self.process.pid}")
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def kill_worker(self) -> None:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        self.events.append(f"SIGKILL worker {pid}")

    def kill_master_and_restart(self) -> None:
        """SIGKILL the master, then its orphaned workers (a crash of the whole server), start
        again on the same port."""
        workers = self.worker_pids()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.events.append(f"SIGKILL master {self.process.pid}")
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
                self.events.append(f"SIGKILL orphaned worker {pid}")
            except ProcessLookupError:
                pass
        for pid in workers:  # wait until they are gone and the port is free
            while Path(f"/proc/{pid}").exists():
                time.sleep(0.05)
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Tally:
    """What the clients saw, shared between their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent: set[str] = set()
        self.acknowledged: dict[str, int] = {}
        self.attempts = Counter()
        self.failures = Counter()

    def acked(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def client(port: int, reporter, count: int, tally: Tally) -> None:
    """Send `count` new incidents as one phone: retry each with its UUID until answered."""
    connection = None
    headers = {"Authorization": f"Bearer {reporter.token}", "Content-Type": "application/json"}
    for _ in range(count):
        submission = str(uuid.uuid4())
        body = json.dumps({"client_uuid": submission, "station_id": reporter.station_id,
                           "category": "vote_buying", "severity": "medium",
                           "description": "Money offered at the entrance.",
                           "occurred_at": (datetime.now(UTC) - timedelta(minutes=2)).isoformat()})
        with tally.lock:
            tally.sent.add(submission)
        deadline, pause = time.monotonic() + GIVE_UP_AFTER, 0.1
        while time.monotonic() < deadline:
            with tally.lock:
                tally.attempts[submission] += 1
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("POST", "/api/v1/incidents", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                if response.status in (200, 201):
                    with tally.lock:
                        tally.acknowledged[submission] = json.loads(answer)["id"]
                    break
                with tally.lock:
                    tally.failures[str(response.status)] += 1
            except (OSError, http.client.HTTPException) as error:
                with tally.lock:
                    tally.failures[type(error).__name__] += 1
                if connection is not None:
                    connection.close()
                connection = None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
    if connection is not None:
        connection.close()


def run(database_url: str, reporters: list, requests: int, clients: int,
        kills: tuple[str, ...] = ("worker", "master"), uploads: str | None = None) -> dict:
    """Load with retries and kills; the counts the database shows afterwards."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        before = connection.scalar(text("SELECT COALESCE(MAX(id), 0) FROM report"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = Server(database_url, port, uploads or tempfile.gettempdir())
    tally = Tally()
    server.start()
    try:
        per_client = [requests // clients + (1 if i < requests % clients else 0)
                      for i in range(clients)]
        threads = [threading.Thread(target=client, args=(port, reporters[i % len(reporters)],
                                                          n, tally))
                   for i, n in enumerate(per_client)]
        for thread in threads:
            thread.start()
        # Kill at evenly spaced shares of the acknowledged requests (a third, two thirds).
        for share, kill in zip((1 / (len(kills) + 1) * (k + 1) for k in range(len(kills))),
                               kills, strict=True):
            while tally.acked() < requests * share and any(t.is_alive() for t in threads):
                time.sleep(0.02)
            server.kill_worker() if kill == "worker" else server.kill_master_and_restart()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, uuid FROM report WHERE id > :before AND kind = 'incident'"),
            {"before": before}).all()
    engine.dispose()
    stored = Counter(row.uuid for row in rows)
    ids = {row.uuid: row.id for row in rows}
    acknowledged = tally.acknowledged
    return {
        "sent": len(tally.sent), "acknowledged": len(acknowledged), "stored": len(rows),
        "lost": sum(1 for u in acknowledged if u not in stored),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "unknown rows": sum(1 for u in stored if u not in tally.sent),
        "wrong id answered": sum(1 for u, i in acknowledged.items() if u in ids and ids[u] != i),
        "stored, never acknowledged": sum(1 for u in stored if u not in acknowledged),
        "retries": sum(n - 1 for n in tally.attempts.values()),
        "failed attempts": dict(tally.failures), "events": server.events,
    }


def seed(database_url: str, accounts: int) -> list:
    """Migrate and seed a polling day with `accounts` observers holding API tokens."""
    from datetime import date

    from flask_migrate import upgrade

    from observe import create_app
    from observe.config import TestingConfig
    from observe.extensions import db
    from observe.scale.accounts import observer_accounts
    from observe.scale.generator import seed_scale

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    with app.app_context():
        upgrade()
        counts = seed_scale(stations=200, observers=150, incidents=5_000, seed=15,
                            polling_day=date.today())
        reporters = observer_accounts(counts["election_id"], accounts, "bench-password-123")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return reporters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL (a throw-away database is made on it)")
    args = parser.parse_args()
    database_url, drop = postgres_database(args.database_url)
    try:
        reporters = seed(database_url, args.clients)
        started = time.perf_counter()
        result = run(database_url, reporters, args.requests, args.clients)
        elapsed = time.perf_counter() - started
    finally:
        drop()
    for event in result.pop("events"):
        print(f"  {event}")
    print(f"{args.requests} requests from {args.clients} clients in {elapsed:.0f} s")
    for name, value in result.items():
        print(f"{name:>28}: {value}")
    ok = result["lost"] == result["duplicated"] == result["unknown rows"] \
        == result["wrong id answered"] == 0 and result["acknowledged"] == result["sent"]
    print("NOTHING LOST" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
