"""Layout: no page reached from the menu scrolls sideways, and no menu item is cut off.

Kazakh labels are the longest of our three languages; at 1366 px the expanded menu used to run
past the right edge and cut "Sign out" off. For every role (on the demo data, so tables have
rows), every page linked from its menu is opened in ru, kk and en and checked at a phone's
360 px and a laptop's 1366 px, the phone's menu opened. One browser, one context per language;
each page is loaded once and resized, to keep the run short.
"""

import pytest
from playwright.sync_api import Page, expect

from observe.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import TEST_PASSWORD

LANGUAGES = ["ru", "kk", "en"]
WIDTHS = [1366, 360]
HEIGHT = 800
ACCOUNTS = {
    "admin": "admin@example.org",
    "hq": "hq@example.org",
    "coordinator": "coordinator.karaganda@example.org",
    "observer": "observer1@example.org",
}

# Whether the document is wider than the window, and which menu items are not fully visible:
# outside the window, or their own text clipped (wider than the box that shows it).
MEASURE = """() => {
  const width = window.innerWidth;
  const doc = document.documentElement;
  const cut = [];
  for (const item of document.querySelectorAll(
      "#main-nav .nav-link, #main-nav .navbar-nav > li > form button, nav.navbar .navbar-brand")) {
    const box = item.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { continue; }
    if (box.left < -0.5 || box.right > width + 0.5 || item.scrollWidth > item.clientWidth + 1) {
      cut.push(`${item.textContent.trim()} [${Math.round(box.left)}..${Math.round(box.right)}]`);
    }
  }
  const wide = [];
  if (doc.scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 0.5 && getComputedStyle(el).position !== "fixed") {
        wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
        if (wide.length >= 3) { break; }
      }
    }
  }
  return {scrollWidth: doc.scrollWidth, width: width, cut: cut, wide: wide};
}"""


@pytest.fixture
def demo_data(app):
    """The demo branches, accounts, observers, training and election (password TEST_PASSWORD)."""
    from observe.demo import seed_demo

    seed_demo(TEST_PASSWORD)
    db.session.commit()


def sign_in(page: Page, email: str, language: str) -> None:
    page.goto(f"/login?lang={language}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form input[type=submit][name=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.locator("html")).to_have_attribute("lang", language)


def menu_pages(page: Page) -> list[str]:
    """Home, then every page linked from the menu (the language switch stays on this page)."""
    hrefs = page.locator("#main-nav a.nav-link[href]:not(.dropdown-toggle)").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")
    return ["/"] + [href for href in dict.fromkeys(hrefs) if href != "/"]


def open_menu(page: Page) -> None:
    """Below Bootstrap's breakpoint the menu hides behind the toggler: open it to measure it."""
    toggler = page.locator("nav.navbar .navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#main-nav.show:not(.collapsing)")).to_have_count(1)


def problems_on(page: Page, where: str, *, with_menu: bool) -> list[str]:
    problems = []
    if with_menu:
        open_menu(page)
    found = page.evaluate(MEASURE)
    if found["scrollWidth"] > found["width"]:
        problems.append(f"{where}: page is {found['scrollWidth']} px wide in a {found['width']} px "
                        f"window (widest: {', '.join(found['wide'])})")
    if found["cut"]:
        problems.append(f"{where}: menu items cut off: {'; '.join(found['cut'])}")
    if problems:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = where.replace("/", "_").replace(" ", "-").replace("?", "_")
        page.screenshot(path=str(SCREENSHOTS / f"layout{name}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_menu_pages_fit_the_window_in_every_language(browser, live_server, demo_data, role):
    problems, csp = [], []
    for language in LANGUAGES:
        # Reduced motion: Bootstrap then opens the phone's menu without its slide animation.
        context = browser.new_context(base_url=live_server, locale="ru-RU",
                                      timezone_id="Asia/Almaty", reduced_motion="reduce",
                                      viewport={"width": WIDTHS[0], "height": HEIGHT})
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", lambda message: csp.append(message.text)
                if "Content Security Policy" in message.text else None)
        try:
            sign_in(page, ACCOUNTS[role], language)
            pages = menu_pages(page)
            assert len(pages) >= 3, pages  # home, the role's own pages, the account page
            for number, path in enumerate(pages):
                if number:
                    response = page.goto(path)
                    assert response and response.ok, (path, response and response.status)
                # Alternate the starting width so each page costs one load and one resize.
                widths = WIDTHS if number % 2 == 0 else WIDTHS[::-1]
                for width in widths:
                    if page.viewport_size["width"] != width:
                        page.set_viewport_size({"width": width, "height": HEIGHT})
                    where = f"_{role}_{language}_{width}{path}"
                    # The phone's menu is the same on every page: open it on the first only.
                    problems += problems_on(page, where, with_menu=number == 0 or width > 400)
        finally:
            context.close()
    assert not csp, csp
    assert not problems, "\n".join(problems)
