"""The course inside an LMS's player frame (issue 6): Moodle's frame was 714x666 at a 1,366 px
desktop and 952x666 with its navigation hidden (standards.md §11.16). Header, progress and Exit
stay reachable, the contents list scrolls on its own, and a short page is not made long."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from test_scorm_runtime import go

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

    from conftest import CourseKit

pytestmark = pytest.mark.usefixtures("no_404s")

MEASURE = """() => {
  const r = (sel) => document.querySelector(sel).getBoundingClientRect();
  const nav = document.querySelector(".cpd-nav"), link = nav.querySelector('[aria-current="page"]');
  return {
    height: innerHeight, width: innerWidth, scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    contentBottom: r(".cpd-main").bottom + scrollY, header: r(".cpd-header"), exit: r(".cpd-exit"),
    progress: r("#cpd-progress"), nav: r(".cpd-nav"), navOverflow: getComputedStyle(nav).overflowY,
    navScrolls: nav.scrollHeight > nav.clientHeight, link: link.getBoundingClientRect(),
  };
}"""


def measure(frame: Frame) -> dict:
    return frame.evaluate(MEASURE)


@pytest.mark.parametrize("size", [(714, 666), (952, 666)], ids=["714x666", "952x666"])
def test_layout_in_an_lms_frame(
    page: Page, http_server: LmsServer, sample_kit: CourseKit, size: tuple[int, int]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    session = sample_kit.launch(page, http_server, "1.2", frame_size=size)
    frame = session.frame
    pages = sample_kit.outline.pages
    heights = {}
    for p in pages:  # every page once, through the contents list
        go(frame, p.id)
        heights[p.id] = frame.evaluate("() => document.querySelector('.cpd-main').offsetHeight")
    shortest, longest = min(heights, key=heights.get), max(heights, key=heights.get)

    for pid in (shortest, longest, pages[-1].id):
        go(frame, pid)
        frame.evaluate("() => window.scrollTo(0, 1e7)")  # the end of the page
        m = measure(frame)
        assert (m["width"], m["height"]) == size
        assert m["scrollWidth"] <= m["width"], pid  # no sideways scrolling
        # the page is as long as its content, never stretched by the contents list
        assert m["scrollHeight"] <= max(m["height"], m["contentBottom"]) + 1, pid
        # header, progress and Exit stay in view at the end of any page
        assert m["header"]["top"] == 0, pid
        for box in (m["exit"], m["progress"]):
            assert box["top"] >= 0 and box["bottom"] <= m["height"], pid
        # the contents list sits beside the page, fits the frame and scrolls on its own
        assert m["nav"]["left"] == 0 and m["nav"]["width"] >= 190, pid
        assert m["nav"]["top"] >= m["header"]["bottom"] - 1, pid
        assert m["nav"]["bottom"] <= m["height"] + 1, pid
        assert m["navOverflow"] == "auto" and m["navScrolls"], pid
        # with the current page's entry in view in it
        assert m["nav"]["top"] <= m["link"]["top"] and m["link"]["bottom"] <= m["nav"]["bottom"], (
            pid
        )

    frame.click('[data-action="prev"]')  # Next/Previous keep the contents entry in view too
    m = measure(frame)
    assert m["nav"]["top"] <= m["link"]["top"] and m["link"]["bottom"] <= m["nav"]["bottom"]
    assert session.console_errors == [] and session.page_errors == []


@pytest.mark.parametrize("size", [(714, 666), (952, 666)], ids=["714x666", "952x666"])
def test_a_short_page_is_not_made_long(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, size: tuple[int, int]
) -> None:
    """The mini course's pages are shorter than the frame: nothing scrolls at all."""
    page.set_viewport_size({"width": 1366, "height": 900})
    session = mini_kit.launch(page, http_server, "2004", frame_size=size)
    go(session.frame, "final-quiz")
    go(session.frame, "certificate")
    m = measure(session.frame)
    assert m["contentBottom"] < m["height"]  # a short page
    assert m["scrollHeight"] == m["height"]
    assert m["scrollWidth"] <= m["width"]
