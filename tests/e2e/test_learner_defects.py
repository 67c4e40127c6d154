"""The learner-side defects of issue 9, each shown by what the learner meets in the browser:
scroll position, focus, link targets, classes and text (no screenshots).

The course is the mini course plus a unit of long pages (a contents list taller than a phone),
an external link, a mail link and in-package links, built with the ``none`` adapter (no LMS,
as when opened from disk or previewed) and opened directly."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from harness import no_lms

from cpd_pack.loader import load_course
from cpd_pack.outline import build_outline
from cpd_pack.render import adapter_source, data_json, render_site
from cpd_pack.validate import validate_course

if TYPE_CHECKING:
    from pathlib import Path

    from harness import LmsServer, NoLmsRun
    from playwright.sync_api import Page

    from conftest import CourseKit

pytestmark = pytest.mark.usefixtures("no_404s")

PHONE = {"width": 375, "height": 812}
ELSEWHERE = "_vendor/axe-core/package.json"  # a page outside the package, on the test server
EXTRA_PAGES = 24
LONG_TEXT = "\n\n".join(f"Paragraph {n} of a long page, long enough to scroll." for n in range(40))


def _extra_unit() -> str:
    pages = "".join(
        f"  - id: extra-{n}\n    title: Extra page {n}\n    blocks:\n      - text: |\n"
        + "".join(f"          {line}\n" for line in LONG_TEXT.splitlines())
        for n in range(1, EXTRA_PAGES + 1)
    )
    return f"id: extra\ntitle: Extra\npages:\n{pages}"


def build_learner_site(mini_dir: Path, work: Path, elsewhere: str, quiz: str = "") -> Path:
    """The test course (see the module docstring) as a site folder with the ``none`` adapter;
    ``quiz``: more quiz settings (YAML lines)."""
    course = work / "course"
    shutil.copytree(mini_dir, course)
    yaml = course / "course.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(
        text.replace(
            "  - units/01-start.yaml\n", "  - units/01-start.yaml\n  - units/02-extra.yaml\n"
        ).replace("quiz:\n", "quiz:\n" + quiz),
        encoding="utf-8",
    )
    (course / "units" / "02-extra.yaml").write_text(_extra_unit(), encoding="utf-8")
    with (course / "pages" / "learning.md").open("a", encoding="utf-8") as md:
        md.write(
            f"\nRead [the guideline]({elsewhere}) or write to <mailto:cpd@example.org>;"
            " see [the transcript](media/hello.md) and [the list](#top).\n"
        )
    site = render_site(build_outline(validate_course(load_course(course))), course)
    site["js/lms.js"] = adapter_source("none")
    out = work / "site"
    for path, data in site.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    return out


@pytest.fixture(scope="session")
def learner_site(
    tmp_path_factory: pytest.TempPathFactory, mini_dir: Path, http_server: LmsServer
) -> Path:
    """The test course built once per session (its external link points at the test server)."""
    return build_learner_site(
        mini_dir, tmp_path_factory.mktemp("learner"), http_server.url(ELSEWHERE)
    )


def open_course(page: Page, server: LmsServer, site: Path) -> NoLmsRun:
    run = no_lms(page, server, site, launch="index.html")
    run.frame.wait_for_function(
        "() => document.getElementById('cpd-progress-text').textContent !== ''"
    )
    page.wait_for_function(
        "() => document.getElementById('cpd-page-count').textContent.startsWith('Page 1 ')"
    )
    return run


def goto(page: Page, page_id: str) -> None:
    if not page.evaluate("() => document.getElementById('cpd-toc').open"):
        page.click("#cpd-toc > summary")
    page.click(f'[data-goto="{page_id}"]')


def visible_section(page: Page) -> str:
    return page.evaluate(
        "() => document.querySelector('section.cpd-page:not([hidden])').getAttribute('data-page')"
    )


def texts(page: Page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent.trim())")


def answer(page: Page, qid: str, values: list[str]) -> None:
    for value in values:
        page.click(f'label[for="q-{qid}-{value}"]')


# --------------------------------------------------------------------------- 1. phone contents


def test_phone_contents_choice_lands_on_the_page_title(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """At 375x812, a page chosen at the end of a long contents list: the list closes first, then
    the view goes to the new page's title (just under the sticky header), which has focus."""
    page.set_viewport_size(PHONE)
    run = open_course(page, http_server, learner_site)
    assert page.evaluate("() => document.getElementById('cpd-toc').open") is False
    page.click("#cpd-toc > summary")
    target = f"extra-{EXTRA_PAGES}"
    page.locator(f'[data-goto="{target}"]').scroll_into_view_if_needed()
    assert page.evaluate("() => document.getElementById('cpd-toc').offsetHeight") > 812
    assert page.evaluate("() => window.scrollY") > 0
    page.click(f'[data-goto="{target}"]')
    assert visible_section(page) == target
    assert page.evaluate("() => document.getElementById('cpd-toc').open") is False
    assert page.evaluate("() => document.activeElement.id") == f"title-{target}"
    place = page.evaluate(
        """id => { const h = document.querySelector('.cpd-header').getBoundingClientRect();
                   const t = document.getElementById(id).getBoundingClientRect();
                   const pos = getComputedStyle(document.querySelector('.cpd-header')).position;
                   return {title: Math.round(t.top), head: pos === 'static' ? 0 : Math.round(h.bottom)}; }""",
        f"title-{target}",
    )
    assert place["head"] <= place["title"] <= place["head"] + 2, place
    assert run.page_errors == []


