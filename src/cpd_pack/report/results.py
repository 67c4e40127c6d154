"""What every input is read into: learners, attempts, quiz submissions and page visits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cpd_pack.exceptions import CpdPackError


class ReportError(CpdPackError):
    """An input of ``cpd-pack report`` cannot be read (``file:LINE: field: message``)."""


@dataclass(frozen=True)
class Answer:
    """One question as answered in one quiz submission."""

    question: str
    """The question id in the course source."""
    response: tuple[str, ...]
    """Option ids chosen (``a``, ``b``...), or ``("true",)`` / ``("false",)``."""
    correct: bool
    """As the package scored it when the result was recorded."""
    key: tuple[str, ...] | None = None
    """The correct response the package recorded (None when the source has none)."""


@dataclass(frozen=True)
class Submission:
    """One submission of the final quiz by one learner."""

    learner: str
    attempt: str
    """The LMS attempt (Moodle) or registration (xAPI) it belongs to."""
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Attempt:
    """One LMS attempt (Moodle) or registration (xAPI) of one learner."""

    learner: str
    attempt: str
    score: float | None
    """Percent; None when no score was ever sent."""
    status: str = ""


@dataclass
class Results:
    """Everything read from the inputs, in the order it happened."""

    sources: list[str] = field(default_factory=list)
    learners: dict[str, str] = field(default_factory=dict)
    """Learner key (email or xAPI account) -> display name; includes learners with no attempt."""
    attempts: list[Attempt] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    visits: dict[str, list[str]] = field(default_factory=dict)
    """Learner -> page ids in the order they were first opened (xAPI ``experienced``)."""
    has_visits: bool = False
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """xAPI learner key -> the actor object as the statements give it (for the State API)."""
    course_objects: dict[str, str] = field(default_factory=dict)
    """xAPI learner key -> the course's activity id in their statements (cmi5: the AU's id)."""
    ratings: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Learner -> self-assessment ratings (before, after) from the saved state: one digit per
    statement, 0 for not rated."""
    unknown: dict[str, int] = field(default_factory=dict)
    """Question or page ids found in the data but not in the course source -> times seen."""
    notices: list[str] = field(default_factory=list)
    """Plain-language notes about the inputs (what is missing, what could not be used)."""

    def add_learner(self, key: str, name: str) -> None:
        """Record a learner once (the first name seen wins)."""
        self.learners.setdefault(key, name or key)

    def count_unknown(self, item: str) -> None:
        """Count one use of an id the course source does not have."""
        self.unknown[item] = self.unknown.get(item, 0) + 1

    def merge(self, other: Results) -> None:
        """Add ``other`` (another input file or the LRS) to these results."""
        self.sources += other.sources
        for key, name in other.learners.items():
            self.add_learner(key, name)
        # Two downloads of one activity (all users / with attempts; Basic / Interactions) hold
        # the same attempts: add a file's attempts and submissions only when they are new.
        if not set(other.attempts) <= set(self.attempts):
            self.attempts += other.attempts
        known = {(s.learner, s.attempt, s.answers) for s in self.submissions}
        if not {(s.learner, s.attempt, s.answers) for s in other.submissions} <= known:
            self.submissions += other.submissions
        for learner, pages in other.visits.items():
            mine = self.visits.setdefault(learner, [])
            mine += [p for p in pages if p not in mine]
        self.has_visits = self.has_visits or other.has_visits
        self.agents.update(other.agents)
        self.course_objects.update(other.course_objects)
        self.ratings.update(other.ratings)
        for item, count in other.unknown.items():
            self.unknown[item] = self.unknown.get(item, 0) + count
        self.notices += other.notices
