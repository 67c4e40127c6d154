"""Validate generated manifests against the official schema files shipped with cpd-pack."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

_WRAPPERS = {
    # SCORM 2004: import the xml namespace first from the local copy (libxml2 honours only the
    # first import of a namespace), then every namespace a manifest uses, so that the lax
    # wildcards of imscp_v1p1.xsd are still checked strictly (schemas/README.md).
    "scorm2004-4th": [
        ("http://www.w3.org/XML/1998/namespace", "xml.xsd"),
        ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
        ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"),
    ],
    # SCORM 1.2: imsmd does not compile in libxml2 and ims_xml.xsd may not be imported directly.
    "scorm12": [
        ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
    ],
    "cmi5": [("https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd", "CourseStructure.xsd")],
}
XS = "http://www.w3.org/2001/XMLSchema"


@cache
def load_schema(schema_set: str) -> etree.XMLSchema:
    """Compile the wrapper schema for ``schema_set`` offline."""
    path = Path(__file__).parent / "schemas" / schema_set
    wrapper = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    for namespace, location in _WRAPPERS[schema_set]:
        etree.SubElement(wrapper, f"{{{XS}}}import", namespace=namespace, schemaLocation=location)
    parser = etree.XMLParser(no_network=True)
    document = etree.fromstring(
        etree.tostring(wrapper), parser, base_url=(path / "wrapper.xsd").as_uri()
    )
    return etree.XMLSchema(document)


def validation_errors(schema_set: str, xml: bytes) -> list[str]:
    """Every schema error in ``xml``, as 'line N: message'; empty when valid."""
    document = etree.fromstring(xml, etree.XMLParser(no_network=True))
    schema = load_schema(schema_set)
    if schema.validate(document):
        return []
    log: list[etree._LogEntry] = list(schema.error_log)  # type: ignore[call-overload]
    return [f"line {error.line}: {error.message}" for error in log]
