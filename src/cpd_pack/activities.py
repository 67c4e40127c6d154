"""xAPI activity definitions of a course, made with the tincan library, for xapi and cmi5 packages.

Every activity id is derived from the course's base IRI (``xapi.activity_iri``) and the stable ids
of units, pages and questions, never from anything random, so that a learner's history in the LRS
stays in one place across versions of the course:

* course: ``{base}``; unit: ``{base}/units/{unit_id}``; page: ``{base}/pages/{page_id}``
* quiz question: ``{base}/questions/{id}``; knowledge check: ``{base}/checks/{id}``
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cpd_pack.exceptions import BuildError
from cpd_pack.model import Course, Question
from cpd_pack.outline import Outline
from cpd_pack.render import OPTION_IDS

XAPI_VERSION = "1.0.3"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
LESSON_TYPE = "http://adlnet.gov/expapi/activities/lesson"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
RESPONSE_SEPARATOR = "[,]"
NAME_LIMIT = 120
"""Longest question name (the description keeps the whole prompt)."""
KINDS = ("units", "pages", "questions", "checks")

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


def interaction(question: Question) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A question's interaction type, correct responses pattern and choices (id, plain text),
    with the option ids of the SCORM packages (a, b, c... in source order)."""
    if question.type == "true-false":
        return "true-false", ["true" if question.answer else "false"], []
    ids = OPTION_IDS[: len(question.options)]
    correct = [ids[i] for i, option in enumerate(question.options) if option.correct]
    choices = [(ids[i], plain_text(o.text, inline=True)) for i, o in enumerate(question.options)]
    return "choice", [RESPONSE_SEPARATOR.join(correct)], choices


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

    def question(kind: str, q: Question) -> Any:
        interaction_type, pattern, choices = interaction(q)
        prompt = plain_text(q.prompt, inline=True)
        components = [InteractionComponent(id=cid, description=lang(text)) for cid, text in choices]
        return activity(
            activity_iri(base, kind, q.id),
            INTERACTION_TYPE,
            short_name(prompt),
            prompt,
            interaction_type=interaction_type,
            correct_responses_pattern=pattern,
            choices=components or None,  # true-false has no choices
        )

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
    }
