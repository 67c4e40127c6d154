"""The JSON Schema for editors (src/cpd_pack/course_schema.py) agrees with the validator."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import is_dataclass
from pathlib import Path
from typing import Any, get_args, get_type_hints

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from jsonschema.exceptions import ValidationError

from cpd_pack import ids, model
from cpd_pack.cli import cli
from cpd_pack.course_schema import (
    CHECKS,
    MODELINE,
    UNIQUE_IDS,
    course_schema,
    ecma_pattern,
    schema_json,
    unique_ids,
)
from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.validate import validate
from prereq import require

REPO = Path(__file__).parent.parent
COURSES = Path(__file__).parent / "fixtures" / "courses"
FIXTURES = sorted(p.name for p in COURSES.iterdir() if (p / "course.yaml").is_file())
WITH_UNIQUE_IDS = jsonschema.validators.extend(jsonschema.Draft7Validator, {UNIQUE_IDS: unique_ids})
"""Draft-07 and cpd-pack's own ``uniqueIds`` keyword."""
COURSE = WITH_UNIQUE_IDS(course_schema())


def read_course(root: Path) -> Any:
    """course.yaml parsed with PyYAML, each unit file it names read in its place.

    Raises a ``yaml.YAMLError`` (or ``UnicodeDecodeError``) where an editor shows a YAML error.
    """
    data = yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8"))
    units = data.get("units") if isinstance(data, dict) else None
    for index, unit in enumerate(units if isinstance(units, list) else []):
        if isinstance(unit, str) and (root / unit).is_file():
            units[index] = yaml.safe_load((root / unit).read_text(encoding="utf-8"))
    return data


def leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors an editor shows: inside anyOf/oneOf, the branches that are not a mere type miss."""
    inner = [
        e
        for e in error.context or []
        if not (e.validator == "type" and not e.relative_path)
        and not (e.validator == "not" and e.validator_value == {})
    ]
    if error.validator in ("anyOf", "oneOf") and inner:
        for child in inner:
            yield from leaves(child)
    else:
        yield error


def schema_errors(data: Any, validator: jsonschema.Draft7Validator = COURSE) -> list[str]:
    """Where and why the schema refuses ``data``: ``path: keyword``, sorted."""
    found = {
        f"{'/'.join(map(str, leaf.absolute_path))}: {leaf.validator}"
        for error in validator.iter_errors(data)
        for leaf in leaves(error)
    }
    return sorted(found)


def schema_verdict(root: Path) -> list[str]:
    """The schema's errors for a course folder; a YAML error is one too."""
    try:
        data = read_course(root)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [f"YAML: {type(exc).__name__}"]
    return schema_errors(data)


def validator_accepts(root: Path) -> bool:
    try:
        validate(load_course(root))
    except CourseError:
        return False
    return True


@pytest.mark.parametrize("name", [*FIXTURES, "course_source"])
def test_same_verdict_as_the_validator_on_every_course(name: str) -> None:
    root = REPO / name if name == "course_source" else COURSES / name
    accepted = validator_accepts(root)
    errors = schema_verdict(root)
    assert accepted == (not errors), errors


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-bytes", ["YAML: ReaderError"]),  # a NUL byte: no YAML parser reads it
        ("bad-files", ["units/0/pages/0/blocks/1/image/src: pattern"]),  # '../../outside.png'
        (
            "bad-keys",
            [
                ": additionalProperties",  # titel
                ": required",  # title
                "pass_mark: maximum",
                "units/0/pages/0/blocks/0: additionalProperties",  # txt
                "units/0/pages/0/blocks/1/reflection: additionalProperties",  # anwser
                "units/0/title: pattern",  # ""
            ],
        ),
        (
            "bad-mistakes",
            [
                "pass_mark: not",  # 0.7, a fraction
                "units/0/pages/0/title: type",  # title: #1 Welcome (a comment)
                "units/0/pages/2: required",  # blocks mis-indented
                "units/0: additionalProperties",
            ],
        ),
        (
            "bad-quiz",
            [
                "quiz/questions/0/options: contains",  # no correct option
                "quiz/questions/2: required",  # true-false without its answer
            ],
        ),
        ("bad-yaml", ["YAML: ParserError"]),
        (
            "bad-ids",
            [
                "quiz/questions/0/id: uniqueIds",  # q-1, the knowledge check's id
                "units/1/id: uniqueIds",  # unit-a twice
                "units/1/pages/0/title: uniqueIds",  # 'Intro' makes the id 'intro', taken
            ],
        ),
        ("bad-warnings", []),
        ("mini", []),
    ],
)
def test_what_the_schema_finds_in_each_fixture(name: str, expected: list[str]) -> None:
    assert schema_verdict(COURSES / name) == sorted(expected)


