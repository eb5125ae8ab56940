"""The browser fixtures of tests/browser (live server, Chromium, page), for briefings' tests;
every test here is marked `browser`."""

from pathlib import Path

import pytest

from tests.browser.conftest import (  # noqa: F401
    browser,
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
