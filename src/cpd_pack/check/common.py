"""Helpers every format's checks share: safe XML parsing, package paths, schema files, ids."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from lxml import etree

from cpd_pack.check.archive import Archive, human_size
from cpd_pack.check.report import CheckReport

XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
MAX_SCHEMA_FILES = 200


def safe_parser(*, recover: bool = False) -> etree.XMLParser:
    """A parser for untrusted XML: no entity expansion, no DTD loading, no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover
    )


def line_of(element: etree._Element) -> int | None:
    """The source line of ``element`` (lxml-stubs types ``sourceline`` loosely)."""
    value = getattr(element, "sourceline", None)
    return value if isinstance(value, int) else None


def parse_xml(data: bytes, file: str, report: CheckReport) -> etree._Element | None:
    """The root element of ``data``, or None after recording ``xml-malformed``.

    Entities are never expanded: a reference to one is reported (``xml-entities``) and left
    out of the tree, so that what the checks and the schema see is the text as written.
    """
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        message = re.sub(r", line \d+, column \d+$", "", exc.msg)
        report.error("xml-malformed", f"{file} is not well-formed XML: {message}", file, line)
        return None
    entities = [node for node in root.iter() if isinstance(node, etree._Entity)]
    if entities:
        report.error(
            "xml-entities",
            f"{file} uses entities declared in its DOCTYPE ({entities[0].text}); they are not "
            "expanded here, and LMS parsers may not expand them either: write the text out",
            file,
            line_of(entities[0]),
        )
        for node in entities:
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    return root


def read_xml(archive: Archive, name: str, report: CheckReport) -> etree._Element | None:
    """Read and parse member ``name``; None (and a finding) when too big or malformed."""
    data = archive.read(name)
    if data is None:
        limit = human_size(archive.limits.max_xml_size)
        report.error("xml-too-large", f"{name} is bigger than {limit}; it was not read", name)
        return None
    return parse_xml(data, name, report)


def is_url(href: str) -> bool:
    """True for an absolute URL with a scheme (``https:``, ``app:``), not for ``C:\\`` or ``file:``."""
    return bool(_SCHEME.match(href)) and not href.lower().startswith("file:")


def package_path(
    href: str, report: CheckReport, *, what: str, file: str, line: int | None, base: str = ""
) -> str | None:
    """The member ``href`` (relative to ``base``) names; None for a URL or after a finding.

    Records ``href-absolute``, ``href-backslash`` and ``href-parent``. Query and fragment are
    dropped and percent escapes decoded, as a web server does.
    """
    source = "standards.md 1.2 (resource href rules)"
    if is_url(href):
        return None
    if href.startswith(("/", "\\")) or _DRIVE.match(href) or href.lower().startswith("file:"):
        report.error(
            "href-absolute",
            f"{what} {href!r} is an absolute path; paths in a package are relative to its root",
            file,
            line,
            source,
        )
        return None
    if "\\" in href:
        report.error(
            "href-backslash",
            f"{what} {href!r} uses backslashes; use '/' (servers on Linux look for a file whose "
            "name contains the backslash)",
            file,
            line,
            source,
        )
        return None
    path = unquote(urlsplit(base + href).path)
    if ".." in path.split("/"):
        report.error(
            "href-parent",
            f"{what} {href!r} contains '..'; paths in a package must stay inside it",
            file,
            line,
            source,
        )
        return None
    return posixpath.normpath(path) if path else None


def require_member(
    archive: Archive,
    path: str,
    report: CheckReport,
    *,
    code: str,
    what: str,
    file: str,
    line: int | None,
) -> bool:
    """True when ``path`` is in the zip; else record ``code`` (with a letter-case hint)."""
    if archive.has(path):
        return True
    hint = ""
    other = archive.other_case(path)
    if other:
        hint = f"; the package has {other!r}, and file names are case-sensitive on most servers"
    report.error(code, f"{what} {path!r}, which is not in the package{hint}", file, line)
    return False


def check_unique_ids(
    elements: Iterable[tuple[etree._Element, str]], report: CheckReport, file: str, where: str
) -> set[int]:
    """Record ``identifier-duplicate`` for repeated ids; return the lines of the repeats."""
    first: dict[str, int | None] = {}
    lines: set[int] = set()
    for element, value in elements:
        line = line_of(element)
        if value in first:
            report.error(
                "identifier-duplicate",
                f"identifier {value!r} is used again (first at line {first[value]}); "
                f"identifiers must be unique in {where}",
                file,
                line,
            )
            if line:
                lines.add(line)
        else:
            first[value] = line
    return lines


def schema_locations(root: etree._Element) -> list[str]:
    """The file locations named in the root's ``xsi:schemaLocation`` (namespace, location pairs)."""
    value = root.get(f"{{{XSI}}}schemaLocation") or ""
    words = value.split()
    return words[1::2]


def check_schema_files(
    archive: Archive, root: etree._Element, report: CheckReport, file: str
) -> None:
    """Every XSD named in ``xsi:schemaLocation`` at the zip root, and what those XSDs include."""
    source = "standards.md 0.8, 1.4; pitfall 12"
    pending: list[str] = []
    for location in schema_locations(root):
        if is_url(location):
            continue
        name = posixpath.basename(location)
        stated = posixpath.normpath(location)
        for path, where in ((name, "at the root of"), (stated, "in")):
            if not archive.has(path):
                report.error(
                    "xsd-missing",
                    f"xsi:schemaLocation names {location!r}, which is not {where} the package",
                    file,
                    line_of(root),
                    source,
                )
                break
        else:
            if name not in pending:
                pending.append(name)
    seen = set(pending)
    missing: dict[str, list[tuple[str, int | None, str]]] = {}
    while pending:
        name = pending.pop(0)
        data = archive.read(name) if name in archive.files else None
        if data is None:
            continue
        # recover: the official ims_xml.xsd breaks a namespace rule libxml2 enforces
        try:
            schema = etree.fromstring(data, safe_parser(recover=True))
        except etree.XMLSyntaxError:
            continue
        if schema is None:
            continue
        folder = posixpath.dirname(name)
        wanted = [
            (element.get("schemaLocation") or "", line_of(element), "includes")
            for element in schema.iter(f"{{{XS}}}include", f"{{{XS}}}import", f"{{{XS}}}redefine")
        ]
        dtd = getattr(schema.getroottree().docinfo, "system_url", None)
        if dtd:
            wanted.append((dtd, 1, "names the DTD"))
        for location, line, verb in wanted:
            if not location or is_url(location):
                continue
            target = posixpath.normpath(posixpath.join(folder, location))
            if not archive.has(target):
                missing.setdefault(target, []).append((name, line, verb))
            elif target.endswith(".xsd") and target not in seen and len(seen) < MAX_SCHEMA_FILES:
                seen.add(target)
                pending.append(target)
    for target, users in missing.items():
        name, line, verb = users[0]
        also = f" (so do {', '.join(u[0] for u in users[1:])})" if len(users) > 1 else ""
        report.error(
            "xsd-missing",
            f"{name} {verb} {target!r}, which is not in the package{also}",
            name,
            line,
            source,
        )
