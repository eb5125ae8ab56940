"""Crawl the app as each role over a realistic dataset and fail on any server error.

The suite's other tests use a handful of rows, so pagination, filters and the pages of a busy
branch never ran. Here each role signs in through /login, starts at / and its menu, and follows
every same-site link and GET form breadth-first (pagination and filter links included), within a
bound per route and per role. GET only: nothing is posted, so the crawl changes no data beyond
what a GET page itself does.
"""

import os
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.branches.models import Branch
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer
from observe.training.models import TrainingSession
from tests.conftest import TEST_PASSWORD
from tests.realistic import STATIONS, build_realistic_dataset

# The bounds of the suite's run; a local run can go deeper, e.g. OBSERVE_CRAWL_PAGES=3000
# OBSERVE_CRAWL_PER_ROUTE=40 (and OBSERVE_DATASET_SCALE=3 for more rows, see tests/realistic.py).
MAX_PAGES = int(os.environ.get("OBSERVE_CRAWL_PAGES", "400"))  # per role
# Visits of one route pattern (endpoint), whatever its arguments.
MAX_PER_ROUTE = int(os.environ.get("OBSERVE_CRAWL_PER_ROUTE", "8"))
MAX_PER_DOWNLOAD_ROUTE = 2  # once a route answers with a file (per format: CSV, XLSX ...)
MAX_SECONDS_PER_ROUTE = 8.0  # a route that took this long in all is not visited again
MAX_OPTIONS_PER_SELECT = 4  # extra submissions of a GET form, one per non-default option
SLOW_SECONDS = 3.0  # pages slower than this are listed (not failed)
SKIPPED_ENDPOINTS = {"auth.logout", "static", "bootstrap.static"}
SKIPPED_PREFIXES = ("/static/", "/bootstrap/static/")
SITE_HOSTS = {"", "localhost", "localhost:80", "127.0.0.1"}
UNLINKED = "http://localhost/(no page links here)"


# -- reading pages -------------------------------------------------------------------------

@dataclass
class Form:
    action: str | None
    fields: list[tuple[str, str]] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)  # name -> every option value


class PageParser(HTMLParser):
    """The <a href> links and the GET forms (with their default values) of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, values, selected
        self._option: dict | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value or "") for name, value in attrs}
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "form":
            method = attrs.get("method", "get").lower()
            self._form = Form(attrs.get("action") or None) if method == "get" else None
        elif self._form is None:
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            name = attrs.get("name")
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.fields.append((name, attrs.get("value", default)))
        elif tag == "select" and attrs.get("name"):
            self._select = (attrs["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs,
                            "text": []}
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = (attrs["name"], [])

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            name, values, selected = self._select
            if self._form is not None and values:
                self._form.fields.append((name, (selected or values)[0]))
                self._form.selects[name] = values
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form.fields.append((self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def _close_option(self):
        if self._option is None or self._select is None:
            return
        value = self._option["value"]
        if value is None:
            value = "".join(self._option["text"]).strip()
        self._select[1].append(value)
        if self._option["selected"]:
            self._select[2].append(value)
        self._option = None


def form_urls(form: Form, page_url: str) -> list[str]:
    """The form submitted with its defaults, then once per other option of each select."""
    action = urlsplit(urljoin(page_url, form.action or urlsplit(page_url).path))
    base = action._replace(query="", fragment="").geturl()
    submissions = [form.fields]
    for name, values in form.selects.items():
        default = dict(form.fields).get(name)
        others = [value for value in values if value != default][:MAX_OPTIONS_PER_SELECT]
        for value in others:
            submissions.append([(k, value if k == name else v) for k, v in form.fields])
    return [f"{base}?{urlencode(fields)}" for fields in submissions]


# -- the crawl -------------------------------------------------------------------------------

@dataclass
class Failure:
    url: str
    referrer: str
    status: int | str
    summary: str

    def __str__(self):
        return f"{self.status} GET {self.url}  (linked from {self.referrer})\n      {self.summary}"


@dataclass
class CrawlResult:
    visited: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    per_route: Counter = field(default_factory=Counter)
    route_seconds: Counter = field(default_factory=Counter)
    slow: list[tuple[float, str]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # URLs not visited, by route
    unlinked: list[str] = field(default_factory=list)  # routes no page linked to
    seconds: float = 0.0


def exception_summary(error: BaseException) -> str:
    """The exception and where it was raised in the app (its last frame in observe/ or a
    template), in one or two lines."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/observe/" in f.filename or "/templates/" in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    first_line = (str(error).strip().splitlines() or [""])[0][:300]
    text = f"{type(error).__name__}: {first_line}"
    if where is not None:
        path = where.filename.split("/observe/")[-1].split("/templates/")[-1]
        text += f"  [at {path}:{where.lineno} in {where.name}]"
    return text


