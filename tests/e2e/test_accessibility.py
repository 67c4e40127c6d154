"""Accessibility of the player (mini course, in the test LMS): axe-core on every page type and
state, a keyboard-only run through the course, and no horizontal scrolling at phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from harness import format_violations, normalize_version, run_axe

if TYPE_CHECKING:
    from harness import LmsServer, LmsSession
    from playwright.sync_api import Frame, Page

    from conftest import CourseKit

pytestmark = pytest.mark.usefixtures("no_404s")
FORMATS = ["scorm12", "scorm2004"]


def states(session: LmsSession, kit: CourseKit) -> list[tuple[str, Callable[[], None]]]:
    """(name, step) pairs; each step brings the player to the next page type or state."""
    frame = session.frame
    check = kit.outline.knowledge_checks[0]
    reflection = kit.outline.reflections[0]
    first = kit.questions[0].id
    failing = kit.with_wrong({q.id for q in kit.questions} - {first})

    def goto(page_id: str) -> Callable[[], None]:
        def step() -> None:
            if not frame.evaluate("() => document.getElementById('cpd-toc').open"):
                frame.click("#cpd-toc summary")  # closed at phone width
            frame.click(f'[data-goto="{page_id}"]')

        return step

    def learning() -> None:
        goto(reflection.page_id)()
        frame.fill(f'[data-reflection="{reflection.id}"]', "My reflection")
        kit.choose(frame, "kc", check, kit.wrong(check))
        frame.click(f'[data-action="check"][data-question="{check.id}"]')

    def sa_after() -> None:
        goto(kit.page_with("self_assessment", "after"))()
        for sid in kit.outline.statement_ids:
            frame.check(f'input[name="sa-after-{sid}"][value="4"]')

    def unanswered() -> None:
        frame.click('[data-action="submit-quiz"]')  # shows "answer every question"
        assert "not answered" in (frame.text_content("#cpd-quiz-message") or "")

    def retake_and_pass() -> None:
        frame.click('[data-action="retake-quiz"]')
        kit.answer_quiz(frame, kit.all_correct())

    def rate_before() -> None:
        for sid in kit.outline.statement_ids:
            frame.check(f'input[name="sa-before-{sid}"][value="2"]')

    return [
        ("text, media and self-assessment before", rate_before),
        ("certificate not yet earned", goto(kit.page_with("certificate"))),
        ("reflection and knowledge check feedback", learning),
        ("self-assessment after with table", sa_after),
        ("quiz", goto(kit.page_with("quiz"))),
        ("quiz with unanswered questions", unanswered),
        ("results after failing", lambda: kit.answer_quiz(frame, failing)),
        ("results after passing", retake_and_pass),
        ("certificate", goto(kit.page_with("certificate"))),
        ("exit confirmation", lambda: frame.click('[data-action="exit"]')),
        ("exit view", lambda: frame.click('[data-action="exit-confirm"]')),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_axe_on_every_page_type(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on any page type or quiz state."""
    version = normalize_version(fmt)
    session = mini_kit.launch(page, http_server, version)
    report = []
    for name, step in states(session, mini_kit):
        step()
        violations = run_axe(session.frame)
        if violations:
            report.append(f"{name}:\n{format_violations(violations)}")
    assert report == [], "\n".join(report)
    assert session.frame.is_visible("#cpd-exited")
    assert session.final() is not None
    assert session.errors() == [] and session.problems() == []
    assert session.console_errors == [] and session.page_errors == []


# --------------------------------------------------------------------------- keyboard only

FOCUSED = """() => { const e = document.activeElement;
  return e ? {id: e.id, tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
              value: e.value || '', checked: !!e.checked, action: e.dataset.action || '',
              goto: e.dataset.goto || '', reflection: e.dataset.reflection || ''} : {}; }"""


def focused(frame: Frame) -> dict[str, str]:
    """Describe the element focused in the SCO's document."""
    return frame.evaluate(FOCUSED)


