"""Matching, sequencing, fill-in and numeric questions, a scenario set and the self-assessment
ratings in the player under scorm-again (SCORM 1.2 and 2004, values checked by strict.py), and
fill-in and matching answers as xAPI statements stored by Ralph (issue 10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness import format_violations, relaunch_data, run_axe
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
from lrs.ralph import validate_statement

if TYPE_CHECKING:
    from harness import LmsServer, LmsSession
    from playwright.sync_api import Frame, Page

    from lrs.ralph import RalphLRS

VERSIONS = ["1.2", "2004"]
COURSE = {
    "id": "types",
    "title": "Question types",
    "pass_mark": 100,
    "completion": "quiz",
    "xapi": {"activity_iri": "https://example.org/courses/types"},
    "units": [{"id": "u1", "title": "Only", "pages": [
        {"id": "before", "title": "Before", "blocks": [{"self_assessment": "before"}]},
        {"id": "quiz", "title": "Quiz", "blocks": [{"quiz": "final"}]},
    ]}],
    "self_assessment": {"statements": [{"id": "listen", "text": "I can listen."},
                                       {"id": "repair", "text": "I can repair a rupture."}]},
    "quiz": {
        "max_attempts": 2,
        "scenarios": [{"id": "callum", "title": "Callum",
                       "text": "Callum says he drove home after drinking."}],
        "questions": [
            {"id": "q-single", "type": "single", "prompt": "Pick red.",
             "options": [{"text": "Red", "correct": True}, {"text": "Blue"}]},
            {"id": "q-match", "type": "matching", "prompt": "Match each rupture with its repair.",
             "scenario": "callum",
             "pairs": [{"item": "Withdrawal", "match": "Self-assertion"},
                       {"item": "Confrontation", "match": "Disarming"},
                       {"item": "Avoidance", "match": "Self-assertion"}]},
            {"id": "q-order", "type": "sequencing", "prompt": "Put the ending in order.",
             "items": ["Agree the date", "Review the work", "Say goodbye"]},
            {"id": "q-fill", "type": "fill-in", "prompt": "Name the guidance.", "scenario": "callum",
             "accept": ["Fraser guidelines", "Fraser"]},
            {"id": "q-num", "type": "numeric", "prompt": "How many sessions?", "min": 8, "max": 12},
        ],
    },
}  # fmt: skip
RIGHT = {"q-match": ["a", "b", "a"], "q-order": ["a", "b", "c"], "fill": "fraser", "num": "10"}
WRONG = {"q-match": ["b", "a", "a"], "q-order": ["c", "b", "a"], "fill": "Gillick", "num": "13"}


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("types") / "course"
    root.mkdir()
    (root / "course.yaml").write_text(yaml.safe_dump(COURSE, sort_keys=False), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def kit(course_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> CourseKit:
    return _build_kit(course_dir, tmp_path_factory.mktemp("types-zips"))


def answer(frame: Frame, given: dict[str, Any], single: str = "a") -> None:
    """Fill in every question of the quiz page (answers as in RIGHT / WRONG)."""
    frame.check(f'input[name="q-q-single"][value="{single}"]')
    for qid in ("q-match", "q-order"):
        for slot, value in enumerate(given[qid]):
            frame.select_option(f'select[name="q-{qid}"][data-slot="{slot}"]', value)
    frame.fill("#q-q-fill-text", given["fill"])
    frame.fill("#q-q-num-text", given["num"])
    frame.press("#q-q-num-text", "Tab")  # change fires on leaving the field


def submit(frame: Frame) -> None:
    frame.click('[data-action="submit-quiz"]')
    frame.wait_for_selector("#cpd-quiz-results:not([hidden])")


def records(session: LmsSession, version: str) -> dict[str, dict[str, str]]:
    """Each interaction record's fields by its question id (the last record of an id wins)."""
    cmi, out = session.cmi(), {}
    rows: dict[int, dict[str, str]] = {}
    for key, value in cmi.items():
        if key.startswith("cmi.interactions.") and not key.endswith("_count"):
            n, field = key.split(".", 3)[2:]
            rows.setdefault(int(n), {})[field] = value
    for n in sorted(rows):
        out[rows[n]["id"].rsplit(":", 1)[-1]] = rows[n]
    return out


