"""The cmi5 package: cmi5.xml valid against CourseStructure.xsd, with the values an LMS reads."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.packagers.base import to_bytes
from cpd_pack.packagers.cmi5 import Cmi5Packager
from cpd_pack.schemas import validation_errors
from cpd_pack.validate import validate_course

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
C = f"{{{NS}}}"
BASE = "https://example.org/courses/mini-course"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
SITE = {"index.html": b"<!doctype html><title>Mini</title>"}
ADAPTER = b"/* adapter */\n"
PREFIX = b"window.CPD_XAPI = "


def mini_variant(mini_dir: Path, target: Path, edit: Callable[[dict[str, Any]], None]) -> Outline:
    """The outline of a copy of the mini course whose course.yaml went through ``edit``."""
    shutil.copytree(mini_dir, target, dirs_exist_ok=True)
    data = yaml.safe_load((mini_dir / "course.yaml").read_text(encoding="utf-8"))
    edit(data)
    (target / "course.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return build_outline(validate_course(load_course(target)))


def without_quiz(data: dict[str, Any]) -> None:
    """Drop the quiz, its placement and the completion rule (defaults to pages)."""
    del data["quiz"], data["completion"], data["description"]
    data["units"][1]["pages"] = [p for p in data["units"][1]["pages"] if p["id"] != "final-quiz"]


def cmi5_xml(outline: Outline) -> bytes:
    return to_bytes(Cmi5Packager().manifest(outline, sorted(SITE)))


def test_cmi5_xml_is_valid_and_exact(mini_outline: Outline) -> None:
    xml = cmi5_xml(mini_outline)
    assert validation_errors("cmi5", xml) == []
    root = etree.fromstring(xml)
    assert root.tag == f"{C}courseStructure" and root.nsmap == {None: NS}
    assert [child.tag for child in root] == [f"{C}course", f"{C}au"]
    course, au = root
    assert dict(course.attrib) == {"id": BASE}
    assert [child.tag for child in course] == [f"{C}title", f"{C}description"]
    title = course.find(f"{C}title/{C}langstring")
    assert title is not None and title.text == "Mini course" and title.get("lang") == "en-GB"
    assert course.findtext(f"{C}description/{C}langstring") == (
        "A tiny course that uses every feature, for tests."
    )
    assert dict(au.attrib) == {
        "id": f"{BASE}/au",
        "moveOn": "CompletedAndPassed",
        "masteryScore": "0.7",
        "launchMethod": "AnyWindow",
        "activityType": COURSE_TYPE,
    }
    assert [child.tag for child in au] == [f"{C}title", f"{C}description", f"{C}url"]
    assert au.findtext(f"{C}title/{C}langstring") == "Mini course"
    assert au.findtext(f"{C}url") == "index.html"


@pytest.mark.parametrize(
    ("completion", "pass_mark", "move_on", "mastery"),
    [
        ("pages-and-quiz", 70, "CompletedAndPassed", "0.7"),
        ("quiz", 80, "Passed", "0.8"),
        ("pages", 100, "Completed", "1"),
        ("quiz", 66.66666, "Passed", "0.6667"),
        ("pages-and-quiz", 0, "CompletedAndPassed", "0"),
        ("quiz", 12.3456, "Passed", "0.1235"),
    ],
)
def test_move_on_and_mastery_score_follow_the_course(
    mini_dir: Path,
    tmp_path: Path,
    completion: str,
    pass_mark: float,
    move_on: str,
    mastery: str,
) -> None:
    def edit(data: dict[str, Any]) -> None:
        data.update(completion=completion, pass_mark=pass_mark)

    xml = cmi5_xml(mini_variant(mini_dir, tmp_path, edit))
    assert validation_errors("cmi5", xml) == []
    au = etree.fromstring(xml).find(f"{C}au")
    assert au is not None
    assert au.get("moveOn") == move_on
    assert au.get("masteryScore") == mastery
    assert (au.get("launchMethod"), au.get("activityType")) == ("AnyWindow", COURSE_TYPE)
    assert au.findtext(f"{C}url") == "index.html"


def test_a_course_without_quiz_or_description(mini_dir: Path, tmp_path: Path) -> None:
    xml = cmi5_xml(mini_variant(mini_dir, tmp_path, without_quiz))
    assert validation_errors("cmi5", xml) == []
    root = etree.fromstring(xml)
    au = root.find(f"{C}au")
    assert au is not None
    assert au.get("moveOn") == "Completed"
    assert "masteryScore" not in au.attrib
    # description is required by the schema: the title stands in for a missing one
    for element in (root.find(f"{C}course"), au):
        assert element is not None
        assert element.findtext(f"{C}description/{C}langstring") == "Mini course"


def test_a_markdown_description_becomes_plain_text(mini_dir: Path, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data.update(description="A *short*\ncourse about `listening`.", language="fr-CA")

    root = etree.fromstring(cmi5_xml(mini_variant(mini_dir, tmp_path, edit)))
    langstring = root.find(f"{C}course/{C}description/{C}langstring")
    assert langstring is not None
    assert langstring.text == "A short course about listening."
    assert {e.get("lang") for e in root.iter(f"{C}langstring")} == {"fr-CA"}


def test_the_schema_catches_wrong_values(mini_outline: Outline) -> None:
    root = Cmi5Packager().manifest(mini_outline, [])
    au = root.find(f"{C}au")
    assert au is not None
    au.set("moveOn", "Finished")
    au.set("masteryScore", "70")
    errors = validation_errors("cmi5", to_bytes(root))
    assert len(errors) == 2
    assert "moveOn" in errors[0] and "masteryScore" in errors[1]


def test_package_files(mini_outline: Outline) -> None:
    files = Cmi5Packager().package_files(mini_outline, SITE, ADAPTER)
    assert set(files) == {*SITE, "js/lms.js", "cmi5.xml"}  # no schema files in the zip
    assert validation_errors("cmi5", files["cmi5.xml"]) == []
    script = files["js/lms.js"]
    assert script.startswith(PREFIX) and script.endswith(b";\n" + ADAPTER)
    payload = json.loads(script[len(PREFIX) : -len(b";\n" + ADAPTER)])
    assert payload["base"] == BASE and payload["lang"] == "en-GB"
    assert payload["questions"]["q-multi"]["definition"]["correctResponsesPattern"] == ["a[,]b"]


def test_output_is_byte_identical_on_repeat(mini_dir: Path, mini_outline: Outline) -> None:
    again = build_outline(validate_course(load_course(mini_dir)))
    first = Cmi5Packager().package_files(mini_outline, SITE, ADAPTER)
    assert Cmi5Packager().package_files(again, SITE, ADAPTER) == first
    assert first["cmi5.xml"].startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