def press_until(
    page: Page,
    frame: Frame,
    want: Callable[[dict[str, str]], bool],
    key: str = "Tab",
    limit: int = 60,
    on_the_way: Callable[[dict[str, str]], None] | None = None,
) -> dict[str, str]:
    """Press ``key`` until the focused element matches ``want``; call ``on_the_way`` at each."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(frame)
        if want(now):
            return now
        if on_the_way:
            on_the_way(now)
    raise AssertionError(f"{key} x{limit} never reached the wanted element; at {focused(frame)}")


def is_action(action: str) -> Callable[[dict[str, str]], bool]:
    return lambda f: f.get("action") == action


def choose_radio(page: Page, frame: Frame, correct: str) -> None:
    """On a focused radio of an unanswered group: check ``correct`` with arrow keys/Space."""
    if focused(frame)["value"] == correct:
        page.keyboard.press("Space")
        return
    for _ in range(10):
        page.keyboard.press("ArrowDown")  # moves and checks
        if focused(frame)["value"] == correct:
            return
    raise AssertionError(f"arrow keys never reached option {correct}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_keyboard_only(page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str) -> None:
    """Skip link, Next by Tab, ratings by arrows/Space, reflection, TOC to the quiz, quiz and
    submit, all with the keyboard; focus moves to each new page's heading; the result is passed."""
    kit, version = mini_kit, normalize_version(fmt)
    session = kit.launch(page, http_server, version)
    frame = session.frame
    ids = kit.page_ids
    sids = kit.outline.statement_ids

    # skip link: first Tab stop, visible when focused, Enter moves focus to the main content
    press_until(page, frame, lambda f: f.get("tag") == "a", limit=3)
    assert frame.text_content(".cpd-skip:focus") == "Skip to content"
    box = frame.locator(".cpd-skip").bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    assert focused(frame)["id"] == "cpd-main"

    # unit 1, page 1: rate the statements on the way to Next (Space, then arrow key)
    def rate(f: dict[str, str]) -> None:
        if f["type"] == "radio" and f["name"].startswith("sa-") and not f["checked"]:
            page.keyboard.press("Space" if f["name"].endswith(sids[0]) else "ArrowRight")

    press_until(page, frame, is_action("next"), on_the_way=rate)
    assert frame.is_checked(f'input[name="sa-before-{sids[0]}"][value="1"]')
    assert frame.is_checked(f'input[name="sa-before-{sids[1]}"][value="2"]')
    page.keyboard.press("Enter")
    assert focused(frame)["id"] == f"title-{ids[1]}"

    # unit 1, page 2: write a reflection, then Next
    reflection = kit.outline.reflections[0]
    press_until(page, frame, lambda f: f["reflection"] == reflection.id)
    page.keyboard.type("Typed with the keyboard only.")
    press_until(page, frame, is_action("next"))
    page.keyboard.press("Space")
    assert focused(frame)["id"] == f"title-{ids[2]}"
    assert frame.input_value(f"#reflection-{reflection.id}") == "Typed with the keyboard only."

    # the quiz through the table of contents (Shift+Tab back to the link)
    quiz = kit.page_with("quiz")
    press_until(page, frame, lambda f: f["goto"] == quiz, key="Shift+Tab")
    page.keyboard.press("Enter")
    assert focused(frame)["id"] == f"title-{quiz}"

    answers = kit.all_correct()

    def answer(f: dict[str, str]) -> None:
        if not f["name"].startswith("q-"):
            return
        qid = f["name"][2:]
        if f["type"] == "radio" and not f["checked"]:
            choose_radio(page, frame, answers[qid][0])
        elif f["type"] == "checkbox" and (f["value"] in answers[qid]) != f["checked"]:
            page.keyboard.press("Space")

    press_until(page, frame, is_action("submit-quiz"), on_the_way=answer)
    page.keyboard.press("Enter")
    assert focused(frame)["id"] == "cpd-quiz-results"
    assert "3 of 3" in (frame.text_content("[data-results-score]") or "")
    assert "You passed" in (frame.text_content("[data-results-verdict]") or "")

    # on to the certificate with Next, then leave with the Exit button
    press_until(page, frame, is_action("next"))
    page.keyboard.press("Enter")
    assert focused(frame)["id"] == f"title-{ids[4]}"
    assert frame.is_visible("#cpd-certificate")
    press_until(page, frame, is_action("exit"), key="Shift+Tab")
    page.keyboard.press("Enter")  # Exit asks first: focus on "Stay", Shift+Tab to "Leave"
    press_until(page, frame, is_action("exit-confirm"), key="Shift+Tab")
    page.keyboard.press("Enter")
    assert focused(frame)["id"] == "cpd-exited-title"

    final = session.wait_for_terminate()
    assert final is not None
    assert final["cmi.core.score.raw" if version == "1.2" else "cmi.score.raw"] == "100"
    if version == "1.2":
        assert final["cmi.core.lesson_status"] == "passed"
    else:
        assert (final["cmi.completion_status"], final["cmi.success_status"]) == (
            "completed",
            "passed",
        )
    assert session.errors() == [] and session.problems() == []
    assert session.console_errors == [] and session.page_errors == []


# --------------------------------------------------------------------------- phone width

SCROLL = """() => ({doc: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
                   body: [document.body.scrollWidth, document.body.clientWidth]})"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_horizontal_scrolling_at_phone_width(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """At 360x740 no page type or state is wider than the screen; the contents start closed."""
    version = normalize_version(fmt)
    page.set_viewport_size({"width": 360, "height": 740})
    session = mini_kit.launch(page, http_server, version)
    frame = session.frame
    assert frame.evaluate("() => document.getElementById('cpd-toc').open") is False
    too_wide = []
    for name, step in states(session, mini_kit):
        step()
        widths = frame.evaluate(SCROLL)
        if any(scroll > client for scroll, client in widths.values()):
            too_wide.append(f"{name}: {widths}")
    assert too_wide == []
    assert frame.evaluate("() => document.documentElement.clientWidth") == 360
    assert session.errors() == [] and session.problems() == []
    assert session.console_errors == [] and session.page_errors == []
