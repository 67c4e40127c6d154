"""A stratified question pool in the player under scorm-again (SCORM 1.2 and 2004) and with
Ralph (xAPI): the drawn set and order survive a relaunch, a retake draws anew (exactly as
pools.py draws from the saved seed), each topic gives its count, only the drawn questions are
recorded; and the 'score' feedback level shows the score only (issue 10)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness import relaunch_data
from test_scorm_runtime import exit_course, go
from test_xapi_runtime import (
    au_statements,
    exit_course_view,
    open_course,
    verbs,
    wait_for,
    xapi_launcher,
)

from conftest import CourseKit, _build_kit
from cpd_pack.launch import LaunchServer
from cpd_pack.pools import draw
from cpd_pack.state import ALPHABET

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

    from lrs.ralph import RalphLRS

VERSIONS = ["1.2", "2004"]
TOPICS = ("u1", "u2", "u3")
PER_TOPIC = {"u1": 1, "u2": 1, "u3": 2}
COURSE = {
    "id": "pool",
    "title": "Pool",
    "pass_mark": 100,
    "completion": "quiz",
    "xapi": {"activity_iri": "https://example.org/courses/pool"},
    "units": [{"title": "Only", "pages": [{"title": "Quiz", "blocks": [{"quiz": "final"}]}]}],
    "quiz": {
        "shuffle": True,
        "max_attempts": 3,
        "per_topic": PER_TOPIC,
        "feedback": {"after_fail": "score"},
        "questions": [
            {"id": f"q{k}", "type": "true-false", "prompt": f"Statement {k}.",
             "answer": k % 2 == 0, "topic": TOPICS[k % 3]}
            for k in range(12)
        ],
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pool") / "course"
    root.mkdir()
    (root / "course.yaml").write_text(yaml.safe_dump(COURSE, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def kit(course_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CourseKit:
    return _build_kit(course_dir, tmp_path_factory.mktemp("pool-zips"))


def shown(frame: Frame) -> list[str]:
    """The ids of the questions on show, in order."""
    return frame.eval_on_selector_all(
        "#cpd-quiz [data-question]:not([hidden])", "els => els.map(e => e.getAttribute('data-question'))"
    )  # fmt: skip


def seed_of(suspend_data: str) -> int:
    """The quiz's shuffle seed in the saved state (state.py: 4 base64url characters)."""
    quiz = suspend_data.split("~")[5]
    return sum(ALPHABET.index(c) << 6 * k for k, c in enumerate(quiz[3:7]))


def expected(kit: CourseKit, seed: int, attempt: int) -> list[str]:
    quiz = kit.outline.course.quiz
    assert quiz is not None
    return [quiz.questions[i].id for i in draw(quiz, seed, attempt)]


def answer_to_fail(frame: Frame) -> None:
    """The first question on show answered wrong, the others right: 3 of 4, whatever the draw."""
    for n, qid in enumerate(shown(frame)):
        key = int(qid[1:]) % 2 == 0
        frame.check(f'input[name="q-{qid}"][value="{str(key != (n == 0)).lower()}"]')


def suspend(session: Any, version: str) -> str:
    return str(session.cmi()["cmi.suspend_data"])


@pytest.mark.parametrize("version", VERSIONS)
def test_the_draw_survives_a_relaunch_and_a_retake_draws_anew(
    page: Page, http_server: LmsServer, kit: CourseKit, version: str
) -> None:
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, kit.page_with("quiz"))
    first = shown(frame)
    assert len(first) == 4
    assert Counter(TOPICS[int(q[1:]) % 3] for q in first) == PER_TOPIC
    assert frame.text_content(f'[data-question="{first[0]}"] .cpd-qnum') == "Question 1 of 4:"
    frame.check(f'input[name="q-{first[0]}"][value="true"]')  # an answer, saved unsubmitted
    final = exit_course(session)
    seed = seed_of(final["cmi.suspend_data"])
    assert seed != 0 and first == expected(kit, seed, 0)

    again = kit.launch(
        page, http_server, version, initial=relaunch_data(final, version, kit.initial(version))
    )
    frame = again.frame
    go(frame, kit.page_with("quiz"))
    assert shown(frame) == first  # the same questions in the same order
    assert frame.is_checked(f'input[name="q-{first[0]}"][value="true"]')
    answer_to_fail(frame)  # a fail, so that there is a retake
    frame.click('[data-action="submit-quiz"]')
    frame.wait_for_selector("#cpd-quiz-results:not([hidden])")
    assert shown(frame) == first  # the results are those of the attempt answered
    count = len(
        {
            k.split(".")[2]
            for k in again.cmi()
            if k.startswith("cmi.interactions.") and k.endswith(".id")
        }
    )
    assert count == 4  # the drawn questions only
    frame.click('[data-action="retake-quiz"]')
    second = shown(frame)
    assert second == expected(kit, seed, 1)
    assert Counter(TOPICS[int(q[1:]) % 3] for q in second) == PER_TOPIC
    exit_course(again)
    assert again.problems() == []
    assert again.errors() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_after_a_failed_attempt_the_score_only(
    page: Page, http_server: LmsServer, kit: CourseKit, version: str
) -> None:
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, kit.page_with("quiz"))
    answer_to_fail(frame)
    frame.click('[data-action="submit-quiz"]')
    frame.wait_for_selector("#cpd-quiz-results:not([hidden])")
    assert frame.text_content("[data-results-score]").startswith("You answered 3 of 4")
    assert frame.is_hidden("[data-results-wrong]")
    assert frame.text_content("[data-results-wrong-text]") == ""
    verdicts = frame.eval_on_selector_all(
        "#cpd-quiz [data-verdict]", "els => els.map(e => e.textContent)"
    )
    assert set(verdicts) == {""}  # no question is marked right or wrong
    assert frame.text_content("[data-results-next]") == "Retake the quiz when you are ready."
    exit_course(session)
    assert session.problems() == []


@pytest.fixture
def launcher(course_dir: Path, tmp_path: Path, ralph_lrs: RalphLRS) -> Iterator[LaunchServer]:
    with xapi_launcher(course_dir, tmp_path, ralph_lrs) as server:
        yield server


def test_xapi_the_draw_survives_a_relaunch(
    page: Page, launcher: LaunchServer, kit: CourseKit
) -> None:
    course = open_course(page, launcher.launch_url())
    first = shown(course.frame)
    assert len(first) == 4
    exit_course_view(course.frame)
    wait_for(lambda: verbs(au_statements(launcher))[-1] in ("terminated", "suspended"))
    again = open_course(page, launcher.launch_url())
    assert shown(again.frame) == first
    answer_to_fail(again.frame)
    again.frame.click('[data-action="submit-quiz"]')
    again.frame.wait_for_selector("#cpd-quiz-results:not([hidden])")
    exit_course_view(again.frame)
    wait_for(lambda: verbs(au_statements(launcher))[-1] in ("terminated", "suspended"))
    answered = [
        s["object"]["id"].rsplit("/", 1)[-1]
        for s in au_statements(launcher)
        if verbs([s])[0] == "answered"
    ]
    assert answered == first
    assert course.errors == [] and again.errors == []
