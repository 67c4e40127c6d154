"""Fixtures for browser tests: ``http_server`` (LmsServer), ``browser`` and ``page``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from harness import SCORM_AGAIN_DIST, LmsServer, require

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LmsServer]:
    """Local server on 127.0.0.1:<free port>; tests publish packages into its temp root."""
    server = LmsServer(Path(tmp_path_factory.mktemp("www"))).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless system Chromium via Playwright (never a downloaded browser)."""
    executable = shutil.which("chromium")
    require(executable is not None, "chromium (apt-get install chromium)")
    require((SCORM_AGAIN_DIST / "scorm-again.js").is_file(), "node_modules/scorm-again (npm ci)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package (pip install -e '.[test]')")
        raise
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page for one test."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
