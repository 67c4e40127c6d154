"""The JSON Schema (draft-07) of the course format, generated from :mod:`cpd_pack.model`.

One source of truth: every object, property, type, enum, default, pattern, bound and
description is read from the model's dataclasses (type hints, ``rule(...)`` metadata, class
and attribute docstrings). Only the rules written as Python code (a class's ``check()``) need a
schema counterpart here, in :data:`CHECKS`; a test makes sure no class with a ``check()`` lacks
one. Draft-07 is what VS Code's YAML extension (yaml-language-server) validates.

Duplicate ids are beyond draft-07, so the course schema carries one keyword of cpd-pack's own,
``uniqueIds`` (:data:`cpd_pack.ids.SCOPES` as data; :func:`unique_ids` enforces it with the
``jsonschema`` library; editors ignore keywords they do not know). What a schema cannot see stays
with ``cpd-pack validate``: whether files exist and hold what their names say, where the quiz
and self-assessment are placed, and that a single-choice question has no more than one correct
option.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from dataclasses import MISSING, Field, fields, is_dataclass
from functools import cache
from itertools import pairwise
from types import UnionType
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints

from cpd_pack import ids, model
from cpd_pack.loader import SAFE_PATH
from cpd_pack.question_rules import MAX_ACCEPT, MAX_OPTIONS, MAX_PAIRS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jsonschema.exceptions import ValidationError

DRAFT = "http://json-schema.org/draft-07/schema#"
UNIQUE_IDS = "uniqueIds"
"""cpd-pack's own keyword: ids that must be unique across the course (see :func:`unique_ids`)."""
MODELINE = "# yaml-language-server: $schema={}"
"""The first line of a course YAML file that tells editors which schema applies."""
Schema = dict[str, Any]

# A path inside the course folder: the loader's safe characters, not absolute, no '..' segment.
SOURCE_PATTERN = rf"^(?!/)(?!(.*/)?\.\.(/|$)){SAFE_PATH.pattern}$"
_ONE_KEY = (model.Block,)
"""Classes whose mapping has exactly one key (a block says what it is by its one key)."""


def _correct_option() -> Schema:
    return {"properties": {"correct": {"const": True}}, "required": ["correct"]}


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ECMA_ESCAPABLE = set("\\^$.*+?()[]{}|/-")


def ecma_pattern(pattern: str) -> str:
    """A Python regex as an ECMAScript one with the 'u' flag (editors compile it so), which
    refuses escapes that Python allows, such as ``\\"``."""

    def unescape(match: re.Match[str]) -> str:
        char = match.group(1)
        return match.group(0) if char.isalnum() or char in _ECMA_ESCAPABLE else char

    return _ESCAPE.sub(unescape, pattern)


def _suffix_pattern(suffixes: tuple[str, ...]) -> str:
    """A case-insensitive "ends with one of" pattern (ECMAScript regexes have no inline flags)."""

    def fold(text: str) -> str:
        return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in text)

    return f"({'|'.join(fold(s) for s in suffixes)})$"


