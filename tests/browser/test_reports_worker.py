"""The observer's pages from the phone (Chromium, phone viewport): the service worker a report
page installs keeps the pages opened before, so they open without a network; a report made then
waits, is sent once when the network is back (even when the CSRF token it was made with has gone
stale), and another observer signing in on the same phone never gets the first one's pages."""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from observe.reports.models import TurnoutReport
from tests.browser.test_foundation import open_menu, sign_in
from tests.reports.conftest import build_polling_day

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


@pytest.fixture
def polling_day(app, make_branch, make_election, make_station, make_certified):
    return build_polling_day(make_branch, make_election, make_station, make_certified)


def stored_turnout() -> list:
    db.session.expire_all()
    db.session.rollback()
    return [(r.station_id, r.hour, r.voters) for r in db.session.scalars(select(TurnoutReport))]


def kept_pages(page: Page) -> list[str]:
    """The pages the worker keeps, across its per-account caches."""
    return page.evaluate("""async () => {
        const urls = [];
        for (const name of (await caches.keys()).filter(n => n.startsWith('observe-pages-'))) {
            const cache = await caches.open(name);
            urls.push(...(await cache.keys()).map(r => new URL(r.url).pathname));
        }
        return urls.sort();
    }""")


def open_with_worker(page: Page, path: str) -> None:
    """Open a page once the worker controls the tab, so that it keeps it."""
    page.goto(path)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto(path)
    page.wait_for_function("""async (path) => {
        for (const name of await caches.keys()) {
            if (name.startsWith('observe-pages-') &&
                await (await caches.open(name)).match(location.origin + path)) { return true; }
        }
        return false;
    }""", arg=path)


def test_a_page_opened_before_opens_offline_and_its_report_is_sent_once(page: Page, console_errors,
                                                                        polling_day):
    sign_in(page, polling_day.own.user)
    station = polling_day.own.station.id
    turnout = f"/reports/stations/{station}/turnout?lang=en"
    open_with_worker(page, "/reports/?lang=en")
    open_with_worker(page, turnout)

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("main h1")).to_have_text("Turnout")
    page.locator("#voters").fill("120")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".queue-note")).to_contain_text("kept on this phone")
    # The hub opens offline too and shows the report waiting.
    page.goto("/reports/?lang=en")
    expect(page.locator("#offline-queue .queue-items li")).to_have_count(1)
    assert stored_turnout() == []

    # The session's CSRF token has changed since the page was kept (signed in again, say): the
    # first send is refused, the queue fetches a fresh token and sends the same report once more.
    page.evaluate("""() => document.querySelectorAll('input[name=csrf_token]')
                          .forEach(input => { input.value = 'stale'; })""")
    page.context.set_offline(False)
    expect(page.locator("#offline-queue .queue-sent a")).to_be_visible()
    expect(page.locator("#offline-queue .queue-items li")).to_have_count(0)
    assert stored_turnout() == [(station, 10, 120)]
    # The hub kept before the report is shown at once, then replaced by the network's, which
    # has the turnout just sent (nothing touched on it yet).
    page.reload()
    expect(page.locator(".station-day")).to_contain_text("10:00 120")
    assert stored_turnout() == [(station, 10, 120)]
    # A form shown from the phone does not reuse the UUID of the report sent from it.
    page.goto(turnout)
    uuid = page.locator("input[name=uuid]").input_value()
    page.reload()
    assert page.locator("input[name=uuid]").input_value() != uuid
    assert console_errors == []


def test_another_observer_on_the_same_phone_never_gets_the_first_ones_pages(page: Page,
                                                                           console_errors,
                                                                           polling_day):
    own, other = polling_day.own, polling_day.other
    sign_in(page, own.user)
    own_turnout = f"/reports/stations/{own.station.id}/turnout?lang=en"
    open_with_worker(page, "/reports/?lang=en")
    open_with_worker(page, own_turnout)
    assert kept_pages(page) == ["/reports/", own_turnout.split("?")[0]]

    open_menu(page)
    page.locator("nav form[action$='/logout'] button[type=submit]").click()
    expect(page.locator("input[name=email]")).to_be_visible()
    assert kept_pages(page) == []

    sign_in(page, other.user)
    page.goto("/reports/?lang=en")
    expect(page.locator(".station-day")).to_have_attribute("data-station", str(other.station.id))
    assert page.goto(own_turnout).status == 404
    assert len(console_errors) == 1 and "404" in console_errors.pop()  # that 404, nothing else
    # The hub is now kept for the second observer only.
    page.goto("/reports/?lang=en")
    expect(page.locator(".station-day")).to_have_attribute("data-station", str(other.station.id))
    assert kept_pages(page) == ["/reports/"]
    assert console_errors == []


def test_a_browser_whose_sign_in_is_gone_shows_nothing_kept_even_offline(page: Page, polling_day):
    sign_in(page, polling_day.own.user)
    open_with_worker(page, "/reports/?lang=en")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("main h1")).to_have_text("Polling day")
    # A restarted browser drops its session cookies (the sign-in's and the worker's key).
    page.context.clear_cookies()
    with pytest.raises(PlaywrightError, match="net::ERR_"):
        page.reload()
