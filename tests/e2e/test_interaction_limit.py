"""SCORM 2004 keeps at most 250 interaction records (issue 10; README "Interactions").

A quiz of 100 questions taken three times fills records 0-99 and 100-199; the third attempt
would pass 250, so it replaces the second one's records question by question. A quiz of 300
questions records its first 250. SCORM 1.2 has no such limit and appends every attempt.
Values are checked as the LMS (scorm-again) holds them after each attempt.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from harness import LmsSession
from test_scorm_runtime import exit_course, go

from conftest import CourseKit, _build_kit

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page


def _quiz_course(root: Path, questions: int) -> Path:
    """One page with a quiz of true/false questions; question k is true when k is even."""
    root.mkdir(parents=True)
    course = {
        "id": f"limit-{questions}",
        "title": f"Interaction limit {questions}",
        "pass_mark": 100,
        "completion": "quiz",
        "units": [{"title": "Only", "pages": [{"title": "Quiz", "blocks": [{"quiz": "final"}]}]}],
        "quiz": {
            "questions": [
                {
                    "id": f"q{k}",
                    "type": "true-false",
                    "prompt": f"Statement {k}.",
                    "answer": k % 2 == 0,
                }
                for k in range(questions)
            ]
        },
    }
    (root / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def kit100(tmp_path_factory: pytest.TempPathFactory) -> CourseKit:
    tmp = tmp_path_factory.mktemp("limit100")
    (tmp / "zips").mkdir()
    return _build_kit(_quiz_course(tmp / "course", 100), tmp / "zips")


@pytest.fixture(scope="module")
def kit300(tmp_path_factory: pytest.TempPathFactory) -> CourseKit:
    tmp = tmp_path_factory.mktemp("limit300")
    (tmp / "zips").mkdir()
    return _build_kit(_quiz_course(tmp / "course", 300), tmp / "zips")


def _attempt(frame: Frame, answer: str, retake: bool) -> None:
    """Answer every question ``answer`` (true/false) at once and submit."""
    if retake:
        frame.click('[data-action="retake-quiz"]')
    frame.evaluate(
        """value => document.querySelectorAll('#cpd-quiz input[value="' + value + '"]')
             .forEach(i => { i.checked = true; i.dispatchEvent(new Event('change', {bubbles: true})); })""",
        answer,
    )
    frame.click('[data-action="submit-quiz"]')
    frame.wait_for_selector("#cpd-quiz-results:not([hidden])")


def _records(session: LmsSession, version: str) -> tuple[int, dict[int, str]]:
    """The LMS's interaction count and each record's learner response."""
    cmi = session.cmi()
    prefix = "cmi.interactions."
    count = len({k.split(".")[2] for k in cmi if k.startswith(prefix) and k.endswith(".id")})
    field = "learner_response" if version == "2004" else "student_response"
    responses = {
        int(k[len(prefix) :].split(".")[0]): v
        for k, v in cmi.items()
        if k.startswith(prefix) and k.endswith("." + field)
    }
    return count, responses


def _ids(session: LmsSession) -> dict[int, str]:
    prefix = "cmi.interactions."
    return {
        int(k[len(prefix) :].split(".")[0]): v.rsplit(":", 1)[-1]
        for k, v in session.cmi().items()
        if k.startswith(prefix) and k.endswith(".id")
    }


def test_a_third_attempt_that_would_pass_250_replaces_the_second(
    page: Page, http_server: LmsServer, kit100: CourseKit
) -> None:
    session = kit100.launch(page, http_server, "2004")
    frame = session.frame
    go(frame, kit100.page_with("quiz"))
    for n, answer in enumerate(("true", "false", "true")):
        _attempt(frame, answer, retake=n > 0)
        count, responses = _records(session, "2004")
        assert count == (100, 200, 200)[n]
    ids = _ids(session)
    assert [ids[i] for i in (0, 99, 100, 199)] == ["q0", "q99", "q0", "q99"]
    assert {responses[i] for i in range(100)} == {"true"}  # the first attempt, kept
    assert {responses[i] for i in range(100, 200)} == {"true"}  # the third replaced the second
    final = exit_course(session)
    assert len({k.split(".")[2] for k in final if k.endswith(".learner_response")}) == 200
    assert session.errors() == []


def test_a_quiz_longer_than_250_records_its_first_250(
    page: Page, http_server: LmsServer, kit300: CourseKit
) -> None:
    session = kit300.launch(page, http_server, "2004")
    frame = session.frame
    go(frame, kit300.page_with("quiz"))
    _attempt(frame, "false", retake=False)
    count, responses = _records(session, "2004")
    assert count == 250
    _attempt(frame, "true", retake=True)
    count, responses = _records(session, "2004")
    assert count == 250
    assert set(responses) == set(range(250))
    assert {responses[i] for i in range(250)} == {"true"}  # the latest attempt, in place
    assert _ids(session)[249] == "q249"
    exit_course(session)
    assert session.errors() == []


def test_scorm12_appends_every_attempt(
    page: Page, http_server: LmsServer, kit100: CourseKit
) -> None:
    session = kit100.launch(page, http_server, "1.2")
    frame = session.frame
    go(frame, kit100.page_with("quiz"))
    for n, answer in enumerate(("true", "false", "true")):
        _attempt(frame, answer, retake=n > 0)
    count, _ = _records(session, "1.2")
    assert count == 300
    exit_course(session)
    assert session.errors() == []