# --------------------------------------------------------------------------- 2. external links


def test_links_leaving_the_package_open_in_a_new_tab_and_say_so(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """http(s) and mailto links: target=_blank, rel=noopener and a hidden "(opens in a new tab)";
    in-package links unchanged. Following the external one leaves the course where it was."""
    run = open_course(page, http_server, learner_site)
    goto(page, "learning")
    links = page.eval_on_selector_all(
        "#page-learning .cpd-text a",
        """els => els.map(a => [a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel'),
                              (a.querySelector('.cpd-sr') || {}).textContent || null])""",
    )
    hint = " (opens in a new tab)"
    assert links == [
        [http_server.url(ELSEWHERE), "_blank", "noopener", hint],
        ["mailto:cpd@example.org", "_blank", "noopener", hint],
        ["media/hello.md", None, None, None],
        ["#top", None, None, None],
    ]
    with page.context.expect_page() as opened:
        page.click(f'#page-learning a[href="{http_server.url(ELSEWHERE)}"]')
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.url == http_server.url(ELSEWHERE)
    assert popup.evaluate("() => window.opener") is None
    assert visible_section(page) == "learning"
    assert run.page_errors == []


# --------------------------------------------------------------------------- 3. unanswered quiz


def test_unanswered_questions_are_named_where_the_learner_is_and_marked(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """Submitting with two questions unanswered: focus and view go to the message above the
    submit button, which links each unanswered question; those are marked until answered."""
    open_course(page, http_server, learner_site)
    goto(page, "final-quiz")
    answer(page, "q-single", ["a"])
    page.click('[data-action="submit-quiz"]')
    assert page.evaluate("() => document.activeElement.id") == "cpd-quiz-message"
    box = page.evaluate(
        """() => { const r = document.getElementById('cpd-quiz-message').getBoundingClientRect();
                   return [r.top >= 0, r.bottom <= window.innerHeight]; }"""
    )
    assert box == [True, True]
    assert (
        page.evaluate(  # the message comes right before the submit button
            """() => document.getElementById('cpd-quiz-message').nextElementSibling
                 .getAttribute('data-action')"""
        )
        == "submit-quiz"
    )
    message = "Answer every question before submitting (2 not answered yet)."
    assert page.text_content("[data-unanswered-text]") == message
    assert texts(page, "[data-unanswered-list] a") == ["Question 2", "Question 3"]
    assert page.eval_on_selector_all(
        ".cpd-question.is-unanswered", "els => els.map(e => e.dataset.question)"
    ) == ["q-multi", "q-tf"]
    assert page.get_attribute('input[name="q-q-tf"][value="true"]', "aria-invalid") == "true"
    assert page.get_attribute('input[name="q-q-single"][value="a"]', "aria-invalid") is None
    assert page.text_content('[data-question="q-tf"] [data-verdict]') == "Not answered yet."

    page.click('[data-unanswered-list] a[data-to-question="q-tf"]')
    assert page.evaluate("() => document.activeElement.name") == "q-q-tf"
    answer(page, "q-tf", ["false"])
    assert page.eval_on_selector_all(
        ".cpd-question.is-unanswered", "els => els.map(e => e.dataset.question)"
    ) == ["q-multi"]
    assert page.get_attribute('input[name="q-q-tf"][value="true"]', "aria-invalid") is None
    assert page.text_content('[data-question="q-tf"] [data-verdict]') == ""
    assert texts(page, "[data-unanswered-list] a") == ["Question 2"]
    answer(page, "q-multi", ["a", "b"])
    assert page.text_content("[data-unanswered-text]") == ""
    assert page.is_hidden("[data-unanswered-list]")


# --------------------------------------------------------------------------- 4 and 7. results


def test_a_failed_attempt_marks_choices_and_wrong_questions_without_the_key(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """After a failed attempt that can be retaken: the learner's answers are marked "Your
    answer" (readable, aria-disabled, not disabled), the results list the wrong question as a
    link, and no correct answer or feedback is shown. After a pass: the key and the feedback,
    and the certificate sentence links to the certificate page."""
    open_course(page, http_server, learner_site)
    goto(page, "final-quiz")
    answer(page, "q-single", ["b"])  # wrong
    answer(page, "q-multi", ["a", "b"])
    answer(page, "q-tf", ["false"])
    page.click('[data-action="submit-quiz"]')
    assert page.evaluate("() => document.activeElement.id") == "cpd-quiz-results"
    assert page.text_content("[data-results-wrong-text]") == "1 question was not right:"
    assert texts(page, "[data-results-wrong] a") == ["Question 1"]
    assert page.text_content("[data-results-next]") == (
        "Read the feedback above, then retake the quiz when you are ready."
    )
    assert page.evaluate(  # the results come after the questions: "above" is where they are
        """() => !!(document.getElementById('cpd-quiz').compareDocumentPosition(
                 document.getElementById('cpd-quiz-results')) & Node.DOCUMENT_POSITION_FOLLOWING)"""
    )
    chosen = page.eval_on_selector_all(
        ".cpd-option.is-chosen",
        "els => els.map(e => [e.closest('[data-question]').dataset.question, e.dataset.option,"
        " e.querySelector('[data-chosen-mark]').textContent])",
    )
    assert sorted(chosen) == [
        ["q-multi", "a", "Your answer"],
        ["q-multi", "b", "Your answer"],
        ["q-single", "b", "Your answer"],
        ["q-tf", "false", "Your answer"],
    ]
    assert page.eval_on_selector_all(".cpd-option.is-key", "els => els.length") == 0
    shown = "els => els.filter(e => !e.hidden).length"
    assert page.eval_on_selector_all("#cpd-quiz [data-option-feedback]", shown) == 0
    assert page.eval_on_selector_all("#cpd-quiz [data-qfeedback]", shown) == 0
    assert page.eval_on_selector_all("#cpd-quiz [data-answer-mark]", shown) == 0
    single_b = 'input[name="q-q-single"][value="b"]'
    assert page.evaluate(f"() => document.querySelector('{single_b}').disabled") is False
    assert page.get_attribute(single_b, "aria-disabled") == "true"
    page.click('label[for="q-q-single-a"]', force=True)  # answers cannot change after submission
    assert page.is_checked(single_b)
    page.click('[data-results-wrong] a[data-to-question="q-single"]')
    assert (
        page.evaluate("() => document.activeElement.closest('[data-question]').dataset.question")
        == "q-single"
    )

    page.click('[data-action="retake-quiz"]')
    assert page.eval_on_selector_all(".cpd-option.is-chosen", "els => els.length") == 0
    answer(page, "q-single", ["a"])
    answer(page, "q-multi", ["a", "b"])
    answer(page, "q-tf", ["false"])
    page.click('[data-action="submit-quiz"]')
    keys = page.eval_on_selector_all(
        ".cpd-option.is-key",
        "els => els.map(e => [e.dataset.option, e.querySelector('[data-answer-mark]').textContent])",
    )
    assert sorted(keys) == [
        ["a", "Correct answer"],
        ["a", "Correct answer"],
        ["b", "Correct answer"],
        ["false", "Correct answer"],
    ]
    assert page.eval_on_selector_all("#cpd-quiz [data-option-feedback]", shown) == 6
    assert page.text_content("[data-results-wrong-text]") == ""
    assert (
        page.text_content("[data-results-next]")
        == "Your certificate is on the page “Your certificate”."
    )
    assert page.get_attribute("[data-results-next] a", "href") == "#page-certificate"
    page.click("[data-results-next] a")
    assert visible_section(page) == "certificate"
    assert page.evaluate("() => document.activeElement.id") == "title-certificate"


def test_the_last_failed_attempt_shows_the_key_and_the_feedback(
    page: Page, http_server: LmsServer, mini_dir: Path, tmp_path: Path
) -> None:
    """With no attempt left there is nothing to hand over: the key and all feedback are shown."""
    site = build_learner_site(
        mini_dir, tmp_path, http_server.url(ELSEWHERE), quiz="  max_attempts: 1\n"
    )
    open_course(page, http_server, site)
    goto(page, "final-quiz")
    answer(page, "q-single", ["b"])  # wrong
    answer(page, "q-multi", ["a", "b"])
    answer(page, "q-tf", ["false"])
    page.click('[data-action="submit-quiz"]')
    assert page.text_content("[data-results-verdict]") == (
        "You have not passed yet. The pass mark is 70%. You have used your only attempt."
    )
    assert page.text_content("[data-results-next]") == "Read the feedback above."
    assert page.is_hidden('[data-action="retake-quiz"]')
    keys = page.eval_on_selector_all(
        ".cpd-option.is-key", "els => els.map(e => e.closest('[data-question]').dataset.question)"
    )
    assert sorted(keys) == ["q-multi", "q-multi", "q-single", "q-tf"]
    shown = "els => els.filter(e => !e.hidden).length"
    assert page.eval_on_selector_all("#cpd-quiz [data-option-feedback]", shown) == 6
    assert page.is_visible('[data-question="q-tf"] [data-qfeedback="correct"]')


# --------------------------------------------------------------------------- 5. hint once


def test_a_multiple_response_prompt_shows_its_hint_once(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    open_course(page, http_server, learner_site)
    legend = page.text_content('[data-question="q-multi"] legend') or ""
    assert " ".join(legend.split()) == "Question 2 of 3: Which are fruits? (choose all that apply)"


# --------------------------------------------------------------------------- 6. exit


def test_exit_asks_first_and_is_gone_afterwards(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """Exit opens a modal dialog (focus on "Stay"); Escape closes it with nothing changed and
    focus back on Exit; confirming exits, and the Exit button is then disabled and hidden."""
    open_course(page, http_server, learner_site)
    page.click('[data-action="exit"]')
    assert page.evaluate("() => document.getElementById('cpd-exit-dialog').open") is True
    assert page.evaluate("() => document.activeElement.dataset.action") == "exit-cancel"
    assert (
        page.text_content("#cpd-exit-question")
        == "Leave the course now? You can come back to it later."
    )
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.getElementById('cpd-exit-dialog').open") is False
    assert page.evaluate("() => document.activeElement.dataset.action") == "exit"
    assert visible_section(page) == "welcome"
    page.click('[data-action="exit"]')
    page.click('[data-action="exit-cancel"]')
    assert visible_section(page) == "welcome"
    page.click('[data-action="exit"]')
    page.click('[data-action="exit-confirm"]')
    assert page.is_visible("#cpd-exited")
    assert page.evaluate("() => document.activeElement.id") == "cpd-exited-title"
    assert page.is_hidden('[data-action="exit"]')
    assert page.is_disabled('[data-action="exit"]')
    assert page.text_content("[data-exit-message]") == (
        "No learning platform was found: your progress is kept in this browser only, and opening"
        " the course here again carries on. You can close this window."
    )


# --------------------------------------------------------------------------- 8. knowledge check


def test_a_knowledge_check_gives_a_second_try_and_marks_the_choice(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    open_course(page, http_server, learner_site)
    goto(page, "learning")
    kc = '[data-check="kc-listen"]'
    page.click('label[for="kc-kc-listen-b"]')
    page.click('[data-action="check"][data-question="kc-listen"]')
    assert page.text_content(f"{kc} [data-verdict]") == "Not quite. Try again: you have 1 more try."
    marked = (
        "els => els.map(e => [e.dataset.option, e.querySelector('[data-chosen-mark]').textContent])"
    )
    assert page.eval_on_selector_all(f"{kc} .cpd-option.is-chosen", marked) == [
        ["b", "Your answer"]
    ]
    assert page.eval_on_selector_all(f"{kc} .cpd-option.is-key", "els => els.length") == 0
    assert (
        page.eval_on_selector_all(
            f"{kc} [data-option-feedback]", "els => els.filter(e => !e.hidden).length"
        )
        == 0
    )
    page.click('label[for="kc-kc-listen-a"]')  # another choice: the old marks go
    assert page.eval_on_selector_all(f"{kc} .cpd-option.is-chosen", marked) == []
    assert page.text_content(f"{kc} [data-verdict]") == ""
    page.click('label[for="kc-kc-listen-b"]')
    page.click('[data-action="check"][data-question="kc-listen"]')  # the same wrong answer again
    assert page.text_content(f"{kc} [data-verdict]") == "Not quite."
    assert page.eval_on_selector_all(f"{kc} .cpd-option.is-chosen", marked) == [
        ["b", "Your answer"]
    ]
    assert page.eval_on_selector_all(
        f"{kc} .cpd-option.is-key", "els => els.map(e => e.dataset.option)"
    ) == ["a"]
    assert page.text_content(f'{kc} [data-option="a"] [data-answer-mark]') == "Correct answer"


def test_a_reload_does_not_give_a_knowledge_check_its_tries_back(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """The wrong try is saved: after a reload the choice and "try again" show, and the next
    wrong answer is the last one (the key is shown)."""
    open_course(page, http_server, learner_site)
    goto(page, "learning")
    kc = '[data-check="kc-listen"]'
    page.click('label[for="kc-kc-listen-b"]')
    page.click('[data-action="check"][data-question="kc-listen"]')
    page.click('[data-action="next"]')  # a save on the way
    page.reload()
    page.wait_for_function(
        "() => document.getElementById('cpd-page-count').textContent.startsWith('Page 3 ')"
    )
    goto(page, "learning")
    assert page.text_content(f"{kc} [data-verdict]") == "Not quite. Try again: you have 1 more try."
    assert page.is_checked("#kc-kc-listen-b")
    assert page.eval_on_selector_all(f"{kc} .cpd-option.is-key", "els => els.length") == 0
    page.click('[data-action="check"][data-question="kc-listen"]')  # the same wrong answer
    assert page.text_content(f"{kc} [data-verdict]") == "Not quite."
    assert page.eval_on_selector_all(
        f"{kc} .cpd-option.is-key", "els => els.map(e => e.dataset.option)"
    ) == ["a"]


def test_knowledge_check_tries_come_from_the_course(
    learner_site: Path, tmp_path: Path, mini_dir: Path
) -> None:
    """Two tries unless the block says ``tries: N``."""
    assert [
        c["tries"]
        for c in data_json({"index.html": (learner_site / "index.html").read_bytes()})["checks"]
    ] == [2]
    course = tmp_path / "course"
    shutil.copytree(mini_dir, course)
    unit = course / "units" / "01-start.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace(
            "          id: kc-listen\n", "          id: kc-listen\n          tries: 3\n"
        ),
        encoding="utf-8",
    )
    site = render_site(build_outline(validate_course(load_course(course))), course)
    assert [c["tries"] for c in data_json(site)["checks"]] == [3]


# --------------------------------------------------------------------------- 9. no LMS


def test_without_an_lms_a_reload_keeps_the_progress(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """The none adapter keeps the state in localStorage (course id + structure hash) and says so."""
    run = open_course(page, http_server, learner_site)
    assert page.text_content("#cpd-notice") == (
        "There is no learning platform here, so your progress is kept in this browser only:"
        " if you reload the page, you carry on where you left off."
    )
    goto(page, "learning")
    page.click('label[for="kc-kc-listen-a"]')
    page.click('[data-action="check"][data-question="kc-listen"]')
    page.fill("[data-reflection]", "Kept across a reload")
    page.click('[data-action="next"]')  # the reflection is saved when it loses focus
    total = len(data_json({"index.html": (learner_site / "index.html").read_bytes()})["pages"])
    assert page.text_content("#cpd-progress-text") == f"3 of {total} pages seen"
    hashed = data_json({"index.html": (learner_site / "index.html").read_bytes()})["hash"]
    keys = page.evaluate("() => Object.keys(localStorage)")
    assert f"cpd-pack.progress|mini-course|{hashed}" in keys
    page.reload()
    page.wait_for_function(
        "() => document.getElementById('cpd-page-count').textContent.startsWith('Page 3 ')"
    )
    assert page.text_content("#cpd-progress-text") == f"3 of {total} pages seen"
    assert visible_section(page) == "extra-1"
    goto(page, "learning")
    assert page.text_content('[data-check="kc-listen"] [data-verdict]') == "Correct."
    assert page.input_value("[data-reflection]") == "Kept across a reload"
    assert run.page_errors == []


# --------------------------------------------------------------------------- 10. contents


def test_the_contents_are_grouped_by_unit_with_progress(
    page: Page, http_server: LmsServer, learner_site: Path
) -> None:
    """Each unit is a collapsible group (.cpd-unit[data-unit]) that says how many of its pages
    were seen; the current unit is open."""
    open_course(page, http_server, learner_site)
    units = page.eval_on_selector_all(".cpd-toc .cpd-unit", "els => els.map(e => e.dataset.unit)")
    assert units == ["start", "extra", "finish"]
    progress = (
        "() => [...document.querySelectorAll('[data-unit-progress]')].map(e => e.textContent)"
    )
    assert page.evaluate(progress) == ["1 of 2 seen", f"0 of {EXTRA_PAGES} seen", "0 of 3 seen"]
    page.click('[data-unit="finish"] > summary')  # closed by the learner
    assert page.evaluate("() => document.querySelector('[data-unit=\"finish\"]').open") is False
    goto(page, "extra-1")
    page.click('[data-unit="finish"] > summary')
    page.click('[data-goto="wrap-up"]')
    page.click('[data-unit="finish"] > summary')  # the learner closes the current unit ...
    page.click('[data-action="next"]')  # ... and it opens again on the next page in it
    assert page.evaluate("() => document.querySelector('[data-unit=\"finish\"]').open") is True
    assert page.evaluate(progress) == ["1 of 2 seen", f"1 of {EXTRA_PAGES} seen", "2 of 3 seen"]


@pytest.mark.parametrize("fmt", ["scorm12", "scorm2004"])
def test_a_package_opened_from_disk_keeps_the_progress_across_a_reload(
    page: Page, http_server: LmsServer, mini_kit: CourseKit, fmt: str
) -> None:
    """A SCORM package opened directly (no LMS API found, not in a frame) keeps its state in
    localStorage too; the SCORM adapters' own two-window copy is left as it was."""
    run = no_lms(page, http_server, mini_kit.package(fmt))
    assert "kept in this browser only" in (page.text_content("#cpd-notice") or "")
    ids = mini_kit.page_ids
    page.click('[data-action="next"]')
    page.click('[data-action="next"]')
    page.reload()
    page.wait_for_function(
        "() => document.getElementById('cpd-page-count').textContent.startsWith('Page 3 ')"
    )
    assert visible_section(page) == ids[2]
    assert page.text_content("#cpd-progress-text") == f"3 of {len(ids)} pages seen"
    assert run.page_errors == []
