"""A keyboard-only walk (issue 9): Tab (and Shift+Tab), Enter and Space, plus the arrow keys a
radio group needs to move between its options, through a whole unit, every page, the quiz
(unanswered, answered, submitted, results) and to the certificate, then out through Exit.
The course and site are those of test_learner_defects.py (the ``none`` adapter, no LMS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from test_learner_defects import learner_site, open_course, visible_section

if TYPE_CHECKING:
    from pathlib import Path

    from harness import LmsServer
    from playwright.sync_api import Page

pytestmark = pytest.mark.usefixtures("no_404s")
__all__ = ["learner_site"]  # the fixture, shared with test_learner_defects.py

FOCUSED = "s => !!document.activeElement && document.activeElement.matches(s)"


def tab_to(page: Page, selector: str, key: str = "Tab", limit: int = 250) -> None:
    """Press ``key`` until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED, selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a radio group, Space to choose, the arrow keys to move to ``value``."""
    tab_to(page, f'input[name="{name}"]')
    page.keyboard.press("Space")
    for _ in range(10):
        if page.is_checked(f'input[name="{name}"][value="{value}"]'):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"could not choose {value} in {name}")


def next_page(page: Page) -> str:
    tab_to(page, '[data-action="next"]')
    page.keyboard.press("Enter")
    return visible_section(page)


def test_a_keyboard_only_walk_through_the_course(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    run = open_course(page, http_server, learner_site)
    page.evaluate("() => document.body.focus()")

    # the skip link comes first and goes to the content
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "cpd-skip"

    # unit "Start": the self-assessment, the knowledge check (a second try) and a reflection
    for sid in page.eval_on_selector_all(
        '[data-sa="before"] input[value="1"]', "els => els.map(e => e.name)"
    ):
        choose_radio(page, sid, "3")
    assert next_page(page) == "learning"
    assert page.evaluate("() => document.activeElement.id") == "title-learning"
    choose_radio(page, "kc-kc-listen", "b")
    tab_to(page, '[data-action="check"]')
    page.keyboard.press("Enter")
    assert page.text_content('[data-check="kc-listen"] [data-verdict]') == (
        "Not quite. Try again: you have 1 more try."
    )
    tab_to(page, 'input[name="kc-kc-listen"]', key="Shift+Tab")
    page.keyboard.press("ArrowUp")
    assert page.is_checked('input[name="kc-kc-listen"][value="a"]')
    tab_to(page, '[data-action="check"]')
    page.keyboard.press("Space")
    assert page.text_content('[data-check="kc-listen"] [data-verdict]') == "Correct."
    tab_to(page, "[data-reflection]")
    page.keyboard.type("Written with the keyboard only.")
    assert page.input_value("[data-reflection]") == "Written with the keyboard only."

    # every other page, in order, with Next
    while visible_section(page) != "wrap-up":
        next_page(page)
    for sid in page.eval_on_selector_all(
        '[data-sa="after"] input[value="1"]', "els => els.map(e => e.name)"
    ):
        choose_radio(page, sid, "4")
    assert next_page(page) == "final-quiz"

    # the quiz: submitting unanswered goes to the message, whose links lead to the questions
    tab_to(page, '[data-action="submit-quiz"]')
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "cpd-quiz-message"
    tab_to(page, '[data-unanswered-list] a[data-to-question="q-single"]', key="Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.name") == "q-q-single"
    page.keyboard.press("Shift+Tab")  # back before the group, so choose_radio tabs into it
    choose_radio(page, "q-q-single", "a")
    order = page.eval_on_selector_all(
        'input[name="q-q-multi"]', "els => els.map(e => e.value)"
    )  # shuffled: the order on screen
    for value in order:
        tab_to(page, f'input[name="q-q-multi"][value="{value}"]')
        if value in ("a", "b"):
            page.keyboard.press("Space")
    choose_radio(page, "q-q-tf", "false")
    tab_to(page, '[data-action="submit-quiz"]')
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "cpd-quiz-results"
    assert page.text_content("[data-results-verdict]") == "You passed. The pass mark is 70%."

    # the results lead to the certificate
    tab_to(page, "[data-results-next] a")
    page.keyboard.press("Enter")
    assert visible_section(page) == "certificate"
    assert page.evaluate("() => document.activeElement.id") == "title-certificate"
    assert page.is_visible("#cpd-certificate")
    tab_to(page, '#cpd-certificate [data-action="print"]')

    # Exit: the dialog holds focus; Shift+Tab from "Stay" reaches "Leave the course"
    tab_to(page, '[data-action="exit"]', key="Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.dataset.action") == "exit-cancel"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.dataset.action") == "exit-confirm"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "cpd-exited-title"
    assert run.page_errors == []
    assert run.console_errors == []
