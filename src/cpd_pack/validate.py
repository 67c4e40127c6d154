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

from cpd_pack import i18n, ids, pools, theme
from cpd_pack.exceptions import CourseError, CourseWarning, Problem
from cpd_pack.loader import COURSE_FILE, Locations, Path_, RawCourse, read_text, resolve_inside
from cpd_pack.model import Course
from cpd_pack.warnings import check_content

_TYPE_NAMES = {
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "dict": "a mapping of keys", "list": "a list", "NoneType": "nothing",
}  # fmt: skip


def _found(value: Any) -> str:
    if isinstance(value, dict | list | tuple) or value is None:
        return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class _Converter:
    """Turns YAML data into model instances by their type hints, collecting every problem."""

    def __init__(self, raw: RawCourse) -> None:
        self.raw = raw
        self.root = raw.root
        self.problems: list[tuple[Path_, str]] = []
        self.warnings: list[tuple[Path_, str]] = []
        self.located: list[Problem] = []
        """Problems inside files the YAML names (captions that are not UTF-8)."""

    def fail(self, path: Path_, message: str) -> object:
        self.problems.append((path, message))
        return _INVALID

    def quoted(self, path: Path_) -> str | None:
        """The value at ``path`` quoted, when a ``#`` after its key made YAML read a comment.

        Only a ``#`` followed by text (``#1 Welcome``) counts: ``# to do`` is a real comment.
        """
        comment = self.raw.locations.comments.get(path)
        if comment is None or not comment[1:2].strip():
            return None
        comment = comment if len(comment) <= 40 else comment[:37] + "..."
        return f'{path[-1]}: "{comment}"' if isinstance(path[-1], str) else f'- "{comment}"'

    def quote_hint(self, path: Path_) -> str:
        """Why a value is empty when a ``#`` after its key started a comment."""
        shown = self.quoted(path)
        return (
            f" (a '#' starts a comment, so YAML read no value: quote it, as in {shown})"
            if shown
            else ""
        )

    def mistype(self, path: Path_, what: str, value: Any) -> object:
        hint = self.quote_hint(path) if value is None else ""
        return self.fail(path, f"expected {what}; found {_found(value)}{hint}")

    def convert(self, hint: Any, value: Any, path: Path_) -> Any:
        origin, args = get_origin(hint), get_args(hint)
        if origin in (UnionType, Union):
            if value is None:
                shown = self.quoted(path)
                if shown:
                    message = (
                        f"is empty: a '#' starts a comment; if that is the value, quote it: {shown}"
                    )
                    self.warnings.append((path, message))
                return None
            return self.convert(next(a for a in args if a is not type(None)), value, path)
        if origin is Literal:
            if any(value == a and type(value) is type(a) for a in args):
                return value
            choices = [repr(a).replace("True", "true") for a in args]
            expected = (
                ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
            )
            return self.mistype(path, expected, value)
        if origin is tuple:
            if not isinstance(value, list):
                return self.mistype(path, "a list", value)
            items = [self.convert(args[0], item, (*path, i)) for i, item in enumerate(value)]
            return _INVALID if _INVALID in items else tuple(items)
        if origin is dict:
            if not isinstance(value, dict):
                return self.mistype(path, "a mapping of keys", value)
            entries = {str(k): self.convert(args[1], v, (*path, k)) for k, v in value.items()}
            return _INVALID if _INVALID in entries.values() else entries
        if isinstance(hint, type) and is_dataclass(hint):
            return self.instance(hint, value, path)
        checks = {str: (str,), bool: (bool,), float: (int, float), int: (int,)}[hint]
        if not isinstance(value, checks) or (hint in (float, int) and isinstance(value, bool)):
            return self.mistype(path, _EXPECTED[hint], value)
        if isinstance(value, str) and (bad := _NOT_XML.search(value)):
            code = ord(bad.group())
            kind = "control character" if code < 0x20 else "character"
            return self.fail(path, f"contains the {kind} U+{code:04X}, which web pages and "
                             "manifests cannot hold; delete it")  # fmt: skip
        return float(value) if hint is float else value  # type: ignore[arg-type]

    def instance(self, cls: type, data: Any, path: Path_) -> Any:
        precheck = getattr(cls, "precheck", None)
        message = precheck(data) if precheck else None
        if message:
            if isinstance(data, dict) and len(data) == 1:
                message += self.quote_hint((*path, next(iter(data))))
            return self.fail(path, message)
        if not isinstance(data, dict):
            return self.mistype(path, "a mapping of keys", data)
        fields_ = {f.name: f for f in fields(cls)}
        before = len(self.problems)
        for key in data:
            if key not in fields_:
                self.fail((*path, key), self.unknown(cls, data, key, path))
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

    def unknown(self, cls: type, data: dict[Any, Any], key: Any, path: Path_) -> str:
        """The message for an unknown key: mis-indented, a typo, or what is expected."""
        for name, hint in _hints(cls).items():
            child, many = _inner(hint)
            if child is None or key not in {f.name for f in fields(child)}:
                continue
            value = data.get(name)
            if many and isinstance(value, list) and value and isinstance(value[-1], dict):
                target: Path_ = (*path, name, len(value) - 1)
            elif not many and (value is None or isinstance(value, dict)) and name in data:
                target = (*path, name)
            else:
                continue
            place, dotted = self.raw.locations.find(target)
            return (
                f"unknown key {key!r} here; it looks mis-indented: it belongs to {dotted} "
                f"(line {place.line}), so indent it to line up with the keys there"
            )
        close = difflib.get_close_matches(str(key), [f.name for f in fields(cls)], n=1)
        hint = (
            f"did you mean {close[0]!r}?"
            if close
            else f"expected one of: {', '.join(f.name for f in fields(cls))}"
        )
        return f"unknown key {key!r}; {hint}"

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
        if rules.get("percent") and 0 < value < 1:
            self.fail(path, f"is a percentage from 0 to 100, not a fraction; found "
                      f"{_number(value)}: did you mean {_number(round(value * 100, 6))}?")  # fmt: skip
        elif rules.get("percent") and value == 1:
            self.warnings.append((path, "1 means 1%; did you mean 100?"))
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
            else:
                self.check_file(found, value, path)

    def check_file(self, found: Path, rel: str, path: Path_) -> None:
        """A media file must hold what its extension says; captions must be UTF-8 too."""
        if rel.lower().endswith(".vtt"):
            text = read_text(found, (self.root / rel).as_posix())
            if isinstance(text, Problem):
                self.located.append(text)
                return
        content = check_content(found, rel)
        if content is not None:
            error, message = content
            (self.problems if error else self.warnings).append((path, message))


