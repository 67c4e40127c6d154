"""SCORM 1.2 and 2004 manifests: schema validation and the packaging rules no schema checks.

The LMS-specific warnings are in :mod:`cpd_pack.check.scorm_lms`.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from cpd_pack.check import scorm_lms
from cpd_pack.check.archive import Archive
from cpd_pack.check.common import (
    XML_BASE,
    check_schema_files,
    check_unique_ids,
    line_of,
    package_path,
    read_xml,
    require_member,
)
from cpd_pack.check.manifest import (
    ADLCP12,
    IMSSS,
    MANIFEST,
    PREFIXES,
    Manifest,
    detect,
)
from cpd_pack.check.report import CheckReport
from cpd_pack.schemas import load_schema

_CLARK = re.compile(r"\{([^}]*)\}")


def _readable(message: str) -> str:
    """libxml2's message with the namespaces written as the usual prefixes."""
    return _CLARK.sub(lambda m: PREFIXES.get(m.group(1), m.group(0)), message)


def validate(manifest: Manifest, report: CheckReport) -> None:
    """Validate against the shipped schemas (the 4th Edition set for every 2004 edition)."""
    source = "standards.md 7"
    document = copy.deepcopy(manifest.root)
    if manifest.family == "scorm12":
        inline = [
            e
            for e in document.iter()
            if isinstance(e.tag, str) and "imsmd" in (etree.QName(e).namespace or "")
        ]
        if inline:
            report.warning(
                "scorm12-inline-metadata",
                "the manifest embeds IMS metadata (imsmd) inline; its schema does not compile in "
                "libxml2, so this part was not validated, and LMSs that validate with libxml2 "
                "(PHP, Python) cannot check it either; point adlcp:location to a metadata file",
                MANIFEST,
                line_of(inline[0]),
                source,
            )
        for element in inline:
            parent = element.getparent()
            if parent is not None and element in parent:
                parent.remove(element)
        schema = load_schema("scorm12")
    else:
        if manifest.edition in ("2nd Edition", "3rd Edition"):
            report.note(
                "schemas-4th-edition-only",
                f"cpd-pack ships only the SCORM 2004 4th Edition schemas; this {manifest.edition} "
                "manifest was validated against them. They accept everything earlier editions "
                "define, but also 4th Edition additions (adlcp:data, adlseq:objectives, "
                "completionThreshold attributes), which an older LMS would not know",
                MANIFEST,
                None,
                source,
            )
        schema = load_schema("scorm2004-4th")
    try:
        if schema.validate(document):
            return
    except etree.XMLSchemaValidateError as exc:
        report.error("schema-invalid", f"validation stopped: {exc}", MANIFEST, None, source)
        return
    log: list[etree._LogEntry] = list(schema.error_log)  # type: ignore[call-overload]
    for entry in log:
        if entry.line in manifest.claimed:
            continue
        report.error(
            "schema-invalid", _readable(entry.message), MANIFEST, entry.line or None, source
        )


def _bases(manifest: Manifest, report: CheckReport) -> str:
    """The xml:base of <manifest> and <resources> joined; reports a base without its '/'."""
    joined = ""
    resources = manifest.root.find(manifest.q("resources"))
    for element in (manifest.root, resources):
        if element is not None:
            joined += _base(element, report)
    return joined


def _base(element: etree._Element, report: CheckReport) -> str:
    base = element.get(XML_BASE)
    if not base:
        return ""
    if not base.endswith("/"):
        example = element.get("href") or "index.html"
        report.error(
            "xml-base-slash",
            f"xml:base {base!r} does not end with '/'; LMSs join it to the href as text, "
            f"making {base + example!r}",
            MANIFEST,
            line_of(element),
            "standards.md 1.2, 4",
        )
        return base + "/"
    return base


