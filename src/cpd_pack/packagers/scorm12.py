"""SCORM 1.2: one SCO; the pass mark as adlcp:masteryscore only when the quiz alone completes it."""

from __future__ import annotations

from lxml import etree

from cpd_pack.exceptions import BuildError
from cpd_pack.outline import Outline
from cpd_pack.packagers.base import XSI, Packager, ScormManifest, decimal, scorm_manifest
from cpd_pack.state import SCORM12_SUSPEND_MAX, structural_size

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
# Moodle matches the adlcp prefix literally (standards.md section 0.1): never change it.
NSMAP = {None: IMSCP, "adlcp": ADLCP, "xsi": XSI}
SCHEMA_LOCATION = (
    f"{IMSCP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd"
)
SCHEMA_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")


MANIFEST = ScormManifest(IMSCP, ADLCP, NSMAP, SCHEMA_LOCATION, "1.2", "scormtype")


class Scorm12Packager(Packager):
    """SCORM 1.2 package."""

    name = "scorm12"
    adapter = "scorm12"
    manifest_name = "imsmanifest.xml"
    schema_set = "scorm12"
    schema_files = SCHEMA_FILES

    def check(self, outline: Outline) -> None:
        """Fail when the worst-case saved state cannot fit SCORM 1.2's suspend_data."""
        size = structural_size(outline)
        if size > SCORM12_SUSPEND_MAX:
            raise BuildError(
                f"scorm12: the course's saved state can need {size} characters, but SCORM 1.2 "
                f"keeps at most {SCORM12_SUSPEND_MAX} in cmi.suspend_data; use fewer pages, "
                "questions, options or self-assessment statements, or build only scorm2004"
            )

    def manifest(self, outline: Outline, content: list[str]) -> etree._Element:
        """The imsmanifest.xml of a single-SCO SCORM 1.2 package (no inline IMS MD metadata)."""
        course = outline.course
        root, item = scorm_manifest(outline, MANIFEST, content, f"{course.id}-scorm12")
        if course.quiz is not None and course.completion_rule == "quiz":
            # Only where the quiz alone completes the course: LMSs that apply "mastery score
            # overrides status" (Moodle's default) set passed/failed from score.raw alone, which
            # would pass a learner who has not met a rule that also needs the pages (issue 6).
            etree.SubElement(item, f"{{{ADLCP}}}masteryscore").text = decimal(course.pass_mark, 2)
        return root
