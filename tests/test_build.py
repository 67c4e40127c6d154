"""The pipeline end to end, in process: determinism, package contents, size budget."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from cpd_pack.build import build_packages, make_packages
from cpd_pack.exceptions import BuildError
from cpd_pack.schemas import validation_errors


def test_same_source_gives_byte_identical_zips(mini_dir: Path, tmp_path: Path) -> None:
    first = [p.read_bytes() for p in build_packages(mini_dir, out_dir=tmp_path / "a")]
    second = [p.read_bytes() for p in build_packages(mini_dir, out_dir=tmp_path / "b")]
    assert first == second


def test_source_date_epoch_changes_only_the_times(
    mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = make_packages(mini_dir, ["scorm12"])[0].data
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = make_packages(mini_dir, ["scorm12"])[0].data
    assert plain != dated
    with zipfile.ZipFile(io.BytesIO(plain)) as a, zipfile.ZipFile(io.BytesIO(dated)) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())


@pytest.mark.parametrize(
    ("fmt", "schema_set"), [("scorm12", "scorm12"), ("scorm2004", "scorm2004-4th")]
)
def test_package_contents(mini_dir: Path, fmt: str, schema_set: str) -> None:
    (package,) = make_packages(mini_dir, [fmt])
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        names = archive.namelist()
        manifest = archive.read("imsmanifest.xml")
        adapter = archive.read("js/lms.js")
    assert validation_errors(schema_set, manifest) == []
    assert {"index.html", "js/player.js", "js/lms.js", "css/cpd.css"} <= set(names)
    assert {"media/hello.wav", "media/square.png"} <= set(names)
    assert names == sorted(names)
    assert (b"API_1484_11" in adapter) == (fmt == "scorm2004")


def test_unknown_format_is_refused(mini_dir: Path) -> None:
    with pytest.raises(
        BuildError, match="unknown format 'pdf'; expected one of: scorm2004, scorm12, xapi, cmi5"
    ):
        make_packages(mini_dir, ["pdf"])


def test_a_course_whose_state_cannot_fit_scorm12_fails_clearly(tmp_path: Path) -> None:
    options = [{"text": f"Option {i}", "correct": i == 0} for i in range(26)]
    questions = [
        {"id": f"q-{n}", "type": "multiple", "prompt": "Pick", "options": options}
        for n in range(820)
    ]
    course = {
        "id": "huge",
        "title": "Huge quiz",
        "units": [{"title": "U", "pages": [{"title": "Quiz", "blocks": [{"quiz": "final"}]}]}],
        "quiz": {"questions": questions},
    }
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(course), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build_packages(tmp_path, ["scorm2004", "scorm12"], out_dir=tmp_path / "dist")
    assert info.value.message == (
        "scorm12: the course's saved state can need 4135 characters, but SCORM 1.2 keeps at most "
        "4096 in cmi.suspend_data; use fewer pages, questions, options or self-assessment "
        "statements, or build only scorm2004"
    )
    assert not (tmp_path / "dist").exists()
    assert len(make_packages(tmp_path, ["scorm2004"])) == 1
