"""What every packager shares: the interface, lxml helpers and the schema files it ships."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

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