BASE = {"id": "c", "title": "T", "units": [{"title": "U", "pages": [{"title": "P", "blocks": []}]}]}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"version": 1.0}, "version: type"),
        ({"pass_mark": -1}, "pass_mark: minimum"),
        ({"completion": "all"}, "completion: enum"),
        ({"id": "Bad Id"}, "id: pattern"),
        ({"hours": 0}, "hours: exclusiveMinimum"),
        ({"quiz": {"max_attempts": 0, "questions": [{"id": "q", "type": "true-false",
                   "prompt": "P", "answer": True}]}}, "quiz/max_attempts: minimum"),
        ({"quiz": {"questions": [{"id": "q", "type": "single", "prompt": "P",
                   "options": [{"text": "a", "correct": True}]}]}}, "quiz/questions/0/options: minItems"),
        ({"quiz": {"questions": [{"id": "q", "type": "single", "prompt": "P", "answer": True,
                   "options": [{"text": "a", "correct": True}, {"text": "b"}]}]}},
         "quiz/questions/0/answer: type"),
        ({"quiz": {"questions": [{"id": "q", "type": "true-false", "prompt": "P", "answer": True,
                   "options": [{"text": "a"}, {"text": "b"}]}]}},
         "quiz/questions/0/options: maxItems"),
        ({"xapi": {"activity_iri": "https://example.org/c/"}}, "xapi/activity_iri: pattern"),
        ({"self_assessment": {"statements": [], "scale": ["a"]}},
         "self_assessment/scale: minItems"),
    ],
)  # fmt: skip
def test_course_keys_refused_as_the_validator_refuses_them(
    tmp_path: Path, change: dict[str, Any], expected: str
) -> None:
    data = {**BASE, **change}
    data["units"][0]["pages"][0]["blocks"] = [{"text": "Hi"}]
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(data))
    assert not validator_accepts(tmp_path)
    assert expected in schema_errors(data)


