"""SCORM manifests that are valid but behave badly in real LMSs (Moodle, SCORM Cloud, Chamilo).

Each finding cites the section of ``standards.md`` or the pitfall of ``pitfalls.md``
(``/work/shared/reference``) it comes from.
"""

from __future__ import annotations

from lxml import etree

from cpd_pack.check.common import XML_BASE, line_of
from cpd_pack.check.manifest import (
    ADLCP12,
    ADLCP2004,
    ADLNAV,
    ADLSEQ,
    IMSSS,
    MANIFEST,
    Manifest,
)
from cpd_pack.check.report import CheckReport

MOODLE_PREFIXES = {
    ADLCP12: "adlcp",
    ADLCP2004: "adlcp",
    IMSSS: "imsss",
    ADLSEQ: "adlseq",
    ADLNAV: "adlnav",
}
EXIT_CONTROLS = ("exit", "exitAll", "abandon", "abandonAll", "suspendAll")
SEQUENCING = (
    f"{{{IMSSS}}}sequencingRules",
    f"{{{IMSSS}}}rollupRules",
    f"{{{IMSSS}}}mapInfo",
    f"{{{ADLSEQ}}}objectives",
)
LOM_NAMESPACES = ("http://ltsc.ieee.org/xsd/LOM", "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1")


def check_sco_prefix(attribute: str, resource: etree._Element, report: CheckReport) -> None:
    """``sco-prefix``: Moodle reads the literal attribute name ``ADLCP:SCORMTYPE`` (any case)."""
    namespace, local = attribute[1:].split("}")
    written = str(
        resource.xpath(
            "name(@*[namespace-uri()=$ns and local-name()=$local])", ns=namespace, local=local
        )
    )
    prefix = written.split(":")[0] if ":" in written else ""
    if prefix.lower() == "adlcp":
        return
    name = resource.get("identifier") or "?"
    report.error(
        "sco-prefix",
        f"resource {name!r} is flagged with {written!r}, a prefix other than 'adlcp:' for the "
        "adlcp namespace; Moodle matches the literal name adlcp:scormtype, stores the resource "
        "as an asset and marks it completed at launch",
        MANIFEST,
        line_of(resource),
        "standards.md 0.1, 11.9",
    )


def _prefixes(manifest: Manifest, report: CheckReport) -> None:
    own = (ADLCP12,) if manifest.family == "scorm12" else (ADLCP2004, IMSSS, ADLSEQ, ADLNAV)
    seen: set[tuple[str, str]] = set()
    for element in manifest.root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace = etree.QName(element).namespace or ""
        prefix = element.prefix or ""
        if namespace == manifest.cp and prefix and ("cp", prefix) not in seen:
            seen.add(("cp", prefix))
            report.warning(
                "moodle-prefix",
                f"IMS CP elements are written with the prefix '{prefix}:' ({prefix}:"
                f"{etree.QName(element).localname}); Moodle reads the manifest by literal names "
                "and finds them only unprefixed, so it sees no organization or resource",
                MANIFEST,
                line_of(element),
                "standards.md 0.1",
            )
        expected = MOODLE_PREFIXES.get(namespace) if namespace in own else None
        if expected and prefix.lower() != expected and (namespace, prefix) not in seen:
            seen.add((namespace, prefix))
            written = f"{prefix}:" if prefix else "no prefix"
            report.warning(
                "moodle-prefix",
                f"elements of {namespace} are written with {written} "
                f"({etree.QName(element).localname}); Moodle reads the manifest by literal names, "
                f"recognises only '{expected}:' and ignores them",
                MANIFEST,
                line_of(element),
                "standards.md 0.1",
            )


def _objectives(manifest: Manifest, report: CheckReport) -> None:
    source = "standards.md 0.5, 4"
    for objectives in manifest.root.iter(f"{{{IMSSS}}}objectives"):
        owner = objectives.getparent()
        item = owner.getparent() if owner is not None else None
        name = (item.get("identifier") if item is not None else None) or "?"
        for objective in objectives:
            if not isinstance(objective.tag, str):
                continue
            local = etree.QName(objective).localname
            if objective.find(f"{{{IMSSS}}}minNormalizedMeasure") is not None:
                continue
            if local == "primaryObjective":
                by_measure = objective.get("satisfiedByMeasure") == "true"
                also = (
                    "; with satisfiedByMeasure='true' every LMS uses the schema default 1.0 too"
                    if by_measure
                    else ""
                )
                report.warning(
                    "moodle-pass-mark-100",
                    f"item {name!r}: the primary objective has no imsss:minNormalizedMeasure, so "
                    "Moodle sets cmi.scaled_passing_score to 1.0, a pass mark of 100%" + also,
                    MANIFEST,
                    line_of(objective),
                    source,
                )
            elif local == "objective":
                report.warning(
                    "moodle-objective-pass-mark",
                    f"item {name!r}: objective {objective.get('objectiveID')!r} has no "
                    "imsss:minNormalizedMeasure; Moodle reads a pass mark from every objective "
                    "(1.0 when absent) and keeps the last, so the pass mark becomes 100%",
                    MANIFEST,
                    line_of(objective),
                    source,
                )


def _mastery_override(manifest: Manifest, report: CheckReport) -> None:
    for element in manifest.root.iter(f"{{{ADLCP12}}}masteryscore"):
        report.warning(
            "moodle-mastery-override",
            f"adlcp:masteryscore {(element.text or '').strip()!r}: Moodle (its 'mastery score "
            "overrides status' is on by default) replaces the SCO's lesson_status with passed or "
            "failed from score.raw at LMSFinish, even while the course is still incomplete; "
            "Chamilo ignores it",
            MANIFEST,
            line_of(element),
            "standards.md 11.4, 11.11; pitfall 11",
        )


