"""The rules a question's answers follow for its type (``model.Question.check``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_OPTIONS = 26
MAX_PAIRS = 9
"""A matching question's items are numbered 1 to 9 (SCORM 1.2 ids are single characters)."""
MAX_ACCEPT = 5
"""SCORM 2004 keeps at least 5 correct-response patterns of a fill-in interaction."""
FILL_IN_BYTES = 30
"""Longest fill-in answer (UTF-8 bytes) the saved state keeps; accepted answers fit it."""
NUMERIC_CHARS = 12
"""Longest numeric answer (characters) the saved state keeps."""

_TYPE_KEYS = {
    "options": ("single", "multiple"),
    "answer": ("true-false",),
    "pairs": ("matching",),
    "items": ("sequencing",),
    "accept": ("fill-in",),
    "min": ("numeric",),
    "max": ("numeric",),
}


def problem(q: Any) -> str | None:
    """What is wrong with a question's answers for its type, or None."""
    for key, types in _TYPE_KEYS.items():
        if q.type not in types and getattr(q, key) not in ((), None):
            return f"{key!r} is only for {' or '.join(types)} questions; this one is {q.type!r}"
    if q.type != "fill-in" and q.case_sensitive:
        return f"'case_sensitive' is only for fill-in questions; this one is {q.type!r}"
    return _CHECKS.get(q.type, _choice)(q)


def _true_false(q: Any) -> str | None:
    if q.answer is None:
        return "a true-false question needs 'answer: true' or 'answer: false'"
    return None


def _choice(q: Any) -> str | None:
    if not 2 <= len(q.options) <= MAX_OPTIONS:
        return f"needs 2 to {MAX_OPTIONS} options; found {len(q.options)}"
    correct = sum(option.correct for option in q.options)
    if correct == 0:
        return "no option is marked 'correct: true'; a question needs a correct answer"
    if q.type == "single" and correct > 1:
        return f"a single-choice question has exactly one correct option; found {correct}"
    return None


def _matching(q: Any) -> str | None:
    if not 2 <= len(q.pairs) <= MAX_PAIRS:
        return f"a matching question needs 2 to {MAX_PAIRS} pairs; found {len(q.pairs)}"
    if len({p.match for p in q.pairs}) < 2:
        return "a matching question needs at least 2 different matches"
    return None


def _sequencing(q: Any) -> str | None:
    if not 2 <= len(q.items) <= MAX_OPTIONS:
        return f"a sequencing question needs 2 to {MAX_OPTIONS} items; found {len(q.items)}"
    if len(set(q.items)) < len(q.items):
        return "a sequencing question's items must all differ"
    return None


def _fill_in(q: Any) -> str | None:
    if not 1 <= len(q.accept) <= MAX_ACCEPT:
        count = len(q.accept)
        return f"a fill-in question needs 1 to {MAX_ACCEPT} accepted answers; found {count}"
    for text in q.accept:
        size = len(text.strip().encode("utf-8"))
        if not 0 < size <= FILL_IN_BYTES:
            return (
                f"an accepted answer is 1 to {FILL_IN_BYTES} bytes long (a letter with an accent "
                f"takes 2) so that a learner's answer fits SCORM 1.2; {text!r} has {size}"
            )
        if "[" in text or "]" in text or text.strip().startswith("{"):
            return f"an accepted answer cannot hold '[' or ']' or begin with '{{'; found {text!r}"
    return None


def _numeric(q: Any) -> str | None:
    if q.min is None or q.max is None:
        return "a numeric question needs 'min' and 'max' (the same number for one exact answer)"
    if q.min > q.max:
        return f"'min' ({q.min:g}) is more than 'max' ({q.max:g})"
    if max(len(f"{q.min:g}"), len(f"{q.max:g}")) > NUMERIC_CHARS:
        return f"'min' and 'max' are at most {NUMERIC_CHARS} characters long as written by %g"
    return None


_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "true-false": _true_false,
    "matching": _matching,
    "sequencing": _sequencing,
    "fill-in": _fill_in,
    "numeric": _numeric,
}
