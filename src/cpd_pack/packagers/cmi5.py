"""cmi5 package: cmi5.xml with the course and one AU (valid against CourseStructure.xsd)."""

from __future__ import annotations

from lxml import etree

from cpd_pack.activities import COURSE_TYPE, base_iri, plain_text
from cpd_pack.outline import Outline
from cpd_pack.packagers.base import decimal
from cpd_pack.packagers.xapi import LAUNCH_FILE, XapiFamilyPackager

CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
SCHEMA_SET = "cmi5"
"""The shipped schema set cmi5.xml is validated against (:func:`cpd_pack.schemas.validation_errors`)."""
MOVE_ON = {"pages-and-quiz": "CompletedAndPassed", "quiz": "Passed", "pages": "Completed"}
LAUNCH_METHOD = "AnyWindow"
AU_SUFFIX = "/au"


def _c(tag: str) -> str:
    return f"{{{CMI5}}}{tag}"


def au_iri(base: str) -> str:
    """The publisher id of the course's one AU."""
    return base + AU_SUFFIX


def _langstring(parent: etree._Element, tag: str, text: str, lang: str) -> None:
    element = etree.SubElement(parent, _c(tag))
    etree.SubElement(element, _c("langstring"), lang=lang).text = text


class Cmi5Packager(XapiFamilyPackager):
    """cmi5 package: one AU that is the whole course."""

    name = "cmi5"
    adapter = "cmi5"
    manifest_name = "cmi5.xml"

    def manifest(self, outline: Outline, content: list[str]) -> etree._Element:
        """cmi5.xml: the course (title, description) and its AU with moveOn and masteryScore."""
        course = outline.course
        base = base_iri(course)
        title = " ".join(course.title.split())
        # Both elements are required by the schema; a course without a description uses its title.
        description = plain_text(course.description) or title
        root = etree.Element(_c("courseStructure"), nsmap={None: CMI5})  # type: ignore[dict-item]
        course_element = etree.SubElement(root, _c("course"), id=base)
        _langstring(course_element, "title", title, course.language)
        _langstring(course_element, "description", description, course.language)
        au = etree.SubElement(root, _c("au"), id=au_iri(base))
        au.set("moveOn", MOVE_ON[course.completion_rule])
        if course.quiz is not None:
            au.set("masteryScore", decimal(course.pass_mark / 100, 4))
        au.set("launchMethod", LAUNCH_METHOD)
        au.set("activityType", COURSE_TYPE)
        _langstring(au, "title", title, course.language)
        _langstring(au, "description", description, course.language)
        etree.SubElement(au, _c("url")).text = LAUNCH_FILE
        return root