@pytest.mark.parametrize("version", VERSIONS)
def test_each_type_is_recorded_with_its_pattern(
    page: Page, http_server: LmsServer, kit: CourseKit, version: str
) -> None:
    session = kit.launch(page, http_server, version)
    frame = session.frame
    frame.check('input[name="sa-before-listen"][value="3"]')
    frame.check('input[name="sa-before-repair"][value="2"]')
    frame.check('input[name="sa-before-listen"][value="4"]')  # rated again: the same record
    go(frame, "quiz")
    # the scenario's vignette is shown once, right above its first question, and its questions
    # follow one another
    order = frame.eval_on_selector_all(
        "#cpd-quiz > [data-question]:not([hidden]), #cpd-quiz > [data-scenario]:not([hidden])",
        "els => els.map(e => e.getAttribute('data-question') || 'scenario:' + e.getAttribute('data-scenario'))",
    )  # fmt: skip
    assert order == ["q-single", "scenario:callum", "q-match", "q-fill", "q-order", "q-num"]
    answer(frame, RIGHT)
    submit(frame)
    assert frame.text_content("[data-results-score]") == (
        "You answered 5 of 5 questions correctly (100%)."
    )
    got = records(session, version)
    response = "student_response" if version == "1.2" else "learner_response"
    pattern = "correct_responses.0.pattern"
    if version == "1.2":
        assert {q: got[q]["type"] for q in got} == {
            "sa-before-listen": "likert", "sa-before-repair": "likert", "q-single": "choice",
            "q-match": "matching", "q-fill": "fill-in", "q-order": "sequencing", "q-num": "numeric",
        }  # fmt: skip
        assert got["q-match"][pattern] == got["q-match"][response] == "1.a,2.b,3.a"
        assert got["q-order"][pattern] == got["q-order"][response] == "a,b,c"
        assert got["q-fill"][pattern] == "Fraser guidelines"
        assert got["q-fill"]["correct_responses.1.pattern"] == "Fraser"
        assert got["q-num"][response] == "10"
        assert pattern not in got["q-num"]  # 1.2 has no ranges
        assert [got[q]["result"] for q in ("q-match", "q-fill", "q-num")] == ["correct"] * 3
    else:
        assert got["q-match"][pattern] == got["q-match"][response] == "1[.]a[,]2[.]b[,]3[.]a"
        assert got["q-order"][pattern] == got["q-order"][response] == "a[,]b[,]c"
        assert got["q-fill"][pattern] == "{case_matters=false}Fraser guidelines"
        assert got["q-fill"]["correct_responses.1.pattern"] == "{case_matters=false}Fraser"
        assert got["q-fill"][response] == "fraser"
        assert (got["q-num"][pattern], got["q-num"][response]) == ("8[:]12", "10")
        assert got["sa-before-listen"]["description"] == "I can listen."
    assert got["sa-before-listen"][response] == "4"
    assert got["sa-before-listen"]["result"] == "neutral"
    assert got["sa-before-repair"][response] == "2"
    exit_course(session)
    assert session.problems() == []  # strict Moodle/ADL value checks
    assert session.errors() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_retaker_sees_what_was_wrong_but_not_the_key(
    page: Page, http_server: LmsServer, kit: CourseKit, version: str
) -> None:
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, "quiz")
    answer(frame, WRONG, single="b")
    submit(frame)
    assert frame.text_content("[data-results-score]") == (
        "You answered 0 of 5 questions correctly (0%)."
    )
    for qid in ("q-match", "q-order", "q-fill", "q-num"):
        assert frame.text_content(f'[data-question="{qid}"] [data-verdict]') == "Not quite."
    # default after_fail: questions: the learner's own answers stay, the key stays hidden
    assert frame.input_value("#q-q-fill-text") == "Gillick"
    assert (
        frame.eval_on_selector_all(
            "#cpd-quiz [data-answer-mark]:not([hidden]), #cpd-quiz [data-answer-key]:not([hidden])",
            "els => els.length",
        )
        == 0
    )
    wrong = frame.eval_on_selector_all(
        "[data-results-wrong] a", "els => els.map(e => e.textContent)"
    )
    assert wrong == [f"Question {n}" for n in range(1, 6)]
    got = records(session, version)
    assert {got[q]["result"] for q in ("q-match", "q-order", "q-fill", "q-num")} == {
        "wrong" if version == "1.2" else "incorrect"
    }
    frame.click('[data-action="retake-quiz"]')
    assert frame.input_value("#q-q-fill-text") == ""
    answer(frame, WRONG, single="b")
    submit(frame)  # the last attempt: after_last_attempt full shows the key
    violations = run_axe(frame)  # every type's inputs and marks, under the package's CSP
    assert violations == [], format_violations(violations)
    assert frame.text_content('[data-question="q-fill"] [data-answer-key]') == (
        "Accepted answer: Fraser guidelines / Fraser"
    )
    assert frame.text_content('[data-question="q-num"] [data-answer-key]') == (
        "Any number from 8 to 12 is correct."
    )
    marks = frame.eval_on_selector_all(
        '[data-question="q-match"] [data-answer-mark]', "els => els.map(e => e.textContent)"
    )
    assert marks == ["Correct: Self-assertion", "Correct: Disarming", ""]
    exit_course(session)
    assert session.problems() == []
    assert session.errors() == []


