"""cpd-pack report on synthetic results from a planted model, through the real pipeline: a Moodle
Interactions report written in Moodle's exact text format, and xAPI statements posted to a real
Ralph LRS and read back with ``--lrs``.

The model (two-parameter logistic): a learner of ability theta ~ N(0, 1) answers question i
correctly with probability 1 / (1 + exp(-a_i (theta - b_i))). Planted: an easy and a hard
question, two sharp (a = 2.2) and one flat (a = 0.15) question, a mis-keyed question (the course
marks B, the model's right answer is A, so the package scores B) and an attractive distractor
(wrong answers go to C with probability logistic(3 theta): strong learners who miss it pick C).
Wrong answers otherwise spread evenly over the other options, except on the easy question,
where nobody picks D.

Tolerances: facility within 0.08 of the planted mean probability (more than three standard errors
at n = 300); point-biserial within 0.12 of the value a 20,000-learner simulation of the same
model gives (about three standard errors at n = 300); page counts exact.
"""

from __future__ import annotations

import math
import random
import statistics
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from click.testing import CliRunner

from cpd_pack.cli import cli
from cpd_pack.report import collect
from cpd_pack.report.analysis import Analysis
from cpd_pack.report.flags import all_flags

if TYPE_CHECKING:
    from lrs.ralph import RalphLRS

LEARNERS = 300
FACILITY_TOLERANCE = 0.08
DISCRIMINATION_TOLERANCE = 0.12
PASS_MARK = 60
OPTIONS = "abcd"


@dataclass(frozen=True)
class Planted:
    """One question of the model."""

    id: str
    b: float
    a: float
    key: str = "a"
    truth: str = "a"
    attract: str | None = None
    never: str | None = None


MODEL = (
    Planted("q-easy", -2.6, 1.0, never="d"),
    Planted("q-hard", 1.9, 1.0),
    Planted("q-sharp-1", 0.0, 2.2),
    Planted("q-sharp-2", -0.5, 2.2),
    Planted("q-flat", 0.0, 0.15),
    Planted("q-mid-1", 0.3, 1.0),
    Planted("q-mid-2", -0.8, 1.2),
    Planted("q-mid-3", 0.7, 1.4),
    Planted("q-miskeyed", -0.6, 1.6, key="b"),
    Planted("q-attractive", 0.2, 1.3, attract="c"),
)
PAGES = ("welcome", "reading-1", "reading-2", "final-quiz", "certificate")


