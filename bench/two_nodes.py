"""Two app nodes against one, in the same run: `python bench/two_nodes.py [--seconds S]
[--clients 64] [--workers 2] [--threads 4] [--rounds 2] [--pin]`.

Makes a throw-away PostgreSQL database and seeds it as bench/submissions.py does (its `seed`),
then starts two gunicorn instances ("nodes", each `--workers` x `--threads`) on two ports with
the same environment: one database, one UPLOAD_FOLDER, rate limits in Redis
(RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/1). nginx (from Debian; installed with apt-get
when missing) runs as a non-daemon with its own config in a temp dir and listens on two free
ports: one proxies to node A alone, the other round-robins over A and B, so both measurements
pay the same proxy hop. wrk (bench/submissions.py's `load`: a fresh client_uuid per request, a
random observer's Bearer token) posts incidents through POST /api/v1/incidents, alternating
one node, two nodes and (the control) one node with twice the workers for `--rounds` rounds;
the best round of each is compared.

It also counts the CPU seconds each part used during each run (gunicorn nodes, nginx, the
PostgreSQL backends of the bench database, and the whole machine from /proc/stat), which names
the bottleneck: on a 2-core machine the nodes share the same two cores, so a second node adds
workers, not CPU.

With `--pin`, each node is given a CPU of its own, as if it ran on a one-core machine: node A and
the control C on CPU 0, node B on CPU 1 (`sched_setaffinity` on the gunicorn master and its
workers; workers it forks later inherit it). PostgreSQL, nginx and wrk are not pinned: they take
what the nodes leave on both CPUs, so the two-node figure pays for them and is a lower bound.
This is what a second machine adds that a second set of workers on the same CPUs does not.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_observers import postgres_database  # noqa: E402
from bench.submissions import app_env, ensure_wrk, free_port, load, seed, serve  # noqa: E402

RATELIMIT_REDIS = os.environ.get("BENCH_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/1")
CLOCK = os.sysconf("SC_CLK_TCK")

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    # Idle upstream connections are dropped before gunicorn's own 2 s keep-alive closes them:
    # a POST sent on a connection gunicorn just closed would come back as a 502.
    upstream one_node {{ server 127.0.0.1:{a}; keepalive 128; keepalive_timeout 1s; }}
    upstream two_nodes {{ server 127.0.0.1:{a}; server 127.0.0.1:{b};
                         keepalive 128; keepalive_timeout 1s; }}
    upstream one_big_node {{ server 127.0.0.1:{c}; keepalive 128; keepalive_timeout 1s; }}
    server {{
        listen 127.0.0.1:{one};
        location / {{ proxy_pass http://one_node; proxy_http_version 1.1;
                     proxy_set_header Connection ""; proxy_set_header Host $host;
                     proxy_set_header X-Forwarded-For $remote_addr; }}
    }}
    server {{
        listen 127.0.0.1:{big};
        location / {{ proxy_pass http://one_big_node; proxy_http_version 1.1;
                     proxy_set_header Connection ""; proxy_set_header Host $host;
                     proxy_set_header X-Forwarded-For $remote_addr; }}
    }}
    server {{
        listen 127.0.0.1:{two};
        location / {{ proxy_pass http://two_nodes; proxy_http_version 1.1;
                     proxy_set_header Connection ""; proxy_set_header Host $host;
                     proxy_set_header X-Forwarded-For $remote_addr; }}
    }}
}}
"""


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                      else None)
    if found:
        return found
    print("nginx is missing: apt-get install -y nginx", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx"], check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(nginx: str, tmp: Path, a: int, b: int, c: int):
    """nginx in the foreground with its own config; (process, one-node port, two-node port,
    port of the one node with twice the workers)."""
    one, two, big = free_port(), free_port(), free_port()
    tmp.mkdir(exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(exist_ok=True)
    tmp.chmod(0o755)  # nginx's workers may run as another user than its master
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, a=a, b=b, c=c, one=one, two=two, big=big))
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp), "-e",
                                str(tmp / "nginx-error.log")])
    time.sleep(1)
    if process.poll() is not None:
        raise SystemExit((tmp / "nginx-error.log").read_text())
    return process, one, two, big


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return found


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK, sum(values) / CLOCK