_INVALID = object()
_NO_CATALOGUE = (
    "cpd-pack has no interface text in {!r}, so buttons and messages will be in English; "
    "translate them under 'interface:' (docs/course-format.md lists the keys)"
)
_EXPECTED = {str: "text", bool: "true or false", float: "a number", int: "a whole number"}
# What XML 1.0 (every manifest) cannot hold; the rendered pages refuse the same characters.
# Spelt out rather than as the complement of what XML allows: that class takes 5 ms to compile.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _inner(hint: Any) -> tuple[type | None, bool]:
    """The dataclass a field holds (unwrapping ``X | None`` and tuples) and whether many."""
    args = [a for a in get_args(hint) if a is not type(None)]
    if get_origin(hint) in (UnionType, Union):
        return _inner(args[0])
    if get_origin(hint) is tuple:
        inner, _ = _inner(args[0])
        return inner, True
    return (hint, False) if isinstance(hint, type) and is_dataclass(hint) else (None, False)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _check_ids(course: Course, locations: Locations) -> Iterator[tuple[Path_, str]]:
    """Yield duplicate-id problems for units, pages, questions and statements (see ids.py)."""
    for path, message, first in ids.duplicates(course):
        place, _ = locations.find(first)
        kind = message.split()[1]
        fix = f"; give this {kind} its own 'id'" if path[-1] == "title" else ""
        yield path, f"{message} (first used at {place.file}:{place.line}){fix}"


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


def _check_interface(course: Course) -> Iterator[tuple[Path_, str]]:
    """Yield problems with the course's replacements for interface text."""
    for key, text in course.interface.items():
        message = i18n.override_problem(key, text)
        if message:
            yield ("interface", key), message


def validate(raw: RawCourse) -> tuple[Course, list[CourseWarning]]:
    """Validate raw data into a :class:`Course` and its warnings.

    Raises :class:`CourseError` listing every problem (and every warning) when there is one.
    """
    converter = _Converter(raw)
    course = converter.instance(Course, raw.data, ())
    found = [
        (path, message)
        for path, message in converter.problems
        if not any(path[: len(broken)] == broken for broken in raw.broken)
    ]
    if course is not _INVALID:
        found += [
            *_check_ids(course, raw.locations),
            *_check_placement(course),
            *_check_interface(course),
            *pools.problems(course),
            *theme.problems(course.theme),
        ]
        converter.warnings.extend(pools.warnings(course))
        if i18n.catalogue_for(course.language) is None:
            converter.warnings.append((("language",), _NO_CATALOGUE.format(course.language)))
    warnings = sorted(
        (CourseWarning(**vars(raw.locations.problem(p, m))) for p, m in converter.warnings),
        key=lambda w: (w.file, w.line, w.column),
    )
    problems = [raw.locations.problem(path, message) for path, message in found]
    problems = list(dict.fromkeys([*raw.problems, *converter.located, *problems]))
    if course is _INVALID and not problems:  # pragma: no cover - a problem is always recorded
        display = (raw.root / COURSE_FILE).as_posix()
        problems = [Problem(display, 1, 1, "", "the course could not be read")]
    if problems:
        raise CourseError([*problems, *warnings])
    return course, list(dict.fromkeys(warnings))


def validate_course(raw: RawCourse) -> Course:
    """Validate raw data into a :class:`Course`; raise :class:`CourseError` listing every problem."""
    return validate(raw)[0]
