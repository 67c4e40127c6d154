"""Moodle's SCORM report downloads (Basic, Interactions, Objectives; text file, Excel or ODS).

Moodle writes them as it does (see ``tests/fixtures/moodle-reports/README.md``): the "CSV" is
tab-separated UTF-8 with one header line; interaction blocks are numbered from 0
(``Question N``, ``Response N``, ``Right answer N``, ``Result N``) and a retake in the same launch
appends its blocks to the same row, so a new submission starts where a question id repeats. SCORM
1.2 responses are option ids joined by ``,`` and true/false is ``t``/``f``. A self-assessment
rating, in packages that record one as a likert interaction (``sa-before-<statement>``,
``sa-after-<statement>``, the scale point as response), is a rating, not a question.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from cpd_pack.report.course import CourseKey
from cpd_pack.report.results import Answer, Attempt, ReportError, Results, Submission

FIXED = ("Name", "Email address", "Attempt", "Started on", "Last accessed on", "Score")
BLOCK = re.compile(r"^(Question|Response|Right answer|Result) (\d+)$")
SEPARATORS = re.compile(r"\[,\]|,")
RATING = re.compile(r"^sa-(before|after)-(.+)$")
TRUE_FALSE = {"t": "true", "f": "false", "true": "true", "false": "false"}
SCORM2004_MARKER = "Moodle fills this report only for SCORM 1.2 packages"
NO_2004_INTERACTIONS = (
    "{file}: Moodle's Interactions report holds no answers, although {scored} attempt(s) have "
    "a score. Moodle fills this report only for SCORM 1.2 packages (it reads SCORM 1.2 element "
    "names), so a SCORM 2004 activity's answers never appear in it. For item analysis, run the "
    "SCORM 1.2 package in Moodle, or the xAPI package with an LRS (cpd-pack report --lrs). "
    "This file's scores and attempts are used."
)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every line of a tab-separated download, header first."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ReportError(
                f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02X}); use the file as "
                "Moodle downloaded it (Download > Text file)"
            ) from None
    reader = csv.reader(text.splitlines(), delimiter="\t", quotechar='"', strict=True)
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield reader.line_num, fields
    except csv.Error as exc:
        raise ReportError(
            f"{path}:{reader.line_num}: cannot be read as Moodle's text file: {exc}"
        ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of the first sheet of an Excel download."""
    try:
        import openpyxl  # type: ignore[import-untyped]  # only for Excel files
    except ImportError:
        raise ReportError(
            f"{path}: reading Excel files needs openpyxl (pip install openpyxl); or download "
            "the report as a text file (Download > Text file)"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ReportError(f"{path}: cannot be read as an Excel file: {exc}") from None
    try:
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = ["" if v is None else _cell(v) for v in row]
            if any(cell.strip() for cell in cells):
                yield number, cells
    finally:
        book.close()


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _score(text: str) -> float | None:
    """``61.9`` or ``61.9/100`` -> 61.9; anything else (a status, ``-``) -> None."""
    number = text.removesuffix("/100").strip()
    try:
        return float(number)
    except ValueError:
        return None


def _response(raw: str) -> tuple[str, ...]:
    raw = raw.strip()
    if raw.lower() in TRUE_FALSE:
        return (TRUE_FALSE[raw.lower()],)
    if "," not in raw:
        return (raw,) if raw else ()
    return tuple(part for part in SEPARATORS.split(raw) if part)


Ratings = dict[tuple[str, int], dict[str, dict[str, str]]]
"""(learner, attempt) -> phase (``before``/``after``) -> statement id -> scale point."""


def _submissions(
    blocks: list[tuple[str, ...]], learner: str, attempt: str, key: CourseKey,
    results: Results, ratings: Ratings,
) -> list[Submission]:  # fmt: skip
    """Split one row's interaction blocks into submissions (a repeated question id starts one);
    self-assessment ratings go to ``ratings``."""
    found: list[list[Answer]] = []
    seen: set[str] = set()
    statements = dict(key.statements)
    for question, response, right, result in blocks:
        if not question:
            continue
        rating = RATING.match(question)
        if rating and rating.group(2) in statements:
            phase = ratings.setdefault((learner, int(attempt)), {"before": {}, "after": {}})
            phase[rating.group(1)][rating.group(2)] = response.strip()
            continue
        if question in seen or not found:
            found.append([])
            seen = set()
        seen.add(question)
        if question not in key.questions:
            results.count_unknown(question)
            continue
        correct = result.strip().lower() == "correct"
        found[-1].append(Answer(question, _response(response), correct, _response(right) or None))
    return [Submission(learner, attempt, tuple(answers)) for answers in found if answers]


def _fold(ratings: Ratings, key: CourseKey) -> dict[str, tuple[str, str]]:
    """Each learner's ratings as one digit per statement (0: not rated): the first attempt's
    "before" ratings and the last attempt's "after" ones."""
    first: dict[str, dict[str, str]] = {}
    last: dict[str, dict[str, str]] = {}
    for (learner, _), phases in sorted(ratings.items(), key=lambda item: item[0][1]):
        for sid, value in phases["before"].items():
            first.setdefault(learner, {}).setdefault(sid, value)
        last.setdefault(learner, {}).update(phases["after"])

    def digits(found: dict[str, str]) -> str:
        return "".join(
            value if len(value := found.get(sid, "0")) == 1 and value in "123456789" else "0"
            for sid, _ in key.statements
        )

    return {
        learner: (digits(first.get(learner, {})), digits(last.get(learner, {})))
        for learner in first.keys() | last.keys()
    }


def read_moodle(path: Path, key: CourseKey) -> Results:
    """Read one Moodle SCORM report download; raise :class:`ReportError` naming file and line."""
    suffix = path.suffix.lower()
    if suffix == ".ods":
        from cpd_pack.report.ods import ods_rows

        rows = ods_rows(path)
    else:
        rows = _xlsx_rows(path) if suffix == ".xlsx" else _rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise ReportError(f"{path}:1: the file is empty; expected a Moodle SCORM report") from None
    missing = [name for name in FIXED if name not in header]
    if missing:
        raise ReportError(
            f"{path}:1: header: not a Moodle SCORM report download: the column(s) "
            f"{', '.join(repr(m) for m in missing)} are missing (found {', '.join(header[:8])})"
        )
    col = {name: header.index(name) for name in FIXED}
    sco = len(FIXED) if len(header) > len(FIXED) and not BLOCK.match(header[len(FIXED)]) else None
    blocks: dict[int, dict[str, int]] = {}
    for index, name in enumerate(header):
        match = BLOCK.match(name)
        if match:
            blocks.setdefault(int(match.group(2)), {})[match.group(1)] = index
    parts = ("Question", "Response", "Right answer", "Result")
    columns = [tuple(blocks[n].get(part, -1) for part in parts) for n in sorted(blocks)]
    results = Results(sources=[f"Moodle report {path.name}"])
    ratings: Ratings = {}
    interactions = 0
    for line, fields in rows:
        if len(fields) > len(header):
            raise ReportError(
                f"{path}:{line}: the row has {len(fields)} fields but the header has "
                f"{len(header)}; the file is not as Moodle wrote it"
            )
        fields += [""] * (len(header) - len(fields))
        email, name = fields[col["Email address"]].strip(), fields[col["Name"]].strip()
        learner = email or name
        if not learner:
            raise ReportError(f"{path}:{line}: Name: a row without a name or email address")
        results.add_learner(learner, name)
        number = fields[col["Attempt"]].strip()
        if number in ("-", ""):
            continue  # an enrolled learner without an attempt
        if not number.isdigit():
            raise ReportError(
                f"{path}:{line}: Attempt: expected an attempt number or '-'; found {number!r}"
            )
        status = fields[sco].strip() if sco is not None else ""
        score = _score(status) if sco is not None else _score(fields[col["Score"]])
        results.attempts.append(
            Attempt(learner, number, score, "" if score is not None else status)
        )
        cells = [tuple(fields[i] if i >= 0 else "" for i in block) for block in columns]
        found = _submissions(cells, learner, number, key, results, ratings)
        interactions += sum(1 for cell in cells if cell[0])
        results.submissions += found
    results.submissions.sort(key=lambda s: int(s.attempt))  # stable: a row's blocks stay in order
    results.ratings = _fold(ratings, key)
    scored = sum(a.score is not None and a.score > 0 for a in results.attempts)
    if blocks and not interactions and scored:
        results.notices.append(NO_2004_INTERACTIONS.format(file=path.name, scored=scored))
    return results