def postgres_pids(database_url: str) -> list[int]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    engine = create_engine(url.set(database="postgres"))
    with engine.connect() as connection:
        pids = list(connection.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": url.database}
        ).scalars())
    engine.dispose()
    return pids


def pin(pid: int, cpu: int) -> None:
    """Keep a gunicorn node (master and workers, every thread of each) on one CPU: a thread
    keeps the affinity it had when it was started, so each one is set, not only the process."""
    for each in tree(pid):
        try:
            threads = [int(task) for task in os.listdir(f"/proc/{each}/task")]
        except OSError:
            continue  # a worker that has just exited
        for thread in threads:
            try:
                os.sched_setaffinity(thread, {cpu})
            except OSError:
                continue


def settle(parts: dict, limit: float = 30) -> None:
    """Wait until the nodes are idle: requests a proxy still holds from the last run must not
    count in the next one."""
    pids = [pid for root in parts.values() for pid in tree(root)]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = cpu_seconds(pids)
        time.sleep(1)
        if cpu_seconds(pids) - before < 0.05:
            return


def measured(label, url, wrk, tokens, clients, seconds, parts, database_url) -> dict:
    """One wrk run with the CPU seconds each part used during it."""
    settle(parts)
    groups = {name: tree(pid) for name, pid in parts.items()}
    groups["postgres"] = postgres_pids(database_url)
    before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    busy0, total0 = machine_busy()
    started = time.monotonic()
    result = load(wrk, url, "api", tokens, clients, seconds)
    wall = time.monotonic() - started
    busy1, total1 = machine_busy()
    groups["postgres"] = sorted(set(groups["postgres"]) | set(postgres_pids(database_url)))
    cores = {name: (cpu_seconds(pids) - before.get(name, 0)) / wall
             for name, pids in groups.items()}
    cores["machine"] = (busy1 - busy0) / wall
    result["cores"] = cores
    result["cpus"] = round((total1 - total0) / wall)
    print(f"{label:<12}{clients:>4} clients: {result['rps']:7.1f} req/s  p50 {result['p50']:6.1f} "
          f"ms  p99 {result['p99']:6.1f} ms  statuses {result['statuses']}  cores used: "
          + ", ".join(f"{k} {v:.2f}" for k, v in cores.items()) + f" of {result['cpus']}",
          flush=True)
    return result


