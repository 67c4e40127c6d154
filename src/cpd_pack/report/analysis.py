"""Item analysis: per question (first attempts and retakes apart) and per course.

Definitions (docs/report.md explains them for designers):

* a learner's **first attempt** is their first quiz submission; later ones are **retakes**.
  Facility, discrimination and the distractor figures use first attempts only.
* **facility**: the share of learners who answered correctly.
* **point-biserial**: Pearson's correlation between the question (1 right, 0 wrong) and the
  **rest-of-test score** (the share of the *other* questions answered correctly), so the question
  does not correlate with itself.
* **upper-lower index**: facility in the top 27 % of learners by score minus facility in the
  bottom 27 % (ties broken by learner key, so the groups are reproducible).
* every proportion or correlation rests on ``n`` learners; below :data:`MIN_LEARNERS` it is None
  (the report says "too few learners" instead of a number).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cpd_pack.report.course import CourseKey, QuestionInfo
from cpd_pack.report.results import Answer, Results, Submission

MIN_LEARNERS = 10
"""Fewest learners a proportion or a correlation is shown for."""
GROUP = 0.27
"""The share of learners in each of the upper and lower groups."""


@dataclass(frozen=True)
class OptionStats:
    """How often one option was chosen on first attempts, and by whom."""

    id: str
    label: str
    text: str
    correct: bool
    chosen: int
    share: float | None
    upper: float | None
    """Share of the upper group choosing it."""
    lower: float | None
    discrimination: float | None
    """Point-biserial of choosing it with the rest-of-test score."""
    mean_rest: float | None
    """Mean rest-of-test score (0-1) of the learners who chose it."""


@dataclass(frozen=True)
class QuestionStats:
    """The figures of one question."""

    question: QuestionInfo
    n: int
    """Learners whose first attempt includes this question."""
    correct: int
    facility: float | None
    point_biserial: float | None
    upper_lower: float | None
    group_size: int
    options: tuple[OptionStats, ...]
    retake_n: int
    """Retake answers (later submissions) to this question."""
    retake_correct: int
    retake_facility: float | None
    recorded_keys: tuple[tuple[str, ...], ...] = ()
    """Keys the package recorded that differ from the course source's key."""


@dataclass(frozen=True)
class FunnelStep:
    """How many learners reached a step, and how many went no further."""

    label: str
    group: str
    reached: int
    left: int


@dataclass(frozen=True)
class RatingChange:
    """One self-assessment statement: ratings at the start and the end of the course."""

    id: str
    text: str
    n: int
    """Learners who rated it both before and after."""
    before: float | None
    after: float | None
    improved: float | None
    """Share of those learners whose rating rose."""


@dataclass(frozen=True)
class Analysis:
    """Everything the report shows."""

    key: CourseKey
    results: Results
    questions: tuple[QuestionStats, ...]
    learners: int
    started: int
    attempts: int
    submitters: int
    submissions: int
    scored: int
    passed: int
    pass_rate: float | None
    mean_score: float | None
    median_score: float | None
    reliability: float | None
    """KR-20 of first attempts (learners who answered every question)."""
    reliability_n: int
    score_bins: tuple[tuple[str, int], ...]
    attempts_per_learner: tuple[tuple[int, int], ...]
    submissions_per_learner: tuple[tuple[int, int], ...]
    course_funnel: tuple[FunnelStep, ...]
    unit_funnel: tuple[FunnelStep, ...]
    page_funnel: tuple[FunnelStep, ...]
    self_assessment: tuple[RatingChange, ...]
    """Empty when the data holds no ratings."""
    scale: int
    """Points on the rating scale."""


