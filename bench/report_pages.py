"""Weight and first paint of the observer's polling-day pages on a throttled phone connection:
`python bench/report_pages.py [--runs 5]`.

Serves the demo data (a temporary SQLite database, migrated and seeded) from a local server,
signs in as observer1@example.org in Debian's Chromium (390 px phone viewport) and loads each
report page under each network profile: none, Chrome DevTools' "Fast 3G" (562.5 ms latency,
1.44 Mbit/s down) and "Slow 3G" (2 s latency, 400 kbit/s down), twice over:

- first visit: the browser cache disabled and the service worker bypassed;
- repeat visit, as on polling day for a page opened before (in training, the day before): the
  service worker (templates/reports/sw.js) installed and keeping the page, the HTTP cache on.
  The worker shows its copy and fetches the page again in the background; that refresh is the
  worker's traffic, not the page's, so the page's own KB are ~0 there.

Prints, per page, mode and profile: bytes the page transferred (compressed, headers included),
first contentful paint from navigation start (median of the runs) and from the first byte of the
HTML (what the page's own weight and blocking files cost, the network's round trips aside).
The sign-in page is not kept by the worker (its repeat visit only has the HTTP cache).

Measured 2026-12-07, commit e87460e, `python bench/report_pages.py --runs 5` under
`flock /tmp/bench.lock` on the shared 2-core machine (load 11.0/5.7/4.1 before, 0.6/1.4/2.4
after): first contentful paint, ms from navigation start, median of 5 runs.

    page                    first visit (no cache, no worker)   repeat visit (worker)
                            none   Fast 3G   Slow 3G            none   Fast 3G   Slow 3G
    /reports/ (hub)          132      1560      5400             116       112       100
    .../check-in             144      1572      5392             120        96       104
    .../checklist/opening    144      1552      5380             136        92       120
    .../turnout              160      1568      5392             128       124       120
    .../incident             176      1568      5348             124       124       116
    .../protocol/<contest>   220      1572      5424             136       152       100
    /reports/mine            212      1596      5404             124       104       120
    /login (not kept)        176      2116      7368             168      1228      4128

First visits transfer 61-70 KB (57-64 KB for /login); a repeat visit 0 KB for the page itself,
while the worker fetches the page's HTML (uncompressed, not counted here) again in the
background. The first visit is unchanged: it waits for the HTML and then the render-blocking
Bootstrap CSS, two round trips of 2 s on Slow 3G. /login's repeat visit has only the HTTP cache
(its files), not the worker.
"""

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from observe import create_app  # noqa: E402
from observe.config import TestingConfig  # noqa: E402

PASSWORD = "bench-password-2026"
PROFILES = {
    "none": None,
    "Fast 3G": {"latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375},
    "Slow 3G": {"latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def serve(folder: Path) -> tuple[str, object]:
    from flask_migrate import upgrade

    from observe.demo import seed_demo
    from observe.extensions import db

    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.sqlite3'}",
                  UPLOAD_FOLDER=str(folder / "uploads"), WTF_CSRF_ENABLED=True)
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_demo(PASSWORD)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", app


def report_paths(app) -> list[str]:
    from sqlalchemy import select

    from observe.assignments.models import Assignment
    from observe.auth.models import User
    from observe.elections.models import Contest
    from observe.extensions import db
    from observe.observers.models import Observer

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "observer1@example.org"))
        observer = db.session.scalar(select(Observer).where(Observer.user_id == user.id))
        assignment = db.session.scalars(select(Assignment).where(
            Assignment.observer_id == observer.id)).first()
        station = assignment.station_id
        contest = db.session.scalars(select(Contest.id).where(
            Contest.election_id == assignment.election_id)).first()
    return ["/reports/", f"/reports/stations/{station}/check-in",
            f"/reports/stations/{station}/checklist/opening",
            f"/reports/stations/{station}/turnout", f"/reports/stations/{station}/incident",
            f"/reports/stations/{station}/protocol/{contest}", "/reports/mine"]


def kept(page, path: str) -> bool:
    """Whether the service worker keeps this page (for the signed-in account)."""
    return page.evaluate("""async (path) => {
        for (const name of await caches.keys()) {
            if (name.startsWith('observe-pages-') &&
                await (await caches.open(name)).match(location.origin + path)) { return true; }
        }
        return false;
    }""", path)


def install_worker(page, paths: list[str]) -> None:
    """Open every report page once on an unthrottled network with the worker in control, so that
    it keeps them: what an observer's earlier visits leave on the phone."""
    page.goto(paths[0])
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for path in paths:
        page.goto(path, wait_until="load")
        page.wait_for_function("""async (path) => {
            for (const name of await caches.keys()) {
                if (name.startsWith('observe-pages-') &&
                    await (await caches.open(name)).match(location.origin + path)) { return true; }
            }
            return false;
        }""", arg=path)


def measure(page, cdp, url: str) -> tuple[int, float, float]:
    received = []
    handler = lambda event: received.append(event["encodedDataLength"])  # noqa: E731
    cdp.on("Network.loadingFinished", handler)
    page.goto(url, wait_until="load")
    timing = page.evaluate("""() => new Promise(resolve => {
        const nav = performance.getEntriesByType('navigation')[0];
        new PerformanceObserver(list => {
            const paint = list.getEntriesByName('first-contentful-paint')[0];
            if (paint) resolve([paint.startTime, nav.responseStart]);
        }).observe({type: 'paint', buffered: true});
    })""")
    page.wait_for_load_state("networkidle")
    cdp.remove_listener("Network.loadingFinished", handler)
    first_paint, first_byte = timing
    return sum(received), first_paint, first_paint - first_byte


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        base, app = serve(Path(folder))
        # The sign-in page last: opening it empties the worker's pages (a sign-in is coming).
        paths = report_paths(app) + ["/login"]
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844},
                                      is_mobile=True, has_touch=True, device_scale_factor=2)
        page = context.new_page()
        page.goto("/login?lang=ru")
        page.fill("input[name=email]", "observer1@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("form input[type=submit][name=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        install_worker(page, paths[:-1])
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        print(f"{'page':<42} {'visit':<7} {'profile':<8} {'KB':>6} {'paint ms':>9} "
              f"{'after 1st byte':>15}")
        for path in paths:
            for visit in ("first", "repeat"):
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": visit == "first"})
                cdp.send("Network.setBypassServiceWorker", {"bypass": visit == "first"})
                for name, profile in PROFILES.items():
                    cdp.send("Network.emulateNetworkConditions",
                             {"offline": False, **(profile or {"latency": 0,
                                                              "downloadThroughput": -1,
                                                              "uploadThroughput": -1})})
                    runs = [measure(page, cdp, path) for _ in range(args.runs)]
                    size = runs[-1][0]
                    paint = statistics.median(r[1] for r in runs)
                    after = statistics.median(r[2] for r in runs)
                    print(f"{path:<42} {visit:<7} {name:<8} {size / 1024:6.1f} {paint:9.0f} "
                          f"{after:15.0f}", flush=True)
                    if visit == "repeat" and path != "/login" and not kept(page, path):
                        print(f"  (!) {path} was not kept by the worker", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
