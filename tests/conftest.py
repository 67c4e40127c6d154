"""Shared fixtures: the real sample courses under tests/fixtures/courses."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.validate import validate_course
from lrs.ralph import RalphLRS, ralph_installed
from prereq import require

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Debian's chromium, never a downloaded browser, with these flags (the brief)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COURSES = Path(__file__).parent / "fixtures" / "courses"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def mini_dir() -> Path:
    """The small course that uses every feature."""
    return COURSES / "mini"


@pytest.fixture(scope="session")
def mini_outline(mini_dir: Path) -> Outline:
    """The mini course, loaded, validated and outlined."""
    return build_outline(validate_course(load_course(mini_dir)))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium through Playwright: one for the whole session (Playwright's sync
    API cannot run two at once), shared by tests/e2e and the other browser tests."""
    executable = shutil.which("chromium")
    require(executable is not None, "chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package (pip install -e '.[test]')")
        raise
    with sync_playwright() as pw:
        found = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield found
        found.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page for one test."""
    context = browser.new_context()
    found = context.new_page()
    found.set_default_timeout(15_000)
    yield found
    context.close()


@pytest.fixture(scope="session")
def ralph_lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLRS]:
    """One real Ralph LRS (:class:`lrs.ralph.RalphLRS`) for the whole test session.

    Shared by all tests: filter what you read by your own registration or statement ids.
    Tests that stop it must start it again (same port, same data).
    """
    require(ralph_installed(), "ralph-malph[lrs]==5.1.0 (the '.[test]' extra)")
    lrs = RalphLRS(tmp_path_factory.mktemp("ralph"))
    try:
        lrs.start()
    except RuntimeError as exc:  # start() has stopped the process already
        require(False, f"a Ralph LRS that starts on 127.0.0.1 (startup failed: {exc})")
    try:
        yield lrs
    finally:
        lrs.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: runs headless Chromium (left out by -m 'not browser')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives Chromium (all of tests/e2e, and any test using a browser or
    page fixture) as ``browser``, so the edit-test loop can leave them out."""
    e2e = Path(__file__).parent / "e2e"
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if e2e in Path(str(item.fspath)).parents or {"browser", "page"} & set(fixtures):
            item.add_marker(pytest.mark.browser)
