"""A SCORM package opened directly (no LMS API anywhere): the course works and says that
progress is kept in this browser only (issue 9), without any console or page error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from harness import no_lms

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Page

    from conftest import CourseKit

pytestmark = pytest.mark.usefixtures("no_404s")
NOTICE = (
    "There is no learning platform here, so your progress is kept in this browser only:"
    " if you reload the page, you carry on where you left off."
)


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_course_works_without_an_lms(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """Notice shown; Next, the contents, the quiz, the certificate and Exit all work."""
    kit = mini_kit
    run = no_lms(page, http_server, kit.package(fmt))
    frame = run.frame
    ids = kit.page_ids

    assert run.url.endswith("/index.html")
    assert frame.evaluate("() => window.CPD_LMS.format") == fmt
    assert frame.is_visible("#cpd-notice")
    assert frame.text_content("#cpd-notice") == NOTICE
    assert frame.is_visible(f'section[data-page="{ids[0]}"]')

    frame.click('[data-action="next"]')
    assert frame.is_visible(f'section[data-page="{ids[1]}"]')
    assert frame.is_hidden(f'section[data-page="{ids[0]}"]')
    assert frame.evaluate("() => document.activeElement.id") == f"title-{ids[1]}"
    assert frame.text_content("#cpd-progress-text") == f"2 of {len(ids)} pages seen"
    frame.click('[data-action="prev"]')
    assert frame.is_visible(f'section[data-page="{ids[0]}"]')
    assert frame.is_disabled('[data-action="prev"]')

    for pid in ids:
        frame.click(f'[data-goto="{pid}"]')
        assert frame.is_visible(f'section[data-page="{pid}"]')
        assert frame.get_attribute(f'[data-goto="{pid}"]', "aria-current") == "page"
    assert frame.text_content("#cpd-progress-text") == f"{len(ids)} of {len(ids)} pages seen"

    frame.click(f'[data-goto="{kit.page_with("quiz")}"]')
    kit.answer_quiz(frame, kit.all_correct())
    assert "3 of 3" in (frame.text_content("[data-results-score]") or "")
    assert "You passed" in (frame.text_content("[data-results-verdict]") or "")
    frame.click(f'[data-goto="{kit.page_with("certificate")}"]')
    assert frame.is_visible("#cpd-certificate")
    # no learner name from an LMS: the learner types it (issue 9)
    assert frame.text_content('[data-cert="name"]') == ""
    assert frame.is_visible("[data-cert-input]")
    frame.fill("[data-cert-input]", "Ada  Lovelace")
    assert frame.text_content('[data-cert="name"]') == "Ada Lovelace"

    frame.click('[data-action="exit"]')
    frame.click('[data-action="exit-confirm"]')  # Exit asks first
    assert frame.is_visible("#cpd-exited")
    assert frame.evaluate("() => document.activeElement.id") == "cpd-exited-title"
    assert "kept in this browser only" in (frame.text_content("[data-exit-message]") or "")
    assert run.console_errors == []
    assert run.page_errors == []
