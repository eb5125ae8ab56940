"""A job's page on a phone follows the job by itself (local script, CSP 'self'): waiting, then
in progress with its bar, then done with the download, without the user reloading."""

import pytest
from playwright.sync_api import Page, expect

from observe.extensions import db
from observe.jobs import services as job_services
from observe.jobs.models import Job
from tests.browser.test_foundation import sign_in
from tests.jobs.conftest import letters  # noqa: F401  (a fixture)

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


def test_the_job_page_follows_the_job(page: Page, console_errors, letters):  # noqa: F811
    world = letters(4)
    # A job as the queue leaves it, before any worker took it (recorded without its task).
    job = Job(kind="assignments.mandates", user_id=world.coordinator.id, language="en",
              title="4 mandate letters", total=4, status="queued",
              params={"election_id": world.election.id, "branch_id": None})
    db.session.add(job)
    db.session.commit()

    sign_in(page, world.coordinator)
    page.goto(f"/jobs/{job.id}?lang=en")
    expect(page.locator("[data-job-status]")).to_have_text("Waiting for its turn")

    job.status, job.done = "running", 2
    db.session.commit()
    expect(page.locator("[data-job-status]")).to_have_text("In progress", timeout=15_000)
    expect(page.locator("[data-job-bar]")).to_have_attribute("value", "50")

    job_services.run(job.id)  # what the worker does
    expect(page.locator("[data-job-status]")).to_have_text("Done", timeout=15_000)
    with page.expect_download() as download:
        page.locator("main a.btn", has_text="Download").click()
    assert download.value.suggested_filename == f"mandates-{world.election.id}.pdf"
    assert console_errors == []
