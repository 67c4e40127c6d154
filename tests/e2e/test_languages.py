"""A course in French, German, Spanish and Welsh, used in Chromium from start to exit: no English
interface text appears at any step, and numbers and dates are written as the language writes
them (the catalogues: tests/test_i18n_languages.py)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from harness import no_lms

from cpd_pack import i18n
from cpd_pack.build import make_packages
from test_i18n_languages import LANGUAGES, MINI_FR, english_left

if TYPE_CHECKING:
    from harness import LmsServer
    from playwright.sync_api import Frame, Page

pytestmark = pytest.mark.usefixtures("no_404s")

NOW = datetime.datetime(2026, 11, 30, 9, 30, tzinfo=datetime.UTC)
# Every text node and the text of labels and alternatives, hidden or not (scripts excepted).
PAGE_TEXT = """() => {
  const out = [document.title];
  const walk = (n) => {
    if (n.nodeType === 3) out.push(n.nodeValue);
    if (n.nodeType !== 1 || n.tagName === "SCRIPT" || n.tagName === "STYLE") return;
    for (const a of ["aria-label", "aria-valuetext", "alt", "title", "label", "placeholder"]) {
      if (n.getAttribute(a)) out.push(n.getAttribute(a));
    }
    n.childNodes.forEach(walk);
  };
  walk(document.documentElement);
  return out.join(" ");
}"""
NBSP = "\u00a0"
EXPECTED = {  # what the learner reads in each language at the marked steps
    "fr": {
        "unanswered": "Répondez à toutes les questions avant de valider (3 questions sans réponse).",
        "try_again": f"Pas tout à fait. Réessayez{NBSP}: il vous reste 1 essai.",
        "failed": f"Bonnes réponses{NBSP}: 2 sur 3 (66,67{NBSP}%).",
        "passed": f"Bonnes réponses{NBSP}: 3 sur 3 (100{NBSP}%).",
        "verdict": f"Vous avez réussi. Le seuil de réussite est de 70{NBSP}%.",
        "date": "30 novembre 2026",
        "hours": "0,5",
    },
    "de": {
        "unanswered": "Beantworten Sie alle Fragen, bevor Sie absenden "
        "(3 Fragen noch nicht beantwortet).",
        "try_again": "Nicht ganz. Versuchen Sie es noch einmal: Sie haben noch 1 Versuch.",
        "failed": f"Sie haben 2 von 3 Fragen richtig beantwortet (66,67{NBSP}%).",
        "passed": f"Sie haben 3 von 3 Fragen richtig beantwortet (100{NBSP}%).",
        "verdict": f"Sie haben bestanden. Die Bestehensgrenze liegt bei 70{NBSP}%.",
        "date": "30. November 2026",
        "hours": "0,5",
    },
    "es": {
        "unanswered": "Responda a todas las preguntas antes de enviar (3 preguntas sin responder).",
        "try_again": "No exactamente. Vuelva a intentarlo: le queda 1 intento más.",
        "failed": f"Respuestas correctas: 2 de 3 (66,67{NBSP}%).",
        "passed": f"Respuestas correctas: 3 de 3 (100{NBSP}%).",
        "verdict": f"Ha aprobado. La puntuación mínima para aprobar es del 70{NBSP}%.",
        "date": "30 de noviembre de 2026",
        "hours": "0,5",
    },
    "cy": {  # Welsh: 3 is the 'few' form; Chromium has no Welsh dates, the catalogue has them
        "unanswered": "Atebwch bob cwestiwn cyn cyflwyno (mae tri chwestiwn heb eu hateb eto).",
        "try_again": "Ddim yn hollol. Ceisiwch eto: mae gennych chi un cynnig arall.",
        "failed": "Atebion cywir: 2 o 3 (66.67%).",
        "passed": "Atebion cywir: 3 o 3 (100%).",
        "verdict": "Rydych chi wedi llwyddo. Y marc llwyddo yw 70%.",
        "date": "30 Tachwedd 2026",
        "hours": "0.5",
    },
}
CORRECT = {"q-single": ["a"], "q-multi": ["a", "b"], "q-tf": ["false"]}


def _package(tmp_path: Path, language: str) -> Path:
    root = tmp_path / "course"
    shutil.copytree(MINI_FR, root)
    course = root / "course.yaml"
    text = course.read_text(encoding="utf-8").replace("language: fr-FR", f"language: {language}")
    course.write_text(text, encoding="utf-8")
    (package,) = make_packages(root, ["scorm2004"])
    path = tmp_path / package.filename
    path.write_bytes(package.data)
    return path


def _answer(frame: Frame, answers: dict[str, list[str]]) -> None:
    for qid, ids in answers.items():
        for oid in ids:
            frame.click(f'input[name="q-{qid}"][value="{oid}"]')
    frame.click('[data-action="submit-quiz"]')


@pytest.mark.parametrize("lang", ["fr", "de", "es", "cy"])
def test_a_whole_visit_shows_no_english(
    page: Page, http_server: LmsServer, tmp_path: Path, lang: str
) -> None:
    """Every page, a knowledge check answered wrong then right, the quiz submitted empty, failed,
    retaken and passed, the certificate, and the exit: the text at every step is the language's."""
    want = EXPECTED[lang]
    page.clock.set_fixed_time(NOW)
    run = no_lms(page, http_server, _package(tmp_path, LANGUAGES[lang]))
    frame = run.frame
    seen: list[str] = []

    def step() -> None:
        seen.append(frame.evaluate(PAGE_TEXT))

    step()
    for pid in ("welcome", "learning", "wrap-up", "final-quiz", "certificate"):
        frame.click(f'[data-goto="{pid}"]')
        step()
    frame.click('[data-goto="welcome"]')
    frame.click('input[name="sa-before-listen"][value="3"]')
    frame.click('[data-goto="learning"]')
    box = '[data-check="kc-listen"]'
    frame.click(f'{box} input[value="b"]')
    frame.click('[data-action="check"][data-question="kc-listen"]')
    assert frame.text_content(f"{box} [data-verdict]") == want["try_again"]
    step()
    frame.click(f'{box} input[value="a"]')
    frame.click('[data-action="check"][data-question="kc-listen"]')
    step()

    frame.click('[data-goto="final-quiz"]')
    frame.click('[data-action="submit-quiz"]')
    assert frame.text_content("[data-unanswered-text]") == want["unanswered"]
    step()
    _answer(frame, {**CORRECT, "q-single": ["b"]})
    frame.wait_for_selector("#cpd-quiz-results:not([hidden])")
    assert frame.text_content("[data-results-score]") == want["failed"]
    step()
    frame.click('[data-action="retake-quiz"]')
    _answer(frame, CORRECT)
    frame.wait_for_selector('[data-action="retake-quiz"][hidden]', state="attached")
    assert frame.text_content("[data-results-score]") == want["passed"]
    assert frame.text_content("[data-results-verdict]") == want["verdict"]
    step()

    frame.click('[data-goto="certificate"]')
    frame.fill("[data-cert-input]", "Alex Morgan")
    assert frame.text_content('[data-cert="date"]') == want["date"]
    assert frame.text_content('[data-cert="hours"]') == want["hours"]
    step()
    frame.click('[data-goto="wrap-up"]')
    with page.expect_download() as download:  # dated as the certificate is
        frame.click('#page-wrap-up [data-action="download-reflections"]')
    heading = download.value.path().read_text(encoding="utf-8-sig").splitlines()[1]
    assert heading == str(i18n.load(lang)["reflection.file_heading"]).format(date=want["date"])
    frame.click('[data-action="exit"]')
    step()
    frame.click('[data-action="exit-confirm"]')
    # no LMS: the progress stays in this browser, and the learner is told so
    assert frame.text_content("[data-exit-message]") == i18n.load(lang)["exit.local"]
    step()

    assert english_left(" ".join(seen), lang) == []
    assert run.console_errors == []
    assert run.page_errors == []
