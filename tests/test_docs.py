"""Docs that cannot rot: every YAML example validates, every CLI help example runs, the format
reference names every key of the schema, and every command is in the README."""

from __future__ import annotations

import inspect
import re
import shlex
import shutil
import zipfile
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cpd_pack import model
from cpd_pack.cli import cli
from cpd_pack.course_schema import course_schema
from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.validate import validate

REPO = Path(__file__).parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)
ELIDED = (["..."], {"...": None})
"""How an example says "see below": ``[...]`` or ``{...}``; the key gets a stand-in or goes."""
QUESTION = {"id": "q", "type": "true-false", "prompt": "P", "answer": True}
STAND_INS = {
    "self_assessment": {"statements": [{"text": "I can do it."}]},
    "quiz": {"questions": [QUESTION]},
}
SAMPLE_MEDIA = REPO / "tests" / "fixtures" / "courses" / "mini" / "media"
STUBS = {  # a file an example names, by extension
    ".md": b"Some *Markdown*.\n",
    ".txt": b"A transcript.\n",
    ".vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
    ".png": (SAMPLE_MEDIA / "square.png").read_bytes(),
    ".wav": (SAMPLE_MEDIA / "hello.wav").read_bytes(),
    ".mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(413),
    ".mp4": b"\x00\x00\x00\x18ftypmp42" + bytes(16),
    ".yaml": b"title: A unit\npages:\n  - title: A page\n    blocks:\n      - text: Hello\n",
}
FILE_KEYS = {
    f.name
    for _, cls in inspect.getmembers(model, inspect.isclass)
    if is_dataclass(cls)
    for f in fields(cls)
    if f.metadata.get("source")
}
"""Keys whose value names a file in the course folder (``rule(source=True)`` in the model)."""


def examples() -> list[tuple[str, str]]:
    """Every ```yaml block of the README and docs/: (file:line, text)."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((f"{doc.relative_to(REPO).as_posix()}:{line}", match.group(1)))
    return found


def drop_elided(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: STAND_INS.get(k) if v in ELIDED else drop_elided(v)
            for k, v in value.items()
            if v not in ELIDED or k in STAND_INS
        }
    if isinstance(value, list):
        return [drop_elided(v) for v in value if v not in ELIDED]
    return value


def minimal_course(blocks: list[Any]) -> dict[str, Any]:
    return {
        "id": "docs-example",
        "title": "A docs example",
        "units": [{"title": "A unit", "pages": [{"title": "A page", "blocks": blocks}]}],
    }


def as_course(data: Any) -> dict[str, Any]:
    """The example as a whole course: itself, or the course it is a fragment of."""
    if isinstance(data, list):  # a list of blocks
        course = minimal_course(data)
    elif "units" in data:  # course.yaml
        course = {**minimal_course([{"text": "Hi"}]), **data}
    elif "pages" in data:  # a unit
        course = {**minimal_course([]), "units": [data]}
    else:  # course keys (self_assessment, quiz, xapi, ...)
        course = {**minimal_course([{"text": "Hi"}]), **data}
    kinds = {
        kind
        for unit in course["units"]
        if isinstance(unit, dict)
        for page in unit.get("pages", [])
        for block in page.get("blocks", [])
        if isinstance(block, dict)
        for kind in block
    }
    placements = [
        {key: value}
        for key, value in (("self_assessment", "before"), ("quiz", "final"))
        if key in course and key not in kinds
    ]
    if placements:  # the course's self-assessment and quiz must be placed on a page
        page = {"title": "Placements", "blocks": placements}
        course["units"] = [*course["units"], {"title": "Placements", "pages": [page]}]
    for key in ("self_assessment", "quiz"):
        if key in kinds and key not in course:
            course[key] = STAND_INS[key]
    return course


def files_named(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in files_named(v, k)]
    if isinstance(value, list):
        unit_files = [v for v in value if key == "units" and isinstance(v, str)]
        return unit_files + [f for v in value for f in files_named(v, key)]
    return [value] if key in FILE_KEYS and isinstance(value, str) else []


@pytest.mark.parametrize(("where", "text"), examples(), ids=[w for w, _ in examples()])
def test_every_yaml_example_is_valid(tmp_path: Path, where: str, text: str) -> None:
    data = drop_elided(yaml.safe_load(text))
    course = as_course(data)
    for rel in files_named(course):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(STUBS[Path(rel).suffix])
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False))
    try:
        validate(load_course(tmp_path))
    except CourseError as exc:
        pytest.fail(f"{where}: the example is not valid:\n{exc.message}")


def schema_keys(schema: dict[str, Any]) -> set[str]:
    keys = set(schema["properties"])
    for definition in schema["definitions"].values():
        keys |= set(definition["properties"])
    return keys


def test_the_format_reference_names_every_key_of_the_schema() -> None:
    reference = (REPO / "docs" / "course-format.md").read_text(encoding="utf-8")
    in_examples = {
        key
        for block in FENCE.findall(reference)
        for key in re.findall(r"^[ -]*([a-z_]+):", block, re.MULTILINE)
    }
    missing = sorted(schema_keys(course_schema()) - in_examples)
    assert missing == [], f"docs/course-format.md: add an example of {missing}"


def help_examples() -> list[tuple[str, list[str]]]:
    """The lines under 'Examples:' in every command's --help, as argument lists."""
    found = []
    for name, command in sorted(cli.commands.items()):
        text = (command.help or "").split("Examples:", 1)[-1]
        joined = text.replace("\\\n", " ")
        for line in joined.splitlines():
            for part in line.strip().split("&&"):
                words = shlex.split(part)
                if words[:1] == ["cpd-pack"]:
                    found.append((name, words[1:]))
    return found


