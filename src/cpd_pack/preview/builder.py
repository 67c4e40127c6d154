"""One preview build: the course built in one format into a folder, and what the page needs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from cpd_pack.build import build_packages
from cpd_pack.exceptions import CourseError, CpdPackError
from cpd_pack.launch.package import extract

FORMAT_LABELS = {"scorm2004": "SCORM 2004", "scorm12": "SCORM 1.2", "xapi": "xAPI", "cmi5": "cmi5"}
"""The formats ``preview`` can show, in the order of its ``--format`` choice."""
SCORM_VERSIONS = {"scorm12": "1.2", "scorm2004": "2004"}
LEARNER = ("preview", "Preview, Learner")
"""The learner id and name the preview LMS gives a SCORM package."""


@dataclass(frozen=True)
class PreviewBuild:
    """A good build. ``content`` is the extracted package (SCORM) and ``zip_path`` the zip;
    ``launch`` is the SCO's file in ``content`` and ``initial`` the CMI the LMS loads first."""

    number: int
    folder: Path
    zip_path: Path
    title: str
    seconds: float
    warnings: tuple[str, ...] = ()
    content: Path | None = None
    launch: str = ""
    initial: dict[str, str] = field(default_factory=dict)


def describe_error(exc: CpdPackError) -> str:
    """The error as the terminal and the page show it: one ``file:line:col: ...`` per problem."""
    if isinstance(exc, CourseError):
        count = len(exc.problems)
        lines = [str(p) for p in exc.problems]
        lines.append(
            f"{count} problem{'s' * (count != 1)} found; still showing the last good build."
        )
        return "\n".join(lines)
    return exc.format_message()


def build_preview(
    course_dir: Path, fmt: str, folder: Path, number: int, templates_dir: Path | None = None
) -> PreviewBuild:
    """Build ``course_dir`` as ``fmt`` into the empty ``folder`` (extracted when SCORM), with
    the templates of ``templates_dir`` first, as ``build --templates`` does.

    Raises :class:`~cpd_pack.exceptions.CourseError` or another ``CpdPackError`` when the course
    does not build; ``folder`` may then hold part of the build.
    """
    started = time.perf_counter()
    built = build_packages(course_dir, [fmt], folder, templates_dir)
    title = built.outline.course.title if built.outline is not None else course_dir.name
    found = PreviewBuild(
        number, folder, built.paths[0], title, 0.0, tuple(str(w) for w in built.warnings)
    )
    if fmt in SCORM_VERSIONS:
        content = folder / "content"
        content.mkdir()
        extract(found.zip_path, content)
        launch, initial = scorm_launch(content, SCORM_VERSIONS[fmt])
        found = replace(found, content=content, launch=launch, initial=initial)
    return replace(found, seconds=time.perf_counter() - started)


def scorm_launch(content: Path, version: str) -> tuple[str, dict[str, str]]:
    """The launch file of the first SCO in ``imsmanifest.xml`` and the CMI an LMS would load
    before Initialize: a first, credit attempt, with the manifest's pass mark when it has one."""
    root = etree.parse(str(content / "imsmanifest.xml")).getroot()
    ref = next((i.get("identifierref") for i in root.iter("{*}item") if i.get("identifierref")), "")
    hrefs = (r.get("href") for r in root.iter("{*}resource") if r.get("identifier") == ref)
    launch = next(hrefs, None) or "index.html"
    learner_id, learner_name = LEARNER
    if version == "1.2":
        initial = {
            "cmi.core.student_id": learner_id,
            "cmi.core.student_name": learner_name,
            "cmi.core.credit": "credit",
            "cmi.core.lesson_mode": "normal",
            "cmi.core.entry": "ab-initio",
        }
        mastery = _text(root, "masteryscore")
        if mastery:
            initial["cmi.student_data.mastery_score"] = mastery
        return launch, initial
    initial = {
        "cmi.learner_id": learner_id,
        "cmi.learner_name": learner_name,
        "cmi.credit": "credit",
        "cmi.mode": "normal",
        "cmi.entry": "ab-initio",
    }
    objective = next(root.iter("{*}primaryObjective"), None)
    measure = "" if objective is None else _text(objective, "minNormalizedMeasure")
    if measure:
        initial["cmi.scaled_passing_score"] = measure
    return launch, initial


def _text(element: etree._Element, tag: str) -> str:
    """The stripped text of the first ``tag`` (any namespace) in ``element``, or ``""``."""
    found = next(element.iter(f"{{*}}{tag}"), None)
    return "" if found is None else (found.text or "").strip()