CHECKS: dict[str, Schema] = {
    "Question": {
        "allOf": [
            {
                "if": {"properties": {"type": {"const": "true-false"}}, "required": ["type"]},
                "then": {"required": ["answer"], "properties": {"answer": {"type": "boolean"}}},
                "else": {"properties": {"answer": {"type": "null"}}},
            },
            {
                "if": {
                    "properties": {"type": {"enum": ["single", "multiple"]}},
                    "required": ["type"],
                },
                "then": {
                    "required": ["options"],
                    "properties": {
                        "options": {
                            "minItems": 2,
                            "maxItems": model.MAX_OPTIONS,
                            "contains": _correct_option(),
                        }
                    },
                },
                "else": {"properties": {"options": {"maxItems": 0}}},
            },
            *(
                {
                    "if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
                    "then": {"required": list(keys), "properties": extra},
                    "else": {"properties": {key: {"maxItems": 0} for key in keys if key != "min"}},
                }
                for kind, keys, extra in (
                    ("matching", ("pairs",), {"pairs": {"minItems": 2, "maxItems": MAX_PAIRS}}),
                    (
                        "sequencing",
                        ("items",),
                        {"items": {"minItems": 2, "maxItems": MAX_OPTIONS, "uniqueItems": True}},
                    ),
                    ("fill-in", ("accept",), {"accept": {"minItems": 1, "maxItems": MAX_ACCEPT}}),
                )
            ),
            {
                "if": {"properties": {"type": {"const": "numeric"}}, "required": ["type"]},
                "then": {
                    "required": ["min", "max"],
                    "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
                },
                "else": {"properties": {"min": {"type": "null"}, "max": {"type": "null"}}},
            },
            {
                "if": {"properties": {"type": {"const": "fill-in"}}, "required": ["type"]},
                "else": {"properties": {"case_sensitive": {"const": False}}},
            },
        ]
    },
    "CaseStudy": {
        "oneOf": [
            {"required": ["text"], "properties": {"text": {"pattern": r"\S"}}},
            {"required": ["file"], "properties": {"file": {"type": "string"}}},
        ]
    },
    "Review": {
        "oneOf": [
            {"required": ["text"], "properties": {"text": {"pattern": r"\S"}}},
            {"required": ["file"], "properties": {"file": {"type": "string"}}},
        ]
    },
    "Media": {
        "if": {
            "properties": {"src": {"pattern": _suffix_pattern(model.VIDEO_EXTENSIONS)}},
            "required": ["src"],
        },
        "then": {"required": ["captions"], "properties": {"captions": {"type": "string"}}},
        "else": {"required": ["transcript"], "properties": {"transcript": {"type": "string"}}},
    },
    "Activity": {
        "if": {"properties": {"type": {"const": "exercise"}}},
        "then": {"required": ["model_answer"], "properties": {"model_answer": {"pattern": r"\S"}}},
    },
    "Block": {"minProperties": 1, "maxProperties": 1},
}
"""The schema counterpart of each model class's ``check()``, by class name."""


@cache
def _attribute_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (a string right after a field) of a model class."""
    tree = ast.parse(inspect.getsource(cls))
    docs: dict[str, str] = {}
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
    for node, after in pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def _doc(cls: type) -> str:
    """The first paragraph of a class's docstring, on one line."""
    return " ".join((inspect.getdoc(cls) or "").split("\n\n")[0].split())


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_default(v) for v in value]
    if is_dataclass(value):
        return MISSING
    return value


class _Generator:
    """Walks the model's classes from a root class, collecting their definitions."""

    def __init__(self) -> None:
        self.definitions: dict[str, Schema] = {}

    def ref(self, cls: type) -> Schema:
        if cls.__name__ not in self.definitions:
            self.definitions[cls.__name__] = {}  # reserve the name: classes may nest
            self.definitions[cls.__name__] = self.object(cls)
        return {"$ref": f"#/definitions/{cls.__name__}"}

    def object(self, cls: type) -> Schema:
        hints = get_type_hints(cls)
        docs = _attribute_docs(cls)
        one_key = cls in _ONE_KEY
        properties = {
            f.name: self.property(f, hints[f.name], docs.get(f.name, ""), not one_key)
            for f in fields(cls)
        }
        required = [
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        ]
        schema: Schema = {"type": "object", "title": cls.__name__, "description": _doc(cls)}
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        schema.update(CHECKS.get(cls.__name__, {}))
        return schema

    def property(self, spec: Field[Any], hint: Any, doc: str, nullable: bool) -> Schema:
        rules = dict(spec.metadata)
        schema = self.type(hint, rules, nullable)
        words = [doc] if doc else []
        if "pattern" in rules:
            words.append(f"Must be {rules['pattern'][1]}.")
        if rules.get("source"):
            words.append("A path to a file inside the course folder, relative to it.")
        if rules.get("percent"):
            words.append("A percentage from 0 to 100, not a fraction.")
        if not words and "$ref" in json.dumps(schema):
            each = "Each item: " if get_origin(hint) is tuple else ""
            words.append(each + _doc(_inner_class(hint)))
        if words and "$ref" in schema:  # draft-07 ignores the siblings of a $ref
            schema = {"description": " ".join(words), "allOf": [schema]}
        elif words:
            schema = {"description": " ".join(words), **schema}
        default: Any = MISSING
        if spec.default is not MISSING:
            default = _json_default(spec.default)
        elif spec.default_factory is not MISSING:
            default = _json_default(spec.default_factory())
        if default is not MISSING and (default is not None or nullable):
            schema["default"] = default
        return schema

    def type(self, hint: Any, rules: dict[str, Any], nullable: bool = True) -> Schema:
        origin, args = get_origin(hint), get_args(hint)
        if origin in (UnionType, Union):
            inner = self.type(next(a for a in args if a is not type(None)), rules)
            return {"anyOf": [inner, {"type": "null"}]} if nullable else inner
        if origin is Literal:
            return {"enum": list(args)}
        if origin is tuple:
            schema: Schema = {"type": "array", "items": self.type(args[0], {})}
            if "min_items" in rules:
                schema["minItems"] = rules["min_items"]
            if "max_items" in rules:
                schema["maxItems"] = rules["max_items"]
            return schema
        if origin is dict:
            return {"type": "object", "additionalProperties": self.type(args[1], {})}
        if isinstance(hint, type) and is_dataclass(hint):
            return self.ref(hint)
        return _scalar(hint, rules)