def logistic(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def knows(q: Planted, theta: float) -> float:
    """Probability of choosing the model's right answer."""
    return logistic(q.a * (theta - q.b))


def choose(q: Planted, theta: float, rng: random.Random) -> str:
    if rng.random() < knows(q, theta):
        return q.truth
    if q.attract and rng.random() < logistic(3 * theta):
        return q.attract
    wrong = [o for o in OPTIONS if o not in (q.truth, q.attract, q.never)]
    return rng.choice(wrong)


def p_recorded(q: Planted, theta: float) -> float:
    """Probability that the package records a right answer (it scores against ``q.key``)."""
    if q.key == q.truth:
        return knows(q, theta)
    return (1 - knows(q, theta)) / 3  # the mis-keyed question: B is one of three wrong options


@dataclass
class Learner:
    email: str
    name: str
    theta: float
    submissions: list[dict[str, str]]
    furthest: int


def simulate(count: int, seed: int) -> list[Learner]:
    """Learners, their first submission and (when they fail) one retake, and pages reached."""
    rng = random.Random(seed)
    learners = []
    for n in range(count):
        theta = rng.gauss(0, 1)
        leave = rng.random()
        furthest = 0 if leave < 0.08 else 1 if leave < 0.18 else 3
        submissions: list[dict[str, str]] = []
        if furthest == 3:
            for boost in (0.0, 0.8):
                answers = {q.id: choose(q, theta + boost, rng) for q in MODEL}
                submissions.append(answers)
                if score(answers) >= PASS_MARK:
                    break
            if score(submissions[-1]) >= PASS_MARK:
                furthest = 4
        learners.append(Learner(f"learner{n:03d}@example.com", f"Learner {n:03d}", theta,
                                submissions, furthest))  # fmt: skip
    return learners


def score(answers: dict[str, str]) -> float:
    keys = {q.id: q.key for q in MODEL}
    return round(100 * sum(answers[q] == keys[q] for q in answers) / len(answers), 2)


def write_course(root: Path, iri: str) -> Path:
    """A course with the model's questions (options A-D, the key as planted)."""
    pages: list[dict[str, Any]] = [
        {"id": pid, "title": pid.replace("-", " ").capitalize(), "blocks": [{"text": "Text."}]}
        for pid in PAGES[:3]
    ]
    pages.append({"id": "final-quiz", "title": "Final quiz", "blocks": [{"quiz": "final"}]})
    pages.append({"id": "certificate", "title": "Certificate", "blocks": [{"certificate": True}]})
    questions = [
        {
            "id": q.id,
            "type": "single",
            "prompt": f"Question {q.id}?",
            "options": [
                {"text": f"Option {o.upper()}", **({"correct": True} if o == q.key else {})}
                for o in OPTIONS
            ],
        }
        for q in MODEL
    ]
    course = {
        "id": "synthetic",
        "title": "Synthetic course",
        "pass_mark": PASS_MARK,
        "xapi": {"activity_iri": iri},
        "units": [{"id": "only", "title": "The only unit", "pages": pages}],
        "quiz": {"questions": questions},
    }
    root.mkdir(parents=True)
    (root / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    return root


def moodle_line(fields: list[str]) -> str:
    """One line as Moodle's "text file" download writes it: tabs, quotes around spaces."""
    return "\t".join(f'"{f}"' if " " in f else f for f in fields)


def write_moodle(path: Path, learners: list[Learner]) -> None:
    """The SCORM 1.2 Interactions report: odd learners retake in the same launch (blocks
    10-19 of the same row), even ones in a new attempt (a second row)."""
    blocks = 2 * len(MODEL)
    header = ["Name", "Email address", "Attempt", "Started on", "Last accessed on", "Score",
              "Synthetic course"]  # fmt: skip
    for n in range(blocks):
        header += [f"Question {n}", f"Response {n}", f"Right answer {n}", f"Result {n}"]
    when = "Monday, 30 November 2026, 10:02 AM"
    keys = {q.id: q.key for q in MODEL}
    lines = [moodle_line(header), moodle_line(["Nobody", "nobody@example.com", "-", "-", "-",
                                               "-", "Not attempted"] + [""] * 4 * blocks)]  # fmt: skip

    def cells(answers: dict[str, str]) -> list[str]:
        out: list[str] = []
        for qid, response in answers.items():
            out += [qid, response, keys[qid], "correct" if response == keys[qid] else "wrong"]
        return out

    for number, learner in enumerate(learners):
        rows: list[list[dict[str, str]]] = [[]]  # an attempt left before the quiz
        if learner.submissions:
            same_launch = number % 2 == 1
            rows = [learner.submissions] if same_launch else [[s] for s in learner.submissions]
        for attempt, subs in enumerate(rows, start=1):
            row_cells = [cell for s in subs for cell in cells(s)]
            final = score(subs[-1]) if subs else None
            fixed = [learner.name, learner.email, str(attempt), when, when,
                     f"{final:g}" if final is not None else "0",
                     f"{final:g}" if final is not None else "Incomplete"]  # fmt: skip
            lines.append(moodle_line(fixed + row_cells + [""] * (4 * blocks - len(row_cells))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def learners() -> list[Learner]:
    return simulate(LEARNERS, seed=12)


@pytest.fixture(scope="module")
def expected_discrimination() -> dict[str, float]:
    """Point-biserial (rest-of-test score) of each question in a large simulation."""
    big = [learner for learner in simulate(20_000, seed=99) if learner.submissions]
    keys = {q.id: q.key for q in MODEL}
    found = {}
    for q in MODEL:
        right = [float(ln.submissions[0][q.id] == q.key) for ln in big]
        rest = [
            sum(ln.submissions[0][o] == keys[o] for o in keys if o != q.id) / (len(keys) - 1)
            for ln in big
        ]
        found[q.id] = statistics.correlation(right, rest)
    return found


def check_recovery(
    analysis: Analysis, learners: list[Learner], expected: dict[str, float], course: Path
) -> None:
    takers = [ln for ln in learners if ln.submissions]
    assert analysis.submitters == len(takers)
    for stats in analysis.questions:
        q = next(m for m in MODEL if m.id == stats.question.id)
        planted = statistics.fmean(p_recorded(q, ln.theta) for ln in takers)
        assert stats.facility is not None and stats.point_biserial is not None
        assert abs(stats.facility - planted) <= FACILITY_TOLERANCE, (q.id, stats.facility, planted)
        assert abs(stats.point_biserial - expected[q.id]) <= DISCRIMINATION_TOLERANCE, (
            q.id, stats.point_biserial, expected[q.id],
        )  # fmt: skip
    flags = all_flags(analysis.questions)
    checks = {(f.question, f.kind) for f in flags if f.severity == "check"}
    assert checks == {
        ("q-miskeyed", "key"),
        ("q-miskeyed", "distractor"),  # option A, the model's right answer
        ("q-attractive", "distractor"),
    }

    def flagged(question: str, start: str) -> bool:
        return any(f.question == question and f.message.startswith(start) for f in flags)

    assert flagged("q-miskeyed", "negative discrimination (")
    assert flagged("q-attractive", "option C draws strong learners (point-biserial 0.")
    assert flagged("q-miskeyed", "option A draws strong learners (point-biserial 0.")
    assert flagged("q-easy", "too easy: 9")
    assert flagged("q-easy", "nobody chose option D: ")
    assert flagged("q-hard", "too hard: only 1")
    assert flagged("q-flat", "weak discrimination (0.1")
    # The sharp and middling questions (a >= 1) are not weak; easy and hard ones may be.
    assert {f.question for f in flags if f.kind == "weak"} <= {"q-flat", "q-easy", "q-hard"}
    line = next(
        n
        for n, text in enumerate((course / "course.yaml").read_text().splitlines(), 1)
        if text.strip() == "- id: q-miskeyed"
    )
    miskeyed = next(s for s in analysis.questions if s.question.id == "q-miskeyed")
    assert miskeyed.question.where == f"{(course / 'course.yaml').as_posix()}:{line}"


def test_moodle_csv_recovers_the_planted_model(
    tmp_path: Path, learners: list[Learner], expected_discrimination: dict[str, float]
) -> None:
    course = write_course(tmp_path / "course", "https://example.org/courses/synthetic")
    export = tmp_path / "export.txt"
    write_moodle(export, learners)
    analysis = collect(course, [export])
    takers = [ln for ln in learners if ln.submissions]
    retakes = sum(len(ln.submissions) - 1 for ln in takers)
    assert analysis.learners == LEARNERS + 1
    assert analysis.submissions == len(takers) + retakes
    assert analysis.attempts == LEARNERS + sum(
        len(ln.submissions) - 1 for n, ln in enumerate(learners) if n % 2 == 0 and ln.submissions
    )
    assert analysis.passed == sum(score(ln.submissions[-1]) >= PASS_MARK for ln in takers)
    check_recovery(analysis, learners, expected_discrimination, course)


def statements(learners: list[Learner], iri: str) -> Iterator[dict[str, Any]]:
    """What the xAPI package sends for each learner, in order."""
    verbs = "http://adlnet.gov/expapi/verbs/"
    keys = {q.id: q.key for q in MODEL}
    minute = 0
    for learner in learners:
        base = {"actor": {"mbox": f"mailto:{learner.email}", "name": learner.name}}
        context = {"registration": str(uuid.uuid4()),
                   "contextActivities": {"parent": [{"id": iri}]}}  # fmt: skip

        def make(
            verb: str,
            target: str,
            result: dict[str, Any] | None = None,
            base: dict[str, Any] = base,
            context: dict[str, Any] = context,
        ) -> dict[str, Any]:
            nonlocal minute
            minute += 1
            st = {**base, "id": str(uuid.uuid4()), "verb": {"id": verbs + verb},
                  "object": {"id": target}, "context": context,
                  "timestamp": f"2026-11-30T{minute // 3600 % 24:02d}:{minute // 60 % 60:02d}:"
                               f"{minute % 60:02d}Z"}  # fmt: skip
            if result:
                st["result"] = result
            return st

        yield make("initialized", iri)
        for page in PAGES[: learner.furthest + 1]:
            yield make("experienced", f"{iri}/pages/{page}")
        for answers in learner.submissions:
            for qid, response in answers.items():
                yield make("answered", f"{iri}/questions/{qid}",
                           {"response": response, "success": response == keys[qid]})  # fmt: skip
            got = score(answers)
            verb = "passed" if got >= PASS_MARK else "failed"
            yield make(verb, iri, {"score": {"scaled": got / 100}, "success": got >= PASS_MARK})


def test_statements_from_ralph_recover_the_planted_model(
    tmp_path: Path,
    ralph_lrs: RalphLRS,
    learners: list[Learner],
    expected_discrimination: dict[str, float],
) -> None:
    iri = f"https://example.org/courses/synthetic-{uuid.uuid4().hex[:8]}"
    course = write_course(tmp_path / "course", iri)
    sent = list(statements(learners, iri))
    for start in range(0, len(sent), 500):
        assert ralph_lrs.post(sent[start : start + 500]).status_code == 200
    out = tmp_path / "report"
    result = CliRunner().invoke(
        cli,
        ["report", str(course), "--lrs", ralph_lrs.endpoint,
         "--lrs-auth", f"{ralph_lrs.username}:{ralph_lrs.password}", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"{out / 'report.html'}\n")
    analysis = collect(
        course, lrs=(ralph_lrs.endpoint, f"{ralph_lrs.username}:{ralph_lrs.password}")
    )
    # Ralph pages by 100 statements: all of them came through ``more`` links.
    (source,) = analysis.results.sources
    read = int(source.removeprefix(f"LRS {ralph_lrs.endpoint} (").removesuffix(" statements)"))
    assert read >= len(sent) > 100
    assert analysis.results.notices == [
        f"--lrs {ralph_lrs.endpoint}: the LRS found no statement for activity={iri}, so all "
        f"{read} of its statements were read and those of the course kept (some LRSs, Ralph 5 "
        "among them, do not filter by activity)"
    ]
    check_recovery(analysis, learners, expected_discrimination, course)
    reached = {step.label.split(" ", 1)[1]: step.reached for step in analysis.page_funnel}
    planted = [sum(ln.furthest >= i for ln in learners) for i in range(len(PAGES))]
    assert list(reached.values()) == planted
    assert [step.left for step in analysis.page_funnel] == [
        sum(ln.furthest == i for ln in learners) for i in range(len(PAGES))
    ]
    assert [(s.label, s.reached, s.left) for s in analysis.unit_funnel] == [
        ("The only unit", LEARNERS, LEARNERS)
    ]