BLOCKS = "units/0/pages/0/blocks/0"


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({}, f"{BLOCKS}: minProperties"),
        ({"text": "Hi", "key_points": ["a"]}, f"{BLOCKS}: maxProperties"),
        ({"reflection": None}, f"{BLOCKS}/reflection: type"),
        ({"text": "  "}, f"{BLOCKS}/text: pattern"),
        ({"quiz": "first"}, f"{BLOCKS}/quiz: enum"),
        ({"certificate": False}, f"{BLOCKS}/certificate: enum"),
        ({"key_points": []}, f"{BLOCKS}/key_points: minItems"),
        ({"file": "notes.txt"}, f"{BLOCKS}/file: pattern"),
        ({"file": "/etc/notes.md"}, f"{BLOCKS}/file: pattern"),
        ({"case_study": {"title": "Sam"}}, f"{BLOCKS}/case_study: required"),
        ({"case_study": {"title": "Sam", "text": "x", "file": "a.md"}}, f"{BLOCKS}/case_study: oneOf"),
        ({"review": {"text": " "}}, [f"{BLOCKS}/review/text: pattern", f"{BLOCKS}/review: required"]),
        ({"media": {"src": "talk.MP4", "title": "T", "transcript": "t.md"}},
         f"{BLOCKS}/media: required"),
        ({"media": {"src": "talk.ogg", "title": "T"}}, f"{BLOCKS}/media: required"),
        ({"media": {"src": "talk.md", "title": "T", "transcript": "t.md"}},
         f"{BLOCKS}/media/src: pattern"),
        ({"image": {"src": "a.png"}}, f"{BLOCKS}/image: required"),
        ({"activity": {"title": "A", "task": "T", "minutes": 5}}, f"{BLOCKS}/activity: required"),
        ({"activity": {"title": "A", "task": "T", "minutes": 5, "model_answer": " "}},
         f"{BLOCKS}/activity/model_answer: pattern"),
        ({"activity": {"title": "A", "task": "T", "minutes": 5, "type": "log"}},
         f"{BLOCKS}/activity/type: enum"),
        ({"reading": {"citation": "C", "minutes": 5, "questions": []}},
         f"{BLOCKS}/reading/questions: minItems"),
        ({"reading": {"citation": "C", "minutes": 0, "questions": ["Q"]}},
         f"{BLOCKS}/reading/minutes: exclusiveMinimum"),
        ({"reading": {"citation": "C", "minutes": 5, "questions": ["Q"], "url": "doi.org/1"}},
         f"{BLOCKS}/reading/url: pattern"),
        ({"knowledge_check": {"id": "k", "type": "multiple", "prompt": "P",
                              "options": [{"text": "a"}, {"text": "b"}]}},
         f"{BLOCKS}/knowledge_check/options: contains"),
    ],
)  # fmt: skip
def test_blocks_refused_as_the_validator_refuses_them(
    tmp_path: Path, block: dict[str, Any], expected: str | list[str]
) -> None:
    for name, content in (("talk.MP4", b"\x00\x00\x00\x18ftypmp42"), ("talk.ogg", b"OggS\x00")):
        (tmp_path / name).write_bytes(content)
    (tmp_path / "t.md").write_text("x")
    data = {**BASE}
    data["units"] = [{"title": "U", "pages": [{"title": "P", "blocks": [block]}]}]
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(data))
    assert not validator_accepts(tmp_path)
    assert schema_errors(data) == (sorted(expected) if isinstance(expected, list) else [expected])


QUESTIONS = "quiz/questions/0"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ({"type": "matching", "pairs": [{"item": "a", "match": "1"}]}, f"{QUESTIONS}/pairs: minItems"),
        ({"type": "matching", "pairs": [{"item": "a", "match": "1"}, {"item": "b", "match": "2"}],
          "options": [{"text": "x", "correct": True}, {"text": "y"}]}, f"{QUESTIONS}/options: maxItems"),
        ({"type": "sequencing", "items": ["a", "a"]}, f"{QUESTIONS}/items: uniqueItems"),
        ({"type": "fill-in", "accept": []}, f"{QUESTIONS}/accept: minItems"),
        ({"type": "numeric", "min": 1}, f"{QUESTIONS}: required"),
        ({"type": "numeric", "min": 1, "max": 2, "case_sensitive": True},
         f"{QUESTIONS}/case_sensitive: const"),
        ({"type": "single", "answer": True, "options": [{"text": "x", "correct": True}, {"text": "y"}]},
         f"{QUESTIONS}/answer: type"),
    ],
)  # fmt: skip
def test_question_types_refused_as_the_validator_refuses_them(
    tmp_path: Path, question: dict[str, Any], expected: str
) -> None:
    data = {**BASE, "quiz": {"questions": [{"id": "q", "prompt": "P", **question}]}}
    data["units"] = [{"title": "U", "pages": [{"title": "P", "blocks": [{"quiz": "final"}]}]}]
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(data))
    assert not validator_accepts(tmp_path)
    assert schema_errors(data) == [expected]


