"""The report's HTML, CSV and JSON: self-contained, every table written, and in headless Chromium
without console errors, without any request beyond the file, and passing axe-core (WCAG 2.1 A and
AA) at desktop and phone width, with no horizontal scrolling on a phone, and printable on A4."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from cpd_pack.cli import cli
from cpd_pack.report import collect
from cpd_pack.report.html import missing
from prereq import require
from test_report_charts import NS, _scale, _series
from test_report_state import MINI, with_saved_states
from test_report_synthetic import simulate, statements, write_course

FIXTURES = Path(__file__).parent / "fixtures"
COURSE = FIXTURES / "courses" / "moodle-d083f28"
EXPORT = FIXTURES / "moodle-reports" / "scorm12-interactions-allusers-csv.txt"
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"desktop": (1280, 800), "phone": (360, 740)}
PRINT_WIDTH = 718


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reports made through the CLI: the Moodle export, and xAPI statements from a JSON file
    (with a page funnel), and a handful of learners (too few for figures)."""
    root = tmp_path_factory.mktemp("reports")
    iri = "https://example.org/courses/synthetic"
    course = write_course(root / "course", iri)
    learners = simulate(80, seed=5)
    data = root / "statements.json"
    data.write_text(json.dumps(list(statements(learners, iri))), encoding="utf-8")
    few = root / "few.json"
    few.write_text(json.dumps({"statements": list(statements(learners[:4], iri))}), "utf-8")
    made = {}
    for name, args in {
        "moodle": [str(COURSE), str(EXPORT)],
        "moodle2004": [str(COURSE), str(EXPORT.parent / "scorm2004-interactions-allusers-ods.ods")],
        "xapi": [str(course), "--statements", str(data)],
        "few": [str(course), "--statements", str(few)],
    }.items():
        out = root / name
        result = CliRunner().invoke(cli, ["report", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        made[name] = out

    def state_report(lrs: tuple[str, str]) -> Path:
        args = [str(MINI), "--lrs", lrs[0], "--lrs-auth", lrs[1], "--out", str(root / "state")]
        result = CliRunner().invoke(cli, ["report", *args])
        assert result.exit_code == 0, result.output
        return root / "state"

    made["state"] = with_saved_states(root, state_report)
    return made


def test_cli_output_and_files(reports: dict[str, Path]) -> None:
    out = reports["moodle"]
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["report.html", "report.json", "summary.csv", "questions.csv", "options.csv", "flags.csv",
         "scores.csv", "attempts.csv", "submissions.csv", "funnel.csv", "units.csv", "pages.csv",
         "self_assessment.csv", "unknown_ids.csv", "notices.csv"]
    )  # fmt: skip
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["course"] == "Advanced therapeutic relationships"
    for name, rows in data["tables"].items():  # every table is also a CSV with the same rows
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            assert len(list(csv.DictReader(handle))) == len(rows), name
    questions = {row["question"]: row for row in data["tables"]["questions"]}
    assert questions["q-relational-depth"]["learners"] == 36
    assert questions["q-relational-depth"]["correct"] == 18
    assert questions["q-relational-depth"]["facility"] == 0.5
    summary = {row["figure"]: row["value"] for row in data["tables"]["summary"]}
    assert (summary["learners in the data"], summary["attempts"]) == (41, 44)
    first = data["tables"]["flags"][0]
    assert (first["question"], first["severity"], first["title"]) == (
        "q-alliance-outcome", "review", "option D never chosen",
    )  # fmt: skip


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    none = runner.invoke(cli, ["report", str(COURSE), "--out", str(tmp_path / "r")])
    assert none.exit_code == 1
    assert none.output == (
        "Error: no results given: name Moodle report files, --statements FILE.json, or --lrs URL\n"
    )
    half = runner.invoke(cli, ["report", str(COURSE), "--lrs", "http://127.0.0.1:9/xAPI/"])
    assert half.exit_code == 2
    assert "Error: --lrs and --lrs-auth go together" in half.output
    (tmp_path / "file").write_text("", encoding="utf-8")
    below = runner.invoke(
        cli, ["report", str(COURSE), str(EXPORT), "--out", str(tmp_path / "file" / "r")]
    )
    assert below.exit_code == 1
    assert below.output == (
        f"Error: {(tmp_path / 'file' / 'r').as_posix()}: cannot write the report here (Not a "
        "directory); choose another --out folder\n"
    )
    bad = tmp_path / "bad.json"
    bad.write_text("[{]", encoding="utf-8")
    broken = runner.invoke(cli, ["report", str(COURSE), "--statements", str(bad)])
    assert broken.exit_code == 1
    assert (
        broken.output
        == f"Error: {bad}:1:3: not JSON: Expecting property name enclosed in double quotes\n"
    )


def test_html_is_self_contained_and_links_to_the_source(reports: dict[str, Path]) -> None:
    html = (reports["moodle"] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    href = Path(os.path.relpath((COURSE / "course.yaml").resolve(), reports["moodle"].resolve()))
    assert f'<a href="{href.as_posix()}"><code>course.yaml:271</code></a>' in html
    assert f"<dd><code>{COURSE.as_posix()}</code> (links below open its files)</dd>" in html
    assert "Negative discrimination (-0.51)" in html
    listed = html.split('<ol class="flagged">')[1].split("</ol>")[0]
    questions = re.findall(r'<p class="q"><a href="#q-[^"]+">(Q\d+) ', listed)
    # the questions with something to check first, then in quiz order
    assert questions == ["Q16", "Q17", "Q19", "Q1", "Q3", "Q5", "Q6", "Q8", "Q9", "Q11",
                         "Q15", "Q20", "Q21"]  # fmt: skip
    badges = re.findall(r'<span class="badge badge-(check|review)">', listed)
    # each question's flags, what is probably wrong first: Q16 (3 checks), Q17 (1 check, 2
    # reviews), Q19 (1 check), then 12 reviews of 10 questions
    assert badges == ["check"] * 4 + ["review"] * 2 + ["check"] + ["review"] * 12
    few = (reports["few"] / "report.html").read_text(encoding="utf-8")
    assert "<small>too few learners</small></dd><dd>n=4; needs 10</dd>" in few  # pass rate
    assert (  # one sentence instead of ten identical "too few" flags
        "<p>Every flagged question has too few answers for figures: at most 4 learners answered a "
        "question at a first attempt, and figures need 10." in few
    )
    assert '<ol class="flagged">' not in few
    xapi = (reports["xapi"] / "report.html").read_text(encoding="utf-8")
    assert "Learners opening each page" in xapi
    state = (reports["state"] / "report.html").read_text(encoding="utf-8")
    assert '<th scope="row" class="lead">S1. I can listen without judging.</th>' in state
    assert "too few learners (n=11; needs 10)" not in state


def _missing(html: str) -> list[str]:
    """The figures the report says the data cannot give, as the page shows them."""
    if '<section aria-labelledby="missing">' not in html:
        return []
    section = html.split('<section aria-labelledby="missing">')[1].split("</section>")[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", section)]


LRS = "the xAPI or cmi5 package through an LRS (cpd-pack report --lrs)"
PAGES_WHY = (
    "Moodle's downloads list no pages. The package keeps the pages a learner opened in its saved "
    "state (cmi.suspend_data), which no download includes."
)
RATINGS_WHY = (
    "The package keeps each learner's ratings in its saved state (cmi.suspend_data), which no "
    "download includes."
)
PAGES = (
    "Where learners leave: learners reaching each unit and page."
    "Why: Moodle&#39;s downloads list no pages. The package keeps the pages a learner opened in "
    "its saved state (cmi.suspend_data), which no download includes."
    f"Use instead: {LRS}: it sends an \u201cexperienced\u201d statement for every page opened."
)
RATINGS = (
    "Self-assessment change from the start to the end of the course."
    "Why: The package keeps each learner&#39;s ratings in its saved state (cmi.suspend_data), "
    "which no download includes."
    f"Use instead: {LRS}, with an LRS that has the xAPI State API, where the package saves its "
    "state."
)


def test_moodle_input_says_what_it_cannot_show(reports: dict[str, Path]) -> None:
    """Issue 12: the funnel and the self-assessment change "where the data has it"; Moodle's
    downloads carry no pages and no suspend_data, so the page says so, why, and what to use."""
    html = (reports["moodle"] / "report.html").read_text(encoding="utf-8")
    assert _missing(html) == [PAGES, RATINGS]
    assert "<strong>Pages and units reached: not available from Moodle's reports</strong>" in html
    assert "<strong>Self-assessment change: not available from Moodle's reports</strong>" in html
    html2004 = (reports["moodle2004"] / "report.html").read_text(encoding="utf-8")
    assert _missing(html2004) == [
        "Question figures: facility, discrimination, options chosen."
        "Why: Moodle&#39;s Interactions report is empty for a SCORM 2004 activity: it reads only "
        "SCORM 1.2 element names, although Moodle stored every answer."
        f"Use instead: the SCORM 1.2 package in Moodle (its Interactions report), or {LRS}.",
        PAGES,
        RATINGS,
    ]
    assert "No quiz answers in this data, so no question figures" in html2004
    assert 'id="questions"' not in html2004 and "No question is flagged." in html2004
    assert _missing((reports["xapi"] / "report.html").read_text(encoding="utf-8")) == []
    basic = collect(COURSE, [EXPORT.parent / "scorm12-basic-allusers-csv.txt"])
    assert [m.why for m in missing(basic)] == [
        "The files given hold scores only (Moodle's Basic or Objectives report).",
        PAGES_WHY,
        RATINGS_WHY,
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["moodle", "moodle2004", "xapi", "few", "state"])
def test_html_in_chromium_is_clean_and_accessible(
    browser: Any, reports: dict[str, Path], name: str, size: str
) -> None:
    require(AXE.is_file(), "node_modules/axe-core (npm ci)")
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        url = (reports[name] / "report.html").as_uri()
        page.goto(url)
        assert requests == [url]  # nothing fetched at view time
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']}).then(r => r.violations)""",
            WCAG_TAGS,
        )
        found = [f"{v['id']}: {v['help']} at {n['target']}" for v in violations for n in v["nodes"]]
        assert found == []
        assert errors == []
        if size == "desktop":  # printed on A4 (718 CSS px between margins), nothing is cut off
            page.set_viewport_size({"width": PRINT_WIDTH, "height": height})
            page.emulate_media(media="print")
            assert page.evaluate("document.documentElement.scrollWidth") == PRINT_WIDTH
            assert page.pdf(format="A4").startswith(b"%PDF-")
    finally:
        context.close()


def test_quiz_map_shows_each_question_by_its_figures(reports: dict[str, Path]) -> None:
    """The real export's quiz map: every question with figures, as a dot where its facility and
    point-biserial put it, in the series of its worst flag, labelled with its number."""
    out = reports["moodle"]
    html = (out / "report.html").read_text(encoding="utf-8")
    tables = json.loads((out / "report.json").read_text(encoding="utf-8"))["tables"]
    worst: dict[str, str] = {}
    for flag in tables["flags"]:
        if worst.get(flag["question"]) != "check":
            worst[flag["question"]] = flag["severity"]
    titles = {"check": "something to check", "review": "something to review", "": "no flag"}
    expected = {
        q["number"]: (q["facility"], q["point_biserial"], titles[worst.get(q["question"], "")])
        for q in tables["questions"]
        if q["facility"] is not None and q["point_biserial"] is not None
    }
    assert len(expected) == 21
    for id in ("map-w", "map-n"):
        start = html.rindex("<svg ", 0, html.index(f' id="{id}" '))
        root = etree.fromstring(html[start : html.index("</svg>", start) + 6].encode("utf-8"))
        legend = [t.text for t in root.xpath("//s:g[@class='legends']//s:text", namespaces=NS)]
        x0, dx = _scale(root, "x")
        y0, dy = _scale(root, "y")
        found = {}
        for index, title in enumerate(legend[:3]):
            dots = _series(root, index, "plot overlay").xpath(".//s:circle", namespaces=NS)
            labels = _series(root, index, "plot text-overlay").xpath("s:text", namespaces=NS)
            for dot, label in zip(dots, labels, strict=True):
                facility = (float(dot.get("cx")) - x0) / dx
                discrimination = (float(dot.get("cy")) - y0) / dy
                found[int(label.text)] = (round(facility, 3), round(discrimination, 3), title)
        assert found == expected  # report.json rounds both to 3 places


@pytest.mark.parametrize("width", [1280, 375])
def test_chart_texts_are_inside_their_charts_and_dot_labels_in_their_dots(
    browser: Any, reports: dict[str, Path], width: int
) -> None:
    """As laid out by Chromium: no chart text cut off at its edge, and each quiz-map number
    centred in its dot and narrower than it."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto((reports["moodle"] / "report.html").as_uri())
        measured = page.evaluate(
            """() => {
              const out = {outside: [], labels: []};
              for (const svg of document.querySelectorAll('svg.pygal-chart')) {
                const box = svg.getBoundingClientRect();
                if (!box.width) continue;  // the other size's copy, hidden
                for (const t of svg.querySelectorAll('text')) {
                  const r = t.getBoundingClientRect();
                  if (!t.textContent.trim() || !r.width) continue;
                  if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
                      r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
                    out.outside.push(svg.id + ': ' + t.textContent);
                }
                if (!svg.id.startsWith('map-')) continue;
                const overlay = svg.querySelector('g.plot.overlay');
                const texts = svg.querySelector('g.plot.text-overlay');
                for (const serie of texts.querySelectorAll('g.series')) {
                  const n = serie.getAttribute('class').match(/serie-(\\d+)/)[1];
                  const dots = overlay.querySelectorAll(`g.serie-${n} circle`);
                  serie.querySelectorAll('text').forEach((t, i) => {
                    const a = t.getBoundingClientRect(), d = dots[i].getBoundingClientRect();
                    out.labels.push([t.textContent, a.left + a.width / 2 - d.left - d.width / 2,
                                     a.top + a.height / 2 - d.top - d.height / 2,
                                     a.width / d.width]);
                  });
                }
              }
              return out;
            }"""
        )
    finally:
        page.close()
    assert measured["outside"] == []
    assert len(measured["labels"]) == 21
    for number, dx, dy, share in measured["labels"]:
        assert (abs(dx) <= 1, abs(dy) <= 2, share <= 1) == (True, True, True), number