class Crawler:
    def __init__(self, app, client):
        self.client = client
        self.url_map = app.url_map
        self.adapter = app.url_map.bind("localhost")
        self.seen: set[tuple] = set()  # normalised URLs already queued
        self.signatures: set[tuple] = set()  # (route, query keys) already visited
        self.forms_seen: set[tuple] = set()
        self.download_routes: set[str] = set()
        self.queue: list[tuple[str, str, str, tuple]] = []  # url, referrer, route, signature
        self.arguments: dict[str, object] = {}  # a value seen for each URL argument name

    def route_of(self, path: str) -> str | None:
        """The endpoint a path reaches (None for routes the crawl skips)."""
        if path.startswith(SKIPPED_PREFIXES):
            return None
        try:
            endpoint, arguments = self.adapter.match(path, method="GET")
        except RequestRedirect:
            return "redirect:" + path
        except HTTPException:
            return "unrouted"
        if endpoint in SKIPPED_ENDPOINTS:
            return None
        for key, value in arguments.items():
            self.arguments.setdefault(key, value)
        name = path.rsplit("/", 1)[-1]
        # Each format of an export is its own route: the CSV and the XLSX are built apart.
        return f"{endpoint}:{name.rsplit('.', 1)[1]}" if "." in name else endpoint

    def offer(self, href: str, page_url: str) -> None:
        """Queue a link found on page_url, if it is a same-site page not queued before."""
        href = (href or "").strip()
        if not href or href.startswith("#"):
            return
        parts = urlsplit(urljoin(page_url, href))
        if parts.scheme not in ("http", "https") or parts.netloc not in SITE_HOSTS:
            return  # mailto:, tel:, geo:, javascript: and other sites
        route = self.route_of(parts.path)
        if route is None:
            return
        query = sorted(parse_qsl(parts.query, keep_blank_values=True))
        key = (parts.path, tuple(query))
        if key in self.seen:
            return
        self.seen.add(key)
        url = parts.path + (f"?{urlencode(query)}" if query else "")
        signature = (route, tuple(sorted({name for name, _ in query} - {"lang"})),
                     "lang" in dict(query))
        self.queue.append((url, page_url, route, signature))

    def next_url(self, result: CrawlResult):
        """The next URL to visit: breadth-first, but a new kind of URL (a route with a set of
        query keys not seen yet: page, a filter) before more of the same kind, and the same
        page in another language (?lang=) last, so language links do not use up the bound."""
        kept = []
        for entry in self.queue:
            if self.may_visit(entry[2], result):
                kept.append(entry)
            else:
                result.skipped[entry[2]] += 1
        self.queue = kept
        if not self.queue:
            return None
        best = min(range(len(self.queue)), key=lambda index: (
            self.queue[index][3][2], self.queue[index][3] in self.signatures, index))
        return self.queue.pop(best)

    def may_visit(self, route: str, result: CrawlResult) -> bool:
        bound = MAX_PER_DOWNLOAD_ROUTE if route in self.download_routes else MAX_PER_ROUTE
        return (result.per_route[route] < bound
                and result.route_seconds[route] < MAX_SECONDS_PER_ROUTE)

    def fetch(self, url: str):
        try:
            return self.client.get(url), None
        except Exception as error:  # noqa: BLE001 - every exception is a finding here
            db.session.rollback()
            return None, error

    def crawl(self, start: str = "/") -> CrawlResult:
        """Everything linked from `start`; then the routes no page linked to (an admin page
        missing from the menu still must not fail), with argument values seen on the way."""
        result = CrawlResult()
        started = time.monotonic()
        self.offer(start, "http://localhost/")
        self.run(result)
        reached = {route.split(":")[0] for route in result.per_route}
        for rule in self.url_map.iter_rules():
            if ("GET" not in rule.methods
                    or rule.endpoint in reached | SKIPPED_ENDPOINTS | {"auth.login"}):
                continue
            # Arguments take a value some visited page had for the same name (an election id).
            values = {name: self.arguments[name] for name in rule.arguments
                      if name in self.arguments}
            if len(values) < len(rule.arguments):
                continue  # e.g. a reset token: nothing the crawl saw fits
            try:
                url = self.adapter.build(rule.endpoint, values, method="GET")
            except Exception:  # noqa: BLE001 - a converter refused the value
                continue
            result.unlinked.append(rule.endpoint)
            self.offer(url, UNLINKED)
        self.run(result)
        result.skipped.update(entry[2] for entry in self.queue)  # left when MAX_PAGES was hit
        result.seconds = time.monotonic() - started
        return result

    def run(self, result: CrawlResult) -> None:
        while len(result.visited) < MAX_PAGES:
            entry = self.next_url(result)
            if entry is None:
                break
            url, referrer, route, signature = entry
            self.signatures.add(signature)
            result.per_route[route] += 1
            result.visited.append(url)
            began = time.monotonic()
            response, error = self.fetch(url)
            elapsed = time.monotonic() - began
            result.route_seconds[route] += elapsed
            if elapsed > SLOW_SECONDS:
                result.slow.append((elapsed, url))
            if error is not None:
                result.failures.append(Failure(url, referrer, "exception",
                                               exception_summary(error)))
                continue
            if response.status_code >= 500:
                result.failures.append(Failure(url, referrer, response.status_code,
                                               response.get_data(as_text=True)[:200]))
                continue
            if 300 <= response.status_code < 400 and response.location:
                self.offer(response.location, "http://localhost" + url)
                continue
            if response.mimetype != "text/html":
                self.download_routes.add(route)
                continue  # downloads (CSV, XLSX, PDF, ICS) are fetched, not parsed
            self.read_page(response.get_data(as_text=True), "http://localhost" + url)

    def read_page(self, html: str, page_url: str) -> None:
        parser = PageParser()
        parser.feed(html)
        parser.close()
        for href in parser.links:
            self.offer(href, page_url)
        for form in parser.forms:
            action_path = urlsplit(urljoin(page_url, form.action or urlsplit(page_url).path)).path
            key = (self.route_of(action_path), tuple(name for name, _ in form.fields))
            if key in self.forms_seen:
                continue  # one form is submitted once, not on every page that shows it
            self.forms_seen.add(key)
            for url in form_urls(form, page_url):
                self.offer(url, page_url)