@pytest.mark.parametrize(
    "question",
    [
        {"type": "matching", "pairs": [{"item": "a", "match": "1"}, {"item": "b", "match": "2"}]},
        {"type": "sequencing", "items": ["a", "b", "c"]},
        {"type": "fill-in", "accept": ["Rogers"], "case_sensitive": True},
        {"type": "numeric", "min": 1, "max": 1},
    ],
)
def test_question_types_accepted_as_the_validator_accepts_them(
    tmp_path: Path, question: dict[str, Any]
) -> None:
    data = {**BASE, "quiz": {"questions": [{"id": "q", "prompt": "P", **question}]}}
    data["units"] = [{"title": "U", "pages": [{"title": "P", "blocks": [{"quiz": "final"}]}]}]
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(data))
    assert validator_accepts(tmp_path)
    assert schema_errors(data) == []


def test_a_practice_log_needs_no_model_answer() -> None:
    activity = {"title": "A", "task": "T", "minutes": 5, "type": "practice-log"}
    data = {**BASE, "units": [{"title": "U", "pages": [{"title": "P", "blocks": [{"activity": activity}]}]}]}  # fmt: skip
    assert schema_errors(data) == []


def test_null_where_the_validator_reads_nothing() -> None:
    """'id: #welcome' is read as null: accepted (with a warning) where a key is optional."""
    page = {"title": "P", "id": None, "blocks": [{"text": "Hi"}]}
    data = {**BASE, "xapi": None, "units": [{"title": "U", "hours": None, "pages": [page]}]}
    assert schema_errors(data) == []


def model_classes(cls: type = model.Course, seen: set[type] | None = None) -> set[type]:
    """Every dataclass the course model is made of, wherever it is defined."""
    seen = set() if seen is None else seen
    seen.add(cls)
    for hint in get_type_hints(cls).values():
        for inner in (hint, *get_args(hint), *(a for x in get_args(hint) for a in get_args(x))):
            if isinstance(inner, type) and is_dataclass(inner) and inner not in seen:
                model_classes(inner, seen)
    return seen


def test_every_check_method_has_its_schema_counterpart() -> None:
    classes = model_classes()
    assert {model.Course, model.Block, model.Question, model.Media} <= classes
    checked = {cls.__name__ for cls in classes if "check" in vars(cls)}
    assert "Question" in checked
    assert checked <= set(CHECKS), f"add the rule of {checked - set(CHECKS)} to CHECKS"
    assert set(course_schema()["definitions"]) == {c.__name__ for c in classes} - {"Course"}


def test_descriptions_enums_defaults_and_bounds_come_from_the_model() -> None:
    schema = course_schema()
    quiz = schema["definitions"]["Quiz"]
    assert quiz["description"] == "The scored final quiz."
    assert quiz["required"] == ["questions"]
    assert quiz["additionalProperties"] is False
    assert quiz["properties"]["max_attempts"] == {
        "description": "Submits allowed; None: unlimited. The last failed one is reported as "
        "failed.",
        "anyOf": [{"type": "integer", "minimum": 1, "maximum": 1295}, {"type": "null"}],
        "default": None,
    }
    question = schema["definitions"]["Question"]["properties"]
    assert question["type"] == {
        "enum": ["single", "multiple", "true-false", "matching", "sequencing", "fill-in", "numeric"]
    }
    assert question["id"]["pattern"] == model.ID_RE.pattern
    scale = schema["definitions"]["SelfAssessment"]["properties"]["scale"]
    assert (scale["default"], scale["minItems"], scale["maxItems"]) == (
        list(model.DEFAULT_SCALE),
        2,
        9,
    )
    assert set(schema["properties"]) == {f for f in model.Course.__dataclass_fields__}


def test_the_unit_schema_is_the_unit_definition() -> None:
    course, unit = course_schema(), course_schema(unit=True)
    assert unit["title"] == "A cpd-pack unit file"
    assert unit["required"] == ["title", "pages"]
    assert unit["properties"] == course["definitions"]["Unit"]["properties"]
    jsonschema.Draft7Validator.check_schema(unit)
    jsonschema.Draft7Validator.check_schema(course)
    validator = jsonschema.Draft7Validator(unit)
    text = (REPO / "course_source" / "units" / "01-introduction.yaml").read_text(encoding="utf-8")
    assert schema_errors(yaml.safe_load(text), validator) == []
    assert schema_errors({"title": "U", "pagse": []}, validator) == [
        ": additionalProperties",
        ": required",
    ]


