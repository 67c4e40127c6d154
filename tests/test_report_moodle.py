"""cpd-pack report on the real Moodle 4.5 exports (tests/fixtures/moodle-reports, made from the
sample course at commit d083f28, kept in tests/fixtures/courses/moodle-d083f28): every row parsed,
learners and attempts counted exactly, per-question figures equal to a computation made here
from the same rows with the csv module alone."""

from __future__ import annotations

import csv
import importlib.util
import math
import shutil
from pathlib import Path

import pytest

from cpd_pack.report import collect
from cpd_pack.report.analysis import Analysis
from cpd_pack.report.course import load_key
from cpd_pack.report.flags import all_flags
from cpd_pack.report.moodle import read_moodle
from cpd_pack.report.results import ReportError
from prereq import require

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = FIXTURES / "courses" / "moodle-d083f28"
REPORTS = FIXTURES / "moodle-reports"
INTERACTIONS = REPORTS / "scorm12-interactions-allusers-csv.txt"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _firsts(rows: list[dict[str, str]]) -> dict[str, dict[str, tuple[bool, str]]]:
    """Each learner's first submission: question -> (correct, response), from raw rows."""
    firsts: dict[str, dict[str, tuple[bool, str]]] = {}
    attempts = sorted((r for r in rows if r["Attempt"] != "-"), key=lambda r: int(r["Attempt"]))
    for row in attempts:
        first: dict[str, tuple[bool, str]] = {}
        for n in range(42):
            question = row.get(f"Question {n}") or ""
            if not question or question in first:
                break  # the end of the row, or a retake in the same launch
            first[question] = (row[f"Result {n}"] == "correct", row[f"Response {n}"])
        if first and row["Email address"] not in firsts:
            firsts[row["Email address"]] = first
    return firsts


def _pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return collect(COURSE, [INTERACTIONS])


def test_every_row_is_read_and_counted_exactly(analysis: Analysis) -> None:
    rows = _rows(INTERACTIONS)
    assert len(rows) == 45  # 41 enrolled students, 44 attempts
    assert analysis.learners == 41 == len({r["Email address"] for r in rows})
    assert analysis.started == 40
    assert analysis.attempts == 44 == sum(r["Attempt"] != "-" for r in rows)
    assert analysis.attempts_per_learner == ((1, 36), (2, 4))
    # 40 attempts have answers, 4 of them a retake in the same launch
    assert analysis.submissions == 44
    assert analysis.submissions_per_learner == ((1, 28), (2, 8))
    assert analysis.submitters == 36 == len(_firsts(rows))
    assert analysis.scored == 36
    assert analysis.passed == 7
    assert analysis.results.unknown == {}
    assert analysis.results.notices == []


def test_per_question_figures_match_an_independent_computation(analysis: Analysis) -> None:
    firsts = _firsts(_rows(INTERACTIONS))
    learners = sorted(firsts)
    totals = {who: sum(c for c, _ in firsts[who].values()) / len(firsts[who]) for who in learners}
    ranked = sorted(learners, key=lambda who: (totals[who], who))
    size = round(0.27 * len(ranked))
    upper, lower = ranked[-size:], ranked[:size]
    assert len(analysis.questions) == 21
    for stats in analysis.questions:
        qid = stats.question.id
        right = [1.0 if firsts[who][qid][0] else 0.0 for who in learners]
        rest = [
            sum(c for q, (c, _) in firsts[who].items() if q != qid) / (len(firsts[who]) - 1)
            for who in learners
        ]
        assert stats.n == 36
        assert stats.facility == pytest.approx(sum(right) / 36, abs=1e-12), qid
        assert stats.point_biserial == pytest.approx(_pearson(right, rest), abs=1e-12), qid
        expected_ul = (
            sum(firsts[w][qid][0] for w in upper) / size
            - sum(firsts[w][qid][0] for w in lower) / size
        )
        assert stats.upper_lower == pytest.approx(expected_ul, abs=1e-12), qid
        for option in stats.options:
            tf = {"t": "true", "f": "false"}
            chosen = sum(
                option.id in tf.get(firsts[who][qid][1], firsts[who][qid][1]).split(",")
                for who in learners
            )
            assert option.chosen == chosen, (qid, option.id)