SERVERS = {"launch", "preview"}
"""Commands that serve until Ctrl+C: their examples are parsed, not run (as are those that need
an LRS on the network, ``--lrs``)."""
MOODLE_REPORT = (
    REPO / "tests" / "fixtures" / "moodle-reports" / "scorm12-interactions-allusers-csv.txt"
)


def test_every_cli_help_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "course_source", tmp_path / "course_source")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["build", "course_source", "-o", "dist"]).exit_code == 0
    (tmp_path / "schema").mkdir()
    shutil.copy(
        "dist/advanced-therapeutic-relationships-1.0-scorm12.zip", tmp_path / "vendor-course.zip"
    )
    shutil.copy(MOODLE_REPORT, tmp_path / "moodle-interactions.txt")
    (tmp_path / "statements.json").write_text("[]")
    ran = []
    for name, args in help_examples():
        if name in SERVERS or "--lrs" in args:
            assert args[0] == name
            cli.commands[name].make_context(name, args[1:])  # raises on a bad option or path
            continue
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, f"cpd-pack {shlex.join(args)}:\n{result.output}"
        ran.append(name)
    assert set(ran) >= {"build", "check", "new", "report", "schema", "validate"}


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    for name in cli.commands:
        assert f"cpd-pack {name} " in commands, name


def test_the_theming_example_changes_the_style_sheet(tmp_path: Path) -> None:
    """docs/theming.md: a theme folder with only static/css/cpd.css, at its built-in path."""
    css = (REPO / "templates" / "static" / "css" / "cpd.css").read_text(encoding="utf-8")
    mine, changed = re.subn(r"--ink: #[0-9a-fA-F]{6}", "--ink: #111111", css, count=1)
    assert changed == 1
    theme = tmp_path / "my-theme" / "static" / "css"
    theme.mkdir(parents=True)
    (theme / "cpd.css").write_text(mine)
    args = ["build", str(REPO / "tests" / "fixtures" / "courses" / "mini"), "-f", "scorm12"]
    args += ["--templates", str(tmp_path / "my-theme"), "-o", str(tmp_path / "dist"), "-q"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    with zipfile.ZipFile(tmp_path / "dist" / "mini-course-1.0-scorm12.zip") as package:
        assert "--ink: #111111" in package.read("css/cpd.css").decode("utf-8")
        assert "--ink" not in package.read("css/theme.css").decode("utf-8")  # theme.css: no say
