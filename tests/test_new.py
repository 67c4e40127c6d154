"""``cpd-pack new``: the starter course (src/cpd_pack/scaffold/) builds and passes ``check``."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from cpd_pack import model
from cpd_pack.build import build_packages, check_course
from cpd_pack.check import check_package
from cpd_pack.cli import cli
from cpd_pack.course_schema import MODELINE, course_schema, schema_json
from cpd_pack.exceptions import CpdPackError
from cpd_pack.packagers import FORMATS
from cpd_pack.scaffold import create_course, starter_files

STARTER = [
    "course.yaml",
    "media/diagram.png",
    "media/welcome-transcript.md",
    "media/welcome.wav",
    "pages/the-basics.md",
    "schema/course.schema.json",
    "schema/unit.schema.json",
    "units/01-getting-started.yaml",
    "units/02-in-practice.yaml",
]


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "first-steps"
    create_course(folder)
    return folder


def test_new_writes_the_starter_course(tmp_path: Path) -> None:
    folder = tmp_path / "My Course"
    written = create_course(folder)
    assert [p.relative_to(folder).as_posix() for p in written] == STARTER
    text = (folder / "course.yaml").read_text(encoding="utf-8")
    assert "\nid: my-course " in text
    assert 'activity_iri: "https://example.org/courses/my-course"' in text
    assert (folder / "schema" / "unit.schema.json").read_text(encoding="utf-8") == schema_json(
        unit=True
    )


def test_the_course_id_is_made_from_the_folder_name(starter: Path) -> None:
    outline = check_course(starter, strict=True)
    assert (outline.course.id, outline.course.xapi) == (
        "first-steps",
        model.Xapi("https://example.org/courses/first-steps"),
    )
    assert (len(outline.units), len(outline.pages), len(outline.quiz_questions)) == (2, 4, 3)


def test_the_starter_uses_every_block_kind(starter: Path) -> None:
    outline = check_course(starter)
    used = {block.kind for page in outline.pages for block in page.blocks}
    missing = [kind for kind in model.BLOCK_KINDS if kind not in used]
    assert missing == [], f"add a {missing} block to src/cpd_pack/scaffold/starter/units/"


def test_the_starter_shows_every_course_key() -> None:
    text = starter_files()["course.yaml"].decode("utf-8")
    shown = set(re.findall(r"^(?:# )?([a-z_]+):", text, re.MULTILINE))
    missing = [f.name for f in fields(model.Course) if f.name not in shown]
    assert missing == [], f"add {missing} (or a commented example) to the starter's course.yaml"


def test_every_yaml_file_starts_with_the_modeline(starter: Path) -> None:
    assert (starter / "course.yaml").read_text().splitlines()[0] == MODELINE.format(
        "schema/course.schema.json"
    )
    for unit in sorted((starter / "units").glob("*.yaml")):
        assert unit.read_text().splitlines()[0] == MODELINE.format("../schema/unit.schema.json")
        data = yaml.safe_load(unit.read_text())
        jsonschema.validate(data, course_schema(unit=True), jsonschema.Draft7Validator)
    data = yaml.safe_load((starter / "course.yaml").read_text())
    jsonschema.validate(data, course_schema(), jsonschema.Draft7Validator)


@pytest.mark.parametrize("fmt", FORMATS)
def test_new_build_check_round_trip(starter: Path, tmp_path: Path, fmt: str) -> None:
    built = build_packages(starter, [fmt], tmp_path, strict=True)
    assert [p.name for p in built.paths] == [f"first-steps-1.0-{fmt}.zip"]
    report = check_package(built.paths[0])
    assert (report.kind, report.errors, report.warnings, report.exit_code) == (fmt, [], [], 0)


def test_new_accepts_an_empty_folder(tmp_path: Path) -> None:
    assert len(create_course(tmp_path)) == len(STARTER)
    assert check_course(tmp_path, strict=True).course.title == "My first course"


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CpdPackError) as info:
        create_course(tmp_path)
    assert info.value.message == (
        f"{tmp_path.as_posix()}: the folder is not empty; give a new or empty folder for the course"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(CpdPackError) as info:
        create_course(tmp_path / "notes.txt")
    assert info.value.message == (
        f"{(tmp_path / 'notes.txt').as_posix()}: is a file; give a new or empty folder for the course"
    )


def test_cli_new_then_build(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "course"
    result = runner.invoke(cli, ["new", str(folder)])
    assert (result.exit_code, result.output) == (
        0,
        f"{folder.as_posix()}: a new course in 9 files. Next:\n"
        f"  cpd-pack preview {folder.as_posix()} --open   see it as a learner does\n"
        f"  cpd-pack build {folder.as_posix()}            make the zips\n",
    )
    built = runner.invoke(cli, ["build", str(folder), "-f", "scorm12", "-o", str(tmp_path / "d")])
    assert built.exit_code == 0, built.output
    assert (tmp_path / "d" / "course-1.0-scorm12.zip").is_file()
    again = runner.invoke(cli, ["new", str(folder)])
    assert (again.exit_code, again.output) == (
        1,
        f"Error: {folder.as_posix()}: the folder is not empty; give a new or empty folder for "
        "the course\n",
    )