def test_known_figures_and_flags_point_to_the_source(analysis: Analysis) -> None:
    depth = next(q for q in analysis.questions if q.question.id == "q-relational-depth")
    assert (depth.n, depth.correct) == (36, 18)
    assert depth.retake_n == 8
    lines = (COURSE / "course.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[depth.question.line - 1].strip() == "- id: q-relational-depth"
    flags = [str(f) for f in all_flags(analysis.questions) if f.question == "q-relational-depth"]
    where = f"{COURSE.as_posix()}/course.yaml:{depth.question.line}"
    assert flags == [
        f"{where}: q-relational-depth: negative discrimination (-0.51): learners who do well on "
        "the rest of the quiz get this one wrong more often than others: check the key",
        f"{where}: q-relational-depth: option A draws strong learners (point-biserial 0.36; "
        "chosen by 50% of the top group, 20% of the bottom group): is it arguably right, or is "
        "the key unclear?",
        f"{where}: q-relational-depth: option C draws strong learners (point-biserial 0.23; "
        "chosen by 30% of the top group, 20% of the bottom group): is it arguably right, or is "
        "the key unclear?",
    ]


def test_two_downloads_of_one_activity_count_once() -> None:
    both = collect(COURSE, [INTERACTIONS, REPORTS / "scorm12-interactions-withattempts-csv.txt",
                            REPORTS / "scorm12-basic-allusers-csv.txt"])  # fmt: skip
    assert (both.learners, both.attempts, both.submissions) == (41, 44, 44)


def test_excel_download_reads_as_the_text_file() -> None:
    require(importlib.util.find_spec("openpyxl") is not None, "openpyxl (the '.[test]' extra)")
    key = load_key(COURSE)
    excel = read_moodle(REPORTS / "scorm12-interactions-withattempts-excel.xlsx", key)
    text = read_moodle(REPORTS / "scorm12-interactions-withattempts-csv.txt", key)
    assert (excel.learners, excel.attempts, excel.submissions) == (
        text.learners, text.attempts, text.submissions,
    )  # fmt: skip
    assert len(excel.attempts) == 44


def test_scorm2004_interactions_report_is_explained_not_analysed() -> None:
    result = collect(COURSE, [REPORTS / "scorm2004-interactions-allusers-csv.txt"])
    assert (result.learners, result.attempts, result.submissions) == (41, 15, 0)
    assert result.results.notices == [
        "scorm2004-interactions-allusers-csv.txt: Moodle's Interactions report holds no answers, "
        "although 13 attempt(s) have a score. Moodle fills this report only for SCORM 1.2 "
        "packages (it reads SCORM 1.2 element names), so a SCORM 2004 activity's answers never "
        "appear in it. For item analysis, run the SCORM 1.2 package in Moodle, or the xAPI "
        "package with an LRS (cpd-pack report --lrs). This file's scores and attempts are used."
    ]
    assert {q.facility for q in result.questions} == {None}
    basic = collect(COURSE, [REPORTS / "scorm2004-basic-withattempts-csv.txt"])
    assert (basic.learners, basic.attempts, basic.scored) == (15, 15, 13)
    assert basic.results.notices == []


def test_renamed_question_is_reported_not_fatal(tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    yaml = course / "course.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("id: q-gillick\n", "id: q-gillick-competence\n"),
        encoding="utf-8",
    )
    result = collect(course, [INTERACTIONS])
    assert result.results.unknown == {"q-gillick": 44}
    renamed = next(q for q in result.questions if q.question.id == "q-gillick-competence")
    assert (renamed.n, renamed.facility) == (0, None)
    flags = all_flags(result.questions)
    assert [f.message for f in flags if f.question == renamed.question.id] == [
        "no answers in this data: added or renamed since the package that produced the data "
        "was built?"
    ]
    assert result.submitters == 36  # the other 20 questions are still analysed
    assert result.results.notices == []


def test_another_course_is_named_as_the_likely_cause(tmp_path: Path) -> None:
    course = tmp_path / "other"
    shutil.copytree(COURSE, course)
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("id: q-", "id: new-q-"), "utf-8")
    result = collect(course, [INTERACTIONS])
    assert len(result.results.unknown) == 21
    assert result.results.notices == [
        f"None of the 21 question ids in the data is in the course source {course.as_posix()}: "
        "give the course source the package was built from (an older version can be taken from "
        "version control, e.g. git worktree add)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "{file}:1: the file is empty; expected a Moodle SCORM report"),
        (
            "a,b,c\n1,2,3\n",
            "{file}:1: header: not a Moodle SCORM report download: the column(s) 'Name', "
            "'Email address', 'Attempt', 'Started on', 'Last accessed on', 'Score' are missing "
            "(found a,b,c)",
        ),
        (
            "Name\tEmail address\tAttempt\tStarted on\tLast accessed on\tScore\tSCO\n"
            "Ann\tann@example.com\tfirst\t-\t-\t-\t50\n",
            "{file}:2: Attempt: expected an attempt number or '-'; found 'first'",
        ),
        (
            "Name\tEmail address\tAttempt\tStarted on\tLast accessed on\tScore\tSCO\n"
            "Ann\tann@example.com\t1\t-\t-\t-\t50\textra\n",
            "{file}:2: the row has 8 fields but the header has 7; the file is not as Moodle "
            "wrote it",
        ),
    ],
)
def test_bad_input_names_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "export.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        read_moodle(path, load_key(COURSE))
    assert caught.value.message == message.format(file=path)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    text = INTERACTIONS.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "Chloé" in row)
    path.write_bytes(text.encode("latin-1", errors="replace"))
    with pytest.raises(ReportError) as caught:
        read_moodle(path, load_key(COURSE))
    assert caught.value.message == (
        f"{path}:{line}: not UTF-8 text (byte 0xE9); use the file as Moodle downloaded it "
        "(Download > Text file)"
    )