# -- the tests -------------------------------------------------------------------------------

@pytest.fixture
def realistic(app):
    """The realistic dataset, built afresh for the test (the database starts empty)."""
    return build_realistic_dataset()


def test_the_realistic_dataset_has_the_promised_shape(realistic):
    assert realistic.counts["observers"] >= 1000
    statuses = dict(db.session.execute(select(Observer.status, func.count())
                                       .group_by(Observer.status)).all())
    assert set(statuses) == {status.value for status in Status}
    regions = dict(db.session.execute(
        select(PollingStation.region, func.count()).where(
            PollingStation.election_id == realistic.election.id)
        .group_by(PollingStation.region)).all())
    assert set(regions) == {"karaganda", "almaty"}
    assert sum(regions.values()) >= max(300, sum(STATIONS.values()))
    sessions = db.session.scalars(select(TrainingSession)).all()
    assert {s.branch_id is None for s in sessions} == {True, False}
    assert {s.online for s in sessions} == {True, False}
    assert realistic.counts["assignments"] > 200
    assert realistic.counts["quiz_attempts"] > 0 and realistic.counts["registrations"] > 0
    # The bulk inserts bypass the services, so check the assignment rules held: one active
    # place per observer, one stationary observer per station, and only in the branch's region.
    active = select(Assignment).where(Assignment.status.in_(ACTIVE)).subquery()
    assert not db.session.execute(select(active.c.observer_id).group_by(active.c.observer_id)
                                  .having(func.count() > 1)).all()
    assert not db.session.execute(
        select(active.c.station_id).where(active.c.role == "stationary",
                                          active.c.shift == "full_day")
        .group_by(active.c.station_id).having(func.count() > 1)).all()
    assert not db.session.execute(
        select(Assignment.id).join(PollingStation, PollingStation.id == Assignment.station_id)
        .join(Branch, Branch.id == Assignment.branch_id)
        .where(PollingStation.region != Branch.region)).all()
    uncertified = db.session.scalars(
        select(Assignment).join(Observer, Observer.id == Assignment.observer_id)
        .where(Observer.status != Status.CERTIFIED.value)).all()
    assert uncertified and all(a.override_reason for a in uncertified)


