from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from cpd_pack.exceptions import BuildError
from cpd_pack.packagers.archive import DEFAULT_EPOCH, write_atomic, zip_bytes, zip_many

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


def _zipfile_bytes(files: dict[str, bytes]) -> bytes:
    """What Python's zipfile writes for ``files`` with the same fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 2, 2, 0, 0, 0))
            packed = name.endswith((".ogg", ".png"))
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=None if packed else 6)
    return buffer.getvalue()


MIXED = {
    **FILES,
    "media/a.ogg": bytes(range(256)) * 40,
    "media/b.png": b"",
    "empty.txt": b"",
    "pages/caf\u00e9 \u00e0 l'\u00e9cole.html": "<p>\u00e9t\u00e9</p>".encode() * 500,
    "js/big.js": b"var x = 1;\n" * 50_000,
}


def test_the_bytes_are_what_zipfile_writes() -> None:
    assert zip_bytes(MIXED) == _zipfile_bytes(MIXED)
    with zipfile.ZipFile(io.BytesIO(zip_bytes(MIXED))) as archive:
        assert archive.testzip() is None
        assert {i.filename: archive.read(i) for i in archive.infolist()} == MIXED
        assert archive.getinfo("pages/caf\u00e9 \u00e0 l'\u00e9cole.html").flag_bits == 0x800


def test_zips_sharing_files_are_each_what_zipfile_writes() -> None:
    other = {**MIXED, "js/lms.js": b"adapter two", "index.html": MIXED["a/index.html"]}
    sets = [MIXED, other, {"only.txt": b"alone"}]
    assert zip_many(sets) == [_zipfile_bytes(files) for files in sets]


def test_the_same_bytes_under_a_media_name_and_a_text_name() -> None:
    files = {"media/a.png": b"same" * 100, "notes.txt": b"same" * 100}
    assert zip_bytes(files) == _zipfile_bytes(files)
