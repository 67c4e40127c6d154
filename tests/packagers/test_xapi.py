"""The xAPI package: tincan.xml after the Rustici convention and the definitions in js/lms.js."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from lxml import etree

from cpd_pack.activities import activity_definitions
from cpd_pack.exceptions import BuildError
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.packagers.archive import zip_bytes
from cpd_pack.packagers.base import to_bytes
from cpd_pack.packagers.cmi5 import Cmi5Packager
from cpd_pack.packagers.xapi import XapiFamilyPackager, XapiPackager
from cpd_pack.validate import validate_course

TC = "{http://projecttincan.com/tincan.xsd}"
BASE = "https://example.org/courses/mini-course"
TYPES = "http://adlnet.gov/expapi/activities/"
SITE = {"index.html": b"<!doctype html><title>Mini</title>", "js/player.js": b"// player"}
ADAPTER = b"/* adapter */\n"
PREFIX = b"window.CPD_XAPI = "
MISSING_IRI = (
    "course.yaml: xapi.activity_iri: the xapi and cmi5 packages need a stable activity IRI for "
    'the course, e.g. xapi: {activity_iri: "https://example.org/courses/mini-course"} '
    "(a domain you control; once published, never change it)"
)


def tincan_root(outline: Outline) -> etree._Element:
    return etree.fromstring(to_bytes(XapiPackager().manifest(outline, sorted(SITE))))


def test_tincan_xml_has_one_launchable_course_activity(mini_outline: Outline) -> None:
    root = tincan_root(mini_outline)
    assert root.tag == f"{TC}tincan"
    assert root.nsmap == {None: "http://projecttincan.com/tincan.xsd"}
    assert [child.tag for child in root] == [f"{TC}activities"]
    launches = root.findall(f".//{TC}launch")
    assert len(launches) == 1
    assert launches[0].text == "index.html" and launches[0].get("lang") == "en-GB"
    course = root.find(f"{TC}activities/{TC}activity")
    assert course is not None and launches[0].getparent() is course
    assert course.get("id") == BASE and course.get("type") == f"{TYPES}course"
    assert [child.tag for child in course] == [f"{TC}name", f"{TC}description", f"{TC}launch"]
    assert course.findtext(f"{TC}name") == "Mini course"
    assert course.findtext(f"{TC}description") == (
        "A tiny course that uses every feature, for tests."
    )


def test_tincan_xml_lists_every_unit_page_and_question(mini_outline: Outline) -> None:
    activities = tincan_root(mini_outline).findall(f"{TC}activities/{TC}activity")
    found = [(a.get("id"), a.get("type")) for a in activities]
    assert found == [
        (BASE, f"{TYPES}course"),
        (f"{BASE}/units/start", f"{TYPES}module"),
        (f"{BASE}/units/finish", f"{TYPES}module"),
        *[
            (f"{BASE}/pages/{page}", f"{TYPES}lesson")
            for page in ("welcome", "learning", "wrap-up", "final-quiz", "certificate")
        ],
        *[
            (f"{BASE}/questions/{q}", f"{TYPES}cmi.interaction")
            for q in ("q-single", "q-multi", "q-tf")
        ],
        (f"{BASE}/checks/kc-listen", f"{TYPES}cmi.interaction"),
    ]
    for activity in activities:
        for tag in ("name", "description"):
            (element,) = activity.findall(f"{TC}{tag}")
            assert element.get("lang") == "en-GB" and element.text


def test_tincan_xml_interactions(mini_outline: Outline) -> None:
    root = tincan_root(mini_outline)
    by_id = {a.get("id"): a for a in root.iter(f"{TC}activity")}

    def details(iri: str) -> tuple[str | None, list[str], list[tuple[str | None, str | None]]]:
        activity = by_id[iri]
        patterns = activity.findall(f"{TC}correctResponsePatterns/{TC}correctResponsePattern")
        components = activity.findall(f"{TC}choices/{TC}component")
        return (
            activity.findtext(f"{TC}interactionType"),
            [p.text or "" for p in patterns],
            [(c.findtext(f"{TC}id"), c.findtext(f"{TC}description")) for c in components],
        )

    assert details(f"{BASE}/questions/q-single") == (
        "choice",
        ["a"],
        [("a", "Red"), ("b", "Seven"), ("c", "Tuesday")],
    )
    assert details(f"{BASE}/questions/q-multi") == (
        "choice",
        ["a[,]b"],
        [("a", "Apple"), ("b", "Pear"), ("c", "Carrot")],
    )
    assert details(f"{BASE}/questions/q-tf") == ("true-false", ["false"], [])
    assert details(f"{BASE}/checks/kc-listen") == ("choice", ["a"], [("a", "Yes"), ("b", "No")])
    single = by_id[f"{BASE}/questions/q-single"]
    assert [child.tag.removeprefix(TC) for child in single] == [
        "name",
        "description",
        "interactionType",
        "correctResponsePatterns",
        "choices",
    ]
    description = single.find(f"{TC}choices/{TC}component/{TC}description")
    assert description is not None and description.get("lang") == "en-GB"
    assert by_id[f"{BASE}/questions/q-tf"].find(f"{TC}choices") is None
    for page in root.iter(f"{TC}activity"):
        if page.get("type") != f"{TYPES}cmi.interaction":
            assert page.find(f"{TC}interactionType") is None


def test_package_files_prefix_the_adapter_with_the_definitions(mini_outline: Outline) -> None:
    files = XapiPackager().package_files(mini_outline, SITE, ADAPTER)
    assert set(files) == {*SITE, "js/lms.js", "tincan.xml"}  # no schema files
    assert files["index.html"] == SITE["index.html"]
    script = files["js/lms.js"]
    assert script.startswith(PREFIX) and script.endswith(b";\n" + ADAPTER)
    payload = json.loads(script[len(PREFIX) : -len(b";\n" + ADAPTER)])
    assert payload == {
        "base": BASE,
        "lang": "en-GB",
        **json.loads(json.dumps(activity_definitions(mini_outline))),
    }
    assert script.isascii() and b"\n" not in script[: -len(b"\n" + ADAPTER)]
    xml_ids = {a.get("id") for a in etree.fromstring(files["tincan.xml"]).iter(f"{TC}activity")}
    json_ids = {payload["course"]["id"]} | {
        a["id"]
        for kind in ("units", "pages", "questions", "checks")
        for a in payload[kind].values()
    }
    assert xml_ids == json_ids


def test_output_is_byte_identical_on_repeat(mini_dir: Path, mini_outline: Outline) -> None:
    again = build_outline(validate_course(load_course(mini_dir)))
    first = XapiPackager().package_files(mini_outline, SITE, ADAPTER)
    second = XapiPackager().package_files(again, dict(reversed(SITE.items())), ADAPTER)
    assert first == second
    assert zip_bytes(first) == zip_bytes(second)


def test_the_packagers_are_xapi_family_packagers() -> None:
    for packager in (XapiPackager(), Cmi5Packager()):
        assert isinstance(packager, XapiFamilyPackager)
        assert packager.schema_set is None and packager.schema_files == ()
    assert (XapiPackager.name, XapiPackager.adapter, XapiPackager.manifest_name) == (
        "xapi",
        "xapi",
        "tincan.xml",
    )


def test_a_course_without_activity_iri_cannot_be_built(mini_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(mini_dir, tmp_path, dirs_exist_ok=True)
    data = yaml.safe_load((mini_dir / "course.yaml").read_text(encoding="utf-8"))
    del data["xapi"]
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    outline = build_outline(validate_course(load_course(tmp_path)))
    for packager in (XapiPackager(), Cmi5Packager()):
        with pytest.raises(BuildError) as caught:
            packager.check(outline)
        assert caught.value.message == MISSING_IRI
        with pytest.raises(BuildError):
            packager.package_files(outline, SITE, ADAPTER)


def test_check_passes_with_an_activity_iri(mini_outline: Outline) -> None:
    XapiPackager().check(mini_outline)
    Cmi5Packager().check(mini_outline)
