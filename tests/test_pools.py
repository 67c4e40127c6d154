"""Question pools (pools.py): exact errors with file and line, the draw (the same in
js/questions.js), and the SCORM 1.2 budget counted over the whole bank."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cpd_pack.exceptions import BuildError
from cpd_pack.loader import load_course
from cpd_pack.packagers.scorm12 import Scorm12Packager
from cpd_pack.pools import draw
from cpd_pack.render import data_json, render_site
from cpd_pack.state import structural_size
from cpd_pack.validate import validate
from prereq import require
from test_question_types import JS, course_dir, errors, outline_of


def bank(count: int, topics: tuple[str, ...] = ("u1", "u2"), **extra: Any) -> list[dict[str, Any]]:
    """``count`` true-false questions, their topics taken in turn from ``topics``."""
    return [
        {"id": f"q{i}", "type": "true-false", "prompt": f"Statement {i}.", "answer": i % 2 == 0,
         "topic": topics[i % len(topics)], **extra}
        for i in range(count)
    ]  # fmt: skip


def test_a_draw_larger_than_the_bank(tmp_path: Path) -> None:
    root = course_dir(tmp_path, bank(3), draw=5)
    assert errors(root) == [
        "course.yaml:31:3: quiz.draw: draws 5 questions but the bank has only 3"
    ]


def test_per_topic_counts_are_checked_against_the_bank_and_draw(tmp_path: Path) -> None:
    root = course_dir(tmp_path, bank(6), draw=5, per_topic={"u1": 4, "u2": 2})
    assert errors(root) == [
        "course.yaml:46:3: quiz.draw: is 5 but the per_topic counts add up to 6; make them agree "
        "(or leave 'draw' out)",
        "course.yaml:48:5: quiz.per_topic.u1: takes 4 questions of topic 'u1' but the bank has 3 "
        "questions with 'topic: u1'",
    ]


def test_a_question_no_draw_can_reach(tmp_path: Path) -> None:
    questions = bank(4)
    questions[3]["topic"] = "u3"
    del questions[2]["topic"]
    root = course_dir(tmp_path, questions, per_topic={"u1": 1, "u2": 1})
    assert errors(root) == [
        "course.yaml:26:5: quiz.questions[2].id: question 'q2' has no topic, which quiz.per_topic "
        "does not list, so no attempt would ever draw it",
        "course.yaml:34:5: quiz.questions[3].topic: question 'q3' has topic 'u3', which "
        "quiz.per_topic does not list, so no attempt would ever draw it",
    ]


def test_scenarios_must_exist_and_differ(tmp_path: Path) -> None:
    questions = bank(2, scenario="callum")
    scenarios = [{"id": "bev", "text": "Bev ends."}, {"id": "bev", "text": "Again."}]
    root = course_dir(tmp_path, questions, scenarios=scenarios)
    assert errors(root) == [
        "course.yaml:21:5: quiz.questions[0].scenario: no scenario 'callum'; one of: bev",
        "course.yaml:27:5: quiz.questions[1].scenario: no scenario 'callum'; one of: bev",
        "course.yaml:31:5: quiz.scenarios[1].id: duplicate scenario id 'bev'",
    ]


def test_the_draw_is_the_same_for_an_attempt_and_new_for_the_next(tmp_path: Path) -> None:
    quiz = outline_of(
        course_dir(tmp_path, bank(40, ("u1", "u2", "u3", "u4", "u5")), draw=18)
    ).course.quiz
    assert quiz is not None
    first = draw(quiz, 0xABCDEF, 0)
    assert first == draw(quiz, 0xABCDEF, 0)  # a resumed attempt: the same questions, same order
    assert len(first) == len(set(first)) == 18
    assert first == sorted(first)  # no shuffle: bank order
    assert draw(quiz, 0xABCDEF, 1) != first  # a retake draws anew
    assert draw(quiz, 0x123456, 0) != first  # another learner


def test_stratified_draw_takes_each_topic_count(tmp_path: Path) -> None:
    topics = ("u1", "u2", "u3", "u4", "u5")
    per_topic = {"u1": 4, "u2": 4, "u3": 4, "u4": 3, "u5": 3}
    root = course_dir(tmp_path, bank(40, topics), per_topic=per_topic, shuffle=True)
    quiz = outline_of(root).course.quiz
    assert quiz is not None and quiz.drawn == 18
    for attempt in range(20):
        drawn = draw(quiz, 977, attempt)
        assert Counter(quiz.questions[i].topic for i in drawn) == per_topic
    assert len({tuple(draw(quiz, 977, a)) for a in range(20)}) == 20


def test_a_scenario_keeps_its_questions_together(tmp_path: Path) -> None:
    questions = bank(8)
    for i in (1, 4, 6):
        questions[i]["scenario"] = "callum"
    scenarios = [{"id": "callum", "text": "Callum drove after drinking."}]
    quiz = outline_of(
        course_dir(tmp_path, questions, scenarios=scenarios, shuffle=True)
    ).course.quiz
    assert quiz is not None
    for attempt in range(10):
        drawn = draw(quiz, 4242, attempt)
        at = [k for k, i in enumerate(drawn) if i in (1, 4, 6)]
        assert at == list(range(at[0], at[0] + 3)), drawn


DRAWS = """
const fs = require("fs"), vm = require("vm"), win = {};
win.window = win;
vm.runInNewContext(fs.readFileSync(process.argv[1] + "/questions.js", "utf8"), win);
const D = JSON.parse(fs.readFileSync(0, "utf8")), out = [];
for (const seed of [1, 977, 0xabcdef, 0xffffff]) for (let a = 0; a < 5; a++) out.push(win.CPD_QUESTIONS.draw(D.quiz, seed, a));
process.stdout.write(JSON.stringify(out));
"""


def test_the_player_draws_what_pools_py_draws(tmp_path: Path) -> None:
    node = shutil.which("node")
    require(node is not None, "node (js/questions.js runs in it)")
    assert node is not None
    questions = bank(30, ("u1", "u2", "u3"))
    for i in (2, 5, 11, 17):
        questions[i]["scenario"] = "s1"
    scenarios = [{"id": "s1", "text": "A vignette."}]
    root = course_dir(
        tmp_path,
        questions,
        per_topic={"u1": 3, "u2": 4, "u3": 5},
        shuffle=True,
        scenarios=scenarios,
    )
    outline = outline_of(root)
    run = subprocess.run(
        [node, "-e", DRAWS, str(JS)],
        input=json.dumps(data_json(render_site(outline, root))),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    quiz = outline.course.quiz
    assert quiz is not None
    expected = [draw(quiz, seed, a) for seed in (1, 977, 0xABCDEF, 0xFFFFFF) for a in range(5)]
    assert json.loads(run.stdout) == expected


def test_the_budget_counts_the_whole_bank(tmp_path: Path) -> None:
    small = structural_size(outline_of(course_dir(tmp_path / "a", bank(40), draw=18)))
    full = structural_size(outline_of(course_dir(tmp_path / "b", bank(40))))
    assert small == full  # every bank question keeps its answer, drawn or not
    fill = {"type": "fill-in", "prompt": "Name it.", "accept": ["it"]}
    big = [{"id": f"f{i}", **fill} for i in range(110)]
    outline = outline_of(course_dir(tmp_path / "c", big, draw=10))
    assert structural_size(outline) == 35 + 110 * 40
    with pytest.raises(BuildError) as info:
        Scorm12Packager().check(outline)
    assert str(info.value) == (
        "scorm12: the course's saved state can need 4435 characters, but SCORM 1.2 keeps at most "
        "4096 in cmi.suspend_data; use fewer pages, questions, options or self-assessment "
        "statements, or build only scorm2004"
    )


def test_full_feedback_after_a_retakeable_fail_is_a_warning(tmp_path: Path) -> None:
    root = course_dir(tmp_path, bank(2), feedback={"after_fail": "full"})
    _, found = validate(load_course(root))
    assert [str(w).removeprefix(f"{root.as_posix()}/") for w in found] == [
        "course.yaml:27:5: quiz.feedback.after_fail: warning: 'full' shows the correct answers after a "
        "failed attempt that can be retaken, so a retake can be passed from the key; "
        "'questions' shows which were wrong without it"
    ]
    one = course_dir(tmp_path / "one", bank(2), feedback={"after_fail": "full"}, max_attempts=1)
    assert validate(load_course(one))[1] == []
