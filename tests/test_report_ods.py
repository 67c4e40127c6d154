"""Moodle's ODS downloads (cpd_pack.report.ods): every real ODS export in
tests/fixtures/moodle-reports has the rows of the text download of the same report, and reads
into the same results; the ODF cell forms Moodle does not write (repeats, spaces, line breaks,
covered cells) and hostile zips are handled as documented."""

from __future__ import annotations

import functools
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd_pack.report.course import CourseKey, load_key
from cpd_pack.report.moodle import _rows, read_moodle
from cpd_pack.report.ods import MAX_ROWS, ods_rows
from cpd_pack.report.results import ReportError

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = FIXTURES / "courses" / "moodle-d083f28"
REPORTS = FIXTURES / "moodle-reports"
ODS = sorted(REPORTS.glob("*-ods.ods"))
WEEKDAY = re.compile(r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), ")
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


@functools.cache
def _key() -> CourseKey:
    return load_key(COURSE)


def _padded(rows: list[tuple[int, list[str]]], width: int) -> list[tuple[int, list[str]]]:
    return [(n, cells + [""] * (width - len(cells))) for n, cells in rows]


def test_every_report_kind_is_copied() -> None:
    kinds = {p.name.removesuffix("-ods.ods") for p in ODS}
    assert kinds == {
        f"{version}-{report}-{mode}"
        for version in ("scorm12", "scorm2004")
        for report in ("interactions", "basic", "objectives")
        for mode in ("allusers", "withattempts")
    }


@pytest.mark.parametrize("ods", ODS, ids=lambda p: p.name.removesuffix("-ods.ods"))
def test_ods_download_has_the_rows_of_the_text_download(ods: Path) -> None:
    """Same row numbers and cells, short rows padded to the header as Moodle's text file pads
    none; Moodle writes the weekday into the text file's dates only (``Monday, 30 November
    2026, 10:02 AM`` there, ``30 November 2026, 10:02 AM`` in ODS and Excel)."""
    text = REPORTS / ods.name.replace("-ods.ods", "-csv.txt")
    expected = list(_rows(text))
    width = len(expected[0][1])
    dates = {expected[0][1].index("Started on"), expected[0][1].index("Last accessed on")}
    expected = [
        (n, [WEEKDAY.sub("", c) if i in dates else c for i, c in enumerate(cells)])
        for n, cells in expected
    ]
    found = list(ods_rows(ods))
    assert len(found) == len(expected) in (16, 42, 45, 46)
    assert _padded(found, width) == _padded(expected, width)
    key = load_key(COURSE)
    from_ods, from_text = read_moodle(ods, key), read_moodle(text, key)
    assert from_ods.learners == from_text.learners
    assert from_ods.attempts == from_text.attempts
    assert from_ods.submissions == from_text.submissions
    assert [n.replace(ods.name, text.name) for n in from_ods.notices] == from_text.notices


def test_ods_interactions_give_every_answer() -> None:
    results = read_moodle(REPORTS / "scorm12-interactions-allusers-ods.ods", load_key(COURSE))
    assert len(results.learners) == 41
    assert len(results.attempts) == 44
    assert sum(len(s.answers) for s in results.submissions) == 44 * 21


