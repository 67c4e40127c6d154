"""SCORM 2004 4th Edition: one SCO, the pass mark as the primary objective's measure."""

from __future__ import annotations

from lxml import etree

from cpd_pack.outline import Outline
from cpd_pack.packagers.base import XSI, Packager, ScormManifest, decimal, scorm_manifest

IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
# Moodle matches these prefixes literally (standards.md section 0.1): never change them.
NSMAP = {
    None: IMSCP,
    "adlcp": ADLCP,
    "adlseq": ADLSEQ,
    "adlnav": ADLNAV,
    "imsss": IMSSS,
    "xsi": XSI,
}
SCHEMA_LOCATION = (
    f"{IMSCP} imscp_v1p1.xsd {ADLCP} adlcp_v1p3.xsd {ADLSEQ} adlseq_v1p3.xsd "
    f"{ADLNAV} adlnav_v1p3.xsd {IMSSS} imsss_v1p0.xsd"
)
SCHEMA_FILES = (
    "imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "adlnav_v1p3.xsd", "imsss_v1p0.xsd",
    "imsss_v1p0auxresource.xsd", "imsss_v1p0control.xsd", "imsss_v1p0delivery.xsd",
    "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd", "imsss_v1p0random.xsd",
    "imsss_v1p0rollup.xsd", "imsss_v1p0seqrule.xsd", "imsss_v1p0util.xsd", "xml.xsd",
    "XMLSchema.dtd", "datatypes.dtd",
)  # fmt: skip
PRIMARY_OBJECTIVE = "PRIMARYOBJ"


MANIFEST = ScormManifest(IMSCP, ADLCP, NSMAP, SCHEMA_LOCATION, "2004 4th Edition", "scormType")


def _ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


class Scorm2004Packager(Packager):
    """SCORM 2004 4th Edition package."""

    name = "scorm2004"
    adapter = "scorm2004"
    manifest_name = "imsmanifest.xml"
    schema_set = "scorm2004-4th"
    schema_files = SCHEMA_FILES

    def manifest(self, outline: Outline, content: list[str]) -> etree._Element:
        """The imsmanifest.xml of a single-SCO SCORM 2004 4th Edition package."""
        course = outline.course
        root, item = scorm_manifest(outline, MANIFEST, content, f"{course.id}-scorm2004")
        sequencing = etree.SubElement(item, _ss("sequencing"))
        if course.quiz is not None:
            # The only objective, with an explicit measure: Moodle takes scaled_passing_score
            # from every objective's minNormalizedMeasure (standards.md section 0.5).
            objectives = etree.SubElement(sequencing, _ss("objectives"))
            primary = etree.SubElement(
                objectives,
                _ss("primaryObjective"),
                objectiveID=PRIMARY_OBJECTIVE,
                satisfiedByMeasure="true",
            )
            measure = etree.SubElement(primary, _ss("minNormalizedMeasure"))
            measure.text = decimal(course.pass_mark / 100)
        etree.SubElement(
            sequencing,
            _ss("deliveryControls"),
            completionSetByContent="true",
            objectiveSetByContent="true",
        )
        return root
