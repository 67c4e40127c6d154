"""``cpd-pack check`` (library side): every finding asserted exactly, on the project's own
packages, on broken zips made here one rule at a time, on hostile zips, and on the packages of
another tool (simple-scorm-packager, from npm)."""

from __future__ import annotations

import io
import json
import shutil
import stat
import struct
import subprocess
import time
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cpd_pack.build import make_packages
from cpd_pack.check import (
    CheckReport,
    Limits,
    PackageRefusedError,
    check_bytes,
    check_package,
)
from prereq import require

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "src" / "cpd_pack" / "schemas"
COURSES = {
    "sample": REPO / "course_source",
    "mini": REPO / "tests" / "fixtures" / "courses" / "mini",
}
FORMATS = ("scorm12", "scorm2004", "xapi", "cmi5")
PACKAGER = REPO / "node_modules" / "simple-scorm-packager"

SCHEMA_FILES = {
    "scorm2004": {
        p.name: p.read_bytes()
        for p in sorted((SCHEMAS / "scorm2004-4th").iterdir())
        if p.is_file() and not p.name.startswith("lom")
    },
    "scorm12": {p.name: p.read_bytes() for p in sorted((SCHEMAS / "scorm12").iterdir())},
}

MANIFEST_2004 = """\
<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.check" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Check</title>
      <item identifier="ITEM" identifierref="RES">
        <title>Quiz</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="PRIMARYOBJ" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
      <file href="js/app.js"/>
    </resource>
  </resources>
</manifest>
"""

MANIFEST_12 = """\
<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.check12" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Check</title>
      <item identifier="ITEM" identifierref="RES">
        <title>Quiz</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="js/app.js"/>
    </resource>
  </resources>
</manifest>
"""

TINCAN = """\
<?xml version="1.0" encoding="UTF-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="https://example.com/check" type="http://adlnet.gov/expapi/activities/course">
      <name lang="en">Check</name>
      <description lang="en">Check</description>
      <launch lang="en">index.html</launch>
    </activity>
  </activities>
</tincan>
"""

CMI5 = """\
<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/check">
    <title><langstring lang="en">Check</langstring></title>
    <description><langstring lang="en">Check</langstring></description>
  </course>
  <au id="https://example.com/check/au" moveOn="Passed" masteryScore="0.8">
    <title><langstring lang="en">Check</langstring></title>
    <description><langstring lang="en">Check</langstring></description>
    <url>index.html</url>
  </au>
</courseStructure>
"""

DESCRIPTORS = {
    "scorm2004": ("imsmanifest.xml", MANIFEST_2004),
    "scorm12": ("imsmanifest.xml", MANIFEST_12),
    "xapi": ("tincan.xml", TINCAN),
    "cmi5": ("cmi5.xml", CMI5),
}
CONTENT = {"index.html": b"<!doctype html><title>Check</title>", "js/app.js": b"var x = 1;\n"}
NOTES = {
    "scorm12": [],
    "scorm2004": [],
    "xapi": [
        "note tincan.xml tincan-no-xsd: tincan.xml has no published XSD; its structure was "
        "checked instead (root element, activity ids, one launchable activity, launch files)",
        "note tincan.xml moodle-needs-plugin: Moodle plays xAPI packages only through the "
        "mod_tincanlaunch plugin and an external LRS, and marks them complete only for the verb "
        "configured in the activity",
    ],
    "cmi5": [
        "note cmi5.xml moodle-needs-plugin: Moodle plays cmi5 packages only through the "
        "mod_cmi5launch plugin, which needs a CATAPULT cmi5 player and an external LRS",
    ],
}


