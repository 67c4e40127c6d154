"""Rows of an OpenDocument spreadsheet (Moodle's "ODS" download), with lxml and zipfile alone.

An ``.ods`` file is a zip holding ``content.xml``. The zip is opened as ``cpd-pack check`` opens a
package (:class:`cpd_pack.check.archive.Archive`: zip slip, symbolic links and zip bombs
refused), and the first ``table:table`` of ``content.xml`` is read as a stream, one row at a
time, so a large export is never held in memory as a tree. Each cell becomes the text a text
export shows: a number (``office:value-type`` float, percentage, currency) its
``office:value``, written ``1`` rather than ``1.0``; anything else its paragraphs (``text:p``
joined by a line break, with ``text:s`` spaces, ``text:tab`` and ``text:line-break``).
``table:number-columns-repeated`` and ``table:number-rows-repeated`` are expanded, but the empty
cells and rows a spreadsheet pads its sheet with are never materialised; a covered cell (hidden
by a merged one) is an empty cell.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from cpd_pack.check.archive import Archive, Limits, PackageRefusedError, open_zip
from cpd_pack.report.results import ReportError

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
NUMBERS = frozenset({"float", "percentage", "currency"})
LIMITS = Limits(max_entries=1_000, max_total_size=1024**3, max_ratio=500)
"""An ODS export is a handful of members; content.xml of 10,000 learners is about 150 MB and,
being repetitive XML, compresses about 100 times: more than a package may (it is read as a
stream, never whole), less than deflate's limit of about 1,000 that a zip bomb reaches."""
MAX_COLUMNS = 16_384
"""LibreOffice's column limit: more non-empty columns than this are refused."""
MAX_ROWS = 1_048_576
"""LibreOffice's row limit: more non-empty rows than this are refused."""
_ROW, _CELL, _COVERED = (
    f"{{{TABLE}}}table-row",
    f"{{{TABLE}}}table-cell",
    f"{{{TABLE}}}covered-table-cell",
)
_TABLE, _P = f"{{{TABLE}}}table", f"{{{TEXT}}}p"
_ANNOTATION = f"{{{OFFICE}}}annotation"
_ROWS_REPEATED = f"{{{TABLE}}}number-rows-repeated"
_COLUMNS_REPEATED = f"{{{TABLE}}}number-columns-repeated"
_VALUE_TYPE, _VALUE = f"{{{OFFICE}}}value-type", f"{{{OFFICE}}}value"
_STRING_VALUE = f"{{{OFFICE}}}string-value"


def _repeat(element: etree._Element, name: str) -> int:
    raw = element.get(name)
    return int(raw) if raw is not None and raw.isdigit() and raw != "0" else 1


def _text(element: etree._Element) -> str:
    """The text of a paragraph or span: ``text:s`` (``text:c`` spaces), tabs and line breaks."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        local = tag.rpartition("}")[2]
        if tag.startswith(f"{{{TEXT}}}") and local == "s":
            count = child.get(f"{{{TEXT}}}c", "1")
            parts.append(" " * (int(count) if count.isdigit() else 1))
        elif tag.startswith(f"{{{TEXT}}}") and local == "tab":
            parts.append("\t")
        elif tag.startswith(f"{{{TEXT}}}") and local == "line-break":
            parts.append("\n")
        elif tag != _ANNOTATION and local != "note":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _number(raw: str) -> str:
    try:
        value = float(raw)
    except ValueError:
        return raw
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def cell_text(cell: etree._Element) -> str:
    """What a text export shows for one ``table:table-cell`` (empty for a covered cell)."""
    if cell.tag == _COVERED:
        return ""
    attrib = cell.attrib
    kind = attrib.get(_VALUE_TYPE, "")
    if kind in NUMBERS and _VALUE in attrib:
        return _number(str(attrib[_VALUE]))
    if kind == "string" and _STRING_VALUE in attrib:
        return str(attrib[_STRING_VALUE])
    if len(cell) == 1 and cell[0].tag == _P and not len(cell[0]):
        return cell[0].text or ""  # the usual cell: one paragraph of plain text
    return "\n".join(_text(p) for p in cell.iter(_P) if not _in_annotation(p, cell))


def _in_annotation(element: etree._Element, cell: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not cell:
        if parent.tag == _ANNOTATION:
            return True
        parent = parent.getparent()
    return False


def _cells(row: etree._Element, where: str) -> list[str]:
    """One row's cells, repeats expanded, the empty cells at its end left out."""
    cells: list[str] = []
    pending = 0  # empty cells not yet known to come before a non-empty one
    for cell in row:
        if cell.tag not in (_CELL, _COVERED):
            continue
        text, count = cell_text(cell), _repeat(cell, _COLUMNS_REPEATED)
        if not text:
            pending += count
            continue
        if len(cells) + pending + count > MAX_COLUMNS:
            raise ReportError(f"{where}: more than {MAX_COLUMNS} columns; not a Moodle report")
        cells += [""] * pending + [text] * count
        pending = 0
    return cells


def _table_rows(source: IO[bytes], label: str) -> Iterator[tuple[int, list[str]]]:
    number, depth, tables = 0, 0, 0
    events = etree.iterparse(
        source, events=("start", "end"), tag=(_TABLE, _ROW),
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
    )  # fmt: skip
    for event, element in events:
        if element.tag == _TABLE:
            depth += 1 if event == "start" else -1
            tables += event == "start" and depth == 1
            if event == "end" and depth == 0:
                return  # the first sheet only, as for Excel
            continue
        if event == "start" or tables != 1 or depth != 1:
            continue
        count = _repeat(element, _ROWS_REPEATED)
        cells = _cells(element, f"{label}:{number + 1}")
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
        if cells:
            if number + count > MAX_ROWS:
                raise ReportError(f"{label}:{number + 1}: more than {MAX_ROWS} rows")
            for _ in range(count):
                number += 1
                yield number, list(cells)
        else:
            number += count


def ods_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of every non-empty row of the first sheet of an ODS file."""
    label = str(path)
    try:
        with path.open("rb") as handle, open_zip(handle, label) as zf:
            archive = Archive(zf, label, LIMITS)
            if "content.xml" not in archive.files:
                raise ReportError(f"{label}: not an ODS spreadsheet: it has no content.xml")
            mimetype = archive.read("mimetype") if "mimetype" in archive.files else None
            if mimetype is not None and mimetype.strip() != MIMETYPE:
                found = mimetype[:60].decode("utf-8", "replace")
                raise ReportError(f"{label}: not an ODS spreadsheet (mimetype {found!r})")
            info = archive.by_name["content.xml"]
            if info.flag_bits & 0x1:
                raise ReportError(f"{label}: content.xml is encrypted; save it without a password")
            with zf.open(info) as content:
                yield from _table_rows(content, label)
    except PackageRefusedError as exc:
        raise ReportError(exc.message) from None
    except etree.XMLSyntaxError as exc:
        raise ReportError(
            f"{label}: content.xml:{exc.lineno}: not well-formed XML ({exc.msg}); download the "
            "report again"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ReportError(f"{label}: cannot read content.xml ({exc})") from None