def _ods(path: Path, content: str, **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", MIMETYPE, zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        for name, data in extra.items():
            zf.writestr(name.replace("__", "/"), data)
    return path


def _sheets(*tables: str) -> str:
    body = "".join(
        f'<table:table table:name="S{i}">{t}</table:table>' for i, t in enumerate(tables)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body>'
        f"<office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    )


def _cell(inner: str = "", **attrs: str) -> str:
    at = "".join(f' {k.replace("_", ":", 1).replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<table:table-cell{at}>{inner}</table:table-cell>"


def test_cell_forms_repeats_and_padding(tmp_path: Path) -> None:
    f = {"office_value-type": "float"}
    rows = [
        "<table:table-column table:number-columns-repeated='1024'/>"
        "<table:table-row>"
        + _cell("<text:p>a<text:s/>b<text:s text:c='3'/>c</text:p>", office_value_type="string")
        + _cell("<text:p>one<text:line-break/>two<text:tab/>x</text:p><text:p>three</text:p>")
        + _cell("<text:p>1</text:p>", table_number_columns_repeated="3", **f, office_value="1")
        + "<table:covered-table-cell table:number-columns-repeated='2'/>"
        + _cell("<text:p>shown</text:p>", **f, office_value="0.25")
        + _cell("<text:p>12%</text:p>", office_value_type="percentage", office_value="0.12")
        + _cell("<text:p>ignored</text:p>", office_value_type="string", office_string_value="s v")
        + _cell(
            "<office:annotation><text:p>note</text:p></office:annotation><text:p>"
            "<text:span>sp</text:span>an</text:p>"
        )
        + _cell(table_number_columns_repeated="16000")
        + "</table:table-row>",
        "<table:table-row table:number-rows-repeated='3'>"
        + _cell(table_number_columns_repeated="1024")
        + "</table:table-row>",
        "<table:table-header-rows><table:table-row table:number-rows-repeated='2'>"
        + _cell(table_number_columns_repeated="2")
        + _cell("<text:p>r</text:p>")
        + "</table:table-row></table:table-header-rows>",
        "<table:table-row table:number-rows-repeated='1048570'>"
        + _cell(table_number_columns_repeated="1024")
        + "</table:table-row>",
    ]
    path = _ods(tmp_path / "forms.ods", _sheets("".join(rows), "<table:table-row>"
                + _cell("<text:p>second sheet</text:p>") + "</table:table-row>"))  # fmt: skip
    assert list(ods_rows(path)) == [
        (1, ["a b   c", "one\ntwo\tx\nthree", "1", "1", "1", "", "", "0.25", "0.12", "s v",
             "span"]),
        (5, ["", "", "r"]),
        (6, ["", "", "r"]),
    ]  # fmt: skip


def test_bad_ods_files_are_named(tmp_path: Path) -> None:
    def error(path: Path) -> str:
        with pytest.raises(ReportError) as caught:
            list(ods_rows(path))
        return caught.value.message

    not_zip = tmp_path / "a.ods"
    not_zip.write_bytes(b"Name\tEmail address\n")
    assert error(not_zip) == f"{not_zip}: not a zip file (File is not a zip file)"
    slip = _ods(tmp_path / "slip.ods", _sheets(""), **{"..__evil.txt": b"x"})
    assert error(slip) == (
        f"{slip}: refused: entry '../evil.txt' climbs out of the package folder with '..' "
        "(zip slip)"
    )
    bomb = tmp_path / "bomb.ods"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content.xml", b" " * (20 * 1024**2))
    assert re.fullmatch(
        rf"{re.escape(str(bomb))}: refused: entry 'content.xml' would expand \d+x "
        r"\(\d+\.\d KiB to 20\.0 MiB\), a zip bomb",
        error(bomb),
    )
    docx = tmp_path / "w.ods"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", _sheets(""))
    assert error(docx) == (
        f"{docx}: not an ODS spreadsheet (mimetype 'application/vnd.oasis.opendocument.text')"
    )
    empty_zip = tmp_path / "e.ods"
    zipfile.ZipFile(empty_zip, "w").close()
    assert error(empty_zip) == f"{empty_zip}: not an ODS spreadsheet: it has no content.xml"
    broken = _ods(tmp_path / "b.ods", _sheets("<table:table-row>")[:-40])
    assert error(broken).startswith(f"{broken}: content.xml:1: not well-formed XML (")
    many = _ods(tmp_path / "m.ods", _sheets(
        f"<table:table-row table:number-rows-repeated='{MAX_ROWS + 1}'>"
        + _cell("<text:p>x</text:p>") + "</table:table-row>"))  # fmt: skip
    assert error(many) == f"{many}:1: more than 1048576 rows"
    wide = _ods(tmp_path / "w2.ods", _sheets(
        "<table:table-row>" + _cell("<text:p>x</text:p>", table_number_columns_repeated="16385")
        + "</table:table-row>"))  # fmt: skip
    assert error(wide) == f"{wide}:1: more than 16384 columns; not a Moodle report"


def test_an_ods_that_is_not_a_moodle_report_names_the_header(tmp_path: Path) -> None:
    path = _ods(tmp_path / "other.ods", _sheets(
        "<table:table-row>" + _cell("<text:p>Name</text:p>") + _cell("<text:p>Grade</text:p>")
        + "</table:table-row>"))  # fmt: skip
    with pytest.raises(ReportError) as caught:
        read_moodle(path, load_key(COURSE))
    assert caught.value.message == (
        f"{path}:1: header: not a Moodle SCORM report download: the column(s) 'Email address', "
        "'Attempt', 'Started on', 'Last accessed on', 'Score' are missing (found Name, Grade)"
    )


def test_a_large_repetitive_export_is_not_taken_for_a_bomb(tmp_path: Path) -> None:
    """Spreadsheet XML compresses more than 100 times (the limit for a package member); an ODS
    may compress up to 500 times, being read as a stream."""
    cells = "".join(_cell(f"<text:p>q-{j % 21} L</text:p>") for j in range(175))
    rows = "".join(f"<table:table-row>{cells.replace(' L<', f' learner{i}<')}</table:table-row>\n"
                   for i in range(300))  # fmt: skip
    path = _ods(tmp_path / "large.ods", _sheets(rows))
    info = zipfile.ZipFile(path).getinfo("content.xml")
    assert info.file_size > 3 * 1024**2 and info.file_size > 100 * info.compress_size
    found = list(ods_rows(path))
    assert len(found) == 300 and found[299][1][:2] == ["q-0 learner299", "q-1 learner299"]


xml_parts = st.sampled_from([
    "<table:table-row>", "</table:table-row>", "<table:table-cell>", "</table:table-cell>",
    "<text:p>", "</text:p>", "<text:s text:c='2'/>", "<text:line-break/>", "Name", "x",
    "<table:table-cell office:value-type='float' office:value='1e400'/>",
    "<table:table-cell table:number-columns-repeated='-3'/>",
    "<table:covered-table-cell table:number-columns-repeated='99999999'/>",
    "<table:table-row table:number-rows-repeated='0'>", "&amp;", "&bogus;", "<!DOCTYPE x>",
])  # fmt: skip


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(parts=st.lists(xml_parts, max_size=12), raw=st.binary(max_size=64))
def test_any_ods_reads_or_fails_plainly(tmp_path: Path, parts: list[str], raw: bytes) -> None:
    key = _key()
    table = _sheets("".join(parts))
    for path in (_ods(tmp_path / "f.ods", table), tmp_path / "raw.ods"):
        if path.name == "raw.ods":
            path.write_bytes(raw)
        try:
            read_moodle(path, key)
        except ReportError as exc:
            assert exc.message.startswith(str(path))