def zip_of(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` as given (no name is cleaned up)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names, on purpose
        for name, data in files.items():
            archive.writestr(name.rstrip("#"), data)  # '#' suffixes make duplicate keys
    return buffer.getvalue()


def package(
    kind: str,
    edits: tuple[tuple[str, str], ...] = (),
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
) -> bytes:
    """The valid test package of ``kind`` with its descriptor edited and members added/dropped."""
    name, text = DESCRIPTORS[kind]
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    files = {name: text.encode(), **CONTENT, **SCHEMA_FILES.get(kind, {}), **(add or {})}
    for member in drop:
        del files[member]
    return zip_of(files)


def lines(report: CheckReport) -> list[str]:
    """Every finding as ``severity location code: message``."""
    return [
        f"{severity} {finding.location or '-'} {finding.code}: {finding.message}"
        for severity, found in (
            ("error", report.errors),
            ("warning", report.warnings),
            ("note", report.notes),
        )
        for finding in found
    ]


# --------------------------------------------------------------------------- the project's own


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every package the project builds for the sample and the mini course, written to disk."""
    out = tmp_path_factory.mktemp("built")
    paths = {}
    for course, folder in COURSES.items():
        for built_package in make_packages(folder):
            path = out / f"{course}-{built_package.filename}"
            path.write_bytes(built_package.data)
            paths[course, built_package.format] = path
    return paths


@pytest.mark.parametrize("course", sorted(COURSES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_projects_packages_are_clean(
    built: dict[tuple[str, str], Path], course: str, fmt: str
) -> None:
    report = check_package(built[course, fmt])
    assert (report.kind, report.label) == {
        "scorm12": ("scorm12", "SCORM 1.2"),
        "scorm2004": ("scorm2004", "SCORM 2004 4th Edition"),
        "xapi": ("xapi", "xAPI (tincan.xml)"),
        "cmi5": ("cmi5", "cmi5 (cmi5.xml)"),
    }[fmt]
    assert lines(report) == NOTES[fmt]
    assert report.exit_code == 0


@pytest.mark.parametrize("kind", sorted(DESCRIPTORS))
def test_the_test_packages_are_clean_before_they_are_broken(kind: str) -> None:
    report = check_bytes(package(kind))
    assert lines(report) == NOTES[kind]
    assert report.version == {"scorm12": "1.2", "scorm2004": "4th Edition"}.get(kind)


# --------------------------------------------------------------------------- one rule at a time


@dataclass(frozen=True)
class Case:
    """A valid test package of ``kind`` broken by ``edits``/``add``/``drop`` (see :func:`package`);
    its findings are in ``EXPECTED``, under the same name."""

    kind: str
    edits: tuple[tuple[str, str], ...] = ()
    add: dict[str, bytes] = field(default_factory=dict)
    drop: tuple[str, ...] = ()


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
LAUGHS = (
    "<!DOCTYPE manifest [<!ENTITY a0 'lol'>"
    + "".join(f"<!ENTITY a{i} '{f'&a{i - 1};' * 10}'>" for i in range(1, 10))
    + "]>"
)
FILE = '<file href="js/app.js"/>'
RESOURCE = '<resource identifier="RES" type="webcontent" adlcp:scormType="sco" href="index.html">'
PRIMARY = "<imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>"
CASES: dict[str, Case] = {
    "missing resource": Case("scorm2004", (('identifierref="RES"', 'identifierref="RES-X"'),)),
    "missing file": Case("scorm2004", drop=("js/app.js",)),
    "missing file, other letter case": Case("scorm2004", (('"js/app.js"', '"js/App.js"'),)),
    "missing launch file": Case("scorm2004", drop=("index.html",)),
    "dangling dependency": Case("scorm2004", ((FILE, FILE + '<dependency identifierref="LIB"/>'),)),
    "duplicate identifier": Case(
        "scorm2004", (('<item identifier="ITEM"', '<item identifier="RES"'),)
    ),
    "xsd missing at root": Case("scorm2004", drop=("adlseq_v1p3.xsd", "imsss_v1p0util.xsd")),
    "absolute href": Case("scorm2004", ((FILE, '<file href="/js/app.js"/>'),)),
    "backslash href": Case("scorm2004", ((FILE, '<file href="js\\app.js"/>'),)),
    "href with ..": Case("scorm2004", ((FILE, '<file href="../js/app.js"/>'),)),
    "leaf item without identifierref": Case(
        "scorm2004", (('<item identifier="ITEM" identifierref="RES">', '<item identifier="ITEM">'),)
    ),
    "parent item with identifierref": Case(
        "scorm2004",
        (
            (
                "<title>Quiz</title>",
                '<title>Quiz</title><item identifier="SUB" identifierref="RES"><title>Sub</title></item>',
            ),
        ),
    ),
    "masteryscore 150": Case(
        "scorm12",
        (
            (
                "<title>Quiz</title>",
                "<title>Quiz</title><adlcp:masteryscore>150</adlcp:masteryscore>",
            ),
        ),
    ),
    "masteryscore 80 (Moodle override)": Case(
        "scorm12",
        (
            (
                "<title>Quiz</title>",
                "<title>Quiz</title><adlcp:masteryscore>80</adlcp:masteryscore>",
            ),
        ),
    ),
    "minNormalizedMeasure 2": Case("scorm2004", ((">0.8<", ">2<"),)),
    "minNormalizedMeasure 80": Case("scorm2004", ((">0.8<", ">80<"),)),
    "adlcp prefix other than adlcp:": Case(
        "scorm2004",
        (
            (
                'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"',
                'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:cp="http://www.adlnet.org/xsd/adlcp_v1p3"',
            ),
            ('adlcp:scormType="sco"', 'cp:scormType="sco"'),
        ),
    ),
    "imsss prefix other than imsss:": Case(
        "scorm2004",
        (
            (
                'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"',
                'xmlns:imsss="http://www.imsglobal.org/xsd/imsss" xmlns:ss="http://www.imsglobal.org/xsd/imsss"',
            ),
            ("<imsss:sequencing>", "<ss:sequencing>"),
            ("</imsss:sequencing>", "</ss:sequencing>"),
        ),
    ),
    "unknown schemaversion (2004)": Case(
        "scorm2004", (("2004 4th Edition<", "2004 4th edition<"),)
    ),
    "unknown schemaversion (1.2)": Case(
        "scorm12", (("<schemaversion>1.2<", "<schemaversion>1.2.0<"),)
    ),
    "no schemaversion (2004)": Case(
        "scorm2004", (("    <schemaversion>2004 4th Edition</schemaversion>\n", ""),)
    ),
    "no schemaversion (1.2)": Case("scorm12", (("    <schemaversion>1.2</schemaversion>\n", ""),)),
    "2004 schemaversion with 1.2 namespaces": Case(
        "scorm12", (("<schemaversion>1.2<", "<schemaversion>2004 4th Edition<"),)
    ),
    "2004 without minNormalizedMeasure": Case("scorm2004", ((PRIMARY, ""),)),
    "objective without minNormalizedMeasure": Case(
        "scorm2004",
        (
            (
                "</imsss:primaryObjective>",
                '</imsss:primaryObjective><imsss:objective objectiveID="obj-2"/>',
            ),
        ),
    ),
    "3rd Edition": Case("scorm2004", (("2004 4th Edition<", "2004 3rd Edition<"),)),
    "3rd Edition with 4th Edition attributes": Case(
        "scorm2004",
        (
            ("2004 4th Edition<", "2004 3rd Edition<"),
            (
                "<title>Quiz</title>",
                '<title>Quiz</title><adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.5"/>',
            ),
        ),
    ),
    "completionThreshold as text": Case(
        "scorm2004",
        (
            (
                "<title>Quiz</title>",
                "<title>Quiz</title><adlcp:completionThreshold>0.5</adlcp:completionThreshold>",
            ),
        ),
    ),
    "default organization missing": Case("scorm2004", (('default="ORG"', 'default="ORG-X"'),)),
    "hideLMSUI exit controls": Case(
        "scorm2004",
        (
            (
                "</imsss:sequencing>",
                "</imsss:sequencing><adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>continue</adlnav:hideLMSUI><adlnav:hideLMSUI>exitAll</adlnav:hideLMSUI><adlnav:hideLMSUI>suspendAll</adlnav:hideLMSUI></adlnav:navigationInterface></adlnav:presentation>",
            ),
        ),
    ),
    "sequencing rules (Moodle)": Case(
        "scorm2004",
        (
            (
                "<imsss:objectives>",
                '<imsss:rollupRules objectiveMeasureWeight="1"/><imsss:objectives>',
            ),
        ),
    ),
    "masteryscore in a 2004 manifest": Case(
        "scorm2004",
        (
            (
                "<title>Quiz</title>",
                "<title>Quiz</title><adlcp:masteryscore>80</adlcp:masteryscore>",
            ),
        ),
    ),
    "asset only": Case("scorm2004", (('adlcp:scormType="sco"', 'adlcp:scormType="asset"'),)),
    "no scormType": Case("scorm2004", ((' adlcp:scormType="sco"', ""),)),
    "asset resource without scormType": Case(
        "scorm2004",
        (
            (
                "  </resources>",
                '    <resource identifier="LIB" type="webcontent" href="js/app.js"><file href="js/app.js"/></resource>\n  </resources>',
            ),
        ),
    ),
    "1.2 scormType camel case": Case("scorm12", (("adlcp:scormtype=", "adlcp:scormType="),)),
    "xml:base without slash": Case(
        "scorm2004",
        ((RESOURCE, RESOURCE.replace(" href=", ' xml:base="content" href=')),),
        add={"content/index.html": b"x", "content/js/app.js": b"x"},
    ),
    "xml:base on resources (Moodle)": Case(
        "scorm2004",
        (("<resources>", '<resources xml:base="content/">'),),
        add={"content/index.html": b"x", "content/js/app.js": b"x"},
    ),
    "href not listed as a file": Case("scorm2004", (('<file href="index.html"/>', ""),)),
    "launched resource without href": Case("scorm2004", ((' href="index.html">', ">"),)),
    "schema element other than ADL SCORM": Case(
        "scorm2004", (("<schema>ADL SCORM<", "<schema>SCORM<"),)
    ),
    "no default attribute": Case("scorm2004", ((' default="ORG"', ""),)),
    "1.2 and 2004 namespaces mixed": Case(
        "scorm2004",
        (
            (
                'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"',
                'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:old="http://www.adlnet.org/xsd/adlcp_rootv1p2"',
            ),
            ("<title>Quiz</title>", "<title>Quiz</title><old:masteryscore>80</old:masteryscore>"),
        ),
    ),
    "manifest not in a CP namespace": Case(
        "scorm2004",
        (('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"', 'xmlns="http://example.com/cp"'),),
    ),
    "long LOM description": Case(
        "scorm2004",
        (
            (
                "</schemaversion>",
                '</schemaversion><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><description><string language="en">'
                + "x" * 1001
                + "</string></description></general></lom>",
            ),
        ),
    ),
    "1.2 inline imsmd metadata": Case(
        "scorm12",
        (
            (
                "</schemaversion>",
                '</schemaversion><lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><general><title><langstring>x</langstring></title></general></lom>',
            ),
        ),
    ),
    "external entity (XXE)": Case(
        "scorm12",
        (
            (
                XML_DECLARATION,
                XML_DECLARATION + '<!DOCTYPE manifest [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
            ),
            ("<title>Check</title>", "<title>&e;</title>"),
        ),
    ),
    "malformed manifest": Case("scorm2004", (("</manifest>", "</manifst>"),)),
    "tincan.xml with two launchable activities": Case(
        "xapi",
        (
            (
                "    </activity>\n  </activities>",
                '    </activity><activity id="https://example.com/check/two"><name lang="en">Two</name><launch lang="en">index.html</launch></activity>\n  </activities>',
            ),
        ),
    ),
    "tincan.xml without launch": Case(
        "xapi", (('      <launch lang="en">index.html</launch>\n', ""),)
    ),
    "tincan.xml launch file missing": Case("xapi", drop=("index.html",)),
    "tincan.xml activity id not an IRI": Case(
        "xapi", (('id="https://example.com/check"', 'id="check"'),)
    ),
    "tincan.xml wrong root": Case(
        "xapi",
        (('xmlns="http://projecttincan.com/tincan.xsd"', 'xmlns="http://example.com/tincan"'),),
    ),
    "cmi5.xml invalid against the XSD": Case(
        "cmi5",
        (
            (
                '    <description><langstring lang="en">Check</langstring></description>\n    <url>',
                "    <url>",
            ),
        ),
    ),
    "cmi5 AU url absolute": Case(
        "cmi5", (("<url>index.html</url>", "<url>https://cdn.example.com/au/index.html</url>"),)
    ),
    "cmi5 masteryScore with 5 decimals": Case(
        "cmi5", (('masteryScore="0.8"', 'masteryScore="0.80125"'),)
    ),
    "cmi5 AU url file missing": Case("cmi5", drop=("index.html",)),
    "cmi5 AU url with ..": Case("cmi5", (("<url>index.html</url>", "<url>../index.html</url>"),)),
    "cmi5 duplicate ids": Case(
        "cmi5", (('<au id="https://example.com/check/au"', '<au id="https://example.com/check"'),)
    ),
    "manifest in a folder": Case(
        "scorm2004",
        add={"course/imsmanifest.xml": MANIFEST_2004.encode()},
        drop=("imsmanifest.xml",),
    ),
    "manifest name in capitals": Case(
        "scorm2004", add={"IMSManifest.xml": MANIFEST_2004.encode()}, drop=("imsmanifest.xml",)
    ),
    "SCORM and xAPI descriptors": Case("scorm2004", add={"tincan.xml": TINCAN.encode()}),
    "backslash in an entry name": Case("scorm2004", add={"js\\lib.js": b"x"}),
    "duplicate entry": Case("scorm2004", add={"index.html#": b"another"}),
    "tincan.xml in a single folder": Case(
        "xapi",
        add={"course/tincan.xml": TINCAN.encode(), "course/index.html": b"x"},
        drop=("tincan.xml", "index.html", "js/app.js"),
    ),
    "tincan.xml in a folder with other files beside it": Case(
        "xapi", add={"course/tincan.xml": TINCAN.encode()}, drop=("tincan.xml",)
    ),
    "two tincan.xml": Case("xapi", add={"extra/tincan.xml": TINCAN.encode()}),
}


# Every finding of each case, in report order (errors, warnings, notes; each by line). Notes
# every package of the kind has (NOTES) are left out.
EXPECTED: dict[str, list[str]] = {
    "missing resource": [
        "error imsmanifest.xml:17 identifierref-dangling: item 'ITEM' refers to resource 'RES-X', which does not exist",
    ],
    "missing file": [
        "error imsmanifest.xml:32 file-missing: resource 'RES' lists 'js/app.js', which is not in the package",
    ],
    "missing file, other letter case": [
        "error imsmanifest.xml:32 file-missing: resource 'RES' lists 'js/App.js', which is not in the package; the package has 'js/app.js', and file names are case-sensitive on most servers",
    ],
    "missing launch file": [
        "error imsmanifest.xml:30 launch-file-missing: resource 'RES' launches 'index.html', which is not in the package",
    ],
    "dangling dependency": [
        "error imsmanifest.xml:32 identifierref-dangling: a dependency of resource 'RES' refers to resource 'LIB', which does not exist",
    ],
    "duplicate identifier": [
        "error imsmanifest.xml:30 identifier-duplicate: identifier 'RES' is used again (first at line 17); identifiers must be unique in a manifest",
    ],
    "xsd missing at root": [
        "error imsmanifest.xml:9 xsd-missing: xsi:schemaLocation names 'adlseq_v1p3.xsd', which is not at the root of the package",
        "error imsss_v1p0seqrule.xsd:8 xsd-missing: imsss_v1p0seqrule.xsd includes 'imsss_v1p0util.xsd', which is not in the package (so do imsss_v1p0objective.xsd, imsss_v1p0random.xsd, imsss_v1p0rollup.xsd, imsss_v1p0auxresource.xsd)",
    ],
    "absolute href": [
        "error imsmanifest.xml:32 href-absolute: <file href> '/js/app.js' is an absolute path; paths in a package are relative to its root",
    ],
    "backslash href": [
        "error imsmanifest.xml:32 href-backslash: <file href> 'js\\\\app.js' uses backslashes; use '/' (servers on Linux look for a file whose name contains the backslash)",
    ],
    "href with ..": [
        "error imsmanifest.xml:32 href-parent: <file href> '../js/app.js' contains '..'; paths in a package must stay inside it",
    ],
    "leaf item without identifierref": [
        "error imsmanifest.xml:17 leaf-item-no-resource: item 'ITEM' has no identifierref; an item without child items must launch a resource",
    ],
    "parent item with identifierref": [
        "error imsmanifest.xml:17 parent-item-with-resource: item 'ITEM' has child items and an identifierref; in SCORM 2004 only items without children launch a resource",
    ],
    "masteryscore 150": [
        "error imsmanifest.xml:15 masteryscore-range: adlcp:masteryscore '150' is not a number from 0 to 100",
        "warning imsmanifest.xml:15 moodle-mastery-override: adlcp:masteryscore '150': Moodle (its 'mastery score overrides status' is on by default) replaces the SCO's lesson_status with passed or failed from score.raw at LMSFinish, even while the course is still incomplete; Chamilo ignores it",
    ],
    "masteryscore 80 (Moodle override)": [
        "warning imsmanifest.xml:15 moodle-mastery-override: adlcp:masteryscore '80': Moodle (its 'mastery score overrides status' is on by default) replaces the SCO's lesson_status with passed or failed from score.raw at LMSFinish, even while the course is still incomplete; Chamilo ignores it",
    ],
    "minNormalizedMeasure 2": [
        "error imsmanifest.xml:22 min-normalized-measure-range: imsss:minNormalizedMeasure '2' is not a number from -1 to 1",
    ],
    "minNormalizedMeasure 80": [
        "error imsmanifest.xml:22 min-normalized-measure-range: imsss:minNormalizedMeasure '80' is not a number from -1 to 1 (0.8 if 80 was meant as a percentage)",
    ],
    "adlcp prefix other than adlcp:": [
        "error imsmanifest.xml:30 sco-prefix: resource 'RES' is flagged with 'cp:scormType', a prefix other than 'adlcp:' for the adlcp namespace; Moodle matches the literal name adlcp:scormtype, stores the resource as an asset and marks it completed at launch",
    ],
    "imsss prefix other than imsss:": [
        "warning imsmanifest.xml:19 moodle-prefix: elements of http://www.imsglobal.org/xsd/imsss are written with ss: (sequencing); Moodle reads the manifest by literal names, recognises only 'imsss:' and ignores them",
    ],
    "unknown schemaversion (2004)": [
        "error imsmanifest.xml:12 schemaversion-unknown: <schemaversion> '2004 4th edition' is not a SCORM 2004 version ('2004 4th Edition', '2004 3rd Edition' or 'CAM 1.3'); Moodle then treats the package as SCORM 1.2 and the SCO finds no SCORM 2004 API",
    ],
    "unknown schemaversion (1.2)": [
        "warning imsmanifest.xml:9 schemaversion-unknown: <schemaversion> '1.2.0' is not '1.2'; LMSs that check it may reject the package (Moodle plays it as SCORM 1.2)",
    ],
    "no schemaversion (2004)": [
        "error imsmanifest.xml:10 schemaversion-unknown: there is no <schemaversion>; Moodle then treats the package as SCORM 1.2 and the SCO finds no SCORM 2004 API",
    ],
    "no schemaversion (1.2)": [
        "warning imsmanifest.xml:7 schemaversion-unknown: there is no <schemaversion>; LMSs that check it may reject the package (Moodle plays it as SCORM 1.2)",
    ],
    "2004 schemaversion with 1.2 namespaces": [
        "error imsmanifest.xml:9 scorm-version-mismatch: <schemaversion> '2004 4th Edition' is SCORM 2004 but the manifest uses the SCORM 1.2 namespaces; LMSs pick the runtime from one or the other, so tracking breaks",
    ],
    "2004 without minNormalizedMeasure": [
        "warning imsmanifest.xml:21 moodle-pass-mark-100: item 'ITEM': the primary objective has no imsss:minNormalizedMeasure, so Moodle sets cmi.scaled_passing_score to 1.0, a pass mark of 100%; with satisfiedByMeasure='true' every LMS uses the schema default 1.0 too",
    ],
    "objective without minNormalizedMeasure": [
        "warning imsmanifest.xml:23 moodle-objective-pass-mark: item 'ITEM': objective 'obj-2' has no imsss:minNormalizedMeasure; Moodle reads a pass mark from every objective (1.0 when absent) and keeps the last, so the pass mark becomes 100%",
    ],
    "3rd Edition": [
        "note imsmanifest.xml schemas-4th-edition-only: cpd-pack ships only the SCORM 2004 4th Edition schemas; this 3rd Edition manifest was validated against them. They accept everything earlier editions define, but also 4th Edition additions (adlcp:data, adlseq:objectives, completionThreshold attributes), which an older LMS would not know",
    ],
    "3rd Edition with 4th Edition attributes": [
        "warning imsmanifest.xml:18 edition-feature: adlcp:completionThreshold (as used here) was added in SCORM 2004 4th Edition; an LMS that plays this 3rd Edition package does not know it",
        "note imsmanifest.xml schemas-4th-edition-only: cpd-pack ships only the SCORM 2004 4th Edition schemas; this 3rd Edition manifest was validated against them. They accept everything earlier editions define, but also 4th Edition additions (adlcp:data, adlseq:objectives, completionThreshold attributes), which an older LMS would not know",
    ],
    "completionThreshold as text": [
        "warning imsmanifest.xml:18 completion-threshold-text: adlcp:completionThreshold gives its value as text ('0.5'), the 3rd Edition form that 4th Edition deprecates; Moodle reads only the minProgressMeasure attribute and uses 1.0",
    ],
    "default organization missing": [
        "error imsmanifest.xml:14 default-organization-missing: <organizations default='ORG-X'> names no organization; LMSs launch the default organization",
    ],
    "hideLMSUI exit controls": [
        "warning imsmanifest.xml:25 hidelmsui-exit: adlnav:hideLMSUI hides the LMS's exitAll, suspendAll controls; SCORM Cloud then drops its 'return to LMS' button, so a course without its own exit leaves the learner stuck",
    ],
    "sequencing rules (Moodle)": [
        "warning imsmanifest.xml:20 moodle-sequencing: the manifest uses SCORM 2004 sequencing (imsss:rollupRules); Moodle does not implement SCORM 2004 sequencing and navigation, so these rules do nothing there",
    ],
    "masteryscore in a 2004 manifest": [
        "warning imsmanifest.xml:18 masteryscore-in-2004: adlcp:masteryscore is a SCORM 1.2 element; SCORM 2004 LMSs ignore it (the pass mark is the primary objective's imsss:minNormalizedMeasure)",
    ],
    "asset only": [
        "warning imsmanifest.xml:30 no-sco: no item launches a SCO (every launched resource is an asset); the LMS records no score or status, and Moodle marks an asset completed as soon as it opens",
    ],
    "no scormType": [
        "error imsmanifest.xml:30 scormtype-missing: resource 'RES' has no adlcp:scormType; LMSs treat it as an asset and track nothing",
    ],
    "asset resource without scormType": [
        "warning imsmanifest.xml:34 scormtype-missing: resource 'LIB' has no adlcp:scormType, which SCORM requires on every resource (LMSs treat it as an asset)",
    ],
    "1.2 scormType camel case": [
        "error imsmanifest.xml:20 schema-invalid: Element 'resource', attribute 'adlcp:scormType': No matching global attribute declaration available, but demanded by the strict wildcard.",
    ],
    "xml:base without slash": [
        "error imsmanifest.xml:30 xml-base-slash: xml:base 'content' does not end with '/'; LMSs join it to the href as text, making 'contentindex.html'",
    ],
    "xml:base on resources (Moodle)": [
        "warning imsmanifest.xml:29 moodle-xml-base: xml:base 'content/' on <resources>: Moodle reads xml:base only on <resource>, so it launches the href without it",
    ],
    "href not listed as a file": [
        "warning imsmanifest.xml:30 resource-href-not-listed: resource 'RES' href 'index.html' is not listed as one of its <file> elements",
    ],
    "launched resource without href": [
        "error imsmanifest.xml:30 resource-no-href: resource 'RES' is launched by item 'ITEM' but has no href",
    ],
    "schema element other than ADL SCORM": [
        "warning imsmanifest.xml:11 schema-name: <schema> is 'SCORM'; SCORM requires 'ADL SCORM'",
    ],
    "no default attribute": [
        "warning imsmanifest.xml:14 default-organization-unset: <organizations> has no default attribute, which SCORM 2004 requires; LMSs fall back to the first organization",
    ],
    "1.2 and 2004 namespaces mixed": [
        "error imsmanifest.xml:9 scorm-version-mismatch: the manifest mixes SCORM 2004 namespaces with the other version's (http://www.adlnet.org/xsd/adlcp_rootv1p2); LMSs ignore or reject the elements of the wrong version",
    ],
    "manifest not in a CP namespace": [
        "error imsmanifest.xml:9 scorm-namespace-unknown: the root element is '{http://example.com/cp}manifest'; a SCORM manifest is <manifest> in the IMS CP namespace of SCORM 1.2 (http://www.imsproject.org/xsd/imscp_rootv1p1p2) or SCORM 2004 (http://www.imsglobal.org/xsd/imscp_v1p1)",
    ],
    "long LOM description": [
        "warning imsmanifest.xml:12 lom-description-long: a metadata description is 1001 characters long; SCORM Cloud warns above 1000",
    ],
    "1.2 inline imsmd metadata": [
        "warning imsmanifest.xml:9 scorm12-inline-metadata: the manifest embeds IMS metadata (imsmd) inline; its schema does not compile in libxml2, so this part was not validated, and LMSs that validate with libxml2 (PHP, Python) cannot check it either; point adlcp:location to a metadata file",
    ],
    "external entity (XXE)": [
        "error imsmanifest.xml:13 xml-entities: imsmanifest.xml uses entities declared in its DOCTYPE (&e;); they are not expanded here, and LMS parsers may not expand them either: write the text out",
    ],
    "malformed manifest": [
        "error imsmanifest.xml:35 xml-malformed: imsmanifest.xml is not well-formed XML: Opening and ending tag mismatch: manifest line 2 and manifst",
    ],
    "tincan.xml with two launchable activities": [
        "warning tincan.xml:8 tincan-multiple-launch: 2 activities have a <launch> or <resource> (lines 4, 8); a TinCan package may have only one launchable activity, so an LMS launches one of them or rejects the package",
    ],
    "tincan.xml without launch": [
        "error tincan.xml:2 tincan-no-launch: no activity has a <launch>; the LMS has nothing to launch",
    ],
    "tincan.xml launch file missing": [
        "error tincan.xml:7 launch-file-missing: activity 'https://example.com/check' launches 'index.html', which is not in the package",
    ],
    "tincan.xml activity id not an IRI": [
        "error tincan.xml:4 tincan-activity-id: activity id 'check' is not an absolute IRI (such as https://example.com/course); xAPI activity ids must be",
    ],
    "tincan.xml wrong root": [
        "error tincan.xml:2 tincan-root: the root element is '{http://example.com/tincan}tincan'; expected <tincan> in the namespace http://projecttincan.com/tincan.xsd",
    ],
    "cmi5.xml invalid against the XSD": [
        "error cmi5.xml:9 schema-invalid: Element 'url': This element is not expected. Expected is ( description ).",
    ],
    "cmi5 AU url absolute": [
        "warning cmi5.xml:10 cmi5-au-url-absolute: AU 'https://example.com/check/au' url 'https://cdn.example.com/au/index.html' is absolute: the LMS launches it from that address, not from this package; an AU inside the zip should have a relative url",
    ],
    "cmi5 masteryScore with 5 decimals": [
        "warning cmi5.xml:7 cmi5-masteryscore-precision: AU 'https://example.com/check/au' masteryScore '0.80125' has more than 4 decimal places; cmi5 allows up to 4, so LMSs may round or reject it",
    ],
    "cmi5 AU url file missing": [
        "error cmi5.xml:10 launch-file-missing: AU 'https://example.com/check/au' launches 'index.html', which is not in the package",
    ],
    "cmi5 AU url with ..": [
        "error cmi5.xml:10 href-parent: AU 'https://example.com/check/au' url '../index.html' contains '..'; paths in a package must stay inside it",
    ],
    "cmi5 duplicate ids": [
        "error cmi5.xml:7 identifier-duplicate: identifier 'https://example.com/check' is used again (first at line 3); identifiers must be unique in a course structure",
    ],
    "manifest in a folder": [
        "error - descriptor-missing: no imsmanifest.xml (SCORM), cmi5.xml (cmi5) or tincan.xml (xAPI) at the root of the zip; 'course/imsmanifest.xml' is in a folder: zip the contents of the course folder, not the folder itself",
    ],
    "manifest name in capitals": [
        "error - descriptor-missing: no imsmanifest.xml (SCORM), cmi5.xml (cmi5) or tincan.xml (xAPI) at the root of the zip; 'IMSManifest.xml' is there, but LMSs look for the exact lower-case name 'imsmanifest.xml'",
    ],
    "SCORM and xAPI descriptors": [
        "warning imsmanifest.xml descriptor-ambiguous: the package has imsmanifest.xml and tincan.xml at its root; it was checked as SCORM (imsmanifest.xml), but an LMS of another format reads tincan.xml instead",
    ],
    "backslash in an entry name": [
        "error js\\lib.js zip-backslash-name: entry 'js\\\\lib.js' uses backslashes as folder separators; servers that unpack on Linux keep them in the file name, so links to the file break",
    ],
    "duplicate entry": [
        "error index.html zip-duplicate-entry: the zip holds 2 entries named 'index.html'; an LMS keeps only one of them",
    ],
    "tincan.xml in a single folder": [
        "note course/tincan.xml tincan-no-xsd: tincan.xml has no published XSD; its structure was checked instead (root element, activity ids, one launchable activity, launch files)",
        "note course/tincan.xml moodle-needs-plugin: Moodle plays xAPI packages only through the mod_tincanlaunch plugin and an external LRS, and marks them complete only for the verb configured in the activity",
    ],
    "tincan.xml in a folder with other files beside it": [
        "error - tincan-location: tincan.xml is in 'course/' but 'index.html' is outside that folder; a nested tincan.xml is allowed only when every folder above it holds nothing else",
    ],
    "two tincan.xml": [
        "error tincan.xml tincan-multiple: the package holds more than one tincan.xml (tincan.xml, extra/tincan.xml); it must hold exactly one",
    ],
}


def test_every_case_has_its_expected_findings() -> None:
    assert list(EXPECTED) == list(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_on_a_broken_package(name: str) -> None:
    case = CASES[name]
    report = check_bytes(package(case.kind, case.edits, case.add, case.drop))
    assert [line for line in lines(report) if line not in NOTES[case.kind]] == EXPECTED[name]
    assert report.exit_code == (1 if report.errors else 0)
    for finding in report.warnings:
        assert finding.source, f"{finding.code} cites no source"


# --------------------------------------------------------------------------- hostile zips


def patch_entry(
    data: bytes,
    name: str,
    *,
    size: int | None = None,
    packed: int | None = None,
    flags_on: int = 0,
    flags_off: int = 0,
) -> bytes:
    """``data`` with the central-directory record of ``name`` changed (what a checker trusts)."""
    buffer = bytearray(data)
    position = buffer.find(b"PK\x01\x02")
    while position != -1:
        length = struct.unpack_from("<H", buffer, position + 28)[0]
        if bytes(buffer[position + 46 : position + 46 + length]) == name.encode():
            flags = struct.unpack_from("<H", buffer, position + 8)[0]
            struct.pack_into("<H", buffer, position + 8, (flags | flags_on) & ~flags_off)
            if packed is not None:
                struct.pack_into("<I", buffer, position + 20, packed)
            if size is not None:
                struct.pack_into("<I", buffer, position + 24, size)
        position = buffer.find(b"PK\x01\x02", position + 4)
    return bytes(buffer)


def symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        link = zipfile.ZipInfo("js/app.js")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def real_bomb() -> bytes:
    """64 MiB of zeros, really deflated (to about 64 KiB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST_12)
        with archive.open("zeros.bin", "w") as member:
            chunk = bytes(4 * 1024**2)
            for _ in range(16):
                member.write(chunk)
    return buffer.getvalue()


GiB = 1024**3
HOSTILE = {
    "zip slip": (
        lambda: zip_of({"imsmanifest.xml": b"<x/>", "../evil.sh": b"rm -rf ~"}),
        "hostile.zip: refused: entry '../evil.sh' climbs out of the package folder with '..' (zip slip)",
    ),
    "zip slip inside a folder": (
        lambda: zip_of({"js/../../evil.sh": b"x"}),
        "hostile.zip: refused: entry 'js/../../evil.sh' climbs out of the package folder with '..' (zip slip)",
    ),
    "zip slip with backslashes": (
        lambda: zip_of({"..\\evil.bat": b"x"}),
        "hostile.zip: refused: entry '..\\\\evil.bat' climbs out of the package folder with '..' (zip slip)",
    ),
    "absolute path": (
        lambda: zip_of({"/etc/cron.d/evil": b"x"}),
        "hostile.zip: refused: entry '/etc/cron.d/evil' has an absolute path",
    ),
    "Windows drive path": (
        lambda: zip_of({"C:/Windows/evil.bat": b"x"}),
        "hostile.zip: refused: entry 'C:/Windows/evil.bat' has an absolute path",
    ),
    "symbolic link": (symlink_zip, "hostile.zip: refused: entry 'js/app.js' is a symbolic link"),
    "1 GiB of zeros declared": (
        lambda: patch_entry(
            zip_of({"imsmanifest.xml": b"<x/>", "zeros.bin": bytes(1024**2)}),
            "zeros.bin",
            size=GiB,
            packed=1024,
        ),
        "hostile.zip: refused: entry 'zeros.bin' would expand 1048576x (1.0 KiB to 1.0 GiB), a zip bomb",
    ),
    "3 GiB declared in all": (
        lambda: patch_entry(
            patch_entry(
                patch_entry(
                    zip_of({"a.mp4": b"a", "b.mp4": b"b", "c.mp4": b"c"}),
                    "a.mp4",
                    size=GiB,
                    packed=GiB,
                ),
                "b.mp4",
                size=GiB,
                packed=GiB,
            ),
            "c.mp4",
            size=GiB,
            packed=GiB,
        ),
        "hostile.zip: refused: the files would expand to 3.0 GiB, more than the limit of 2.0 GiB",
    ),
    "20001 entries": (
        lambda: zip_of({f"f{i}.txt": b"" for i in range(20_001)}),
        "hostile.zip: refused: 20001 entries, more than the limit of 20000",
    ),
    "not a zip": (
        lambda: b"<html>not a zip</html>",
        "hostile.zip: not a zip file (File is not a zip file)",
    ),
    "encrypted manifest": (
        lambda: patch_entry(package("scorm12"), "imsmanifest.xml", flags_on=0x1),
        "hostile.zip: cannot read 'imsmanifest.xml': it is encrypted",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_zips_are_refused_quickly(name: str) -> None:
    make, message = HOSTILE[name]
    data = make()
    started = time.perf_counter()
    with pytest.raises(PackageRefusedError) as refused:
        check_bytes(data, "hostile.zip")
    assert time.perf_counter() - started < 1.0
    assert refused.value.format_message() == message
    assert refused.value.exit_code == 1


def test_a_real_zip_bomb_is_refused_before_anything_is_inflated() -> None:
    data = real_bomb()
    started = time.perf_counter()
    with pytest.raises(
        PackageRefusedError,
        match=r"^bomb\.zip: refused: entry 'zeros\.bin' would expand \d+x \(\d+\.\d KiB to 64\.0 MiB\), a zip bomb$",
    ):
        check_bytes(data, "bomb.zip")
    assert time.perf_counter() - started < 0.2


def test_billion_laughs_are_not_expanded() -> None:
    data = package(
        "scorm12",
        (
            (XML_DECLARATION, XML_DECLARATION + LAUGHS),
            ("<title>Check</title>", "<title>&a9;</title>"),
        ),
    )
    started = time.perf_counter()
    report = check_bytes(data)
    assert time.perf_counter() - started < 1.0
    # libxml2 2.11+ refuses the amplification (worded by version), older ones leave the
    # references unexpanded: either way one error, and nothing was expanded
    (finding,) = report.errors
    assert finding.code in ("xml-malformed", "xml-entities")
    assert finding.message.startswith("imsmanifest.xml ")
    assert (report.warnings, report.notes) == ([], [])


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "none.zip"
    with pytest.raises(PackageRefusedError) as refused:
        check_package(path)
    assert (
        refused.value.format_message()
        == f"{path}: cannot read the file (No such file or directory)"
    )


def test_entries_an_lms_cannot_unpack_as_named() -> None:
    data = package("scorm12", add={"café.html": b"x"})
    data = patch_entry(data, "café.html", flags_off=0x800)
    data = patch_entry(data, "js/app.js", flags_on=0x1)
    garbled = "café.html".encode().decode("cp437")  # what a zip tool shows: caf├⌐.html
    assert lines(check_bytes(data)) == [
        "error js/app.js zip-encrypted: entry 'js/app.js' is encrypted; an LMS cannot unpack it",
        f"warning {garbled} zip-name-encoding: entry {garbled!r} has a non-ASCII name not marked "
        "as UTF-8; LMSs may unpack it under another name (zip it with a tool that writes UTF-8 names)",
    ]


def test_a_descriptor_over_the_size_limit_is_not_read() -> None:
    report = check_bytes(package("scorm2004"), limits=Limits(max_xml_size=1000))
    assert lines(report) == [
        "error imsmanifest.xml xml-too-large: imsmanifest.xml is bigger than 1000 bytes; it was not read"
    ]


def test_the_default_limits() -> None:
    assert Limits() == Limits(
        max_entries=20_000,
        max_total_size=2 * GiB,
        max_ratio=100,
        ratio_floor=1024**2,
        max_xml_size=16 * 1024**2,
    )


# --------------------------------------------------------------------------- report and API


def broken() -> bytes:
    return package("scorm2004", ((PRIMARY, ""),), drop=("js/app.js",))


def test_text_report() -> None:
    report = check_bytes(broken(), "course.zip")
    assert report.to_text() == "\n".join(
        [
            "course.zip: SCORM 2004 4th Edition",
            "imsmanifest.xml:32: error: file-missing: resource 'RES' lists 'js/app.js', which is not in the package",
            "imsmanifest.xml:21: warning: moodle-pass-mark-100: item 'ITEM': the primary objective has no imsss:minNormalizedMeasure, so Moodle sets cmi.scaled_passing_score to 1.0, a pass mark of 100%; with satisfiedByMeasure='true' every LMS uses the schema default 1.0 too [standards.md 0.5, 4]",
            "FAILED: 1 error, 1 warning; fix the errors before uploading.",
        ]
    )
    assert report.exit_code == 1


def test_json_report() -> None:
    report = check_bytes(broken(), "course.zip")
    assert json.loads(report.to_json()) == {
        "package": "course.zip",
        "kind": "scorm2004",
        "version": "4th Edition",
        "label": "SCORM 2004 4th Edition",
        "ok": False,
        "exit_code": 1,
        "errors": [
            {
                "code": "file-missing",
                "message": "resource 'RES' lists 'js/app.js', which is not in the package",
                "file": "imsmanifest.xml",
                "line": 32,
                "source": None,
            }
        ],
        "warnings": [
            {
                "code": "moodle-pass-mark-100",
                "message": "item 'ITEM': the primary objective has no imsss:minNormalizedMeasure, so Moodle sets cmi.scaled_passing_score to 1.0, a pass mark of 100%; with satisfiedByMeasure='true' every LMS uses the schema default 1.0 too",
                "file": "imsmanifest.xml",
                "line": 21,
                "source": "standards.md 0.5, 4",
            }
        ],
        "notes": [],
    }


def test_warnings_alone_exit_0() -> None:
    report = check_bytes(package("scorm2004", ((PRIMARY, ""),)))
    assert (report.ok, report.exit_code, len(report.warnings)) == (True, 0, 1)
    assert report.to_text().endswith("OK: 0 errors, 1 warning; the package can be uploaded.")


def test_a_path_and_bytes_give_the_same_report_and_nothing_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "course.zip"
    path.write_bytes(broken())
    assert check_package(path).to_dict() == check_bytes(broken(), str(path)).to_dict()
    assert capsys.readouterr() == ("", "")


# --------------------------------------------------------------------------- another tool

PACKAGER_SCRIPT = """\
const [packager, version, source, out] = process.argv.slice(2);
require(packager)({
  version, organization: "Example Org", title: "Check Course", identifier: "com.example.check",
  masteryScore: 80, startingPage: "index.html", source,
  package: {version: "1.0.0", zip: true, outputFolder: out, name: "check", date: "2024-01-01"},
}, () => {});
"""
METADATA_MISPLACED = "schema-invalid: Element 'metadata': This element is not expected."
RESOURCES_METADATA = (
    "schema-invalid: Element 'metadata': This element is not expected. "
    "Expected is one of ( resource, ##other* )."
)
PACKAGER_FINDINGS = {
    "1.2": [
        f"error imsmanifest.xml:14 {METADATA_MISPLACED}",
        f"error imsmanifest.xml:28 {RESOURCES_METADATA}",
        "warning imsmanifest.xml:13 moodle-mastery-override: adlcp:masteryscore '80': Moodle (its 'mastery score overrides status' is on by default) replaces the SCO's lesson_status with passed or failed from score.raw at LMSFinish, even while the course is still incomplete; Chamilo ignores it",
    ],
    "2004 3rd Edition": [
        f"error imsmanifest.xml:21 {METADATA_MISPLACED}",
        f"error imsmanifest.xml:38 {RESOURCES_METADATA}",
        "note imsmanifest.xml schemas-4th-edition-only: cpd-pack ships only the SCORM 2004 4th Edition schemas; this 3rd Edition manifest was validated against them. They accept everything earlier editions define, but also 4th Edition additions (adlcp:data, adlseq:objectives, completionThreshold attributes), which an older LMS would not know",
    ],
    "2004 4th Edition": [
        f"error imsmanifest.xml:21 {METADATA_MISPLACED}",
        f"error imsmanifest.xml:38 {RESOURCES_METADATA}",
    ],
}


@pytest.fixture(scope="module")
def node() -> Iterator[str]:
    """The node binary, when simple-scorm-packager is installed (``npm ci``)."""
    found = shutil.which("node")
    require(
        found is not None and (PACKAGER / "package.json").is_file(),
        "node with node_modules/simple-scorm-packager (npm ci)",
    )
    assert found is not None
    yield found


@pytest.mark.parametrize("version", list(PACKAGER_FINDINGS))
def test_simple_scorm_packager_packages(node: str, tmp_path: Path, version: str) -> None:
    # simple-scorm-packager writes its manifest and schemas into the source folder: use a copy
    source = tmp_path / "src"
    (source / "js").mkdir(parents=True)
    (source / "index.html").write_text("<!doctype html><title>Check</title>")
    (source / "js" / "app.js").write_text("var x = 1;\n")
    script = tmp_path / "pack.js"
    script.write_text(PACKAGER_SCRIPT)
    subprocess.run(
        [node, str(script), str(PACKAGER), version, str(source), str(tmp_path / "out")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (path,) = (tmp_path / "out").glob("*.zip")
    report = check_package(path)
    assert (
        report.label
        == {
            "1.2": "SCORM 1.2",
            "2004 3rd Edition": "SCORM 2004 3rd Edition",
            "2004 4th Edition": "SCORM 2004 4th Edition",
        }[version]
    )
    assert lines(report) == PACKAGER_FINDINGS[version]
    assert report.exit_code == 1
