"""What every packager shares: the interface, lxml helpers and the schema files it ships."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from cpd_pack.outline import Outline

XSI = "http://www.w3.org/2001/XMLSchema-instance"


def schema_dir(name: str) -> Path:
    """The folder of shipped schema files for ``name`` (scorm12, scorm2004-4th, cmi5)."""
    return Path(__file__).parents[1] / "schemas" / name


def to_bytes(root: etree._Element) -> bytes:
    """Serialise an XML document: UTF-8 with a declaration, indented, deterministic."""
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def decimal(value: float, places: int = 4) -> str:
    """Format a number without exponent or trailing zeros: 70.0 -> '70', 0.705 -> '0.705'."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class ScormManifest:
    """What tells a SCORM 1.2 manifest from a 2004 one, for :func:`scorm_manifest`."""

    cp: str
    """The IMS content packaging namespace (the manifest's default namespace)."""
    adlcp: str
    nsmap: dict[str | None, str]
    schema_location: str
    schemaversion: str
    """``1.2`` or ``2004 4th Edition``."""
    scorm_type: str
    """The resource's attribute: ``scormtype`` (1.2) or ``scormType`` (2004)."""


def scorm_manifest(
    outline: Outline, kind: ScormManifest, content: list[str], identifier: str
) -> tuple[etree._Element, etree._Element]:
    """A single-SCO SCORM manifest, and its one item (for what the version adds to it)."""
    course = outline.course
    ids = {key: f"{course.id}-{key}" for key in ("org", "sco", "res")}

    def cp(tag: str) -> str:
        return f"{{{kind.cp}}}{tag}"

    nsmap: Any = kind.nsmap  # None keys the default namespace; lxml-stubs want text keys
    root = etree.Element(cp("manifest"), nsmap=nsmap, identifier=identifier)
    root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", kind.schema_location)
    metadata = etree.SubElement(root, cp("metadata"))
    etree.SubElement(metadata, cp("schema")).text = "ADL SCORM"
    etree.SubElement(metadata, cp("schemaversion")).text = kind.schemaversion
    organizations = etree.SubElement(root, cp("organizations"), default=ids["org"])
    organization = etree.SubElement(organizations, cp("organization"), identifier=ids["org"])
    etree.SubElement(organization, cp("title")).text = course.title
    item = etree.SubElement(
        organization, cp("item"), identifier=ids["sco"], identifierref=ids["res"]
    )
    etree.SubElement(item, cp("title")).text = course.title
    resources = etree.SubElement(root, cp("resources"))
    resource = etree.SubElement(
        resources, cp("resource"), identifier=ids["res"], type="webcontent", href="index.html"
    )
    resource.set(f"{{{kind.adlcp}}}{kind.scorm_type}", "sco")
    for path in content:
        etree.SubElement(resource, cp("file"), href=path)
    return root, item


class Packager(ABC):
    """One output format: knows its manifest, its schema files and its runtime adapter."""

    name: ClassVar[str]
    """The format's name on the command line and in the zip's file name."""
    adapter: ClassVar[str]
    """The runtime adapter shipped as ``js/lms.js``."""
    manifest_name: ClassVar[str]
    """The manifest's path in the zip."""
    schema_set: ClassVar[str | None] = None
    """The folder of schema files shipped at the zip root, if any."""
    schema_files: ClassVar[tuple[str, ...]] = ()

    def check(self, outline: Outline) -> None:  # noqa: B027 - optional hook
        """Raise :class:`BuildError` when the course cannot work in this format."""

    @abstractmethod
    def manifest(self, outline: Outline, content: list[str]) -> etree._Element:
        """Build the manifest for the course whose package holds the ``content`` paths."""

    def package_files(
        self, outline: Outline, site: dict[str, bytes], adapter: bytes
    ) -> dict[str, bytes]:
        """Every file of the package: site, adapter, schema files and manifest."""
        files = dict(site)
        files["js/lms.js"] = adapter
        content = sorted(files)
        if self.schema_set:
            folder = schema_dir(self.schema_set)
            for name in self.schema_files:
                files[name] = (folder / name).read_bytes()
        files[self.manifest_name] = to_bytes(self.manifest(outline, content))
        return files
