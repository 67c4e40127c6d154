from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from cpd_pack.exceptions import BuildError
from cpd_pack.packagers.archive import DEFAULT_EPOCH, write_atomic, zip_bytes

FILES = {"b.txt": b"two", "a/index.html": b"<p>one</p>", "imsmanifest.xml": b"<m/>"}


def test_equal_input_gives_equal_bytes_in_any_order() -> None:
    assert zip_bytes(FILES) == zip_bytes(dict(reversed(list(FILES.items()))))


def test_entries_are_sorted_with_fixed_times_and_modes() -> None:
    with zipfile.ZipFile(io.BytesIO(zip_bytes(FILES))) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a/index.html", "b.txt", "imsmanifest.xml"]
    assert {i.date_time for i in infos} == {(2020, 2, 2, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}
    assert DEFAULT_EPOCH == 1580601600


def test_source_date_epoch_sets_the_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with zipfile.ZipFile(io.BytesIO(zip_bytes(FILES))) as archive:
        assert archive.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH must be whole seconds; found 'soon'"):
        zip_bytes(FILES)


def test_unsafe_paths_are_refused() -> None:
    with pytest.raises(BuildError, match=r"refusing unsafe archive path '\.\./x'"):
        zip_bytes({"../x": b""})


def test_write_atomic_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "course.zip"
    write_atomic(target, b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in target.parent.iterdir()] == ["course.zip"]


def test_compressed_media_is_stored_and_text_deflated() -> None:
    data = zip_bytes({"media/a.ogg": b"O" * 1000, "index.html": b"<p>x</p>" * 100})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        kinds = {i.filename: i.compress_type for i in archive.infolist()}
    assert kinds == {"index.html": zipfile.ZIP_DEFLATED, "media/a.ogg": zipfile.ZIP_STORED}
