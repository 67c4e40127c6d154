"""Stage 2b: turn raw course data into a :class:`Course`, reporting every problem at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from cpd_pack.exceptions import CourseError, Problem
from cpd_pack.loader import Path_, RawCourse, format_path
from cpd_pack.model import Course

_TYPE_NAMES = {
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "dict": "a mapping of keys", "list": "a list", "NoneType": "nothing",
}  # fmt: skip
_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
    "tuple_type": "a list",
    "list_type": "a list",
}


def slugify(text: str, prefix: str = "p") -> str:
    """Make a stable id from a title: lowercase words joined by hyphens, at most 40 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"{prefix}-{slug}".strip("-")[:40].strip("-")
    return slug


def _found(value: Any) -> str:
    if isinstance(value, dict | list | tuple):
        return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ErrorDetails, raw: dict[str, Any], known: dict[int, list[str]]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        parent: Any = raw
        for part in error["loc"][:-1]:
            parent = parent[part]
        choices = known.get(id(parent), [])
        close = difflib.get_close_matches(key, choices, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(choices)}"
        return f"unknown key {key!r}; {hint}"
    if kind == "value_error":
        return str(error["ctx"]["error"]) if "ctx" in error else error["msg"]
    if kind == "literal_error":
        return f"expected {error['ctx']['expected']}; found {_found(value)}"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}; found {_found(value)}"
    bounds = {
        "less_than_equal": ("at most", "le"),
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        word, key = bounds[kind]
        bound = error["ctx"][key]
        bound = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
        return f"must be {word} {bound}; found {_found(value)}"
    if kind in ("too_short", "too_long"):
        ctx = error.get("ctx", {})
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"expected {word} {bound} item{'s' if bound != 1 else ''}; found {ctx.get('actual_length')}"
    msg = error["msg"][0].lower() + error["msg"][1:]
    return f"{msg}; found {_found(value)}"


def _check_ids(course: Course) -> Iterator[tuple[Path_, str]]:
    """Yield duplicate-id problems for units, pages, questions and statements."""
    seen: dict[str, dict[str, Path_]] = {"unit": {}, "page": {}, "question": {}, "statement": {}}

    def claim(kind: str, key: str, path: Path_) -> Iterator[tuple[Path_, str]]:
        first = seen[kind].get(key)
        if first is not None:
            yield path, f"duplicate {kind} id {key!r} (first used at {format_path(first)})"
        else:
            seen[kind][key] = path

    for u, unit in enumerate(course.units):
        yield from claim("unit", unit_key(unit), ("units", u, "id" if unit.id else "title"))
        for p, page in enumerate(unit.pages):
            base: Path_ = ("units", u, "pages", p)
            yield from claim("page", page_key(page), (*base, "id" if page.id else "title"))
            for b, block in enumerate(page.blocks):
                if block.knowledge_check is not None:
                    path = (*base, "blocks", b, "knowledge_check", "id")
                    yield from claim("question", block.knowledge_check.id, path)
    if course.quiz:
        for q, question in enumerate(course.quiz.questions):
            yield from claim("question", question.id, ("quiz", "questions", q, "id"))
    if course.self_assessment:
        for s, statement in enumerate(course.self_assessment.statements):
            key = statement.id or f"s{s + 1}"
            yield from claim("statement", key, ("self_assessment", "statements", s))


def _check_placement(course: Course) -> Iterator[tuple[Path_, str]]:
    """Yield problems with where the self-assessment, quiz and certificate are placed."""
    placed: dict[str, list[Path_]] = {}
    for u, unit in enumerate(course.units):
        for p, page in enumerate(unit.pages):
            for b, block in enumerate(page.blocks):
                if block.kind in ("self_assessment", "quiz", "certificate"):
                    key = (
                        f"{block.kind}: {block.value}"
                        if block.kind != "certificate"
                        else block.kind
                    )
                    placed.setdefault(key, []).append(
                        ("units", u, "pages", p, "blocks", b, block.kind)
                    )
    for key, paths in placed.items():
        for path in paths[1:]:
            yield path, f"'{key}' is placed more than once; place it on one page only"
    for phase in ("before", "after"):
        paths = placed.get(f"self_assessment: {phase}", [])
        if paths and course.self_assessment is None:
            yield paths[0], "there is no 'self_assessment' in course.yaml to place here"
    if course.self_assessment and "self_assessment: before" not in placed:
        yield (
            ("self_assessment",),
            "not placed on any page; add '- self_assessment: before' to an early page",
        )
    if "quiz: final" in placed and course.quiz is None:
        yield placed["quiz: final"][0], "there is no 'quiz' in course.yaml to place here"
    if course.quiz and "quiz: final" not in placed:
        yield ("quiz",), "not placed on any page; add '- quiz: final' to a page"
    if course.completion in ("quiz", "pages-and-quiz") and course.quiz is None:
        yield ("completion",), f"{course.completion!r} needs a 'quiz'; this course has none"


def unit_key(unit: Any) -> str:
    """The unit's id, or one made from its title."""
    return str(unit.id or slugify(unit.title, "unit"))


def page_key(page: Any) -> str:
    """The page's id, or one made from its title."""
    return str(page.id or slugify(page.title, "page"))


def validate_course(raw: RawCourse) -> Course:
    """Validate raw data into a :class:`Course`; raise :class:`CourseError` listing every problem."""
    context: dict[str, Any] = {"root": raw.root}
    try:
        course = Course.model_validate(raw.data, context=context)
    except ValidationError as exc:
        known = context.get("known", {})
        errors = [err for err in exc.errors(include_url=False) if _reportable(err, exc, raw)]
        problems = [
            raw.locations.problem(tuple(err["loc"]), _message(err, raw.data, known))
            for err in errors
        ]
        raise CourseError(_unique([*raw.problems, *problems])) from None
    found = [*_check_ids(course), *_check_placement(course)]
    if found or raw.problems:
        problems = [raw.locations.problem(path, message) for path, message in found]
        raise CourseError([*raw.problems, *problems])
    return course


def _reportable(error: ErrorDetails, exc: ValidationError, raw: RawCourse) -> bool:
    """Drop errors that only repeat another: under a broken unit file, or a list shortened by bad items."""
    loc = tuple(error["loc"])
    if any(loc[: len(broken)] == broken for broken in raw.broken):
        return False
    if error["type"] == "too_short":
        others = (tuple(e["loc"]) for e in exc.errors(include_url=False) if e is not error)
        return not any(len(o) > len(loc) and o[: len(loc)] == loc for o in others)
    return True


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
