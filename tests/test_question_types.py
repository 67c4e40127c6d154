"""Question types beyond choice (question_rules.py, questions.py): their rules with exact errors,
their saved answers (state.py and js/state.js read each other), their xAPI interaction
definitions and their data island."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cpd_pack.activities import activity_definitions
from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.render import data_json, render_site
from cpd_pack.state import (
    SavedState,
    answer_width,
    decode_answer,
    decode_state,
    encode_answer,
    encode_state,
    structural_size,
)
from cpd_pack.validate import validate_course
from prereq import require

JS = Path(__file__).parent.parent / "templates" / "static" / "js"

MATCHING = {
    "id": "q-match", "type": "matching", "prompt": "Match each rupture with its repair.",
    "pairs": [
        {"item": "Withdrawal", "match": "Self-assertion"},
        {"item": "Confrontation", "match": "Disarming"},
        {"item": "Avoidance", "match": "Self-assertion"},
    ],
}  # fmt: skip
SEQUENCING = {
    "id": "q-order", "type": "sequencing", "prompt": "Put the ending in order.",
    "items": ["Agree the date", "Review the work", "Say goodbye"],
}  # fmt: skip
FILL_IN = {
    "id": "q-fill", "type": "fill-in", "prompt": "Name the guidance.",
    "accept": ["Fraser guidelines", " Fraser "],
}  # fmt: skip
NUMERIC = {"id": "q-num", "type": "numeric", "prompt": "How many?", "min": 8, "max": 12}
TYPED = [MATCHING, SEQUENCING, FILL_IN, NUMERIC]


def course_dir(root: Path, questions: list[dict[str, Any]], **quiz: Any) -> Path:
    """A one-page course with a quiz of ``questions`` (and extra quiz keys)."""
    data = {
        "id": "types", "title": "Types", "xapi": {"activity_iri": "https://example.org/types"},
        "units": [{"id": "u1", "title": "Unit", "pages": [
            {"id": "p1", "title": "Page", "blocks": [{"text": "Hi"}, {"quiz": "final"}]}]}],
        "quiz": {"questions": questions, **quiz},
    }  # fmt: skip
    root.mkdir(parents=True, exist_ok=True)
    (root / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


def outline_of(root: Path) -> Outline:
    return build_outline(validate_course(load_course(root)))


def errors(root: Path) -> list[str]:
    with pytest.raises(CourseError) as info:
        validate_course(load_course(root))
    prefix = f"{root.as_posix()}/"
    return [line.removeprefix(prefix) for line in info.value.message.splitlines()[:-1]]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ({**MATCHING, "pairs": MATCHING["pairs"][:1]},
         "quiz.questions[0]: a matching question needs 2 to 9 pairs; found 1"),
        ({**MATCHING, "pairs": [{"item": "A", "match": "X"}, {"item": "B", "match": "X"}]},
         "quiz.questions[0]: a matching question needs at least 2 different matches"),
        ({**SEQUENCING, "items": ["A", "B", "A"]},
         "quiz.questions[0]: a sequencing question's items must all differ"),
        ({**FILL_IN, "accept": []},
         "quiz.questions[0]: a fill-in question needs 1 to 5 accepted answers; found 0"),
        ({**FILL_IN, "accept": ["é" * 16]},
         "quiz.questions[0]: an accepted answer is 1 to 30 bytes long (a letter with an accent "
         f"takes 2) so that a learner's answer fits SCORM 1.2; {'é' * 16!r} has 32"),
        ({**FILL_IN, "accept": ["a[,]b"]},
         "quiz.questions[0]: an accepted answer cannot hold '[' or ']' or begin with '{'; "
         "found 'a[,]b'"),
        ({**NUMERIC, "min": 12, "max": 8}, "quiz.questions[0]: 'min' (12) is more than 'max' (8)"),
        ({**NUMERIC, "max": None},
         "quiz.questions[0]: a numeric question needs 'min' and 'max' (the same number for one "
         "exact answer)"),
        ({**NUMERIC, "options": [{"text": "8", "correct": True}]},
         "quiz.questions[0]: 'options' is only for single or multiple questions; this one is "
         "'numeric'"),
        ({**SEQUENCING, "case_sensitive": True},
         "quiz.questions[0]: 'case_sensitive' is only for fill-in questions; this one is "
         "'sequencing'"),
    ],
)  # fmt: skip
def test_each_type_names_what_is_wrong(tmp_path: Path, question: Any, expected: str) -> None:
    assert errors(course_dir(tmp_path, [question])) == [f"course.yaml:16:5: {expected}"]


def test_a_knowledge_check_stays_a_choice_question(tmp_path: Path) -> None:
    root = course_dir(tmp_path, [NUMERIC])
    data = yaml.safe_load((root / "course.yaml").read_text())
    data["units"][0]["pages"][0]["blocks"].append({"knowledge_check": {**FILL_IN, "id": "kc"}})
    (root / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    assert errors(root) == [
        "course.yaml:16:9: units[0].pages[0].blocks[2].knowledge_check.type: a knowledge check "
        "is single, multiple or true-false; 'fill-in' questions belong in the quiz"
    ]


def test_answer_widths_and_round_trips(tmp_path: Path) -> None:
    outline = outline_of(course_dir(tmp_path, TYPED))
    match, order, fill, num = outline.quiz_questions
    assert [answer_width(q) for q in outline.quiz_questions] == [3, 3, 40, 16]
    assert encode_answer(match, [1, -1, 0]) == "CAB"
    assert decode_answer(match, "CAB") == [1, -1, 0]
    assert decode_answer(match, "Z__") == [-1, -1, -1]  # out of range reads as none
    assert encode_answer(order, [2, 0, 1]) == "DBC"
    assert encode_answer(fill, "Fraser") == "RnJhc2VyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert decode_answer(fill, encode_answer(fill, "Zoë " * 10)) == "Zoë Zoë Zoë Zoë Zoë Zoë "
    assert decode_answer(num, encode_answer(num, "-12.5")) == "-12.5"
    assert decode_answer(num, "") == ""
    # 1 + 6 + 3 + 3 + 1, quiz 7 + 3 + 3 + 40 + 16, checks 0, ratings 0 + 0, done 3, lost 0, 11 ~
    assert structural_size(outline) == 14 + 69 + 3 + 11


READ_BACK = """
const fs = require("fs"), vm = require("vm"), win = {};
win.window = win;
for (const f of ["lz-string.js", "state.js"]) vm.runInNewContext(fs.readFileSync(process.argv[1] + "/" + f, "utf8"), win);
const input = JSON.parse(fs.readFileSync(0, "utf8")), D = input.data, ST = win.CPD_STATE;
const S = ST.decode(input.text, D);
S.quiz.answers[3] = "9.75";
process.stdout.write(JSON.stringify({answers: S.quiz.answers, text: ST.structural(S, D)}));
"""


def test_the_player_reads_and_writes_typed_answers_as_state_py_does(tmp_path: Path) -> None:
    node = shutil.which("node")
    require(node is not None, "node (js/state.js runs in it)")
    assert node is not None
    root = course_dir(tmp_path, TYPED)
    outline = outline_of(root)
    answers = [[1, -1, 0], [2, 0, 1], "Zoë\u2019s answer", "10"]
    state = SavedState(pages_seen=[True], quiz_state="f", quiz_submits=1, quiz_answers=answers)
    text = encode_state(outline, state)
    data = data_json(render_site(outline, root))
    run = subprocess.run(
        [node, "-e", READ_BACK, str(JS)],
        input=json.dumps({"data": data, "text": text}),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    out = json.loads(run.stdout)
    assert out["answers"] == [[1, -1, 0], [2, 0, 1], "Zoë\u2019s answer", "9.75"]
    back = decode_state(outline, out["text"])
    assert back is not None
    assert back.quiz_answers == [[1, -1, 0], [2, 0, 1], "Zoë\u2019s answer", "9.75"]


def test_interaction_definitions_for_xapi(tmp_path: Path) -> None:
    defs = activity_definitions(outline_of(course_dir(tmp_path, TYPED)))
    got = {q: d["definition"] for q, d in defs["questions"].items()}
    assert got["q-match"]["interactionType"] == "matching"
    assert got["q-match"]["correctResponsesPattern"] == ["1[.]a[,]2[.]b[,]3[.]a"]
    assert [c["id"] for c in got["q-match"]["source"]] == ["1", "2", "3"]
    assert got["q-match"]["target"] == [
        {"id": "a", "description": {"en-GB": "Self-assertion"}},
        {"id": "b", "description": {"en-GB": "Disarming"}},
    ]
    assert got["q-order"]["interactionType"] == "sequencing"
    assert got["q-order"]["correctResponsesPattern"] == ["a[,]b[,]c"]
    assert got["q-order"]["choices"][2] == {"id": "c", "description": {"en-GB": "Say goodbye"}}
    assert got["q-fill"]["interactionType"] == "fill-in"
    assert got["q-fill"]["correctResponsesPattern"] == [
        "{case_matters=false}Fraser guidelines",
        "{case_matters=false}Fraser",
    ]
    assert got["q-num"]["interactionType"] == "numeric"
    assert got["q-num"]["correctResponsesPattern"] == ["8[:]12"]


def test_ratings_are_likert_interactions_on_the_course_scale(mini_outline: Outline) -> None:
    defs = activity_definitions(mini_outline)
    rating = defs["ratings"]["after-listen"]
    assert rating["id"] == "https://example.org/courses/mini-course/ratings/after-listen"
    assert rating["definition"]["interactionType"] == "likert"
    assert "correctResponsesPattern" not in rating["definition"]
    assert rating["definition"]["scale"][0] == {
        "id": "1",
        "description": {"en-GB": "Not at all confident"},
    }
    assert len(rating["definition"]["scale"]) == 5


def test_data_island(tmp_path: Path) -> None:
    root = course_dir(tmp_path, [{**FILL_IN, "id": "q-case", "case_sensitive": True}, *TYPED])
    site = render_site(outline_of(root), root)
    data = {q["id"]: q for q in data_json(site)["quiz"]["questions"]}
    assert data["q-match"]["items"] == ["1", "2", "3"]
    assert data["q-match"]["matches"] == ["a", "b"]
    assert data["q-match"]["correct"] == ["a", "b", "a"]
    assert (data["q-order"]["items"], data["q-order"]["correct"]) == (["a", "b", "c"],) * 2
    assert data["q-fill"]["accept"] == ["Fraser guidelines", "Fraser"]
    assert (data["q-case"]["caseSensitive"], data["q-fill"]["caseSensitive"]) == (True, False)
    assert (data["q-num"]["min"], data["q-num"]["max"]) == (8.0, 12.0)
    assert data_json(site)["quiz"]["draw"] == 5
    assert data_json(site)["quiz"]["feedback"] == {
        "afterFail": "questions",
        "afterPass": "full",
        "afterLast": "full",
    }


def test_a_changed_answer_shape_discards_saved_state(tmp_path: Path) -> None:
    """The saved answers' widths follow the pairs and items, so the structure hash does too."""
    three = outline_of(course_dir(tmp_path / "a", [MATCHING, SEQUENCING]))
    fewer = {**MATCHING, "pairs": MATCHING["pairs"][:2]}
    two = outline_of(course_dir(tmp_path / "b", [fewer, SEQUENCING]))
    same = outline_of(course_dir(tmp_path / "c", [MATCHING, SEQUENCING]))
    assert three.structure_hash != two.structure_hash
    assert three.structure_hash == same.structure_hash
