"""Polling-day safety on a phone (Chromium via Playwright, 360 px wide): the observer's SOS made
without a network waits on the phone and is sent once when it returns, then shows who saw it;
the coordinator's roll-call board fits the phone, calls with one tap and updates itself."""

import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from observe.fieldops import services
from observe.fieldops.models import SosSignal
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_foundation import sign_in
from tests.reports.conftest import build_polling_day

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


@pytest.fixture
def polling_day(app, make_branch, make_election, make_station, make_certified):
    return build_polling_day(make_branch, make_election, make_station, make_certified)


def signals() -> list[SosSignal]:
    db.session.rollback()
    return db.session.scalars(select(SosSignal)).all()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_sos_sent_offline_goes_once_and_shows_who_saw_it(page: Page, console_errors,
                                                             polling_day, make_user):
    coordinator = make_user("coordinator", branch=polling_day.own.branch, full_name="Erlan M")
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, polling_day.own.user)
    page.goto("/reports/?lang=en")
    button = page.locator(".sos-button")
    expect(button).to_be_visible()
    assert fits_the_screen(page)
    button.click()
    expect(page.locator("main h1")).to_have_text("SOS")
    assert fits_the_screen(page)
    page.get_by_text("I am being removed").click()
    page.locator("#note").fill("The chair told me to leave")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fieldops-sos-phone.png"), full_page=True)

    page.context.set_offline(True)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".queue-note")).to_contain_text("kept on this phone")
    expect(page.locator("#offline-queue .queue-items li")).to_have_count(1)
    assert signals() == []

    page.context.set_offline(False)
    expect(page.locator("#offline-queue .queue-sent a")).to_be_visible()
    expect(page.locator("#offline-queue .queue-items li")).to_have_count(0)
    stored = signals()
    assert [(s.reason, s.note) for s in stored] == [("removed", "The chair told me to leave")]
    page.locator("#offline-queue .queue-sent a").click()
    expect(page.locator(".sos-seen")).to_contain_text("waiting for your coordinator")

    services.acknowledge_sos(stored[0], actor=coordinator)
    db.session.commit()
    page.reload()
    expect(page.locator(".sos-seen")).to_contain_text("Seen by Erlan M at")
    page.goto("/reports/?lang=en")
    expect(page.locator(".sos-last")).to_contain_text("seen by Erlan M")
    assert len(signals()) == 1
    assert console_errors == []


def test_the_board_fits_a_phone_calls_with_one_tap_and_updates_itself(page: Page,
                                                                      console_errors,
                                                                      polling_day, make_user):
    coordinator = make_user("coordinator", branch=polling_day.own.branch)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, coordinator)
    page.clock.install()
    page.goto("/fieldops/?lang=en")
    row = page.locator(f'.roll-call-row[data-assignment="{polling_day.own.assignment.id}"]')
    expect(row).to_be_visible()
    expect(row.locator(".call-link")).to_have_attribute(
        "href", f"tel:{polling_day.own.observer.phone}")
    expect(page.locator(f'.roll-call-row[data-assignment="{polling_day.other.assignment.id}"]'
                        )).to_have_count(0)
    assert fits_the_screen(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fieldops-board-phone.png"), full_page=True)
    page.evaluate("document.title = 'not reloaded'")

    services.submit_sos(dict(uuid=str(uuid.uuid4()), station_id=polling_day.own.station.id,
                             reason="unsafe"), actor=polling_day.own.user)
    db.session.commit()
    page.clock.fast_forward(31_000)
    expect(row.locator(".state")).to_have_text("SOS")
    expect(page.locator(".open-sos")).to_contain_text("I feel unsafe")
    assert page.evaluate("document.title") == "not reloaded"

    # The coordinator opens the SOS from the board and acknowledges it.
    page.locator(".open-sos a").first.click()
    page.get_by_role("button", name="I have it: acknowledge").click()
    expect(page.locator(".sos-status")).to_have_text("Acknowledged")
    assert fits_the_screen(page)
    assert signals()[0].acknowledged_by_id == coordinator.id
    assert console_errors == []
