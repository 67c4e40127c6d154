"""What the page and the player need of the question types beyond choice (matching, sequencing,
fill-in, numeric), of a quiz's pool, scenarios and feedback policy (render.py calls these)."""

from __future__ import annotations

import hashlib
from typing import Any

from cpd_pack.content import Renderer
from cpd_pack.loader import Path_
from cpd_pack.model import Question, Quiz
from cpd_pack.question_rules import FILL_IN_BYTES, NUMERIC_CHARS

OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
ITEM_IDS = "123456789"
"""A matching question's items (SCORM 1.2 ids are single characters; matches are a, b, ...)."""


def matches(q: Question) -> list[str]:
    """A matching question's distinct matches, in order of first appearance."""
    return list(dict.fromkeys(pair.match for pair in q.pairs))


def scrambled(q: Question) -> list[int]:
    """A sequencing question's items in a fixed order that is never the correct one."""
    order = sorted(
        range(len(q.items)), key=lambda i: hashlib.sha256(f"{q.id}:{i}".encode()).digest()
    )
    return order[1:] + order[:1] if order == sorted(order) else order


def view(r: Renderer, q: Question, path: Path_) -> dict[str, Any]:
    """The template view of a question's type-specific parts (empty for choice types)."""
    if q.type == "matching":
        found = matches(q)
        first = {m: next(i for i, p in enumerate(q.pairs) if p.match == m) for m in found}
        return {
            "items": [
                {
                    "id": ITEM_IDS[i],
                    "html": r.markdown(p.item, (*path, "pairs", i, "item"), inline=True),
                }
                for i, p in enumerate(q.pairs)
            ],
            "matches": [
                {
                    "id": OPTION_IDS[k],
                    "html": r.markdown(m, (*path, "pairs", first[m], "match"), inline=True),
                }
                for k, m in enumerate(found)
            ],
        }
    if q.type == "sequencing":
        return {
            "items": [
                {
                    "id": OPTION_IDS[i],
                    "html": r.markdown(q.items[i], (*path, "items", i), inline=True),
                }
                for i in scrambled(q)
            ],
        }
    if q.type in ("fill-in", "numeric"):
        return {"maxlength": FILL_IN_BYTES if q.type == "fill-in" else NUMERIC_CHARS}
    return {}


def data(q: Question) -> dict[str, Any]:
    """The data island's type-specific parts of a question (its key included)."""
    extra: dict[str, Any] = {
        key: getattr(q, key) for key in ("topic", "scenario") if getattr(q, key)
    }
    if q.type == "matching":
        found = matches(q)
        extra.update(
            items=list(ITEM_IDS[: len(q.pairs)]),
            matches=list(OPTION_IDS[: len(found)]),
            correct=[OPTION_IDS[found.index(p.match)] for p in q.pairs],
        )
    elif q.type == "sequencing":
        extra.update(
            items=list(OPTION_IDS[: len(q.items)]), correct=list(OPTION_IDS[: len(q.items)])
        )
    elif q.type == "fill-in":
        extra.update(
            accept=[a.strip() for a in q.accept], caseSensitive=q.case_sensitive, correct=[]
        )
    elif q.type == "numeric":
        extra.update(min=q.min, max=q.max, correct=[])
    return extra


def pool_data(quiz: Quiz) -> dict[str, Any]:
    """The data island's pool and feedback policy of a quiz."""
    policy = quiz.feedback
    return {
        "draw": quiz.drawn,
        "perTopic": [[topic, count] for topic, count in quiz.per_topic.items()],
        "feedback": {
            "afterFail": policy.after_fail,
            "afterPass": policy.after_pass,
            "afterLast": policy.after_last_attempt,
        },
    }


def scenarios(r: Renderer, quiz: Quiz) -> dict[str, dict[str, Any]]:
    """The quiz's case vignettes by id, for the template."""
    return {
        s.id: {"title": s.title, "html": r.markdown(s.text, ("quiz", "scenarios", i, "text"))}
        for i, s in enumerate(quiz.scenarios)
    }
