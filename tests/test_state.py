from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.state import (
    SCORM12_LOCATION_MAX,
    SCORM12_SUSPEND_MAX,
    SCORM2004_LOCATION_MAX,
    SCORM2004_SUSPEND_MAX,
    SavedState,
    decode_bits,
    decode_state,
    encode_bits,
    encode_state,
    structural_size,
)
from cpd_pack.validate import validate_course


def _big_course(
    root: Path, pages: int, questions: int, options: int = 4, statements: int = 60
) -> Outline:
    def question(i: int) -> dict[str, Any]:
        opts = [{"text": f"Option {k}", "correct": k == 0} for k in range(options)]
        return {"id": f"q{i}", "type": "single", "prompt": f"Question {i}?", "options": opts}

    data = {
        "id": "big",
        "title": "Big",
        "units": [
            {"id": f"u{u}", "title": f"Unit {u}",
             "pages": [{"id": f"p{u}-{p}", "title": f"Page {p}", "blocks": [{"text": "Hi"}]}
                       for p in range(pages // 10)]}
            for u in range(10)
        ],
        "quiz": {"questions": [question(i) for i in range(questions)]},
        "self_assessment": {"statements": [{"text": f"Statement {i}"} for i in range(statements)]},
    }  # fmt: skip
    data["units"][0]["pages"][0]["blocks"].append({"quiz": "final"})
    data["units"][0]["pages"][0]["blocks"].append({"self_assessment": "before"})
    root.mkdir(parents=True, exist_ok=True)
    (root / "course.yaml").write_text(json.dumps(data))  # JSON is YAML
    return build_outline(validate_course(load_course(root)))


def test_limits() -> None:
    assert (SCORM12_SUSPEND_MAX, SCORM12_LOCATION_MAX) == (4096, 255)
    assert (SCORM2004_SUSPEND_MAX, SCORM2004_LOCATION_MAX) == (64000, 1000)


def test_structural_size_of_mini(mini_outline: Outline) -> None:
    # 1 + hash 6 + pages 1 + quiz (7 + 1 + 1 + 1) + checks (1 + 1) + 2 + 2 + done 3, 8 separators
    assert structural_size(mini_outline) == 35
    full = SavedState(
        pages_seen=[True] * 5,
        quiz_state="p",
        quiz_submits=2,
        quiz_seed="Ejmv",
        quiz_answers=[[True, False, False], [True, True, False], [False, True]],
        checks_done=[True],
        check_answers=[[False, True]],
        before="23",
        after="45",
        done_day=20414,
    )
    assert len(encode_state(mini_outline, full)) == structural_size(mini_outline)


def test_structural_size_of_a_big_course(tmp_path: Path) -> None:
    outline = _big_course(tmp_path, pages=1000, questions=300)
    assert len(outline.pages) == 1000
    expected = 1 + 6 + 167 + (7 + 300) + 0 + 60 + 60 + 3 + 8
    assert structural_size(outline) == expected
    assert expected <= SCORM12_SUSPEND_MAX


def test_structural_size_grows_with_options(tmp_path: Path) -> None:
    small = structural_size(
        _big_course(tmp_path / "a", pages=10, questions=10, options=6, statements=1)
    )
    large = structural_size(
        _big_course(tmp_path / "b", pages=10, questions=10, options=7, statements=1)
    )
    assert large - small == 10  # 7 options need a second character per answer


@pytest.mark.parametrize("count", [0, 1, 5, 6, 7, 26])
def test_bits_round_trip(count: int) -> None:
    bits = [i % 3 == 0 for i in range(count)]
    width = -(-count // 6)
    text = encode_bits(bits, width)
    assert len(text) == width
    assert decode_bits(text, count) == bits


def test_bit_order_is_lowest_first() -> None:
    assert encode_bits([True], 1) == "B"
    assert encode_bits([False, True], 1) == "C"
    assert encode_bits([True] * 6 + [True], 2) == "_B"


def test_decode_what_the_player_wrote(mini_outline: Outline) -> None:
    # Written by js/player.js in a browser session (seed is random per learner).
    saved = f"1~{mini_outline.structure_hash}~f~p02EjmvBDC~BC~23~40~g17~NoIgkgBAZgpgNgFwgCxgQwE"
    state = decode_state(mini_outline, saved)
    assert state is not None
    assert state.pages_seen == [True] * 5
    assert (state.quiz_state, state.quiz_submits, state.quiz_seed) == ("p", 2, "Ejmv")
    assert state.quiz_answers == [[True, False, False], [True, True, False], [False, True]]
    assert state.checks_done == [True]
    assert state.check_answers == [[False, True]]
    assert (state.before, state.after) == ("23", "40")
    assert state.done_day == int("g17", 36)
    assert state.reflections == "NoIgkgBAZgpgNgFwgCxgQwE"
    assert encode_state(mini_outline, state) == saved


def test_state_for_another_structure_is_discarded(mini_outline: Outline) -> None:
    assert decode_state(mini_outline, "1~zzzzzz~f~p02EjmvBDC~BC~23~40~000~") is None
    assert decode_state(mini_outline, "garbage") is None
