"""SCORM 2004 4th Edition: one SCO, the pass mark as the primary objective's measure."""

from __future__ import annotations

from lxml import etree

from cpd_pack.outline import Outline
from cpd_pack.packagers.base import XSI, Packager, decimal

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


def _cp(tag: str) -> str:
    return f"{{{IMSCP}}}{tag}"


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
        ids = {kind: f"{course.id}-{kind}" for kind in ("org", "sco", "res")}
        root = etree.Element(
            _cp("manifest"),
            nsmap=NSMAP,  # type: ignore[arg-type]  # None keys the default namespace
            identifier=f"{course.id}-scorm2004",
            version=course.version,
        )
        root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
        metadata = etree.SubElement(root, _cp("metadata"))
        etree.SubElement(metadata, _cp("schema")).text = "ADL SCORM"
        etree.SubElement(metadata, _cp("schemaversion")).text = "2004 4th Edition"
        organizations = etree.SubElement(root, _cp("organizations"), default=ids["org"])
        organization = etree.SubElement(organizations, _cp("organization"), identifier=ids["org"])
        etree.SubElement(organization, _cp("title")).text = course.title
        item = etree.SubElement(
            organization, _cp("item"), identifier=ids["sco"], identifierref=ids["res"]
        )
        etree.SubElement(item, _cp("title")).text = course.title
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
        resources = etree.SubElement(root, _cp("resources"))
        resource = etree.SubElement(
            resources, _cp("resource"), identifier=ids["res"], type="webcontent", href="index.html"
        )
        resource.set(f"{{{ADLCP}}}scormType", "sco")
        for path in content:
            etree.SubElement(resource, _cp("file"), href=path)
        return root