def test_answers_equal_what_moodle_stored() -> None:
    """The Interactions report read by cpd-pack report equals Moodle's own database rows
    (scorm12-raw-tracks.json.gz: every track of every attempt, from the same run)."""
    import gzip
    import json

    raw = json.loads(gzip.decompress((REPORTS / "scorm12-raw-tracks.json.gz").read_bytes()))
    stored: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
    grades: dict[tuple[str, str], float] = {}
    for attempt in raw["attempts"]:
        who = (f"{attempt['username']}@example.com", str(attempt["attempt"]))
        tracks = {t["element"]: t["value"] for sco in attempt["scoes"].values() for t in sco}
        n = 0
        while f"cmi.interactions_{n}.id" in tracks:
            answer = tracks[f"cmi.interactions_{n}.student_response"]
            answer = {"t": "true", "f": "false"}.get(answer, answer)
            correct = tracks[f"cmi.interactions_{n}.result"] == "correct"
            stored.setdefault(who, []).append((tracks[f"cmi.interactions_{n}.id"], answer, correct))
            n += 1
        if "cmi.core.score.raw" in tracks:
            grades[who] = float(tracks["cmi.core.score.raw"])
    results = read_moodle(INTERACTIONS, load_key(COURSE))
    read: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
    for submission in results.submissions:
        read.setdefault((submission.learner, submission.attempt), []).extend(
            (a.question, ",".join(a.response), a.correct) for a in submission.answers
        )
    assert read == stored
    assert sum(len(answers) for answers in read.values()) == 44 * 21
    assert {(a.learner, a.attempt): a.score for a in results.attempts if a.score} == grades


def test_self_assessment_ratings_recorded_as_interactions(tmp_path: Path) -> None:
    """Packages that record each rating as a likert interaction (``sa-before-<statement>``,
    ``sa-after-<statement>``) give the self-assessment change from Moodle's Interactions
    report: the first attempt's ratings before, the last attempt's after."""
    from cpd_pack.report.html import missing

    mini = FIXTURES / "courses" / "mini"
    parts = ("Question", "Response", "Right answer", "Result")
    header = ["Name", "Email address", "Attempt", "Started on", "Last accessed on", "Score", "SCO"]
    header += [f"{part} {n}" for n in range(5) for part in parts]
    lines = ["\t".join(header)]
    for i in range(12):
        after = {0: "2", 1: "3"}.get(i, "4")
        s2 = ("sa-before-s2", "1", "", "neutral") if i < 5 else ("", "", "", "")
        blocks = [("sa-before-listen", "2", "", "neutral"), s2, ("q-single", "b", "b", "correct"),
                  ("sa-after-listen", after, "", "neutral"), ("sa-after-s2", "3", "", "neutral")]  # fmt: skip
        lines.append("\t".join([f"L{i}", f"l{i}@example.com", "1", "-", "-", "80", "80",
                                *(cell for block in blocks for cell in block)]))  # fmt: skip
    retake = [("sa-after-listen", "5", "", "neutral"), ("q-single", "a", "b", "wrong")]
    lines.append("\t".join(["L1", "l1@example.com", "2", "-", "-", "0", "0",
                            *(cell for block in retake for cell in block)]))  # fmt: skip
    path = tmp_path / "sa.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = collect(mini, [path])
    assert result.results.ratings["l0@example.com"] == ("21", "23")
    assert result.results.ratings["l1@example.com"] == ("21", "53")
    assert result.results.ratings["l7@example.com"] == ("20", "43")
    assert result.results.unknown == {}
    assert (result.submissions, result.submitters) == (13, 12)
    listen, s2 = result.self_assessment
    assert (listen.id, listen.n, listen.before, listen.improved) == ("listen", 12, 2.0, 11 / 12)
    assert listen.after == (2 + 5 + 10 * 4) / 12
    assert (s2.id, s2.n, s2.before, s2.after, s2.improved) == ("s2", 5, None, None, None)
    assert [m.figure for m in missing(result)] == [
        "Where learners leave: learners reaching each unit and page"
    ]