def check_structure(manifest: Manifest, archive: Archive, report: CheckReport) -> None:
    """The content-packaging rules no schema checks."""
    root, q = manifest.root, manifest.q
    with_ids = [
        (e, e.get("identifier") or "")
        for e in root.iter()
        if isinstance(e.tag, str) and e.get("identifier")
    ]
    manifest.claimed |= check_unique_ids(with_ids, report, MANIFEST, "a manifest")
    _check_organizations(manifest, report)
    resources = {r.get("identifier"): r for r in manifest.resources()}
    launched: dict[str, str] = {}
    for item in manifest.items():
        name = item.get("identifier") or "?"
        ref = item.get("identifierref")
        has_children = item.find(q("item")) is not None
        if ref is None:
            if not has_children:
                report.error(
                    "leaf-item-no-resource",
                    f"item {name!r} has no identifierref; an item without child items must "
                    "launch a resource",
                    MANIFEST,
                    line_of(item),
                    "standards.md 1.2",
                )
            continue
        if ref not in resources:
            report.error(
                "identifierref-dangling",
                f"item {name!r} refers to resource {ref!r}, which does not exist",
                MANIFEST,
                line_of(item),
                "standards.md 1.2",
            )
            continue
        launched.setdefault(ref, name)
        if has_children and manifest.family == "scorm2004":
            report.error(
                "parent-item-with-resource",
                f"item {name!r} has child items and an identifierref; in SCORM 2004 only "
                "items without children launch a resource",
                MANIFEST,
                line_of(item),
                "standards.md 1.2",
            )
    base = _bases(manifest, report)
    for resource in resources.values():
        _check_resource(manifest, archive, report, resource, base, launched, set(resources))
    for location in root.iter(f"{{{manifest.adlcp}}}location"):
        path = package_path(
            (location.text or "").strip(),
            report,
            what="adlcp:location",
            file=MANIFEST,
            line=line_of(location),
        )
        if path:
            require_member(
                archive,
                path,
                report,
                code="file-missing",
                what="adlcp:location names",
                file=MANIFEST,
                line=line_of(location),
            )
    check_schema_files(archive, root, report, MANIFEST)
    _check_scores(manifest, report)
    _check_schema_name(manifest, report)


def _check_organizations(manifest: Manifest, report: CheckReport) -> None:
    organizations = manifest.root.find(manifest.q("organizations"))
    found = [] if organizations is None else organizations.findall(manifest.q("organization"))
    line = line_of(organizations) if organizations is not None else line_of(manifest.root)
    default = organizations.get("default") if organizations is not None else None
    ids = {org.get("identifier") for org in found}
    if not found:
        report.error(
            "default-organization-missing",
            "the manifest has no <organization>; there is nothing to launch",
            MANIFEST,
            line,
            "standards.md 1.2",
        )
    elif default is not None and default not in ids:
        report.error(
            "default-organization-missing",
            f"<organizations default={default!r}> names no organization; LMSs launch the "
            "default organization",
            MANIFEST,
            line,
            "standards.md 1.2",
        )
    elif default is None and manifest.family == "scorm2004":
        report.warning(
            "default-organization-unset",
            "<organizations> has no default attribute, which SCORM 2004 requires; LMSs fall "
            "back to the first organization",
            MANIFEST,
            line,
            "standards.md 1.2",
        )