def shared_rate_limit(a: int, b: int) -> list[int]:
    """Wrong passwords for one account sent to node A and node B in turn, one more than
    LOGIN_ACCOUNT_RATE_LIMIT allows: with counters in Redis the last one is a 429 whichever
    node it reaches."""
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.org"
    # The sign-in form's CSRF token and session cookie come from node A; node B accepts them
    # (one SECRET_KEY): the session is a signed cookie, not state in a process.
    connection = http.client.HTTPConnection("127.0.0.1", a, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                      r'name="csrf_token" value="([^"]+)"', response.read().decode())
    cookie = "; ".join(value.split(";", 1)[0] for key, value in response.getheaders()
                       if key.lower() == "set-cookie")
    connection.close()
    csrf = next(group for group in token.groups() if group)
    statuses = []
    for port in (a, b, a, b, a):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/login", body=urlencode(
            {"email": email, "password": "wrong-password-1", "csrf_token": csrf}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        statuses.append(connection.getresponse().status)
        connection.close()
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pin", action="store_true",
                        help="one CPU per node: A and the control C on CPU 0, B on CPU 1")
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server URL (a throw-away database is made on it)")
    args = parser.parse_args()
    wrk, nginx = ensure_wrk(), ensure_nginx()
    runs: dict[str, list[dict]] = {"one node": [], "two nodes": [], "one 2x node": []}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        database_url, drop = postgres_database(args.database_url)
        servers = []
        try:
            reporters = seed(database_url, args.clients)
            # Configured as production would be (not the test suite's settings, which keep
            # rate limits in memory): one secret key file, counters in Redis.
            env = {**app_env(database_url, str(tmp / "uploads")),
                   "OBSERVE_ENV": "development", "SECRET_KEY_FILE": str(tmp / "secret_key"),
                   "RATELIMIT_STORAGE_URI": RATELIMIT_REDIS,
                   "LOGIN_ACCOUNT_RATE_LIMIT": "4 per minute"}
            tokens = tmp / "tokens.txt"
            tokens.write_text("".join(f"{r.token} {r.station_id}\n" for r in reporters))
            a, b = free_port(), free_port()
            node_a = serve("wsgi:app", env, a, args.workers, args.threads, "/healthz")
            servers.append(node_a)
            node_b = serve("wsgi:app", env, b, args.workers, args.threads, "/healthz")
            servers.append(node_b)
            # The control: one node with as many workers as the two nodes together, which
            # tells a second node's gain apart from a second set of workers' on the same CPUs.
            c = free_port()
            node_c = serve("wsgi:app", env, c, 2 * args.workers, args.threads, "/healthz")
            servers.append(node_c)
            if args.pin:
                for node, cpu in ((node_a, 0), (node_b, 1), (node_c, 0)):
                    pin(node.pid, cpu)
            proxy, one, two, big = start_nginx(nginx, tmp / "nginx", a, b, c)
            servers.append(proxy)
            parts = {"node A": node_a.pid, "node B": node_b.pid, "node C": node_c.pid,
                     "nginx": proxy.pid}
            limits = shared_rate_limit(a, b)
            print(f"sign-in failures for one account on A, B, A, B, A, with A's session and "
                  f"CSRF token: {limits} (200 on B: B accepts A's session; the fifth is 429: "
                  f"both nodes count in Redis)", flush=True)
            urls = {"one node": f"http://127.0.0.1:{one}/api/v1/incidents",
                    "two nodes": f"http://127.0.0.1:{two}/api/v1/incidents",
                    "one 2x node": f"http://127.0.0.1:{big}/api/v1/incidents"}
            for url in urls.values():  # warm every worker's pool and caches
                load(wrk, url, "api", tokens, 2 * args.workers * args.threads, 5)
            for _round in range(args.rounds):
                for label, url in urls.items():
                    runs[label].append(measured(label, url, wrk, tokens, args.clients,
                                                args.seconds, parts, database_url))
        finally:
            for process in reversed(servers):
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            drop()
    best = {label: max(results, key=lambda r: r["rps"]) for label, results in runs.items()}
    one, two, big = best["one node"], best["two nodes"], best["one 2x node"]
    print(f"\nnginx round-robin, gunicorn {args.workers} workers x {args.threads} threads per "
          f"node, PostgreSQL, wrk -t2 {args.clients} clients, {args.seconds:.0f} s, best of "
          f"{args.rounds}; {os.cpu_count()} CPUs"
          + ("; nodes pinned: A and C on CPU 0, B on CPU 1" if args.pin else ""))
    print(f"one node : {one['rps']:7.1f} req/s  p99 {one['p99']:.0f} ms")
    print(f"two nodes: {two['rps']:7.1f} req/s  p99 {two['p99']:.0f} ms")
    print(f"one node, {2 * args.workers} workers: {big['rps']:7.1f} req/s  p99 {big['p99']:.0f} ms")
    print(f"ratio two/one: {two['rps'] / one['rps']:.2f}; two nodes / one node with as many "
          f"workers: {two['rps'] / big['rps']:.2f}")
    print("cores used (two nodes): " + ", ".join(f"{k} {v:.2f}" for k, v in two["cores"].items())
          + f" of {two['cpus']}")


if __name__ == "__main__":
    main()
