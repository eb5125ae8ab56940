"""The browser fixtures of tests/browser (live server, page), for briefings' tests; every test
here is marked `browser`.

Playwright's sync API refuses a second instance while one runs, and fixtures of tests/browser's
conftest are not visible here: so this module borrows the Chromium of tests/browser when its
session fixture is already running, and otherwise launches one for this module alone (closed
before tests/browser starts its own)."""

from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401
    CHROMIUM_ARGS,
    chromium_path,
    console_errors,
    live_server,
    page,
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _running_browser(request):
    """tests/browser's session Chromium when it is already running, else None."""
    for definition in request._fixturemanager._arg2fixturedefs.get("browser", ()):
        cached = getattr(definition, "cached_result", None)
        if definition.scope == "session" and cached is not None and cached[2] is None:
            return cached[0]
    return None


@pytest.fixture(scope="module")
def browser(request, chromium_path):  # noqa: F811
    """A headless Chromium: tests/browser's when it runs, else one for this module."""
    from playwright.sync_api import sync_playwright

    running = _running_browser(request)
    if running is not None:
        yield running
        return
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()
