from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.render import data_json, render_site
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
from prereq import require


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


@pytest.fixture(scope="module")
def site_data(mini_outline: Outline, mini_dir: Path) -> dict[str, Any]:
    return data_json(render_site(mini_outline, mini_dir))


def test_limits() -> None:
    assert (SCORM12_SUSPEND_MAX, SCORM12_LOCATION_MAX) == (4096, 255)
    assert (SCORM2004_SUSPEND_MAX, SCORM2004_LOCATION_MAX) == (64000, 1000)


def test_structural_size_of_mini(mini_outline: Outline) -> None:
    # 1 + hash 6 + seq 3 + page 3 + pages 1 + quiz (7 + 1 + 1 + 1) + checks (1 + 1) + 2 + 2
    # + done 3 + lost 1, 11 separators
    assert structural_size(mini_outline) == 45
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
        seq=46655,
        page=4,
        lost=[True, False],
    )
    assert len(encode_state(mini_outline, full)) == structural_size(mini_outline)


def test_structural_size_of_a_big_course(tmp_path: Path) -> None:
    outline = _big_course(tmp_path, pages=1000, questions=300)
    assert len(outline.pages) == 1000
    expected = 1 + 6 + 3 + 3 + 167 + (7 + 300) + 0 + 60 + 60 + 3 + 0 + 11
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


PLAYER_STATE = """
const fs = require("fs"), vm = require("vm"), win = {};
win.window = win;
for (const f of ["lz-string.js", "state.js"]) vm.runInNewContext(fs.readFileSync(process.argv[1] + "/" + f, "utf8"), win);
const D = JSON.parse(fs.readFileSync(0, "utf8")), ST = win.CPD_STATE, S = ST.create(D);
Object.assign(S, {seq: 1296, page: 4, seen: [true, true, true, true, true], day: 20414,
  before: [2, 3], after: [4, 0], lost: [false, true], done: [true], checks: [[false, true]]});
Object.assign(S.quiz, {state: "p", submits: 2, seed: 0xabcdef,
  answers: [[true, false, false], [true, true, false], [false, true]]});
const text = ST.structural(S, D) + ST.reflections(["Zoë felt heard", ""]);
const back = ST.decode(text, D);
process.stdout.write(JSON.stringify({text, back}));
"""


def test_the_player_and_this_module_read_each_other(
    mini_outline: Outline, site_data: dict[str, Any]
) -> None:
    # js/state.js (the codec the player uses) run in node on the mini course's data island
    node = shutil.which("node")
    require(node is not None, "node (js/state.js runs in it)")
    assert node is not None
    js_dir = Path(__file__).parent.parent / "templates" / "static" / "js"
    run = subprocess.run(
        [node, "-e", PLAYER_STATE, str(js_dir)],
        input=json.dumps(site_data),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = json.loads(run.stdout)
    state = decode_state(mini_outline, out["text"])
    assert state is not None
    assert (state.seq, state.page) == (1296, 4)
    assert state.pages_seen == [True] * 5
    assert (state.quiz_state, state.quiz_submits, state.quiz_seed) == (
        "p",
        2,
        "v38q",
    )  # 0xabcdef, 6 bits a character
    assert state.quiz_answers == [[True, False, False], [True, True, False], [False, True]]
    assert state.checks_done == [True]
    assert state.check_answers == [[False, True]]
    assert (state.before, state.after) == ("23", "40")
    assert state.done_day == 20414
    assert state.lost == [False, True]
    assert state.reflections.startswith("N")
    assert encode_state(mini_outline, state) == out["text"]
    # and the player reads back what it wrote
    assert out["back"]["refl"] == ["Zoë felt heard", ""]
    assert out["back"]["page"] == 4 and out["back"]["lost"] == [False, True]


def test_state_for_another_structure_is_discarded(mini_outline: Outline) -> None:
    assert decode_state(mini_outline, "2~zzzzzz~001~004~f~p02EjmvBDC~BC~23~40~000~A~") is None
    old_format = f"1~{mini_outline.structure_hash}~f~p02EjmvBDC~BC~23~40~g17~"
    assert decode_state(mini_outline, old_format) is None
    assert decode_state(mini_outline, "garbage") is None