# "observer" is certified and assigned; "observer_almaty" is approved and still training.
@pytest.mark.parametrize("role", ["admin", "hq", "coordinator", "observer", "observer_almaty"])
def test_crawl_as_every_role_finds_no_server_error(app, client, realistic, role):
    user = realistic.accounts[role]
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]

    result = Crawler(app, client).crawl("/")

    report = [f"{role}: {len(result.visited)} pages in {result.seconds:.1f}s, "
              f"{len(result.per_route)} routes"]
    report.append("  slowest routes: " + ", ".join(
        f"{route} {seconds:.1f}s/{result.per_route[route]}"
        for route, seconds in result.route_seconds.most_common(5)))
    report += [f"  slow {seconds:.1f}s {url}" for seconds, url in sorted(result.slow)[::-1]]
    if result.skipped:
        report.append("  bounded: " + ", ".join(f"{route} (+{n})"
                                                for route, n in result.skipped.most_common()))
    report.append("  tried without a link: " + ", ".join(result.unlinked))
    print("\n".join(report))
    if result.failures:
        pytest.fail(f"{len(result.failures)} server error(s) crawling as {role}:\n  "
                    + "\n  ".join(str(failure) for failure in result.failures), pytrace=False)
    # The point of the dataset: the lists are long enough to have a second page, and it ran.
    assert len(result.visited) > 20
    if not role.startswith("observer"):
        assert any("page=" in url for url in result.visited), "no pagination link was followed"


def test_the_triage_queue_pages_through_a_busy_morning(realistic, client):
    """Hundreds of reports: the queue runs to several pages, each region's coordinator sees
    their own only, and the count on the page is the number of rows behind it."""
    from observe.reports.models import Incident, Report

    assert realistic.counts["incidents"] >= 200
    for account, region in (("coordinator", "karaganda"), ("coordinator_almaty", "almaty"),
                            ("hq", None)):
        client.post("/logout")
        response = client.post("/login", data={"email": realistic.accounts[account].email,
                                               "password": TEST_PASSWORD})
        assert response.status_code == 302
        expected = select(func.count()).select_from(Report).join(
            PollingStation, PollingStation.id == Report.station_id).where(
            (Report.kind == "incident") | Report.flagged)
        if region:
            expected = expected.where(PollingStation.region == region)
        total = db.session.scalar(expected)
        first = client.get("/reports/triage").get_data(as_text=True)
        assert f'data-total="{total}"' in first
        pages = -(-total // 50)
        assert pages >= 2, (account, total)
        seen = set()
        for number in range(1, pages + 1):
            html = client.get(f"/reports/triage?page={number}").get_data(as_text=True)
            ids = re.findall(r'/reports/triage/(\d+)"', html)
            assert len(ids) == (50 if number < pages else total - 50 * (pages - 1))
            seen.update(ids)
        assert len(seen) == total  # no row on two pages, none missing
        incidents = client.get("/reports/triage?kind=incident&severity=critical&page=2")
        assert incidents.status_code == 200
        critical = db.session.scalar(
            select(func.count()).select_from(Incident).join(
                PollingStation, PollingStation.id == Incident.station_id).where(
                Incident.severity == "critical",
                *([PollingStation.region == region] if region else [])))
        assert f'data-total="{critical}"' in incidents.get_data(as_text=True)
