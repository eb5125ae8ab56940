"""The observer's polling-day pages on a phone (Chromium via Playwright): an incident filed with a
photo taken on the phone, and what each page costs to load on a first visit."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from observe.reports.models import Evidence, Incident
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_foundation import sign_in
from tests.reports.conftest import build_polling_day

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)

# What the issue allows one report page on a first visit: transferred, compressed.
PAGE_BUDGET = 100 * 1024


@pytest.fixture
def polling_day(app, make_branch, make_election, make_station, make_certified):
    return build_polling_day(make_branch, make_election, make_station, make_certified)


def phone_photo(tmp_path) -> str:
    image = Image.new("RGB", (1600, 1200), (30, 90, 160))
    path = tmp_path / "IMG_0042.jpg"
    image.save(path, "JPEG", quality=85)
    return str(path)


def test_an_observer_files_an_incident_with_a_photo(page: Page, console_errors, polling_day,
                                                    tmp_path):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, polling_day.own.user)
    page.goto(f"/reports/stations/{polling_day.own.station.id}/incident?lang=en")
    page.locator("#category").select_option("observer_obstruction")
    page.locator("label[for=severity-3]").tap()
    page.locator("#description").fill("The chair told me to leave the room before the count")
    page.locator("#evidence").set_input_files(phone_photo(tmp_path))
    page.locator("main form button[type=submit]").click()

    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Received at")
    thumbnail = page.locator(".evidence-list img.evidence-thumb")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("img => img.naturalWidth") == 320  # the preview, not the photo
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-incident-photo-phone.png"), full_page=True)

    db.session.rollback()
    incident = db.session.execute(select(Incident)).scalar_one()
    assert (incident.category, incident.severity) == ("observer_obstruction", "critical")
    evidence = db.session.execute(select(Evidence)).scalar_one()
    assert (evidence.kind, evidence.original_name) == ("photo", "IMG_0042.jpg")
    original = page.request.get(f"/reports/evidence/{evidence.id}")
    assert Image.open(io.BytesIO(original.body())).size == (1600, 1200)
    assert console_errors == []


def transferred(page: Page, url: str) -> int:
    """Bytes received for a page and everything it loads, as on a first visit (no cache, and no
    service worker: the hub installs one, which would serve the next pages from the phone)."""
    cdp = page.context.new_cdp_session(page)
    received = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    page.goto(url, wait_until="networkidle")
    cdp.detach()
    return sum(received)


def test_every_report_page_stays_under_100_kb_on_a_first_visit(page: Page, polling_day):
    station = polling_day.own.station.id
    contest = polling_day.contest.id
    weights = {"/login?lang=ru": transferred(page, "/login?lang=ru")}
    sign_in(page, polling_day.own.user)
    for path in ("/reports/", f"/reports/stations/{station}/check-in",
                 f"/reports/stations/{station}/checklist/opening",
                 f"/reports/stations/{station}/turnout",
                 f"/reports/stations/{station}/incident",
                 f"/reports/stations/{station}/protocol/{contest}", "/reports/mine"):
        weights[path] = transferred(page, path)
    print("transferred on a first visit (bytes):", weights)
    assert all(20_000 < size < PAGE_BUDGET for size in weights.values()), weights