def _ratio(part: float, whole: int) -> float | None:
    return part / whole if whole >= MIN_LEARNERS else None


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when either variable is constant or the sample is too small."""
    if len(xs) < MIN_LEARNERS or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def _score(submission: Submission) -> float:
    return sum(a.correct for a in submission.answers) / len(submission.answers)


def _groups(firsts: dict[str, Submission]) -> tuple[set[str], set[str], int]:
    """Learners in the upper and lower 27 % by first-attempt score, and the group size."""
    ranked = sorted(firsts, key=lambda learner: (_score(firsts[learner]), learner))
    size = round(GROUP * len(ranked))
    if len(ranked) < MIN_LEARNERS or size == 0:
        return set(), set(), 0
    return set(ranked[-size:]), set(ranked[:size]), size


def _question(
    info: QuestionInfo, firsts: dict[str, tuple[dict[str, Answer], int]], retakes: list[Submission],
    upper: set[str], lower: set[str], size: int,
) -> QuestionStats:  # fmt: skip
    rows = []  # (learner, correct, response, rest score)
    for learner, (answers, right_count) in firsts.items():
        answer = answers.get(info.id)
        if answer is not None:
            others = len(answers) - 1
            rest = (right_count - answer.correct) / others if others else 0.0
            rows.append((learner, answer.correct, answer.response, rest))
    n = len(rows)
    right = [1.0 if r[1] else 0.0 for r in rows]
    rests = [r[3] for r in rows]
    in_upper = [r for r in rows if r[0] in upper]
    in_lower = [r for r in rows if r[0] in lower]
    grouped = size and n >= MIN_LEARNERS and in_upper and in_lower
    upper_lower = None
    if grouped:
        upper_lower = sum(r[1] for r in in_upper) / len(in_upper) - sum(
            r[1] for r in in_lower
        ) / len(in_lower)
    options = []
    for option in info.options:
        chose = [1.0 if option.id in r[2] else 0.0 for r in rows]
        count = int(sum(chose))
        chosen_rests = [r[3] for r, c in zip(rows, chose, strict=True) if c]
        options.append(
            OptionStats(
                id=option.id,
                label=info.label(option.id),
                text=option.text,
                correct=option.correct,
                chosen=count,
                share=_ratio(count, n),
                upper=sum(option.id in r[2] for r in in_upper) / len(in_upper) if grouped else None,
                lower=sum(option.id in r[2] for r in in_lower) / len(in_lower) if grouped else None,
                discrimination=correlation(chose, rests),
                mean_rest=statistics.fmean(chosen_rests)
                if chosen_rests and n >= MIN_LEARNERS
                else None,
            )
        )
    again = [a for s in retakes for a in s.answers if a.question == info.id]
    recorded = [answers.get(info.id) for answers, _ in firsts.values()] + again
    keys = {a.key for a in recorded if a and a.key is not None and a.key != info.key}
    return QuestionStats(
        question=info,
        n=n,
        correct=int(sum(right)),
        facility=_ratio(sum(right), n),
        point_biserial=correlation(right, rests),
        upper_lower=upper_lower,
        group_size=size if grouped else 0,
        options=tuple(options),
        retake_n=len(again),
        retake_correct=sum(a.correct for a in again),
        retake_facility=_ratio(sum(a.correct for a in again), len(again)),
        recorded_keys=tuple(sorted(keys)),
    )


def _kr20(key: CourseKey, firsts: dict[str, Submission]) -> tuple[float | None, int]:
    """Kuder-Richardson 20 over learners whose first attempt has every question."""
    ids = list(key.questions)
    full = [
        {a.question: a.correct for a in s.answers}
        for s in firsts.values()
        if {a.question for a in s.answers} >= set(ids)
    ]
    if len(full) < MIN_LEARNERS or len(ids) < 2:
        return None, len(full)
    totals = [sum(row[q] for q in ids) for row in full]
    variance = statistics.pvariance(totals)
    if not variance:
        return None, len(full)
    pq = sum((p := sum(row[q] for row in full) / len(full)) * (1 - p) for q in ids)
    return len(ids) / (len(ids) - 1) * (1 - pq / variance), len(full)


def _bins(scores: list[float]) -> tuple[tuple[str, int], ...]:
    """Best scores in ten-point bins: 0-9, 10-19 ... 90-100."""
    counts = Counter(min(int(score // 10), 9) for score in scores)
    return tuple((f"{b * 10}-{b * 10 + 9 if b < 9 else 100}", counts[b]) for b in range(10))


def _funnels(
    key: CourseKey, results: Results
) -> tuple[tuple[FunnelStep, ...], tuple[FunnelStep, ...]]:
    """Per unit and per page (in reading order): learners who opened it, and learners for whom
    it holds the furthest page they opened."""
    if not results.has_visits:
        return (), ()
    index = {page.id: i for i, page in enumerate(key.pages)}
    opened = [{index[p] for p in pages} for pages in results.visits.values() if pages]
    furthest = Counter(max(seen) for seen in opened)
    reached = Counter(i for seen in opened for i in seen)
    pages = tuple(
        FunnelStep(f"{page.number} {page.title}", page.unit, reached[i], furthest[i])
        for i, page in enumerate(key.pages)
    )
    units: dict[str, list[int]] = {}
    for i, page in enumerate(key.pages):
        units.setdefault(page.unit, []).append(i)
    unit_steps = tuple(
        FunnelStep(
            unit,
            "unit",
            sum(bool(seen & set(members)) for seen in opened),
            sum(furthest[i] for i in members),
        )
        for unit, members in units.items()
    )
    return unit_steps, pages


def _ratings(key: CourseKey, results: Results) -> tuple[RatingChange, ...]:
    """Mean rating before and after per statement, over learners who gave both."""
    if not results.ratings:
        return ()
    found = []
    for i, (sid, text) in enumerate(key.statements):
        pairs = [
            (int(before[i]), int(after[i]))
            for before, after in results.ratings.values()
            if i < min(len(before), len(after)) and before[i].isdigit() and after[i].isdigit()
            and before[i] != "0" and after[i] != "0"
        ]  # fmt: skip
        enough = len(pairs) >= MIN_LEARNERS
        found.append(
            RatingChange(
                sid,
                text,
                len(pairs),
                statistics.fmean(b for b, _ in pairs) if enough else None,
                statistics.fmean(a for _, a in pairs) if enough else None,
                _ratio(sum(a > b for b, a in pairs), len(pairs)),
            )
        )
    return tuple(found)


def analyse(key: CourseKey, results: Results) -> Analysis:
    """Compute every figure of the report from the results."""
    firsts: dict[str, Submission] = {}
    retakes: list[Submission] = []
    for submission in results.submissions:
        if submission.learner in firsts:
            retakes.append(submission)
        else:
            firsts[submission.learner] = submission
    upper, lower, size = _groups(firsts)
    by_question = {
        learner: ({a.question: a for a in s.answers}, sum(a.correct for a in s.answers))
        for learner, s in firsts.items()
    }
    questions = tuple(
        _question(info, by_question, retakes, upper, lower, size) for info in key.questions.values()
    )
    best: dict[str, float] = {}
    for attempt in results.attempts:
        if attempt.score is not None:
            best[attempt.learner] = max(attempt.score, best.get(attempt.learner, 0.0))
    for submission in results.submissions:  # a source without scores (xAPI answers only)
        if submission.learner not in best and len(submission.answers) == len(key.questions):
            best[submission.learner] = round(100 * _score(submission), 2)
    scores = list(best.values())
    passed = sum(score >= key.pass_mark for score in scores)
    per_learner = Counter(a.learner for a in results.attempts)
    per_submitter = Counter(s.learner for s in results.submissions)
    started = len(per_learner | per_submitter)
    reliability, reliability_n = _kr20(key, firsts)
    unit_funnel, page_funnel = _funnels(key, results)
    steps = [("Known to the data", len(results.learners)), ("Started", started)]
    if results.submissions:  # a Basic report, or Moodle's SCORM 2004 one, holds no answers
        steps.append(("Submitted the quiz", len(firsts)))
    steps.append(("Passed", passed))
    course_funnel = tuple(
        FunnelStep(label, "course", n, n - steps[i + 1][1] if i + 1 < len(steps) else 0)
        for i, (label, n) in enumerate(steps)
    )
    return Analysis(
        key=key,
        results=results,
        questions=questions,
        learners=len(results.learners),
        started=started,
        attempts=len(results.attempts),
        submitters=len(firsts),
        submissions=len(results.submissions),
        scored=len(scores),
        passed=passed,
        pass_rate=_ratio(passed, len(scores)),
        mean_score=statistics.fmean(scores) if len(scores) >= MIN_LEARNERS else None,
        median_score=statistics.median(scores) if len(scores) >= MIN_LEARNERS else None,
        reliability=reliability,
        reliability_n=reliability_n,
        score_bins=_bins(scores),
        attempts_per_learner=tuple(sorted(Counter(per_learner.values()).items())),
        submissions_per_learner=tuple(sorted(Counter(per_submitter.values()).items())),
        course_funnel=course_funnel,
        unit_funnel=unit_funnel,
        page_funnel=page_funnel,
        self_assessment=_ratings(key, results),
        scale=len(key.scale),
    )
