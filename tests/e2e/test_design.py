"""The learner-side design (issue 9), measured in Chromium: axe-core on every page type at
desktop and phone size in the default and a custom theme, printing (a content page without
navigation, the certificate alone on one landscape sheet), the phone header, overflow and the
self-assessment table at 375 px, 24 px touch targets, line length, the sticky contents, and the
certificate (name, id, logo, signature). With CPD_SHOTS=DIR every state is also photographed."""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from harness import format_violations, no_lms, run_axe

from cpd_pack.build import make_packages

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

    from conftest import CourseKit

COURSES = Path(__file__).parents[1] / "fixtures" / "courses"
DESKTOP, PHONE = (1280, 800), (375, 812)
RUNNING = '[data-goto][aria-current="page"]'
SHOTS = os.environ.get("CPD_SHOTS", "")
PDF_PX = 96 / 72  # CSS pixels per PDF point


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The mini course (default theme), the themed course and the French mini course (SCORM 2004)."""
    out = tmp_path_factory.mktemp("design-zips")
    built = {}
    for name in ("mini", "themed", "mini-fr"):
        [package] = make_packages(COURSES / name, ["scorm2004"])
        built[name] = out / package.filename
        built[name].write_bytes(package.data)
    return built


class Player:
    """The course opened without an LMS, driven through its own controls."""

    def __init__(self, page: Page, server: LmsServer, package: Path, size: tuple[int, int]):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        self.run = no_lms(page, server, package)
        self.page = page
        self.frame: Frame = self.run.frame
        self.frame.wait_for_selector(RUNNING, state="attached")
        self.data: dict[str, Any] = self.frame.evaluate(
            "() => JSON.parse(document.getElementById('cpd-data').textContent)"
        )

    def page_id(self, key: str) -> str:
        return str(self.data[key])

    def go(self, page_id: str) -> None:
        """Open a page through the contents list (opened first when it is closed)."""
        if not self.frame.evaluate("() => document.getElementById('cpd-toc').open"):
            self.frame.click("#cpd-toc summary")
        self.frame.evaluate(
            "(id) => { const a = document.querySelector(`[data-goto='${id}']`);"
            " const u = a.closest('details.cpd-unit'); if (u) u.open = true; }",
            page_id,
        )
        self.frame.click(f'[data-goto="{page_id}"]')
        self.frame.wait_for_selector(f'section[data-page="{page_id}"]:not([hidden])')
        self.frame.evaluate("() => window.scrollTo(0, 0)")

    def rate(self, phase: str, value: int) -> None:
        for sid in self.data["statements"]:
            self.frame.check(f'input[name="sa-{phase}-{sid}"][value="{value}"]')

    def answer_quiz(self, right: bool) -> None:
        for q in self.data["quiz"]["questions"]:
            ids = (
                q["correct"] if right else [next(o for o in q["options"] if o not in q["correct"])]
            )
            for oid in q["options"]:
                box = f'input[name="q-{q["id"]}"][value="{oid}"]'
                if (oid in ids) != self.frame.is_checked(box) and (
                    oid in ids or q["type"] == "multiple"
                ):
                    self.frame.click(box)
        self.frame.click('[data-action="submit-quiz"]')
        self.frame.wait_for_selector("#cpd-quiz-results:not([hidden])")

    def earn(self) -> None:
        """See every page and pass the quiz."""
        for p in self.data["pages"]:
            self.go(p["id"])
        self.go(self.page_id("quiz_page"))
        if self.frame.is_visible('[data-action="submit-quiz"]'):  # not passed in an earlier visit
            self.answer_quiz(right=True)
        self.go(self.page_id("certificate_page"))
        self.frame.wait_for_selector("#cpd-certificate:not([hidden])")

    def pdf(self, **options: Any) -> Any:
        from pypdf import PdfReader

        return PdfReader(io.BytesIO(self.page.pdf(**options)))


def states(p: Player) -> Iterator[tuple[str, Callable[[], None]]]:
    """(name, step): each step brings the player to the next page type or state."""
    learning = next(x["page"] for x in p.data["reflections"])
    check = p.data["checks"][0]

    def checked() -> None:
        p.frame.click(f'input[name="kc-{check["id"]}"][value="{check["correct"][0]}"]')
        p.frame.click(f'[data-action="check"][data-question="{check["id"]}"]')

    def sa_before() -> None:
        p.rate("before", 2)

    def sa_after() -> None:
        p.go(p.page_id("sa_after_page"))
        p.rate("after", 4)

    def unanswered() -> None:
        p.frame.click('[data-action="submit-quiz"]')

    def retake_and_pass() -> None:
        p.frame.click('[data-action="retake-quiz"]')
        p.answer_quiz(right=True)

    def certificate() -> None:
        for page in p.data["pages"]:
            p.go(page["id"])
        p.go(p.page_id("certificate_page"))
        p.frame.fill("[data-cert-input]", "Ada Lovelace")

    yield "content, media, self-assessment before", sa_before
    yield "reflection, case study, key points, image, check", lambda: p.go(learning)
    yield "knowledge check answered", checked
    yield "review and self-assessment after", sa_after
    yield "certificate not yet earned", lambda: p.go(p.page_id("certificate_page"))
    yield "quiz", lambda: p.go(p.page_id("quiz_page"))
    yield "quiz submitted with none answered", unanswered
    yield "quiz failed", lambda: p.answer_quiz(right=False)
    yield "quiz passed", retake_and_pass
    yield "certificate", certificate


def shoot(p: Player, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        p.frame.evaluate("() => window.scrollTo(0, 0)")  # a sticky header would show mid-page
        p.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def shoot_print(p: Player, name: str) -> None:
    """With CPD_SHOTS: the page as the print style sheet shows it (not paginated)."""
    if SHOTS:
        p.page.emulate_media(media="print")
        shoot(p, name)
        p.page.emulate_media(media="screen")


# --------------------------------------------------------------------------- axe and overflow

OVERFLOW = """() => {
  const wide = [...document.querySelectorAll('.cpd-page:not([hidden]) *')].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
  }).map((e) => e.tagName.toLowerCase() + '.' + e.className);
  return {scroll: document.scrollingElement.scrollWidth, wide: wide};
}"""


@pytest.mark.parametrize("theme", ["mini", "themed"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "375x812"])
def test_axe_and_overflow_on_every_page_type(
    page: Page, http_server: LmsServer, zips: dict[str, Path], theme: str, size: tuple[int, int]
) -> None:
    """Zero WCAG 2.1 A/AA violations and nothing wider than the screen, in every state."""
    p = Player(page, http_server, zips[theme], size)
    report, too_wide = [], []
    for name, step in states(p):
        step()
        violations = run_axe(p.frame)
        if violations:
            report.append(f"{name}:\n{format_violations(violations)}")
        got = p.frame.evaluate(OVERFLOW)
        if got["scroll"] > size[0] or got["wide"]:
            too_wide.append(f"{name}: {got}")
        shoot(p, f"design-{theme}-{size[0]}-{name.replace(' ', '-').replace(',', '')}")
    assert report == [], "\n".join(report)
    assert too_wide == []
    assert p.run.console_errors == [] and p.run.page_errors == []


# --------------------------------------------------------------------------- phone

CHROME = """() => {
  const h = (s) => document.querySelector(s).getBoundingClientRect();
  return {header: h('.cpd-header').height, nav: h('.cpd-nav').height,
          notices: h('#cpd-notice').height + h('#cpd-sync').height,
          title: h('.cpd-page:not([hidden]) .cpd-page-title').top,
          exit: document.querySelector('.cpd-exit').getBoundingClientRect().toJSON(),
          exitText: h('.cpd-exit-text').width,
          titleLines: Math.round(h('.cpd-course-title').height /
                                 parseFloat(getComputedStyle(document.querySelector('.cpd-course-title')).lineHeight))};
}"""


def test_phone_header_is_compact(page: Page, http_server: LmsServer, zips: dict[str, Path]) -> None:
    """At 375 px: one line of title, the bar, an icon Exit with its name; under 90 px of chrome
    (header and the closed contents toggle) before the page (243 px before this design)."""
    p = Player(page, http_server, zips["themed"], PHONE)
    m = p.frame.evaluate(CHROME)
    assert m["titleLines"] == 1  # the long title is cut with an ellipsis
    assert m["header"] <= 50
    assert m["header"] + m["nav"] <= 90, m
    assert m["title"] - m["notices"] <= 105, m
    assert m["exitText"] <= 1  # the icon shows; the name is there for assistive technology
    assert p.frame.get_by_role("button", name="Exit course").is_visible()
    assert m["exit"]["width"] >= 24 and m["exit"]["height"] >= 24


def test_self_assessment_table_fits_a_phone(
    page: Page, http_server: LmsServer, zips: dict[str, Path]
) -> None:
    """Before/after ratings as one card per statement: every cell inside the 375 px screen."""
    p = Player(page, http_server, zips["mini"], PHONE)
    p.rate("before", 2)
    p.go(p.page_id("sa_after_page"))
    p.rate("after", 4)
    cells = p.frame.eval_on_selector_all(
        "[data-sa-table] th, [data-sa-table] td",
        "els => els.map((e) => { const r = e.getBoundingClientRect(),"
        " label = getComputedStyle(e, '::before').content.replace(/^none$/, '');"
        " return [label + e.innerText.trim(), r.left, r.right]; })",
    )
    visible = [c for c in cells if c[2] > c[1]]
    assert [c[0] for c in visible] == [
        "I can listen without judging.",
        '"Before: "Slightly confident',
        '"After: "Very confident',
        "I can explain the working alliance.",
        '"Before: "Slightly confident',
        '"After: "Very confident',
    ]
    assert all(left >= 0 and right <= 375 for _, left, right in visible), visible
    assert p.frame.evaluate("() => document.scrollingElement.scrollWidth") <= 375


LEGENDS = """() => [...document.querySelectorAll('.cpd-page:not([hidden]) .cpd-likert')].map((f) => {
  const box = f.getBoundingClientRect(), leg = f.querySelector('legend').getBoundingClientRect();
  return leg.top - box.top; })"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "375x812"])
