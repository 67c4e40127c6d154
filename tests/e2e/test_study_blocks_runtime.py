"""The study blocks in the browser (the sample course, SCORM 1.2 in the test LMS): a set reading,
the captioned video, and an activity whose model answer opens only once the learner has written,
with the answer saved like a reflection; axe-core finds nothing on those pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from harness import format_violations, relaunch_data, run_axe

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Page

    from conftest import CourseKit

pytestmark = pytest.mark.usefixtures("no_404s")


def test_activity_reading_and_video_in_the_player(
    page: Page, http_server: LmsServer, sample_kit: CourseKit
) -> None:
    outline = sample_kit.outline
    page_id = "rupture-practice"
    box = next(r.id for r in outline.reflections if r.page_id == page_id)
    session = sample_kit.launch(page, http_server, "1.2")
    frame = session.frame
    if not frame.evaluate("() => document.getElementById('cpd-toc').open"):
        frame.click("#cpd-toc summary")
    frame.click(f'[data-goto="{page_id}"]')
    assert frame.is_visible(f"#page-{page_id} .cpd-reading")
    assert frame.get_attribute(f"#page-{page_id} video track", "kind") == "captions"

    model = f'[data-model-answer="{box}"]'
    frame.click(f"{model} summary")  # nothing written yet: stays closed, the box gets focus
    assert frame.evaluate(f"() => document.querySelector('{model}').open") is False
    assert frame.evaluate("() => document.activeElement.dataset.reflection") == box

    frame.fill(f'[data-reflection="{box}"]', "I notice I have been doing most of the talking.")
    frame.click(f"{model} summary")
    assert frame.evaluate(f"() => document.querySelector('{model}').open") is True
    assert frame.is_visible(f"{model} h3")

    violations = run_axe(frame)
    assert violations == [], format_violations(violations)
    frame.click('[data-action="exit"]')
    frame.click('[data-action="exit-confirm"]')
    saved = session.final()
    assert saved is not None
    assert session.console_errors == [] and session.page_errors == []

    again = sample_kit.launch(
        page.context.new_page(), http_server, "1.2", relaunch_data(saved, "1.2")
    )
    written = again.frame.input_value(f'[data-reflection="{box}"]')
    assert written == "I notice I have been doing most of the talking."
