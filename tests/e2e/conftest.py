"""Fixtures for browser tests: ``http_server`` (LmsServer), ``browser``, ``page``, the built
courses ``mini_kit`` / ``sample_kit`` (:class:`CourseKit`) and ``no_404s``."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from harness import (
    REPO,
    SCORM_AGAIN_DIST,
    LmsServer,
    LmsSession,
    default_initial,
    launch,
    normalize_version,
)

from cpd_pack.build import make_packages
from cpd_pack.loader import load_course
from cpd_pack.model import Question
from cpd_pack.outline import Outline, build_outline
from cpd_pack.validate import validate_course
from prereq import require

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page


@pytest.fixture(scope="session")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LmsServer]:
    """Local server on 127.0.0.1:<free port>; tests publish packages into its temp root."""
    require((SCORM_AGAIN_DIST / "scorm-again.js").is_file(), "node_modules/scorm-again (npm ci)")
    server = LmsServer(Path(tmp_path_factory.mktemp("www"))).start()
    yield server
    server.stop()


# --------------------------------------------------------------------------- built courses

VERSIONS = {"scorm12": "1.2", "scorm2004": "2004"}


@dataclass(frozen=True)
class CourseKit:
    """A course built once per session into SCORM zips, with its outline and answer key."""

    outline: Outline
    zips: dict[str, Path]  # "1.2" / "2004" -> zip
    pass_marks: dict[str, str | None]  # "1.2"/"2004" -> masteryscore/minNormalizedMeasure, if any

    @property
    def course_id(self) -> str:
        return self.outline.course.id

    @property
    def page_ids(self) -> list[str]:
        return [p.id for p in self.outline.pages]

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.outline.quiz_questions

    def package(self, version: str) -> Path:
        """The built zip for ``version`` ("1.2"/"2004"/"scorm12"/"scorm2004")."""
        return self.zips[normalize_version(version)]

    def initial(self, version: str, **overrides: str) -> dict[str, str]:
        """First-attempt LMS data with the manifest's pass mark loaded, as an LMS does (none when
        the manifest declares none: a 1.2 course whose rule needs more than the quiz)."""
        version = normalize_version(version)
        key = "cmi.student_data.mastery_score" if version == "1.2" else "cmi.scaled_passing_score"
        data = default_initial(version, **{key: self.pass_marks[version] or "", **overrides})
        return {k: v for k, v in data.items() if v != ""}

    def launch(
        self,
        page: Page,
        server: LmsServer,
        version: str,
        initial: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> LmsSession:
        """Launch this course's ``version`` package; ``initial`` defaults to ``self.initial``."""
        data = self.initial(version) if initial is None else initial
        return launch(page, server, self.package(version), version, data, **kwargs)

    def page_with(self, kind: str, value: object = None) -> str:
        """Id of the first page with a block of ``kind`` (optionally equal to ``value``)."""
        for page in self.outline.pages:
            for block in page.blocks:
                got = getattr(block, kind)
                if got is not None and (value is None or got == value):
                    return page.id
        raise LookupError(f"no page with a {kind} block")

    @staticmethod
    def option_ids(q: Question) -> list[str]:
        """Option ids in source order: a, b, c, ... or true, false."""
        if q.type == "true-false":
            return ["true", "false"]
        return [chr(97 + i) for i in range(len(q.options))]

    def correct(self, q: Question) -> list[str]:
        """The correct option ids of ``q``, read from the course source."""
        if q.type == "true-false":
            return ["true" if q.answer else "false"]
        return [chr(97 + i) for i, o in enumerate(q.options) if o.correct]

    def wrong(self, q: Question) -> list[str]:
        """A wrong answer: the first wrong option (single/true-false) or all but one correct."""
        right = self.correct(q)
        if q.type == "multiple":
            return (
                right[:-1]
                if len(right) > 1
                else [*right, next(iter(set(self.option_ids(q)) - set(right)))]
            )
        return [next(i for i in self.option_ids(q) if i not in right)]

    def choose(self, frame: Frame, prefix: str, q: Question, ids: list[str]) -> None:
        """Click the inputs named ``<prefix>-<qid>`` so that exactly the options ``ids`` are on."""
        name = f"{prefix}-{q.id}"
        on = frame.eval_on_selector_all(
            f'input[name="{name}"]', "els => els.filter(e => e.checked).map(e => e.value)"
        )
        for oid in self.option_ids(q):
            if (oid in ids) != (oid in on) and (oid in ids or q.type == "multiple"):
                frame.click(f'input[name="{name}"][value="{oid}"]')

    def answer_quiz(self, frame: Frame, answers: dict[str, list[str]], submit: bool = True) -> None:
        """Choose ``answers`` (qid -> option ids) on the quiz page and submit the quiz."""
        for q in self.drawn(frame):  # a pool shows some of the bank's questions
            self.choose(frame, "q", q, answers[q.id])
        if submit:
            frame.click('[data-action="submit-quiz"]')
            frame.wait_for_selector("#cpd-quiz-results:not([hidden])")

    def drawn(self, frame: Frame) -> list[Question]:
        """The quiz questions the player shows in this attempt (all, unless the quiz is a pool)."""
        shown = frame.eval_on_selector_all(
            "#cpd-quiz [data-question]:not([hidden])",
            "els => els.map(e => e.getAttribute('data-question'))",
        )
        by_id = {q.id: q for q in self.questions}
        return [by_id[qid] for qid in shown]

    def all_correct(self) -> dict[str, list[str]]:
        return {q.id: self.correct(q) for q in self.questions}

    def with_wrong(self, wrong_ids: set[str]) -> dict[str, list[str]]:
        """All correct except the questions in ``wrong_ids``."""
        return {
            q.id: self.wrong(q) if q.id in wrong_ids else self.correct(q) for q in self.questions
        }


def _manifest_pass_mark(data: bytes) -> str | None:
    root = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml"))
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] in ("masteryscore", "minNormalizedMeasure"):
            return (el.text or "").strip()
    return None


def _build_kit(course_dir: Path, out: Path) -> CourseKit:
    outline = build_outline(validate_course(load_course(course_dir)))
    zips: dict[str, Path] = {}
    marks: dict[str, str | None] = {}
    for package in make_packages(course_dir, list(VERSIONS)):
        version = VERSIONS[package.format]
        zips[version] = out / package.filename
        zips[version].write_bytes(package.data)
        marks[version] = _manifest_pass_mark(package.data)
    return CourseKit(outline, zips, marks)


@pytest.fixture(scope="session")
def mini_kit(tmp_path_factory: pytest.TempPathFactory, mini_dir: Path) -> CourseKit:
    """The mini course (5 pages, 3 quiz questions) built as SCORM 1.2 and 2004 zips."""
    return _build_kit(mini_dir, tmp_path_factory.mktemp("mini-zips"))


@pytest.fixture(scope="session")
def sample_kit(tmp_path_factory: pytest.TempPathFactory) -> CourseKit:
    """The real sample course (course_source) built as SCORM 1.2 and 2004 zips."""
    return _build_kit(REPO / "course_source", tmp_path_factory.mktemp("sample-zips"))


@pytest.fixture
def no_404s(http_server: LmsServer) -> Iterator[None]:
    """Fail the test if the server answered 404 to anything while it ran."""
    before = len(http_server.not_found)
    yield
    assert http_server.not_found[before:] == [], "the package asked for missing files"
