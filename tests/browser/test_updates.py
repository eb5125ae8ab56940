"""In Chromium: a coordinator sends a post with a photo, HQ approves and publishes it, and the
public updates page shows it to an anonymous visitor (on a phone too); in live mode a post
published later appears without a reload when the page's 30-second timer fires.

Pages are in English (?lang=en), so the assertions do not depend on the catalogs."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from observe.extensions import db
from observe.updates import services
from observe.updates.models import Post
from tests.browser.conftest import SCREENSHOTS, VIEWPORTS
from tests.browser.test_foundation import sign_in
from tests.updates.conftest import jpeg


def _context(browser, live_server, viewport="desktop"):
    context = browser.new_context(base_url=live_server, locale="ru-RU",
                                  timezone_id="Asia/Almaty", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    return context


def test_a_post_goes_from_a_region_to_the_public_page(page: Page, console_errors, browser,
                                                      live_server, make_user, make_branch,
                                                      make_election, tmp_path):
    election = make_election(name="Mazhilis 2030")
    coordinator = make_user("coordinator", branch=make_branch(region="karaganda"))
    hq = make_user("hq")
    picture = tmp_path / "opening.jpg"
    picture.write_bytes(jpeg())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The coordinator writes the post.
    sign_in(page, coordinator)
    page.goto("/updates/posts/new?lang=en")
    expect(page.locator("select#region option")).to_have_count(1)
    page.locator("input#title").fill("Station 101 opened on time")
    page.locator("textarea#body").fill("Observers were inside at 06:45; the box was sealed.")
    page.locator("input#photos").set_input_files(str(picture))
    page.locator("input#video_url").fill("https://www.youtube.com/watch?v=abc")
    page.locator("select#election_id").select_option(str(election.id))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/updates/posts/\d+$"))
    expect(page.locator("main [data-status]")).to_have_text("Waiting for HQ")
    expect(page.locator("[data-media] img")).to_have_count(1)
    post_url = page.url

    # HQ approves and publishes it.
    staff = _context(browser, live_server)
    hq_page = staff.new_page()
    hq_page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    sign_in(hq_page, hq)
    hq_page.goto(post_url + "?lang=en")
    hq_page.locator("[data-actions] button", has_text="Approve").click()
    expect(hq_page.locator("main .alert-success").first).to_contain_text("Approved")
    hq_page.locator("[data-publish] button", has_text="Publish").click()
    expect(hq_page.locator("main [data-status]")).to_have_text("Published")
    hq_page.screenshot(path=str(SCREENSHOTS / "updates-staff-published.png"), full_page=True)
    staff.close()

    post = db.session.scalar(select(Post))
    db.session.refresh(post)
    assert post.status == "published" and [m.kind for m in post.media] == ["photo"]

    # An anonymous visitor on a phone sees it on the public page, with its photo.
    public = _context(browser, live_server, "phone")
    visitor = public.new_page()
    visitor.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    visitor.goto("/updates?lang=en")
    card = visitor.locator(f'[data-item="post-{post.id}"]')
    expect(card).to_contain_text("Station 101 opened on time")
    photo = card.locator("img")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert visitor.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    card.locator("a", has_text="Station 101 opened on time").click()
    expect(visitor.locator("main h1")).to_have_text("Station 101 opened on time")
    expect(visitor.locator("[data-share] a")).to_have_count(4)
    expect(visitor.locator("[data-video-link]")).to_contain_text("YouTube")
    og_image = visitor.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image.startswith(live_server + "/updates/media/")
    assert visitor.context.cookies() == []  # the public pages set no cookie
    visitor.screenshot(path=str(SCREENSHOTS / "updates-public-post-phone.png"), full_page=True)
    public.close()
    assert console_errors == []


def test_live_mode_shows_a_new_post_without_a_reload(page: Page, console_errors, make_user,
                                                     make_branch, make_election):
    election = make_election(name="Mazhilis 2030")
    coordinator = make_user("coordinator", branch=make_branch(region="almaty"))
    hq = make_user("hq")

    def publish(title):
        post = services.submit_post(region="almaty", title=title, election_id=election.id,
                                    actor=coordinator)
        services.approve_post(post, actor=hq)
        services.publish_post(post, actor=hq)
        db.session.commit()

    publish("Morning in Almaty")
    page.clock.install()
    page.goto("/updates?live=1&lang=en")
    expect(page.locator("[data-live-status]")).to_be_visible()
    expect(page.locator("[data-item]")).to_have_count(1)
    page.evaluate("document.title = 'not reloaded'")

    publish("Noon in Almaty")
    page.clock.fast_forward(10_000)
    expect(page.locator("[data-item]")).to_have_count(1)
    page.clock.fast_forward(21_000)
    expect(page.locator("[data-item]")).to_have_count(2)
    expect(page.locator("[data-item]").first).to_contain_text("Noon in Almaty")
    assert page.evaluate("document.title") == "not reloaded"
    assert console_errors == []
