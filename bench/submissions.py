"""Submissions under load, against bare baselines in the same run: `python bench/submissions.py
[--seconds S] [--clients 16,64,256]`.

Makes a throw-away PostgreSQL database, applies the migrations and seeds a polling day with
`observe.scale` (500 stations, 400 observers, 20,000 incidents already in; 256 observers get an
account and an API token). Then, one after the other on the same gunicorn set-up (4 workers x 4
threads on loopback), it loads with wrk (a Lua script: a fresh client_uuid per request, a random
observer's credentials and station):
  - POST /api/v1/incidents (Bearer token),
  - the web form POST /reports/stations/<id>/incident (a signed-in observer's session cookie),
  - bench/bare/ceiling.py: Observe's app with one more route doing the least a submission must
    do in one hand-written statement (how close this stack could come; not a way to submit),
  - bench/bare/app.py: POST /insert (parse the same JSON, one INSERT of a row as wide as an
    incident, commit) and POST /constant (a constant answer),
at each number of clients for S seconds, and prints requests/s, p50/p95/p99 and the ratios of
the API and the form to both baselines. wrk comes from Debian (`apt-get install wrk`; this
script installs it when it is missing and it may).
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_observers import postgres_database  # noqa: E402

PASSWORD = "bench-password-123"
SCRIPT = ROOT / "bench" / "wrk" / "submit.lua"


def seed(database_url: str, accounts: int):
    """Migrate, seed a polling day in bulk; return the reporters (email, token, station)."""
    from flask_migrate import upgrade

    from bench.bare.app import metadata
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
        counts = seed_scale(stations=500, observers=400, incidents=20_000, seed=14,
                            polling_day=date.today())
        reporters = observer_accounts(counts["election_id"], accounts, PASSWORD)
        db.session.commit()
        metadata.create_all(db.engine)
        db.session.remove()
        # The seed's writes are vacuumed and checkpointed now, so that no target (the first
        # one above all) pays for them while it is measured.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
            connection.exec_driver_sql("CHECKPOINT")
        db.engine.dispose()
    return reporters


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, env: dict, port: int, workers: int, threads: int, ready: str):
    """gunicorn serving `target` on loopback (the app loaded once, before the workers fork);
    returns the process once GET `ready` has answered 200 twice per worker."""
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers), "--threads",
         str(threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60",
         "--graceful-timeout", "5", "--preload", target], cwd=ROOT, env=env)
    answered, deadline = 0, time.monotonic() + 180
    while answered < 2 * workers and time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", ready)
            answered += connection.getresponse().status == 200
            connection.close()
        except OSError:
            time.sleep(0.2)
    if answered < 2 * workers:
        process.terminate()
        raise SystemExit(f"gunicorn did not start {target}")
    return process


def app_env(database_url: str, uploads: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "OBSERVE_ENV": "testing",
            "UPLOAD_FOLDER": uploads, "API_RATE_LIMIT": "1000000 per minute",
            "BARE_DATABASE_URL": database_url}


def session_cookie(port: int, email: str) -> str:
    """Sign in through /login as a phone's browser does; the Cookie header to send back."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/login", body=f"email={email}&password={PASSWORD}",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, (response.status, email)
    cookies = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
    connection.close()
    return "; ".join(cookies)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk")


def load(wrk: str, url: str, mode: str, pairs: Path, clients: int, seconds: float) -> dict:
    """One wrk run; requests/s, latency percentiles (ms) and the answers by status."""
    output = subprocess.run(
        [wrk, "-t", "2", "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s",
         "-s", str(SCRIPT), url, "--", mode, str(pairs)],
        capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    return {"clients": clients, "rps": result["requests"] / (result["duration_us"] / 1e6),
            "p50": result["p50_us"] / 1000, "p95": result["p95_us"] / 1000,
            "p99": result["p99_us"] / 1000, "requests": result["requests"],
            "errors": result["socket_errors"], "statuses": result["statuses"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="16,64,256")
    parser.add_argument("--only", default="",
                        help="run only these targets (comma-separated: API, 'web form', "
                             "ceiling, "
                             "'bare INSERT', 'bare constant'); the summary needs all four")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL (a throw-away database is made on it)")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    wrk = ensure_wrk()
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        database_url, drop = postgres_database(args.database_url)
        try:
            started = time.perf_counter()
            reporters = seed(database_url, max(levels))
            print(f"seeded in {time.perf_counter() - started:.1f} s; "
                  f"{len(reporters)} observers with accounts", flush=True)
            env = app_env(database_url, tmp)
            tokens = Path(tmp) / "tokens.txt"
            tokens.write_text("".join(f"{r.token} {r.station_id}\n" for r in reporters))
            targets = [("API", "wsgi:app", "api", "/api/v1/incidents", "/healthz"),
                       ("web form", "wsgi:app", "form", "", "/healthz"),
                       ("ceiling", "bench.bare.ceiling:app", "api", "/ceiling/incidents",
                        "/healthz"),
                       ("bare INSERT", "bench.bare.app:app", "bare", "/insert", "/constant"),
                       ("bare constant", "bench.bare.app:app", "bare", "/constant",
                        "/constant")]
            if args.only:
                wanted = {name.strip() for name in args.only.split(",")}
                targets = [t for t in targets if t[0] in wanted]
            for name, target, mode, path, ready in targets:
                port = free_port()
                server = serve(target, env, port, args.workers, args.threads, ready)
                try:
                    pairs = tokens
                    if mode == "form":
                        pairs = Path(tmp) / "cookies.txt"
                        pairs.write_text("".join(
                            f"{session_cookie(port, r.email).replace(' ', '')} {r.station_id}\n"
                            for r in reporters))
                    url = f"http://127.0.0.1:{port}{path}"
                    # Warm every worker's pool and caches before measuring.
                    load(wrk, url, mode, pairs, args.workers * args.threads, 5)
                    results[name] = []
                    for clients in levels:
                        r = load(wrk, url, mode, pairs, clients, args.seconds)
                        results[name].append(r)
                        print(f"{name:<14}{clients:>4} clients: {r['rps']:7.1f} req/s  "
                              f"p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
                              f"p99 {r['p99']:7.1f} ms  statuses {r['statuses']}  "
                              f"socket errors {r['errors']}  load {os.getloadavg()[0]:.1f}",
                              flush=True)
                finally:
                    server.terminate()
                    try:
                        server.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        server.kill()
                        server.wait()
        finally:
            drop()
    print(f"\ngunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, wrk -t2, "
          f"{args.seconds:.0f} s per level")
    for name in ("API", "ceiling"):
        if name in results and "bare INSERT" in results:
            for mine, insert in zip(results[name], results["bare INSERT"], strict=True):
                print(f"{name} {mine['clients']:>4} clients: {mine['rps'] / insert['rps']:.2f} x "
                      f"bare INSERT; p99 {mine['p99']:.0f} ms")
    if not {"API", "web form", "bare INSERT", "bare constant"} <= set(results):
        return
    for name in ("API", "web form"):
        for mine, insert, constant in zip(results[name], results["bare INSERT"],
                                          results["bare constant"], strict=True):
            print(f"{name:<9}{mine['clients']:>4} clients: {mine['rps']:7.1f} req/s = "
                  f"{mine['rps'] / insert['rps']:.2f} x bare INSERT ({insert['rps']:.0f}), "
                  f"{mine['rps'] / constant['rps']:.3f} x bare constant "
                  f"({constant['rps']:.0f}); p99 {mine['p99']:.0f} ms "
                  f"(bare INSERT {insert['p99']:.0f} ms)")


if __name__ == "__main__":
    main()