def _check_resource(
    manifest: Manifest,
    archive: Archive,
    report: CheckReport,
    resource: etree._Element,
    base: str,
    launched: dict[str, str],
    resource_ids: set[str | None],
) -> None:
    q = manifest.q
    name = resource.get("identifier") or "?"
    line = line_of(resource)
    own_base = base + _base(resource, report)
    flag = resource.get(manifest.scormtype)
    if manifest.sco_flag(resource) is None:
        attribute = PREFIXES[manifest.adlcp] + manifest.scormtype.rsplit("}", 1)[1]
        if name in launched:  # launched: tracking is lost; otherwise only conformance
            report.error(
                "scormtype-missing",
                f"resource {name!r} has no {attribute}; LMSs treat it as an asset and track nothing",
                MANIFEST,
                line,
                "standards.md 1.2, 4",
            )
        else:
            report.warning(
                "scormtype-missing",
                f"resource {name!r} has no {attribute}, which SCORM requires on every resource "
                "(LMSs treat it as an asset)",
                MANIFEST,
                line,
                "standards.md 1.2",
            )
    elif flag is not None:
        scorm_lms.check_sco_prefix(manifest.scormtype, resource, report)
    for dependency in resource.iter(q("dependency")):
        ref = dependency.get("identifierref")
        if ref and ref not in resource_ids:
            report.error(
                "identifierref-dangling",
                f"a dependency of resource {name!r} refers to resource {ref!r}, which does not exist",
                MANIFEST,
                line_of(dependency),
                "standards.md 1.2",
            )
    href = resource.get("href")
    files = resource.findall(q("file"))
    reported: set[str] = set()  # the launch file, once reported missing
    if href is None:
        if name in launched:
            report.error(
                "resource-no-href",
                f"resource {name!r} is launched by item {launched[name]!r} but has no href",
                MANIFEST,
                line,
                "standards.md 1.2",
            )
    else:
        path = package_path(
            href, report, what=f"resource {name!r} href", file=MANIFEST, line=line, base=own_base
        )
        if path and not require_member(
            archive,
            path,
            report,
            code="launch-file-missing",
            what=f"resource {name!r} launches",
            file=MANIFEST,
            line=line,
        ):
            reported.add(path)
        listed = {(f.get("href") or "").split("?")[0] for f in files}
        if manifest.family == "scorm2004" and href.split("?")[0] not in listed:
            report.warning(
                "resource-href-not-listed",
                f"resource {name!r} href {href!r} is not listed as one of its <file> elements",
                MANIFEST,
                line,
                "standards.md 1.2",
            )
    for entry in files:
        file_href = entry.get("href") or ""
        path = package_path(
            file_href,
            report,
            what="<file href>",
            file=MANIFEST,
            line=line_of(entry),
            base=own_base,
        )
        if path and path not in reported:
            require_member(
                archive,
                path,
                report,
                code="file-missing",
                what=f"resource {name!r} lists",
                file=MANIFEST,
                line=line_of(entry),
            )


def _number(text: str | None) -> Decimal | None:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _check_scores(manifest: Manifest, report: CheckReport) -> None:
    for element in manifest.root.iter(f"{{{ADLCP12}}}masteryscore"):
        value = _number(element.text)
        if value is None or not 0 <= value <= 100:
            report.error(
                "masteryscore-range",
                f"adlcp:masteryscore {(element.text or '').strip()!r} is not a number from 0 to 100",
                MANIFEST,
                line_of(element),
                "standards.md 2",
            )
    for element in manifest.root.iter(f"{{{IMSSS}}}minNormalizedMeasure"):
        text = (element.text or "").strip()
        value = _number(text)
        if value is not None and -1 <= value <= 1:
            continue
        hint = ""
        if value is not None and 10 <= value <= 100:
            hint = f" ({value / 100} if {text} was meant as a percentage)"
        report.error(
            "min-normalized-measure-range",
            f"imsss:minNormalizedMeasure {text!r} is not a number from -1 to 1{hint}",
            MANIFEST,
            line_of(element),
            "standards.md 1.2, 1.3",
        )
        line = line_of(element)
        if line:
            manifest.claimed.add(line)


def _check_schema_name(manifest: Manifest, report: CheckReport) -> None:
    schema = manifest.root.find(f"{manifest.q('metadata')}/{manifest.q('schema')}")
    if schema is not None and (schema.text or "").strip() != "ADL SCORM":
        report.warning(
            "schema-name",
            f"<schema> is {(schema.text or '').strip()!r}; SCORM requires 'ADL SCORM'",
            MANIFEST,
            line_of(schema),
            "standards.md 1.2",
        )


def check_scorm(archive: Archive, report: CheckReport) -> None:
    """Check ``imsmanifest.xml`` and the files it names."""
    root = read_xml(archive, MANIFEST, report)
    if root is None:
        return
    manifest = detect(root, report)
    if manifest is None:
        return
    check_structure(manifest, archive, report)
    scorm_lms.check(manifest, report)
    validate(manifest, report)
