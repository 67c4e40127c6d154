"""xAPI packages (``tincan.xml``, Rustici launch convention) and cmi5 packages (``cmi5.xml``)."""

from __future__ import annotations

import copy
import posixpath
import re

from lxml import etree

from cpd_pack.check.archive import Archive
from cpd_pack.check.common import (
    check_unique_ids,
    is_url,
    line_of,
    package_path,
    read_xml,
    require_member,
)
from cpd_pack.check.report import CheckReport
from cpd_pack.schemas import load_schema

TINCAN = "http://projecttincan.com/tincan.xsd"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
CMI5_FILE = "cmi5.xml"
_CMI5_PREFIX = re.compile(r"\{" + re.escape(CMI5) + r"\}")
TINCAN_PLUGIN = (
    "Moodle plays xAPI packages only through the mod_tincanlaunch plugin and an external LRS, "
    "and marks them complete only for the verb configured in the activity"
)
CMI5_PLUGIN = (
    "Moodle plays cmi5 packages only through the mod_cmi5launch plugin, which needs a CATAPULT "
    "cmi5 player and an external LRS"
)


def tincan_root(archive: Archive) -> tuple[str | None, str | None]:
    """Where ``tincan.xml`` is and the package root it defines, or (None, why not).

    The Rustici launch convention allows ``tincan.xml`` in a nested folder only when every
    folder above it holds nothing but that one folder.
    """
    found = sorted(
        (name for name in archive.files if posixpath.basename(name) == "tincan.xml"),
        key=lambda n: (n.count("/"), n),
    )
    if not found:
        return None, None
    path = found[0]
    folder = posixpath.dirname(path)
    if not folder:
        return path, None
    prefix = folder + "/"
    outside = sorted(
        n
        for n in archive.files | archive.folders
        if not n.startswith(prefix) and not (n.endswith("/") and prefix.startswith(n))
    )
    if outside:
        return None, (
            f"tincan.xml is in {prefix!r} but {outside[0]!r} is outside that folder; a nested "
            "tincan.xml is allowed only when every folder above it holds nothing else"
        )
    return path, None


def check_tincan(archive: Archive, report: CheckReport, path: str) -> None:
    """Check ``tincan.xml`` (there is no official XSD: its structure is checked here)."""
    source = "standards.md 5 (RusticiSoftware/launch lms_lrs.md)"
    report.kind = "xapi"
    others = sorted(n for n in archive.files if posixpath.basename(n) == "tincan.xml" and n != path)
    if others:
        report.error(
            "tincan-multiple",
            f"the package holds more than one tincan.xml ({', '.join([path, *others])}); "
            "it must hold exactly one",
            path,
            None,
            source,
        )
    report.note(
        "tincan-no-xsd",
        "tincan.xml has no published XSD; its structure was checked instead (root element, "
        "activity ids, one launchable activity, launch files)",
        path,
        None,
        "standards.md 7",
    )
    report.note(
        "moodle-needs-plugin",
        TINCAN_PLUGIN,
        path,
        None,
        "pitfall 21; standards.md 4, 5",
    )
    root = read_xml(archive, path, report)
    if root is None:
        return
    if root.tag != f"{{{TINCAN}}}tincan":
        report.error(
            "tincan-root",
            f"the root element is {root.tag!r}; expected <tincan> in the namespace {TINCAN}",
            path,
            line_of(root),
            source,
        )
        return
    base = posixpath.dirname(path) + "/" if "/" in path else ""
    activities = list(root.iter(f"{{{TINCAN}}}activity"))
    with_ids = []
    for activity in activities:
        activity_id = activity.get("id")
        if not activity_id or not is_url(activity_id):
            report.error(
                "tincan-activity-id",
                f"activity id {activity_id!r} is not an absolute IRI (such as "
                "https://example.com/course); xAPI activity ids must be",
                path,
                line_of(activity),
                source,
            )
        if activity_id:
            with_ids.append((activity, activity_id))
    check_unique_ids(with_ids, report, path, "tincan.xml")
    launchable = [
        a
        for a in activities
        if a.find(f"{{{TINCAN}}}launch") is not None or a.find(f"{{{TINCAN}}}resource") is not None
    ]
    if not launchable:
        report.error(
            "tincan-no-launch",
            "no activity has a <launch>; the LMS has nothing to launch",
            path,
            line_of(root),
            source,
        )
    elif len(launchable) > 1:
        lines = ", ".join(str(line_of(a)) for a in launchable)
        report.warning(
            "tincan-multiple-launch",
            f"{len(launchable)} activities have a <launch> or <resource> (lines {lines}); a "
            "TinCan package may have only one launchable activity, so an LMS launches one of "
            "them or rejects the package",
            path,
            line_of(launchable[1]),
            source,
        )
    for activity in launchable:
        name = activity.get("id") or "?"
        for element in activity.iter(f"{{{TINCAN}}}launch", f"{{{TINCAN}}}resource"):
            local = etree.QName(element).localname
            target = package_path(
                (element.text or "").strip(),
                report,
                what=f"activity {name!r} {local}",
                file=path,
                line=line_of(element),
                base=base,
            )
            if target:
                require_member(
                    archive,
                    target,
                    report,
                    code="launch-file-missing" if local == "launch" else "file-missing",
                    what=f"activity {name!r} {'launches' if local == 'launch' else 'names'}",
                    file=path,
                    line=line_of(element),
                )


