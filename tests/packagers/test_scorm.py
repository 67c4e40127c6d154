"""Both SCORM manifests: valid against the official schemas, with the values LMSs read."""

from __future__ import annotations

from dataclasses import replace

import pytest
from lxml import etree

from cpd_pack.outline import Outline
from cpd_pack.packagers.base import to_bytes
from cpd_pack.packagers.scorm12 import Scorm12Packager
from cpd_pack.packagers.scorm2004 import Scorm2004Packager
from cpd_pack.schemas import validation_errors

CONTENT = ["css/cpd.css", "index.html", "js/lms.js", "js/player.js", "media/hello.wav"]


def test_scorm2004_manifest_is_valid_and_declares_the_pass_mark(mini_outline: Outline) -> None:
    xml = to_bytes(Scorm2004Packager().manifest(mini_outline, CONTENT))
    assert validation_errors("scorm2004-4th", xml) == []
    root = etree.fromstring(xml)
    assert root.nsmap == {
        None: "http://www.imsglobal.org/xsd/imscp_v1p1",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
        "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
        "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
        "imsss": "http://www.imsglobal.org/xsd/imsss",
        "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    }
    text = xml.decode()
    assert "<schema>ADL SCORM</schema>" in text
    assert "<schemaversion>2004 4th Edition</schemaversion>" in text
    assert '<imsss:primaryObjective objectiveID="PRIMARYOBJ" satisfiedByMeasure="true">' in text
    assert "<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>" in text
    assert text.count("<imsss:objective") == 1  # only the primary objective (standards 0.5)
    assert (
        '<imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>'
        in text
    )
    assert (
        '<resource identifier="mini-course-res" type="webcontent" href="index.html" '
        'adlcp:scormType="sco">' in text
    )
    assert root.get("identifier") == "mini-course-scorm2004"
    files = [f.get("href") for f in root.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}file")]
    assert files == CONTENT


@pytest.mark.parametrize(
    ("completion", "mastery"), [("quiz", "70"), ("pages-and-quiz", None), ("pages", None)]
)
def test_scorm12_manifest_declares_the_mastery_score_only_when_the_quiz_decides(
    mini_outline: Outline, completion: str, mastery: str | None
) -> None:
    # "Mastery score overrides status" (Moodle's default) sets passed/failed from score.raw
    # alone: with a rule that also needs the pages it would pass a learner early (issue 6).
    outline = replace(mini_outline, course=replace(mini_outline.course, completion=completion))
    xml = to_bytes(Scorm12Packager().manifest(outline, CONTENT))
    assert validation_errors("scorm12", xml) == []
    text = xml.decode()
    assert 'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"' in text
    assert 'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"' in text
    assert "<schemaversion>1.2</schemaversion>" in text
    scores = etree.fromstring(xml).findall(
        ".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore"
    )
    assert [el.text for el in scores] == ([mastery] if mastery else [])
    assert 'adlcp:scormtype="sco"' in text


def test_schema_validation_catches_wrong_values(mini_outline: Outline) -> None:
    root = Scorm2004Packager().manifest(mini_outline, CONTENT)
    resource = root.find(".//{http://www.imsglobal.org/xsd/imscp_v1p1}resource")
    resource.set("{http://www.adlnet.org/xsd/adlcp_v1p3}scormType", "scoX")
    errors = validation_errors("scorm2004-4th", to_bytes(root))
    assert len(errors) == 1 and "scormType" in errors[0]


def test_packages_carry_every_schema_file_at_their_root(mini_outline: Outline) -> None:
    site = {"index.html": b"<html></html>"}
    for packager in (Scorm12Packager(), Scorm2004Packager()):
        files = packager.package_files(mini_outline, site, b"// adapter")
        assert files["js/lms.js"] == b"// adapter"
        root = etree.fromstring(files["imsmanifest.xml"])
        locations = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()
        for name in locations[1::2]:
            assert name in files and "/" not in name
        assert set(packager.schema_files) <= set(files)