def test_statements_sit_inside_their_cards(
    page: Page, http_server: LmsServer, zips: dict[str, Path], size: tuple[int, int]
) -> None:
    """Each self-assessment statement (a legend) is inside its card, not on its top border."""
    p = Player(page, http_server, zips["mini"], size)
    gaps = p.frame.evaluate(LEGENDS)
    assert len(gaps) == 2
    assert all(gap >= 8 for gap in gaps), gaps


TARGETS = """() => [...document.querySelectorAll(
    'input, label, button, summary, select, textarea, .cpd-pages a, .cpd-question-links a')]
  .filter((e) => e.offsetParent !== null || getComputedStyle(e).position === 'fixed')
  .map((e) => { const r = e.getBoundingClientRect();
    return [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[' + e.name + ']' : ''),
            Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10]; })
  .filter(([, w, h]) => w < 24 || h < 24)"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280x800", "375x812"])
def test_touch_targets_are_at_least_24px(
    page: Page, http_server: LmsServer, zips: dict[str, Path], size: tuple[int, int]
) -> None:
    """Every input, label, button, summary and contents link, on every page type."""
    p = Player(page, http_server, zips["mini"], size)
    radio = p.frame.evaluate(
        "() => { const r = document.querySelector('input[name^=sa-]').getBoundingClientRect();"
        " return [r.width, r.height]; }"
    )
    assert radio == [24, 24]  # 13 px before this design
    small = []
    for name, step in states(p):
        step()
        small += [f"{name}: {t}" for t in p.frame.evaluate(TARGETS)]
    assert small == []


# --------------------------------------------------------------------------- desktop layout

MEASURE = """() => {
  const p = document.querySelector('.cpd-page:not([hidden]) .cpd-text p');
  const ctx = document.createElement('canvas').getContext('2d');
  const st = getComputedStyle(p);
  ctx.font = st.fontSize + ' ' + st.fontFamily;
  return {chars: p.clientWidth / ctx.measureText('0').width, size: parseFloat(st.fontSize)};
}"""


def test_desktop_line_length_and_sticky_contents(
    page: Page, http_server: LmsServer, zips: dict[str, Path]
) -> None:
    p = Player(page, http_server, zips["mini"], DESKTOP)
    p.go(p.page_id("sa_after_page"))
    p.go(next(x["page"] for x in p.data["reflections"]))
    m = p.frame.evaluate(MEASURE)
    assert 60 <= m["chars"] <= 80, m  # a readable measure, about 65-75 characters
    assert m["size"] == 17
    p.frame.evaluate("() => window.scrollTo(0, 1e6)")
    head = p.frame.evaluate(
        "() => document.querySelector('.cpd-header').getBoundingClientRect().bottom"
    )
    nav = p.frame.evaluate(
        "() => document.querySelector('.cpd-nav').getBoundingClientRect().toJSON()"
    )
    assert p.frame.evaluate("() => scrollY") > 300
    assert head - 1 <= nav["top"] <= head + 1  # the contents stay beside the page
    assert nav["left"] == 0 and nav["width"] >= 280


def test_images_take_their_width_and_alignment(
    page: Page, http_server: LmsServer, zips: dict[str, Path]
) -> None:
    p = Player(page, http_server, zips["themed"], DESKTOP)
    p.go(next(x["page"] for x in p.data["reflections"]))
    boxes = p.frame.eval_on_selector_all(
        ".cpd-page:not([hidden]) .cpd-image",
        "figs => figs.map((f) => { const c = f.parentElement.getBoundingClientRect(),"
        " i = f.querySelector('img').getBoundingClientRect();"
        " return [Math.round(100 * i.width / c.width), Math.round(i.left - c.left),"
        " Math.round(c.right - i.right)]; })",
    )
    (small_w, small_left, _), (big_w, _, big_right) = boxes
    assert (small_w, small_left) == (33, 0)  # small, on the left
    assert (big_w, big_right) == (40, 0)  # 40%, on the right


# --------------------------------------------------------------------------- print


def pdf_text(pdf: Any) -> str:
    """The text of every page, ligatures unfolded (fi, fl) and white space collapsed."""
    text = " ".join(pg.extract_text() for pg in pdf.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_a_content_page_prints_readably_without_navigation(
    page: Page, http_server: LmsServer, zips: dict[str, Path]
) -> None:
    p = Player(page, http_server, zips["mini"], DESKTOP)
    p.go(next(x["page"] for x in p.data["reflections"]))
    pdf = p.pdf(format="A4")
    shoot_print(p, "design-print-content")
    text = pdf_text(pdf)
    for wanted in ("Learning", "Some text about learning.", "Pause for reflection",
                   "Think of a time you felt heard.", "Case study: Sam (fictional)", "Key points",
                   "Listening matters.", "Check your understanding", "Is listening useful?"):  # fmt: skip
        assert wanted in text, wanted
    for chrome in ("Contents", "Exit course", "Previous", "Page 2 of 5", "Mini course",
                   "Download all my reflections", "Check answer"):  # fmt: skip
        assert chrome not in text, chrome
    box = pdf.pages[0].mediabox
    assert float(box.width) < float(box.height)  # portrait, as the printer's default


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_certificate_prints_alone_on_one_landscape_sheet(
    page: Page, http_server: LmsServer, zips: dict[str, Path], paper: str
) -> None:
    p = Player(page, http_server, zips["themed"], DESKTOP)
    p.earn()
    p.frame.fill("[data-cert-input]", "Ada Lovelace")
    cert_id = p.frame.text_content('[data-cert="id"]')
    date = p.frame.text_content('[data-cert="date"]')
    pdf = p.pdf(format=paper, prefer_css_page_size=True)
    shoot_print(p, f"design-print-certificate-{paper}")
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text = pdf_text(pdf).lower()
    for wanted in ("Certificate of completion", "Ada Lovelace", "has completed",
                   "Themed course with a deliberately long title to test truncation", "CPD hours",
                   "2", "Date of completion", date, "Certificate ID", cert_id,
                   "Northway Institute of Counselling"):  # fmt: skip
        assert wanted.lower() in text, wanted
    for other in ("Your certificate", "Print certificate", "Your name, as it should", "Contents"):
        assert other.lower() not in text, other


# --------------------------------------------------------------------------- certificate

# The certificate id, as certificate.js derives it: two 32-bit FNV-1a style hashes of the
# UTF-16 code units of "name\ncourse id\nYYYY-MM-DD", each mixed, 4 base-32 digits of each.
B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def certificate_id(name: str, course_id: str, iso_date: str) -> str:
    text = " ".join(name.split()).lower() + "\n" + course_id + "\n" + iso_date
    h1, h2 = 0x811C9DC5, 0xCBF29CE4
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        u = units[i] | units[i + 1] << 8
        h1 = ((h1 ^ u) * 0x01000193) & 0xFFFFFFFF
        h2 = ((h2 ^ u) * 0x5BD1E995) & 0xFFFFFFFF
    h1 = ((h1 ^ (h1 >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
    h2 = ((h2 ^ (h2 >> 13)) * 0x297A2D39) & 0xFFFFFFFF
    return (
        "".join(B32[(h1 >> 5 * k) & 31] for k in range(4))
        + "-"
        + "".join(B32[(h2 >> 5 * k) & 31] for k in range(4))
    )


def test_certificate_without_an_lms_name_asks_for_it_and_derives_its_id(
    page: Page, http_server: LmsServer, zips: dict[str, Path]
) -> None:
    p = Player(page, http_server, zips["themed"], DESKTOP)
    p.earn()
    assert p.frame.is_visible("[data-cert-input]")
    assert p.frame.text_content('[data-cert="name"]') == ""
    p.frame.fill("[data-cert-input]", "  Ada   Lovelace ")
    iso = p.frame.evaluate("() => new Date().toISOString().slice(0, 10)")
    shown = p.frame.text_content('[data-cert="id"]')
    assert shown == certificate_id("Ada Lovelace", "themed-course", iso)
    assert p.frame.text_content('[data-cert="name"]') == "Ada Lovelace"
    assert p.frame.evaluate(
        "() => CPD_CERTIFICATE.id('ada lovelace', 'themed-course', '2026-01-31')"
    ) == certificate_id("Ada Lovelace", "themed-course", "2026-01-31")
    assert certificate_id("Ada Lovelace", "themed-course", "2026-01-31") != certificate_id(
        "Ada Lovelace", "themed-course", "2026-02-01"
    )
    assert p.frame.get_attribute(".cpd-cert-logo", "alt") == "Northway Institute of Counselling"
    assert p.frame.get_attribute(".cpd-cert-sign img", "alt") == "Signature"
    assert p.frame.text_content(".cpd-cert-provider") == "Northway Institute of Counselling"
    assert p.frame.text_content('[data-cert="hours"]') == "2"
    # kept in this browser: typed once, there again after a reload
    p.page.reload()
    p.frame.wait_for_selector(RUNNING, state="attached")
    p.earn()
    assert p.frame.input_value("[data-cert-input]") == "Ada Lovelace"
    assert p.frame.text_content('[data-cert="id"]') == shown


def test_certificate_takes_the_learner_name_from_the_lms(
    page: Page, http_server: LmsServer, mini_kit: CourseKit
) -> None:
    from test_scorm_runtime import walk

    session = mini_kit.launch(page, http_server, "2004")
    walk(session, mini_kit, mini_kit.all_correct())
    frame = session.frame
    assert frame.is_visible("#cpd-certificate")
    assert frame.is_hidden("[data-cert-namefield]")
    assert frame.text_content('[data-cert="name"]') == "Jane Doe"
    iso = frame.evaluate("() => new Date().toISOString().slice(0, 10)")
    assert frame.text_content('[data-cert="id"]') == certificate_id("Jane Doe", "mini-course", iso)


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def test_certificate_date_and_hours_follow_the_course_language(
    page: Page, http_server: LmsServer, zips: dict[str, Path]
) -> None:
    p = Player(page, http_server, zips["mini-fr"], DESKTOP)
    p.earn()
    year, month, day = p.frame.evaluate(
        "() => { const d = new Date(); return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()]; }"
    )
    assert p.frame.text_content('[data-cert="date"]') == f"{day} {FRENCH_MONTHS[month]} {year}"
    assert p.frame.text_content('[data-cert="hours"]') == "0,5"