@pytest.mark.parametrize("version", VERSIONS)
def test_typed_and_chosen_answers_survive_a_relaunch(
    page: Page, http_server: LmsServer, kit: CourseKit, version: str
) -> None:
    session = kit.launch(page, http_server, version)
    frame = session.frame
    go(frame, "quiz")
    answer(frame, {**RIGHT, "fill": "Zo\u00eb\u2019s Fraser", "num": "abc"})
    final = exit_course(session)
    again = kit.launch(
        page, http_server, version, initial=relaunch_data(final, version, kit.initial(version))
    )
    frame = again.frame
    assert frame.input_value("#q-q-fill-text") == "Zo\u00eb\u2019s Fraser"
    assert frame.input_value("#q-q-num-text") == "abc"
    assert [
        frame.input_value(f'select[name="q-q-match"][data-slot="{i}"]') for i in range(3)
    ] == RIGHT["q-match"]
    assert [
        frame.input_value(f'select[name="q-q-order"][data-slot="{i}"]') for i in range(3)
    ] == RIGHT["q-order"]
    frame.click('[data-action="submit-quiz"]')  # "abc" is not a number: not submitted
    assert frame.text_content('[data-question="q-num"] [data-verdict]') == (
        "Type a number, such as 12 or 2.5."
    )
    assert frame.is_hidden("#cpd-quiz-results")
    exit_course(again)
    assert again.problems() == []


@pytest.fixture
def launcher(course_dir: Path, tmp_path: Path, ralph_lrs: RalphLRS) -> Iterator[LaunchServer]:
    with xapi_launcher(course_dir, tmp_path, ralph_lrs) as server:
        yield server


def test_xapi_statements_for_typed_answers_and_ratings(
    page: Page, launcher: LaunchServer, ralph_lrs: RalphLRS
) -> None:
    course = open_course(page, launcher.launch_url())
    course.frame.check('input[name="sa-before-listen"][value="3"]')
    go(course.frame, "quiz")
    answer(course.frame, RIGHT)
    submit(course.frame)
    exit_course_view(course.frame)
    wait_for(lambda: verbs(au_statements(launcher))[-1] in ("terminated", "suspended"))
    answered = {
        s["object"]["id"].rsplit("/", 2)[-2] + "/" + s["object"]["id"].rsplit("/", 1)[-1]: s
        for s in au_statements(launcher)
        if verbs([s])[0] in ("answered", "responded")
    }
    assert sorted(answered) == [
        "questions/q-fill", "questions/q-match", "questions/q-num", "questions/q-order",
        "questions/q-single", "ratings/before-listen",
    ]  # fmt: skip
    fill, match = answered["questions/q-fill"], answered["questions/q-match"]
    assert fill["result"]["response"] == "fraser" and fill["result"]["success"] is True
    assert fill["object"]["definition"]["interactionType"] == "fill-in"
    assert match["result"]["response"] == "1[.]a[,]2[.]b[,]3[.]a"
    assert match["object"]["definition"]["correctResponsesPattern"] == ["1[.]a[,]2[.]b[,]3[.]a"]
    rating = answered["ratings/before-listen"]
    assert verbs([rating]) == ["responded"] and rating["result"] == {"response": "3"}
    assert rating["object"]["definition"]["interactionType"] == "likert"
    for statement in ralph_lrs.statements(registration=launcher.registration):
        validate_statement(statement)
    assert course.errors == []
