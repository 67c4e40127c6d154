"""The quiz part of the course model: questions of every type, the pool, scenarios and the
feedback policy (``model.py`` imports them; the rules per question type: ``question_rules.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cpd_pack import question_rules
from cpd_pack.fields import ID, rule

CHOICE_TYPES = ("single", "multiple", "true-false")


@dataclass(frozen=True)
class Feedback:
    """Feedback shown after a question is answered."""

    correct: str = ""
    incorrect: str = ""


@dataclass(frozen=True)
class Option:
    """One option of a choice question."""

    text: str = rule(nonempty=True)
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    """One pair of a matching question: an item and the answer that goes with it."""

    item: str = rule(nonempty=True)
    match: str = rule(nonempty=True)
    """Several items may share one match (sorting items into categories)."""


@dataclass(frozen=True)
class Question:
    """A quiz question or knowledge check."""

    id: str = rule(**ID)
    type: Literal[
        "single", "multiple", "true-false", "matching", "sequencing", "fill-in", "numeric"
    ] = rule()
    prompt: str = rule(nonempty=True)
    options: tuple[Option, ...] = ()
    answer: bool | None = None
    feedback: Feedback = Feedback()
    tries: int | None = rule(None, ge=1, le=9)
    """Knowledge checks only: tries before the answer is shown (default 2)."""
    pairs: tuple[Pair, ...] = ()
    """Matching: each item and its match; the learner picks a match for every item."""
    items: tuple[str, ...] = ()
    """Sequencing: the items in their correct order; the learner sees them shuffled."""
    accept: tuple[str, ...] = ()
    """Fill-in: the accepted answers (spaces at either end ignored)."""
    case_sensitive: bool = False
    """Fill-in: whether capitals must match."""
    min: float | None = None
    """Numeric: the smallest correct answer."""
    max: float | None = None
    """Numeric: the largest correct answer (the same as min for one exact answer)."""
    topic: str | None = rule(None, **ID)
    """Quiz pools: the topic (such as a unit's id) that quiz.per_topic counts."""
    scenario: str | None = rule(None, **ID)
    """Quiz only: the id of the quiz.scenarios case vignette this question follows."""

    def check(self) -> str | None:
        """The answers fit the question type (question_rules.py)."""
        return question_rules.problem(self)


FEEDBACK_LEVELS = Literal["score", "questions", "full"]


@dataclass(frozen=True)
class QuizFeedback:
    """What the learner sees after submitting the quiz: ``score`` (the score only),
    ``questions`` (also which questions were wrong, with the learner's own answers) or ``full``
    (also the correct answers and every feedback text)."""

    after_fail: FEEDBACK_LEVELS = "questions"
    """After a failed attempt that can be retaken: 'full' would hand the key to a retaker."""
    after_pass: FEEDBACK_LEVELS = "full"
    after_last_attempt: FEEDBACK_LEVELS = "full"
    """After failing the last attempt allowed (max_attempts)."""


@dataclass(frozen=True)
class Scenario:
    """A case vignette shown once above the quiz questions that name it (questions[].scenario)."""

    id: str = rule(**ID)
    text: str = rule(nonempty=True)
    """The vignette (Markdown)."""
    title: str = ""


@dataclass(frozen=True)
class Quiz:
    """The scored final quiz."""

    questions: tuple[Question, ...] = rule(min_items=1)
    title: str = rule("Final quiz", nonempty=True)
    intro: str = ""
    shuffle: bool = False
    """Shuffle each question's options, anew every attempt (true-false never)."""
    max_attempts: int | None = rule(None, ge=1, le=1295)
    """Submits allowed; None: unlimited. The last failed one is reported as failed."""
    draw: int | None = rule(None, ge=1)
    """A question pool: how many questions each attempt draws from the bank (default: all)."""
    per_topic: dict[str, int] = field(default_factory=dict)
    """A stratified pool: how many questions of each topic (questions[].topic) every attempt
    draws; the counts add up to 'draw'."""
    scenarios: tuple[Scenario, ...] = ()
    """Case vignettes that linked questions follow."""
    feedback: QuizFeedback = QuizFeedback()
    """What the learner sees after passing, after failing and after the last attempt."""

    @property
    def drawn(self) -> int:
        """How many questions one attempt has."""
        return self.draw or sum(self.per_topic.values()) or len(self.questions)
