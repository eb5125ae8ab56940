"""Assignments on a phone: a coordinator assigns a certified observer, who then confirms.

The pages are in English (?lang=en), so the assertions do not depend on the catalogs.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_foundation import open_menu, sign_in

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


def test_coordinator_assigns_and_observer_confirms(page: Page, console_errors, make_branch,
                                                   make_user, make_election, make_station,
                                                   make_certified):
    branch = make_branch(region="karaganda", name="Karaganda branch")
    coordinator = make_user("coordinator", branch=branch, full_name="Gulnara Coordinator",
                            phone="+77011234567")
    election = make_election(name="Mazhilis 2027")
    station = make_station(election, number="0342", address="Bukhar Zhyrau Ave 12",
                           latitude=49.806406, longitude=73.085485)
    make_station(election, number="0343")
    observer = make_certified(branch, full_name="Aigerim Sadykova")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The coordinator opens the board from the menu and assigns the observer to station 0342.
    sign_in(page, coordinator)
    page.goto("/?lang=en")
    open_menu(page)
    page.locator('#main-nav a[href="/assignments/"]').click()
    page.locator("main a", has_text="Mazhilis 2027").click()
    expect(page).to_have_url(re.compile(rf"/assignments/{election.id}$"))
    card = page.locator(f"main #station-{station.id}")
    expect(card.locator(".badge", has_text="Not covered")).to_be_visible()
    card.locator("a", has_text="Assign here").click()

    expect(page.locator("main h1")).to_have_text("Assign an observer")
    expect(page.locator("label[for=observer_id]")).to_be_visible()
    expect(page.locator("select#station_id")).to_have_value(str(station.id))
    page.locator("select#observer_id").select_option(str(observer.id))
    page.locator("select#shift").select_option("full_day")
    page.screenshot(path=str(SCREENSHOTS / "assign-phone.png"), full_page=True)
    page.locator("main form input[type=submit][name=submit]").click()

    expect(page).to_have_url(re.compile(rf"/assignments/{election.id}$"))
    expect(page.locator("main .alert-success")).to_contain_text(
        "Aigerim Sadykova is assigned to station 0342.")
    card = page.locator(f"main #station-{station.id}")
    expect(card.locator(".badge", has_text="Covered all day")).to_be_visible()
    expect(card.locator(".assignment-item")).to_contain_text("Aigerim Sadykova")
    page.screenshot(path=str(SCREENSHOTS / "board-phone.png"), full_page=True)

    # The observer signs in, opens their assignment from the menu and confirms it.
    page.context.clear_cookies()
    sign_in(page, observer.user)
    page.goto("/?lang=en")
    open_menu(page)
    page.locator('#main-nav a[href="/assignments/mine"]').click()
    expect(page.locator("main h1")).to_have_text("My assignment")
    mine = page.locator("main article.my-assignment")
    expect(mine.locator(".station-number")).to_have_text("0342")
    expect(mine).to_contain_text("Bukhar Zhyrau Ave 12")
    expect(mine.locator("a.map-link")).to_have_attribute(
        "href", "geo:49.806406,73.085485?q=49.806406,73.085485")
    expect(page.locator("main .coordinator-contact")).to_contain_text("Gulnara Coordinator")
    page.screenshot(path=str(SCREENSHOTS / "my-assignment-phone.png"), full_page=True)
    mine.locator("button.confirm-button").click()

    expect(page).to_have_url(re.compile(r"/assignments/mine$"))
    expect(page.locator("main .alert-success")).to_contain_text("is confirmed")
    expect(page.locator("main article.my-assignment")).to_have_attribute(
        "data-status", "confirmed")
    expect(page.locator("main button.confirm-button")).to_have_count(0)
    db.session.expire_all()
    assignment = db.session.execute(select(Assignment)).scalar_one()
    assert assignment.status == "confirmed" and assignment.observer_id == observer.id
    assert console_errors == []
