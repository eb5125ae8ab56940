"""The observer's phone on a weak connection (Chromium via Playwright, 360 px wide): a report
made offline waits on the phone, is shown as waiting, and is sent once the network is back; a
half-typed report survives a reload as a draft with its UUID."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from observe.reports.models import Report, TurnoutReport
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_foundation import sign_in
from tests.reports.conftest import build_polling_day

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


@pytest.fixture
def polling_day(app, make_branch, make_election, make_station, make_certified):
    return build_polling_day(make_branch, make_election, make_station, make_certified)


def stored(model=Report) -> list:
    db.session.expire_all()
    db.session.rollback()
    return db.session.scalars(select(model)).all()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_report_made_offline_is_sent_when_the_network_returns(page: Page, console_errors,
                                                               polling_day):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, polling_day.own.user)
    station = polling_day.own.station.id
    page.goto("/reports/?lang=en")
    expect(page.locator("main h1")).to_have_text("Polling day")
    assert fits_the_screen(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-hub-phone.png"), full_page=True)

    page.goto(f"/reports/stations/{station}/turnout?lang=en")
    assert fits_the_screen(page)
    page.locator("#voters").fill("120")
    page.context.set_offline(True)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".queue-note")).to_contain_text("kept on this phone")
    expect(page.locator("#offline-queue .queue-items li")).to_have_count(1)
    expect(page.locator("#offline-queue")).to_contain_text("Waiting on this phone")
    page.screenshot(path=str(SCREENSHOTS / "reports-offline-phone.png"), full_page=True)
    assert stored() == []

    page.context.set_offline(False)
    expect(page.locator("#offline-queue .queue-sent a")).to_be_visible()
    expect(page.locator("#offline-queue .queue-items li")).to_have_count(0)
    reports = stored(TurnoutReport)
    assert [(r.hour, r.voters) for r in reports] == [(10, 120)]

    # The receipt link shows the reference; the hub has nothing waiting any more.
    page.locator("#offline-queue .queue-sent a").click()
    expect(page.locator(".receipt .reference")).to_have_text(reports[0].reference)
    page.goto("/reports/?lang=en")
    expect(page.locator("#offline-queue")).to_be_hidden()
    assert len(stored()) == 1
    assert console_errors == []


def test_a_draft_survives_a_reload_with_its_uuid(page: Page, console_errors, polling_day):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, polling_day.own.user)
    url = f"/reports/stations/{polling_day.own.station.id}/incident?lang=en"
    page.goto(url)
    assert fits_the_screen(page)
    first_id = page.locator("input[name=uuid]").input_value()
    page.locator("#category").select_option("vote_buying")
    page.locator("#description").fill("Money offered at the door")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reports-incident-phone.png"), full_page=True)
    page.reload()
    expect(page.locator("#description")).to_have_value("Money offered at the door")
    expect(page.locator("#category")).to_have_value("vote_buying")
    assert page.locator("input[name=uuid]").input_value() == first_id
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".receipt")).to_contain_text("Received at")
    page.screenshot(path=str(SCREENSHOTS / "reports-receipt-phone.png"), full_page=True)
    assert [r.uuid for r in stored()] == [first_id]
    # Sent: the next incident starts empty.
    page.goto(url)
    expect(page.locator("#description")).to_have_value("")
    assert console_errors == []