def _scalar(hint: type, rules: dict[str, Any]) -> Schema:
    """A string, boolean or number with its rules."""
    names = {str: "string", bool: "boolean", float: "number", int: "integer"}
    schema: Schema = {"type": names[hint]}
    patterns = []
    if rules.get("nonempty"):
        patterns.append(r"\S")
    if "pattern" in rules:
        patterns.append(ecma_pattern(rules["pattern"][0].pattern))
    if rules.get("source"):
        patterns.append(SOURCE_PATTERN)
    if "suffix" in rules:
        patterns.append(_suffix_pattern(rules["suffix"]))
    if len(patterns) == 1:
        schema["pattern"] = patterns[0]
    elif patterns:
        schema["allOf"] = [{"pattern": p} for p in patterns]
    for key, word in (("ge", "minimum"), ("gt", "exclusiveMinimum"), ("le", "maximum")):
        if key in rules:
            schema[word] = rules[key]
    if rules.get("percent"):
        schema["not"] = {"exclusiveMinimum": 0, "exclusiveMaximum": 1}
    return schema


def _inner_class(hint: Any) -> type:
    """The dataclass inside ``X | None`` or ``tuple[X, ...]``."""
    if isinstance(hint, type) and is_dataclass(hint):
        return hint
    return next(_inner_class(a) for a in get_args(hint) if a is not type(None))


def course_schema(*, unit: bool = False) -> Schema:
    """The JSON Schema of ``course.yaml`` or, with ``unit=True``, of a unit file."""
    generator = _Generator()
    course = generator.object(model.Course)
    # The loader reads a text item of 'units' as the path of a unit file.
    unit_file = {
        "type": "string",
        "description": "A path to a unit file (YAML), relative to the course folder.",
        "pattern": SOURCE_PATTERN,
    }
    units = course["properties"]["units"]
    units["items"] = {"anyOf": [unit_file, units["items"]]}
    root = generator.definitions.pop("Unit") if unit else course
    title = "A cpd-pack unit file" if unit else "A cpd-pack course (course.yaml)"
    own: Schema = {}
    if not unit:  # ids are unique across the course, unit files read in place
        own = {
            "$comment": f"{UNIQUE_IDS} is cpd-pack's own keyword (editors ignore it): in each "
            "scope, the objects at these paths ('*': every item) have different ids; an object "
            "without one takes a slug of its title (lowercase letters and digits, other runs of "
            "characters made '-', at most 40 characters, the prefix first when it would not "
            "start with a letter) or, for statements, 's' and its position from 1.",
            UNIQUE_IDS: ids.schema_keyword(),
        }
    return {
        "$schema": DRAFT,
        **root,
        "title": title,
        **own,
        "definitions": dict(sorted(generator.definitions.items())),
    }


def unique_ids(
    validator: Any, value: Any, instance: Any, schema: Schema
) -> Iterator[ValidationError]:
    """The ``uniqueIds`` keyword for the ``jsonschema`` library (``validators.extend``)."""
    from jsonschema.exceptions import ValidationError

    for path, message, first in ids.duplicates(instance, ids.scopes_from_keyword(value)):
        where = "/".join(map(str, first))
        yield ValidationError(f"{message} (first used at {where})", path=path)


def schema_json(*, unit: bool = False) -> str:
    """The schema as the text ``cpd-pack schema`` writes (two-space indents, final newline)."""
    return json.dumps(course_schema(unit=unit), indent=2, ensure_ascii=False) + "\n"
