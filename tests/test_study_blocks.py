"""The blocks for real study: a set reading, a skills activity, a case discussion, a practice log."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpd_pack.build import check_course
from cpd_pack.exceptions import CourseError
from cpd_pack.loader import load_course
from cpd_pack.outline import build_outline
from cpd_pack.render import data_json, render_site
from cpd_pack.studytime import estimate_study_time
from cpd_pack.validate import validate_course

COURSE = """\
id: study
title: Study
xapi: {activity_iri: "https://example.org/study"}
units:
  - id: one
    title: One
    pages:
      - id: read
        title: Read
        blocks:
          - reading:
              citation: "Wampold, B.E. (2015) 'How important are the common factors?', *World Psychiatry*, 14(3)"
              url: https://doi.org/10.1002/wps.20238
              open_access: true
              minutes: 40
              questions:
                - Which factors does the author *name*?
                - What evidence is weakest?
          - activity:
              title: Say it differently
              task: Write what you would say to the client.
              minutes: 20
              model_answer: "\\"I notice I've been doing most of the talking.\\""
          - reflection:
              prompt: And now?
          - activity:
              type: practice-log
              title: A week of sessions
              task: Note one rupture you noticed this week.
              minutes: 30
      - id: discuss
        title: Discuss
        blocks:
          - activity:
              type: case-discussion
              title: Owen's year
              task: What kept the impasse going?
              minutes: 25
"""


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    (tmp_path / "course.yaml").write_text(COURSE)
    return tmp_path


def _problems(root: Path) -> list[str]:
    with pytest.raises(CourseError) as info:
        validate_course(load_course(root))
    prefix = f"{root.as_posix()}/"
    return [line.removeprefix(prefix) for line in info.value.message.splitlines()[:-1]]


def test_activities_get_a_saved_answer_box_like_reflections(course_dir: Path) -> None:
    outline = build_outline(validate_course(load_course(course_dir)))
    assert [(r.id, r.page_id) for r in outline.reflections] == [
        ("read-r1", "read"),
        ("read-r2", "read"),
        ("read-r3", "read"),
        ("discuss-r1", "discuss"),
    ]
    site = render_site(outline, course_dir)
    assert data_json(site)["reflections"] == [
        {"id": "read-r1", "page": "read"},
        {"id": "read-r2", "page": "read"},
        {"id": "read-r3", "page": "read"},
        {"id": "discuss-r1", "page": "discuss"},
    ]


def test_a_reading_shows_its_citation_link_time_and_questions(course_dir: Path) -> None:
    outline = build_outline(validate_course(load_course(course_dir)))
    html = render_site(outline, course_dir)["index.html"].decode()
    assert (
        '<section class="cpd-reading" aria-label="Set reading">\n  <h2>Set reading</h2>\n'
        '  <p class="cpd-hint">Time: about 40 min · Free to read</p>\n'
        '  <p class="cpd-citation">Wampold, B.E. (2015) \'How important are the common '
        "factors?', <em>World Psychiatry</em>, 14(3)</p>\n"
        '  <p><a href="https://doi.org/10.1002/wps.20238" target="_blank" '
        'rel="noopener noreferrer">Open the reading <span class="cpd-hint">(opens in a new '
        "window)</span></a></p>\n"
        "  <h3>Questions to guide your reading</h3>\n"
        "  <ol><li>Which factors does the author <em>name</em>?</li>"
        "<li>What evidence is weakest?</li></ol>\n</section>"
    ) in html


def test_an_activity_has_its_kind_a_private_box_and_a_model_answer_on_request(
    course_dir: Path,
) -> None:
    outline = build_outline(validate_course(load_course(course_dir)))
    html = render_site(outline, course_dir)["index.html"].decode()
    assert (
        '<section class="cpd-activity" aria-labelledby="activity-read-r1">\n'
        '  <p class="cpd-hint">Skills activity · Time: about 20 min</p>\n'
        '  <h2 id="activity-read-r1">Say it differently</h2>\n'
        '  <div id="prompt-read-r1"><p>Write what you would say to the client.</p>\n</div>'
    ) in html
    assert '<label for="reflection-read-r1">Your response <span' in html
    assert (
        '<details class="cpd-model-answer" data-model-answer="read-r1">\n'
        '    <summary>Compare with a model answer <span class="cpd-hint">(write your own '
        "response first)</span></summary>\n"
        "    <h3>A model answer</h3>\n"
        "    <p>&quot;I notice I've been doing most of the talking.&quot;</p>\n"
    ) in html
    assert '<p class="cpd-hint">Practice log · Time: about 30 min</p>' in html
    assert '<p class="cpd-hint">Case discussion · Time: about 25 min</p>' in html
    assert html.count("cpd-model-answer") == 1  # the log and the discussion have none


def test_declared_minutes_count_in_the_study_time(course_dir: Path) -> None:
    study = estimate_study_time(check_course(course_dir), course_dir)
    assert study.units[0].declared_minutes == 40 + 20 + 30 + 25
    assert study.units[0].reflections == 1


def test_bad_readings_and_activities_are_reported(tmp_path: Path) -> None:
    (tmp_path / "course.yaml").write_text(
        "id: bad\ntitle: Bad\nunits:\n  - title: One\n    pages:\n      - title: P\n"
        "        blocks:\n"
        "          - reading:\n"
        "              citation: A book\n"
        "              url: www.example.org/book\n"
        "              questions: []\n"
        "          - activity:\n"
        "              title: Try\n"
        "              task: Write it.\n"
        "              minutes: 0\n"
        "          - activity:\n"
        "              title: Log\n"
        "              type: diary\n"
        "              task: Note it.\n"
        "              minutes: 10\n"
        "          - activity:\n"
        "              title: Answerless\n"
        "              task: Say it.\n"
        "              minutes: 10\n"
    )
    assert _problems(tmp_path) == [
        "course.yaml:8:13: units[0].pages[0].blocks[0].reading.minutes: required key is missing",
        "course.yaml:10:15: units[0].pages[0].blocks[0].reading.url: must be an http(s) address "
        "such as 'https://doi.org/10.1037/pst0000172'; found 'www.example.org/book'",
        "course.yaml:11:15: units[0].pages[0].blocks[0].reading.questions: expected at least 1 "
        "item; found 0",
        "course.yaml:15:15: units[0].pages[0].blocks[1].activity.minutes: must be more than 0; "
        "found 0",
        "course.yaml:18:15: units[0].pages[0].blocks[2].activity.type: expected 'exercise', "
        "'case-discussion' or 'practice-log'; found 'diary'",
        "course.yaml:21:13: units[0].pages[0].blocks[3].activity: a skills exercise needs a "
        "'model_answer' the learner can compare with",
    ]
