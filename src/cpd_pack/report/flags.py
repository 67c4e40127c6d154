"""Plain-language flags per question, each linked to the question's ``file:line``.

Thresholds (docs/report.md gives the reasons): facility above :data:`EASY` is "too easy", below
:data:`HARD` "too hard"; a point-biserial below 0 means "check the key", below :data:`WEAK` weak;
a wrong option chosen by at least :data:`DRAW_SHARE` of learners, whose choosing correlates with
the rest-of-test score at :data:`DRAW_R` or more and which the upper group chooses at least as
often as the lower, "draws strong learners"; an option nobody chose is named.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpd_pack.report.analysis import MIN_LEARNERS, QuestionStats

EASY = 0.90
HARD = 0.30
WEAK = 0.20
DRAW_SHARE = 0.05
DRAW_R = 0.10
TITLES = {"key": "negative discrimination: check the key", "easy": "too easy",
          "hard": "too hard", "weak": "weak discrimination", "sample": "too few answers"}  # fmt: skip


@dataclass(frozen=True)
class Flag:
    """One finding about one question."""

    question: str
    where: str
    """``file:line`` of the question in the course source."""
    kind: str
    """``key``, ``distractor``, ``easy``, ``hard``, ``weak``, ``unused``, ``sample``."""
    severity: str
    """``check`` (probably wrong) or ``review`` (worth a look)."""
    message: str
    title: str = ""
    """A few words for a table cell: ``too easy``, ``option C draws strong learners``."""

    def __str__(self) -> str:
        return f"{self.where}: {self.question}: {self.message}"


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def question_flags(stats: QuestionStats) -> list[Flag]:
    """The flags of one question, most serious first."""
    info = stats.question
    found: list[Flag] = []

    def flag(kind: str, severity: str, message: str, title: str = "") -> None:
        title = title or TITLES[kind]
        found.append(Flag(info.id, info.where, kind, severity, message, title))

    for key in stats.recorded_keys:
        recorded = ", ".join(info.label(k) for k in key)
        now = ", ".join(info.label(k) for k in info.key)
        flag("key", "check", f"the package that produced this data marked {recorded} as the "
             f"answer; the course source now says {now}: these results are for the old key",
             "key changed since this data")  # fmt: skip
    if stats.n == 0:
        flag("sample", "review", "no answers in this data: added or renamed since the package "
             "that produced the data was built?")  # fmt: skip
        return found
    if stats.facility is None:
        flag("sample", "review", f"answered by {stats.n} learner(s) on a first attempt: too few "
             f"for figures (at least {MIN_LEARNERS})")  # fmt: skip
        return found
    if stats.point_biserial is not None and stats.point_biserial < 0:
        flag("key", "check", f"negative discrimination ({stats.point_biserial:.2f}): learners "
             "who do well on the rest of the quiz get this one wrong more often than others: "
             "check the key")  # fmt: skip
    for option in stats.options:
        if option.correct or option.share is None or option.discrimination is None:
            continue
        upper, lower = option.upper or 0.0, option.lower or 0.0
        if option.share >= DRAW_SHARE and option.discrimination >= DRAW_R and upper >= lower:
            flag("distractor", "check", f"option {option.label} draws strong learners "
                 f"(point-biserial {option.discrimination:.2f}; chosen by {_percent(upper)} of "
                 f"the top group, {_percent(lower)} of the bottom group): is it arguably right, "
                 "or is the key unclear?", f"option {option.label} draws strong learners")  # fmt: skip
    if stats.facility > EASY:
        flag("easy", "review", f"too easy: {_percent(stats.facility)} answered correctly at "
             "the first attempt, so it tells learners apart very little")  # fmt: skip
    elif stats.facility < HARD:
        flag("hard", "review", f"too hard: only {_percent(stats.facility)} answered correctly "
             "at the first attempt; check the wording, the key and the course text it tests")  # fmt: skip
    pb = stats.point_biserial
    if pb is not None and 0 <= pb < WEAK:
        flag("weak", "review", f"weak discrimination ({pb:.2f}): it hardly separates learners "
             "who do well on the rest of the quiz from those who do not")  # fmt: skip
    unused = [o.label for o in stats.options if o.chosen == 0 and not o.correct]
    if unused and info.type != "true-false":
        names = ", ".join(unused)
        flag("unused", "review", f"nobody chose option{'s' * (len(unused) > 1)} {names}: "
             "replace with a plausible distractor, or remove",
             f"option{'s' * (len(unused) > 1)} {names} never chosen")  # fmt: skip
    return found


def all_flags(questions: tuple[QuestionStats, ...]) -> list[Flag]:
    """Every question's flags, in quiz order; none when the data holds no answers at all (a
    Basic report, or Moodle's empty SCORM 2004 Interactions report: a notice says so)."""
    if not any(stats.n or stats.recorded_keys for stats in questions):
        return []
    return [flag for stats in questions for flag in question_flags(stats)]
