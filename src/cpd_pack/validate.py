"""Stage 2b: turn raw course data into a :class:`Course`, reporting every problem at once."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from operator import ge, gt, le
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from cpd_pack.exceptions import CourseError
from cpd_pack.loader import Path_, RawCourse, format_path, resolve_inside
from cpd_pack.model import Course

_TYPE_NAMES = {
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "dict": "a mapping of keys", "list": "a list", "NoneType": "nothing",
}  # fmt: skip


def slugify(text: str, prefix: str = "p") -> str:
    """Make a stable id from a title: lowercase words joined by hyphens, at most 40 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"{prefix}-{slug}".strip("-")[:40].strip("-")
    return slug


def _found(value: Any) -> str:
    if isinstance(value, dict | list | tuple) or value is None:
        return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class _Converter:
    """Turns YAML data into model instances by their type hints, collecting every problem."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[tuple[Path_, str]] = []

    def fail(self, path: Path_, message: str) -> object:
        self.problems.append((path, message))
        return _INVALID

    def convert(self, hint: Any, value: Any, path: Path_) -> Any:
        origin, args = get_origin(hint), get_args(hint)
        if origin in (UnionType, Union):
            if value is None:
                return None
            return self.convert(next(a for a in args if a is not type(None)), value, path)
        if origin is Literal:
            if any(value == a and type(value) is type(a) for a in args):
                return value
            choices = [repr(a).replace("True", "true") for a in args]
            expected = (
                ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
            )
            return self.fail(path, f"expected {expected}; found {_found(value)}")
        if origin is tuple:
            if not isinstance(value, list):
                return self.fail(path, f"expected a list; found {_found(value)}")
            items = [self.convert(args[0], item, (*path, i)) for i, item in enumerate(value)]
            return _INVALID if _INVALID in items else tuple(items)
        if isinstance(hint, type) and is_dataclass(hint):
            return self.instance(hint, value, path)
        checks = {str: (str,), bool: (bool,), float: (int, float), int: (int,)}[hint]
        if not isinstance(value, checks) or (hint in (float, int) and isinstance(value, bool)):
            return self.fail(path, f"expected {_EXPECTED[hint]}; found {_found(value)}")
        return float(value) if hint is float else value  # type: ignore[arg-type]

    def instance(self, cls: type, data: Any, path: Path_) -> Any:
        precheck = getattr(cls, "precheck", None)
        message = precheck(data) if precheck else None
        if message:
            return self.fail(path, message)
        if not isinstance(data, dict):
            return self.fail(path, f"expected a mapping of keys; found {_found(data)}")
        fields_ = {f.name: f for f in fields(cls)}
        before = len(self.problems)
        for key in data:
            if key not in fields_:
                close = difflib.get_close_matches(str(key), list(fields_), n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"expected one of: {', '.join(fields_)}"
                )
                self.fail((*path, key), f"unknown key {key!r}; {hint}")
        values = {}
        for name, spec in fields_.items():
            if name not in data:
                if spec.default is MISSING and spec.default_factory is MISSING:
                    self.fail((*path, name), "required key is missing")
                continue
            value = self.convert(_hints(cls)[name], data[name], (*path, name))
            if value is not _INVALID and value is not None:
                self.apply_rules(spec.metadata, value, (*path, name))
            values[name] = value
        if len(self.problems) > before:
            return _INVALID
        result = cls(**values)
        message = result.check() if hasattr(result, "check") else None
        return self.fail(path, message) if message else result

    def apply_rules(self, rules: Any, value: Any, path: Path_) -> None:
        if rules.get("nonempty") and not value.strip():
            self.fail(path, "must not be empty")
        if "pattern" in rules and not rules["pattern"][0].fullmatch(value):
            self.fail(path, f"must be {rules['pattern'][1]}; found {value!r}")
        for key, word, ok in (
            ("ge", "at least", ge),
            ("gt", "more than", gt),
            ("le", "at most", le),
        ):
            if key in rules and not ok(value, rules[key]):
                self.fail(path, f"must be {word} {_number(rules[key])}; found {_number(value)}")
        if "min_items" in rules and len(value) < rules["min_items"]:
            count = rules["min_items"]
            self.fail(
                path, f"expected at least {count} item{'s' * (count != 1)}; found {len(value)}"
            )
        if "max_items" in rules and len(value) > rules["max_items"]:
            self.fail(path, f"expected at most {rules['max_items']} items; found {len(value)}")
        if "suffix" in rules and not value.lower().endswith(rules["suffix"]):
            self.fail(path, f"must end with {', '.join(rules['suffix'])}; found {value!r}")
        if rules.get("source"):
            found = resolve_inside(self.root, value)
            if isinstance(found, str):
                self.fail(path, found)


_INVALID = object()
_EXPECTED = {str: "text", bool: "true or false", float: "a number", int: "a whole number"}


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


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
    converter = _Converter(raw.root)
    course = converter.instance(Course, raw.data, ())
    found = [
        (path, message)
        for path, message in converter.problems
        if not any(path[: len(broken)] == broken for broken in raw.broken)
    ]
    if course is not _INVALID:
        found += [*_check_ids(course), *_check_placement(course)]
    if found or raw.problems:
        problems = [raw.locations.problem(path, message) for path, message in found]
        raise CourseError(list(dict.fromkeys([*raw.problems, *problems])))
    return course  # type: ignore[no-any-return]