@pytest.mark.parametrize(("name", "unit"), [("course", False), ("unit", True)])
def test_the_shipped_schemas_are_the_generated_ones(name: str, unit: bool) -> None:
    shipped = (REPO / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_json(unit=unit), "run: cpd-pack schema -o schema/course.schema.json"


def test_every_sample_yaml_file_starts_with_the_modeline() -> None:
    sample = REPO / "course_source"
    assert (sample / "course.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        MODELINE.format("../schema/course.schema.json")
    )
    for unit in sorted((sample / "units").glob("*.yaml")):
        first = unit.read_text(encoding="utf-8").splitlines()[0]
        assert first == MODELINE.format("../../schema/unit.schema.json"), unit.name


def test_cli_prints_and_writes_the_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(cli, ["schema"])
    assert (printed.exit_code, json.loads(printed.output)) == (0, course_schema())
    out = tmp_path / "unit.schema.json"
    written = runner.invoke(cli, ["schema", "--unit", "-o", str(out)])
    assert (written.exit_code, written.output) == (0, "")
    assert out.read_text(encoding="utf-8") == schema_json(unit=True)
    refused = runner.invoke(cli, ["schema", "-o", str(tmp_path / "no" / "s.json")])
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: {(tmp_path / 'no' / 's.json').as_posix()}: cannot write the schema: "
        "No such file or directory\n",
    )


def patterns(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "pattern" and isinstance(item, str):
                yield item
            else:
                yield from patterns(item)
    elif isinstance(value, list):
        for item in value:
            yield from patterns(item)


def test_every_pattern_compiles_as_editors_compile_it() -> None:
    """yaml-language-server compiles patterns as ECMAScript regexes with the 'u' flag."""
    node = shutil.which("node")
    require(node is not None, "node")
    found = sorted(set(patterns(course_schema())))
    assert len(found) >= 8
    script = (
        "const bad = JSON.parse(process.argv[1]).filter(p => "
        "{ try { new RegExp(p, 'u'); return false; } catch (e) { return true; } });"
        "console.log(JSON.stringify(bad));"
    )
    result = subprocess.run(
        [str(node), "-e", script, json.dumps(found)], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
    assert ecma_pattern(r'[^\s"\\\-]\.') == r'[^\s"\\\-]\.'
    assert ecma_pattern(r"[^\"<>]") == r'[^"<>]'


def test_unique_ids_keyword_is_the_validators_table() -> None:
    keyword = course_schema()[UNIQUE_IDS]
    assert keyword == {
        "unit": {"paths": ["units/*"], "fallback": "title", "prefix": "unit"},
        "page": {"paths": ["units/*/pages/*"], "fallback": "title", "prefix": "page"},
        "question": {
            "paths": ["units/*/pages/*/blocks/*/knowledge_check", "quiz/questions/*"],
            "fallback": "none",
        },
        "statement": {"paths": ["self_assessment/statements/*"], "fallback": "position"},
    }
    assert ids.scopes_from_keyword(keyword) == ids.SCOPES
    assert UNIQUE_IDS not in course_schema(unit=True)


def test_unique_ids_messages_name_the_first_use() -> None:
    data = read_course(COURSES / "bad-ids")
    data["self_assessment"] = {"statements": [{"text": "A"}, {"id": "s1", "text": "B"}]}
    assert sorted(
        (".".join(map(str, e.absolute_path)), e.message) for e in COURSE.iter_errors(data)
    ) == [
        (
            "quiz.questions.0.id",
            "duplicate question id 'q-1' (first used at units/1/pages/0/blocks/1/knowledge_check/id)",
        ),
        (
            "self_assessment.statements.1.id",
            "duplicate statement id 's1' (first used at self_assessment/statements/0)",
        ),
        ("units.1.id", "duplicate unit id 'unit-a' (first used at units/0/id)"),
        (
            "units.1.pages.0.title",
            "duplicate page id 'intro' made from the title (first used at units/0/pages/0/id)",
        ),
    ]