def _hide_lms_ui(manifest: Manifest, report: CheckReport) -> None:
    for interface in manifest.root.iter(f"{{{ADLNAV}}}navigationInterface"):
        hidden = [
            (e.text or "").strip()
            for e in interface.iter(f"{{{ADLNAV}}}hideLMSUI")
            if (e.text or "").strip() in EXIT_CONTROLS
        ]
        if hidden:
            report.warning(
                "hidelmsui-exit",
                f"adlnav:hideLMSUI hides the LMS's {', '.join(hidden)} controls; SCORM Cloud then "
                "drops its 'return to LMS' button, so a course without its own exit leaves the "
                "learner stuck",
                MANIFEST,
                line_of(interface),
                "pitfall 13",
            )


def _sequencing(manifest: Manifest, report: CheckReport) -> None:
    used = [e for e in manifest.root.iter(*SEQUENCING)]
    if not used:
        return
    names = sorted(
        {f"{'adlseq' if ADLSEQ in e.tag else 'imsss'}:{etree.QName(e).localname}" for e in used}
    )
    report.warning(
        "moodle-sequencing",
        f"the manifest uses SCORM 2004 sequencing ({', '.join(names)}); Moodle does not implement "
        "SCORM 2004 sequencing and navigation, so these rules do nothing there",
        MANIFEST,
        line_of(used[0]),
        "standards.md 4; pitfall 1",
    )


def _xml_base(manifest: Manifest, report: CheckReport) -> None:
    resources = manifest.root.find(manifest.q("resources"))
    for element in (manifest.root, resources):
        if element is not None and element.get(XML_BASE):
            report.warning(
                "moodle-xml-base",
                f"xml:base {element.get(XML_BASE)!r} on <{etree.QName(element).localname}>: "
                "Moodle reads xml:base only on <resource>, so it launches the href without it",
                MANIFEST,
                line_of(element),
                "standards.md 4 (Moodle mod/scorm/datamodels/scormlib.php)",
            )


def _scorm2004_only(manifest: Manifest, report: CheckReport) -> None:
    for element in manifest.root.iter(f"{{{ADLCP2004}}}masteryscore"):
        report.warning(
            "masteryscore-in-2004",
            "adlcp:masteryscore is a SCORM 1.2 element; SCORM 2004 LMSs ignore it (the pass mark "
            "is the primary objective's imsss:minNormalizedMeasure)",
            MANIFEST,
            line_of(element),
            "standards.md 1.3",
        )
    for element in manifest.root.iter(f"{{{ADLCP2004}}}completionThreshold"):
        text = (element.text or "").strip()
        if text:
            report.warning(
                "completion-threshold-text",
                f"adlcp:completionThreshold gives its value as text ({text!r}), the 3rd Edition "
                "form that 4th Edition deprecates; Moodle reads only the minProgressMeasure "
                "attribute and uses 1.0",
                MANIFEST,
                line_of(element),
                "standards.md 1.3",
            )
    if manifest.edition not in ("2nd Edition", "3rd Edition"):
        return
    later = [
        e
        for e in manifest.root.iter(
            f"{{{ADLCP2004}}}data", f"{{{ADLCP2004}}}map", f"{{{ADLSEQ}}}objectives"
        )
    ]
    later += [
        e
        for e in manifest.root.iter(f"{{{ADLCP2004}}}completionThreshold")
        if {"completedByMeasure", "minProgressMeasure", "progressWeight"} & set(e.attrib)
    ]
    for element in later:
        prefix = "adlseq" if ADLSEQ in element.tag else "adlcp"
        report.warning(
            "edition-feature",
            f"{prefix}:{etree.QName(element).localname} (as used here) was added in SCORM 2004 4th "
            f"Edition; an LMS that plays this {manifest.edition} package does not know it",
            MANIFEST,
            line_of(element),
            "standards.md 1.3; adlcp_v1p3.xsd and adlseq_v1p3.xsd history",
        )


def _lom_descriptions(manifest: Manifest, report: CheckReport) -> None:
    for namespace in LOM_NAMESPACES:
        for description in manifest.root.iter(f"{{{namespace}}}description"):
            for text in description.iter(f"{{{namespace}}}string", f"{{{namespace}}}langstring"):
                length = len((text.text or "").strip())
                if length > 1000:
                    report.warning(
                        "lom-description-long",
                        f"a metadata description is {length} characters long; SCORM Cloud warns "
                        "above 1000",
                        MANIFEST,
                        line_of(text),
                        "pitfall 12",
                    )


def _no_sco(manifest: Manifest, report: CheckReport) -> None:
    resources = {r.get("identifier"): r for r in manifest.resources()}
    refs = [item.get("identifierref") for item in manifest.items() if item.get("identifierref")]
    launched = [resources[ref] for ref in refs if ref in resources]
    flags = [manifest.sco_flag(r) for r in launched]
    if launched and None not in flags and "sco" not in flags:
        report.warning(
            "no-sco",
            "no item launches a SCO (every launched resource is an asset); the LMS records no "
            "score or status, and Moodle marks an asset completed as soon as it opens",
            MANIFEST,
            line_of(launched[0]),
            "standards.md 4, 11.9",
        )


def check(manifest: Manifest, report: CheckReport) -> None:
    """Every LMS-specific warning for ``manifest``."""
    _prefixes(manifest, report)
    _xml_base(manifest, report)
    _no_sco(manifest, report)
    _lom_descriptions(manifest, report)
    if manifest.family == "scorm12":
        _mastery_override(manifest, report)
        return
    _objectives(manifest, report)
    _hide_lms_ui(manifest, report)
    _sequencing(manifest, report)
    _scorm2004_only(manifest, report)
