"""Browser fixtures: a live server per database backend and Debian's Chromium driven by Playwright.

Every test here is marked `browser`. Without /usr/bin/chromium the tests are skipped, unless
REQUIRE_BROWSER is set, when they fail instead (CI must not pass by skipping them).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import _required, build_app
from tests.training.conftest import make_session, make_trainee, modules  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
SCREENSHOTS = Path(os.environ.get("OBSERVE_SHOTS", "/tmp/observe-shots"))


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; we never download a browser."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = f"Chromium is not installed at {CHROMIUM}"
        if _required("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def live_server(database_url, _session_app):
    """A second app on the same (already migrated) database, CSRF on, served in a thread."""
    app = build_app(database_url, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="observe-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        from observe.extensions import db

        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors and uncaught exceptions seen by `page` (CSP violations land here too)."""
    return []


@pytest.fixture
def page(request, browser, live_server, app, console_errors):
    """A fresh browser context on an empty database; parametrize indirectly with a VIEWPORTS key."""
    viewport = getattr(request, "param", "desktop")
    context = browser.new_context(base_url=live_server, locale="ru-RU",
                                  timezone_id="Asia/Almaty", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.viewport_name = viewport

    def on_console(message):
        if message.type == "error":
            url = message.location.get("url", "")
            console_errors.append(f"console: {message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    yield page
    context.close()
