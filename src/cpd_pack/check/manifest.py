"""A SCORM manifest as the checks see it: namespaces, version detection, shared lookups."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from cpd_pack.check.common import line_of
from cpd_pack.check.report import CheckReport

MANIFEST = "imsmanifest.xml"
CP12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
CP2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
ONLY_2004 = (ADLCP2004, ADLSEQ, ADLNAV, IMSSS)
PREFIXES = {
    CP12: "",
    CP2004: "",
    ADLCP12: "adlcp:",
    ADLCP2004: "adlcp:",
    ADLSEQ: "adlseq:",
    ADLNAV: "adlnav:",
    IMSSS: "imsss:",
}
EDITIONS = {
    "1.2": ("scorm12", "1.2"),
    "CAM 1.3": ("scorm2004", "2nd Edition"),
    "1.3": ("scorm2004", "2nd Edition"),
    "2004 3rd Edition": ("scorm2004", "3rd Edition"),
    "2004 4th Edition": ("scorm2004", "4th Edition"),
}


@dataclass
class Manifest:
    """A parsed manifest and what the rules share about it."""

    root: etree._Element
    family: str
    """``scorm12`` or ``scorm2004``: which namespaces (and so which schemas) it uses."""
    edition: str | None
    cp: str
    adlcp: str
    claimed: set[int] = field(default_factory=set)
    """Lines whose schema error a clearer rule finding already explains."""

    def q(self, name: str) -> str:
        """The Clark name of an IMS CP element."""
        return f"{{{self.cp}}}{name}"

    @property
    def scormtype(self) -> str:
        """The Clark name of the SCO/asset flag (``scormtype`` in 1.2, ``scormType`` in 2004)."""
        return f"{{{self.adlcp}}}{'scormtype' if self.family == 'scorm12' else 'scormType'}"

    def sco_flag(self, resource: etree._Element) -> str | None:
        """The resource's adlcp:scormType value, whatever the letter case of its name (as Moodle)."""
        wanted = self.scormtype.lower()
        found = (str(v) for k, v in resource.attrib.items() if str(k).lower() == wanted)
        return next(found, None)

    def items(self) -> list[etree._Element]:
        """Every item of every organization, in document order."""
        return list(self.root.iter(self.q("item")))

    def resources(self) -> list[etree._Element]:
        """Every resource element."""
        return list(self.root.iter(self.q("resource")))


def _namespaces_used(root: etree._Element) -> set[str]:
    used: set[str] = set()
    for element in root.iter():
        if isinstance(element.tag, str):
            used.add(etree.QName(element).namespace or "")
            used.update(etree.QName(name).namespace or "" for name in element.attrib)
    return used


def detect(root: etree._Element, report: CheckReport) -> Manifest | None:
    """Set the report's kind and version from the namespaces and ``<schemaversion>``."""
    source = "standards.md 2, 11.10"
    namespace = etree.QName(root).namespace
    family = {CP12: "scorm12", CP2004: "scorm2004"}.get(namespace or "")
    version_el = root.find("{*}metadata/{*}schemaversion")
    text = (version_el.text or "").strip() if version_el is not None else ""
    declared = EDITIONS.get(text)
    metadata = root.find("{*}metadata")
    line = line_of(version_el if version_el is not None else root if metadata is None else metadata)
    if family is None:
        report.kind = declared[0] if declared else None
        report.error(
            "scorm-namespace-unknown",
            f"the root element is {root.tag!r}; a SCORM manifest is <manifest> in the IMS CP "
            f"namespace of SCORM 1.2 ({CP12}) or SCORM 2004 ({CP2004})",
            MANIFEST,
            line_of(root),
            "standards.md 1.1, 2",
        )
        return None
    report.kind = family
    used = _namespaces_used(root)
    foreign = sorted(used & set(ONLY_2004)) if family == "scorm12" else sorted(used & {ADLCP12})
    if foreign:
        report.error(
            "scorm-version-mismatch",
            f"the manifest mixes SCORM {'1.2' if family == 'scorm12' else '2004'} namespaces "
            f"with the other version's ({', '.join(foreign)}); LMSs ignore or reject the "
            "elements of the wrong version",
            MANIFEST,
            line_of(root),
            "pitfall 12",
        )
    edition = None
    said = f"<schemaversion> {text!r}"
    if declared and declared[0] != family:
        report.error(
            "scorm-version-mismatch",
            f"{said} is SCORM {'1.2' if declared[0] == 'scorm12' else '2004'} but the manifest "
            f"uses the SCORM {'1.2' if family == 'scorm12' else '2004'} namespaces; LMSs pick the "
            "runtime from one or the other, so tracking breaks",
            MANIFEST,
            line,
            "pitfall 12; " + source,
        )
    elif declared:
        edition = declared[1]
    elif family == "scorm2004":
        what = (
            f"{said} is not a SCORM 2004 version ('2004 4th Edition', '2004 3rd Edition' or "
            "'CAM 1.3')"
            if version_el is not None
            else "there is no <schemaversion>"
        )
        report.error(
            "schemaversion-unknown",
            f"{what}; Moodle then treats the package as SCORM 1.2 and the SCO finds no "
            "SCORM 2004 API",
            MANIFEST,
            line,
            source,
        )
    else:
        edition = "1.2"
        what = f"{said} is not '1.2'" if version_el is not None else "there is no <schemaversion>"
        report.warning(
            "schemaversion-unknown",
            f"{what}; LMSs that check it may reject the package (Moodle plays it as SCORM 1.2)",
            MANIFEST,
            line,
            source,
        )
    report.version = "1.2" if family == "scorm12" else edition
    adlcp = ADLCP12 if family == "scorm12" else ADLCP2004
    return Manifest(root, family, edition, namespace or "", adlcp)
