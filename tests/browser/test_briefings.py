"""In Chromium: HQ builds, edits, reviews and publishes a briefing; the dashboard shows a new
incident on its own, when its 30-second timer fires, without a reload.

Pages are in English (?lang=en), so the assertions do not depend on the catalogs."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.briefings.models import Briefing
from observe.extensions import db
from observe.reports.models import Incident
from tests.briefings.conftest import add_report, briefing_day, local  # noqa: F401 (fixture)
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_foundation import sign_in


def test_hq_builds_and_publishes_a_briefing(page: Page, console_errors, briefing_day,  # noqa: F811
                                            make_user):
    hq = make_user("hq", full_name="Dana HQ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, hq)
    page.goto(f"/briefings/dashboard/{briefing_day.election.id}?lang=en")
    page.locator("main a", has_text="New briefing").click()
    expect(page.locator("main h1")).to_have_text("New briefing")
    page.locator("select#election_id").select_option(str(briefing_day.election.id))
    page.locator("select#region").select_option("")
    page.locator("input#cutoff").fill("2026-03-15T14:00")
    page.locator("select#language").select_option("en")
    page.locator("input#title").fill("Two o'clock")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/briefings/\d+$"))
    narrative = page.locator("[data-narrative]")
    expect(narrative).to_contain_text("As of 14:00, observers were present at 2 of 5 polling "
                                      "stations")
    expect(page.locator('[data-cell="stations_present"]')).to_have_text("2 / 5")
    expect(page.locator("svg.briefing-chart").first).to_be_visible()

    page.locator("[data-actions] a", has_text="Edit").click()
    page.locator("textarea#narrative").fill("As of 14:00 observers were at 2 of 5 stations. "
                                            "Checked by the duty officer.")
    page.locator("main form button[type=submit]").click()
    expect(narrative).to_contain_text("Checked by the duty officer.")
    page.locator("[data-actions] button", has_text="Mark as reviewed").click()
    expect(page.locator("main .badge", has_text="Reviewed")).to_be_visible()
    page.locator("[data-actions] button", has_text="Publish").click()
    expect(page.locator("main .alert-success").first).to_contain_text("Published")
    expect(page.locator("main .badge", has_text="Published")).to_be_visible()
    expect(page.locator("[data-actions] a", has_text="Edit")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "briefing-published.png"), full_page=True)

    db.session.expire_all()
    briefing = db.session.scalar(select(Briefing))
    assert briefing.status == "published"
    assert briefing.figures["incidents"]["totals"]["total"] == 4
    assert briefing.narrative.endswith("Checked by the duty officer.")
    assert console_errors == []


def test_the_dashboard_updates_itself_after_a_new_incident(page: Page, console_errors,
                                                           briefing_day, make_user):  # noqa: F811
    hq = make_user("hq")
    sign_in(page, hq)
    page.clock.install()
    page.goto(f"/briefings/dashboard/{briefing_day.election.id}?lang=en")
    incidents = page.locator('[data-figure="incidents"] a')
    expect(incidents).to_have_text("6")
    expect(page.locator("[data-latest]")).not_to_contain_text("Money handed out at the door.")
    page.evaluate("document.title = 'not reloaded'")

    add_report(Incident, briefing_day, "A2", "o3", local(17), category="vote_buying",
               severity="critical", description="Money handed out at the door.")
    db.session.commit()
    # Nothing changes before the timer fires...
    page.clock.fast_forward(10_000)
    expect(incidents).to_have_text("6")
    # ...and the figures are fetched again at 30 seconds, in place.
    page.clock.fast_forward(21_000)
    expect(incidents).to_have_text("7")
    expect(page.locator('[data-severity="critical"] a')).to_have_text("3")
    expect(page.locator("[data-latest]")).to_contain_text("Money handed out at the door.")
    assert page.evaluate("document.title") == "not reloaded"
    assert console_errors == []
