"""xAPI activity definitions of a course, made with the tincan library, for xapi and cmi5 packages.

Every activity id is derived from the course's base IRI (``xapi.activity_iri``) and the stable ids
of units, pages and questions, never from anything random, so that a learner's history in the LRS
stays in one place across versions of the course:

* course: ``{base}``; unit: ``{base}/units/{unit_id}``; page: ``{base}/pages/{page_id}``
* quiz question: ``{base}/questions/{id}``; knowledge check: ``{base}/checks/{id}``
* self-assessment rating: ``{base}/ratings/before-{statement_id}`` (and ``after-``), a likert
  interaction on the course's scale, so an LRS or CPD portfolio shows the ratings side by side
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cpd_pack.exceptions import BuildError
from cpd_pack.model import Course, Question
from cpd_pack.outline import Outline
from cpd_pack.questions import ITEM_IDS, OPTION_IDS, matches

XAPI_VERSION = "1.0.3"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
RESPONSE_SEPARATOR = "[,]"
NAME_LIMIT = 120
"""Longest question name (the description keeps the whole prompt)."""
KINDS = ("units", "pages", "questions", "checks", "ratings")

_MD = MarkdownIt("commonmark", {"html": False})


def base_iri(course: Course) -> str:
    """The course's base activity IRI; :class:`BuildError` when ``xapi.activity_iri`` is missing."""
    if course.xapi is None:
        raise BuildError(
            "course.yaml: xapi.activity_iri: the xapi and cmi5 packages need a stable activity "
            "IRI for the course, e.g. "
            f'xapi: {{activity_iri: "https://example.org/courses/{course.id}"}} '
            "(a domain you control; once published, never change it)"
        )
    return course.xapi.activity_iri


def activity_iri(base: str, kind: str, item_id: str) -> str:
    """The IRI of a unit, page, question or check (``kind`` is one of :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")
    return f"{base}/{kind}/{item_id}"


def _inline_text(tokens: list[Token]) -> str:
    out: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif token.type == "image":
            out.append(_inline_text(token.children or []))
    return "".join(out)


def plain_text(markdown: str, inline: bool = False) -> str:
    """The text of (block or inline) Markdown without its markup, on one line."""
    if inline:
        return " ".join(_inline_text(_MD.parseInline(markdown)[0].children or []).split())
    parts = []
    for token in _MD.parse(markdown):
        if token.type == "inline":
            parts.append(_inline_text(token.children or []))
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return " ".join(" ".join(parts).split())


def short_name(text: str, limit: int = NAME_LIMIT) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


Components = list[tuple[str, str]]


def interaction(question: Question) -> tuple[str, list[str], dict[str, Components]]:
    """A question's interaction type, correct responses pattern and components by xAPI name
    (``choices``, or ``source`` and ``target``: id and plain text), with the ids of the SCORM
    packages (options and items a, b, c... in source order; matching items 1, 2, 3...)."""
    text = lambda markdown: plain_text(markdown, inline=True)  # noqa: E731
    if question.type == "true-false":
        return "true-false", ["true" if question.answer else "false"], {}
    if question.type == "matching":
        found = matches(question)
        key = [
            f"{ITEM_IDS[i]}[.]{OPTION_IDS[found.index(p.match)]}"
            for i, p in enumerate(question.pairs)
        ]
        return (
            "matching",
            [RESPONSE_SEPARATOR.join(key)],
            {
                "source": [(ITEM_IDS[i], text(p.item)) for i, p in enumerate(question.pairs)],
                "target": [(OPTION_IDS[k], text(m)) for k, m in enumerate(found)],
            },
        )
    if question.type == "sequencing":
        order = OPTION_IDS[: len(question.items)]
        choices = [(order[i], text(item)) for i, item in enumerate(question.items)]
        return "sequencing", [RESPONSE_SEPARATOR.join(order)], {"choices": choices}
    if question.type == "fill-in":
        case = "{case_matters=true}" if question.case_sensitive else "{case_matters=false}"
        return "fill-in", [case + answer.strip() for answer in question.accept], {}
    if question.type == "numeric":
        return "numeric", [f"{question.min:g}[:]{question.max:g}"], {}
    ids = OPTION_IDS[: len(question.options)]
    correct = [ids[i] for i, option in enumerate(question.options) if option.correct]
    choices = [(ids[i], text(o.text)) for i, o in enumerate(question.options)]
    return "choice", [RESPONSE_SEPARATOR.join(correct)], {"choices": choices}


def activity_definitions(outline: Outline) -> dict[str, Any]:
    """Every activity of the course as xAPI 1.0.3 Activity objects (JSON-ready dicts).

    ``{"course": {...}, "units": {id: {...}}, "pages": {...}, "questions": {...}, "checks": {...}}``
    in reading order. Raises :class:`BuildError` when the course has no ``xapi.activity_iri``.
    """
    # Imported here so that SCORM-only builds do not pay for tincan (about 30 ms).
    from tincan import (  # type: ignore[import-untyped]
        Activity,
        ActivityDefinition,
        InteractionComponent,
        LanguageMap,
    )

    course = outline.course
    base = base_iri(course)

    def lang(text: str) -> Any:
        return LanguageMap({course.language: text})

    def activity(iri: str, kind: str, name: str, description: str, **extra: Any) -> Any:
        name = " ".join(name.split())
        definition = ActivityDefinition(
            type=kind, name=lang(name), description=lang(description or name), **extra
        )
        return Activity(id=iri, definition=definition).as_version(XAPI_VERSION)

    def components(found: Components) -> list[Any]:
        return [InteractionComponent(id=cid, description=lang(text)) for cid, text in found]

    def question(kind: str, q: Question) -> Any:
        interaction_type, pattern, parts = interaction(q)
        prompt = plain_text(q.prompt, inline=True)
        return activity(
            activity_iri(base, kind, q.id),
            INTERACTION_TYPE,
            short_name(prompt),
            prompt,
            interaction_type=interaction_type,
            correct_responses_pattern=pattern,
            **{name: components(found) for name, found in parts.items()},
        )

    def rating(phase: str, sid: str, text: str) -> Any:
        """A self-assessment rating: a likert interaction on the course's scale, no key."""
        labels = sa.scale if sa else ()
        return activity(
            activity_iri(base, "ratings", f"{phase}-{sid}"),
            INTERACTION_TYPE,
            short_name(text),
            text,
            interaction_type="likert",
            scale=components([(str(k + 1), label) for k, label in enumerate(labels)]),
        )

    sa = course.self_assessment
    texts = [s.text for s in sa.statements] if sa else []
    statements = list(zip(outline.statement_ids, texts, strict=True))

    return {
        "course": activity(base, COURSE_TYPE, course.title, plain_text(course.description)),
        "units": {
            unit.id: activity(activity_iri(base, "units", unit.id), MODULE_TYPE, unit.title, "")
            for unit in outline.units
        },
        "pages": {
            page.id: activity(activity_iri(base, "pages", page.id), LESSON_TYPE, page.title, "")
            for page in outline.pages
        },
        "questions": {q.id: question("questions", q) for q in outline.quiz_questions},
        "checks": {q.id: question("checks", q) for q in outline.knowledge_checks},
        "ratings": {
            f"{phase}-{sid}": rating(phase, sid, text)
            for phase in ("before", "after")
            for sid, text in statements
        },
    }