def _decimals(value: str) -> int:
    fraction = value.strip().partition(".")[2]
    return len(fraction.rstrip("0"))


def check_cmi5(archive: Archive, report: CheckReport) -> None:
    """Check ``cmi5.xml`` against its XSD, its ids, AU urls and mastery scores."""
    report.kind = "cmi5"
    report.note(
        "moodle-needs-plugin",
        CMI5_PLUGIN,
        CMI5_FILE,
        None,
        "pitfall 21; standards.md 4",
    )
    root = read_xml(archive, CMI5_FILE, report)
    if root is None:
        return
    claimed = check_unique_ids(
        [(e, e.get("id") or "") for e in root.iter() if isinstance(e.tag, str) and e.get("id")],
        report,
        CMI5_FILE,
        "a course structure",
    )
    schema = load_schema("cmi5")
    try:
        valid = schema.validate(copy.deepcopy(root))
    except etree.XMLSchemaValidateError as exc:
        report.error(
            "schema-invalid", f"validation stopped: {exc}", CMI5_FILE, None, "standards.md 7"
        )
        valid = True
    if not valid:
        log: list[etree._LogEntry] = list(schema.error_log)  # type: ignore[call-overload]
        for entry in log:
            if entry.line not in claimed:
                message = _CMI5_PREFIX.sub("", entry.message)
                report.error(
                    "schema-invalid", message, CMI5_FILE, entry.line or None, "standards.md 6, 7"
                )
    for au in root.iter(f"{{{CMI5}}}au"):
        name = au.get("id") or "?"
        score = au.get("masteryScore")
        if score is not None and _decimals(score) > 4:
            report.warning(
                "cmi5-masteryscore-precision",
                f"AU {name!r} masteryScore {score!r} has more than 4 decimal places; cmi5 allows "
                "up to 4, so LMSs may round or reject it",
                CMI5_FILE,
                line_of(au),
                "standards.md 6 (cmi5 spec 13.1.4)",
            )
        url = au.find(f"{{{CMI5}}}url")
        href = (url.text or "").strip() if url is not None else ""
        if url is None or not href:
            continue
        if is_url(href):
            report.warning(
                "cmi5-au-url-absolute",
                f"AU {name!r} url {href!r} is absolute: the LMS launches it from that address, "
                "not from this package; an AU inside the zip should have a relative url",
                CMI5_FILE,
                line_of(url),
                "standards.md 6 (cmi5 spec 14.1)",
            )
            continue
        target = package_path(
            href, report, what=f"AU {name!r} url", file=CMI5_FILE, line=line_of(url)
        )
        if target:
            require_member(
                archive,
                target,
                report,
                code="launch-file-missing",
                what=f"AU {name!r} launches",
                file=CMI5_FILE,
                line=line_of(url),
            )
