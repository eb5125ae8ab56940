"""Time the public updates page: `python bench/updates.py [--posts 5000] [--database-url
postgresql://postgres@127.0.0.1:5432/postgres]`.

Creates the app on a temporary SQLite database (and on a temporary PostgreSQL database when
--database-url is given), applies the migrations, bulk-inserts published posts spread over the
20 regions (plus a few published briefings), then times over HTTP, in the same run: the page
rendered in full (first page, a deep page, a region), the same page answered 304 from its ETag
(what a CDN or a returning browser costs the server), the Atom feed, and the live fragment
answered 304 (what every polling browser costs between changes).
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bench.import_observers import postgres_database  # noqa: E402
from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402
from observe.extensions import db  # noqa: E402


def timed(client, url: str, repeat: int, headers=None, status=200) -> tuple[float, float]:
    """p50 and p95 of `repeat` GETs after one warm-up, in milliseconds."""
    assert client.get(url, headers=headers).status_code == status, url
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        reply = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == status, (url, reply.status_code)
    samples.sort()
    return statistics.median(samples), samples[round(0.95 * (len(samples) - 1))]


def seed(posts: int) -> None:
    from observe.branches.regions import REGIONS
    from observe.briefings.models import Briefing
    from observe.elections.models import Election
    from observe.updates.models import Post

    election = Election(name="Bench election", polling_day=datetime.now(UTC).date())
    db.session.add(election)
    db.session.flush()
    regions = list(REGIONS)
    start = datetime.now(UTC) - timedelta(days=2)
    rows = [{"region": regions[n % len(regions)], "election_id": election.id,
             "title": f"Post {n}: stations opened on time", "body": "Observers report. " * 30,
             "video_url": "", "status": "published", "review_comment": "", "pinned": n == 7,
             "version": 4, "publish_at": start + timedelta(seconds=20 * n),
             "created_at": start, "updated_at": start + timedelta(seconds=20 * n)}
            for n in range(posts)]
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(Post), rows[chunk:chunk + 5000])
    now = datetime.now(UTC)
    for n in range(12):
        db.session.add(Briefing(election_id=election.id, region="", cutoff_at=now,
                                language="ru", title=f"Briefing {n}", narrative="Text " * 100,
                                status="published", version=1, series=None,
                                figures={"coverage": {"stations": 10}}, created_at=now,
                                updated_at=now, published_at=now - timedelta(hours=n)))
    db.session.commit()


def run(database_url: str, posts: int, repeat: int) -> dict:
    from flask_migrate import upgrade

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=database_url)
    app = create_app(config)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed(posts)
        print(f"  seeded {posts} published posts in {time.perf_counter() - started:.1f} s",
              flush=True)
        client = app.test_client()
        results = {}
        deep = max(1, posts // 40)  # a page far down the list (20 items a page)
        for label, url in (("/updates (page 1)", "/updates"),
                           (f"/updates?page={deep}", f"/updates?page={deep}"),
                           ("/updates?region=almaty", "/updates?region=almaty"),
                           ("/updates.atom (50 entries)", "/updates.atom"),
                           ("/updates/live", "/updates/live")):
            etag = client.get(url).headers["ETag"]
            results[label] = {"full": timed(client, url, repeat),
                              "304": timed(client, url, repeat, {"If-None-Match": etag}, 304)}
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", help="a PostgreSQL server URL to bench on as well")
    args = parser.parse_args()
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3", None))
        if args.database_url:
            url, drop = postgres_database(args.database_url)
            targets.append(("PostgreSQL", url, drop))
        for name, url, drop in targets:
            print(f"{name}:", flush=True)
            try:
                for label, timing in run(url, args.posts, args.repeat).items():
                    full, cached = timing["full"], timing["304"]
                    print(f"  {label:<28} full p50 {full[0]:6.1f} ms p95 {full[1]:6.1f} ms | "
                          f"304 p50 {cached[0]:5.1f} ms p95 {cached[1]:5.1f} ms", flush=True)
            finally:
                if drop:
                    drop()


if __name__ == "__main__":
    main()
