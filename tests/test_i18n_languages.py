"""The shipped catalogues other than English (src/cpd_pack/messages/{fr,de,es,cy}.yaml): translated,
written to each language's conventions, and a course in each language built with no English
interface text left (tests/e2e/test_languages.py checks the same in the browser)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from cpd_pack import i18n
from cpd_pack.build import check_course
from cpd_pack.render import data_json, render_site

MINI_FR = Path(__file__).parent / "fixtures" / "courses" / "mini-fr"
LANGUAGES = {"fr": "fr-FR", "de": "de-DE", "es": "es-ES", "cy": "cy-GB"}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# attributes whose text a learner meets (read aloud, shown as a tooltip or a caption label)
TEXT_ATTRIBUTES = ("aria-label", "aria-valuetext", "alt", "title", "label", "placeholder")


def texts(entry: i18n.Entry) -> list[str]:
    """Every text of an entry: the entry, each plural form or each list item."""
    if isinstance(entry, dict):
        return list(entry.values())
    return list(entry) if isinstance(entry, list) else [entry]


def _found(phrase: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def english_phrases(lang: str) -> dict[str, str]:
    """English interface text that must not appear in a course in ``lang``: each run of words
    between placeholders of every English entry (phrase -> key). A phrase of one or two words is
    left out when the entry in ``lang`` uses it too (``Audio``, ``Question``)."""
    ref, cat = i18n.load("en"), i18n.load(lang)
    phrases: dict[str, str] = {}
    for key, entry in ref.items():
        if key.startswith("_meta."):
            continue
        theirs = " ".join(texts(cat[key]))
        for text in texts(entry):
            for part in PLACEHOLDER.split(text):
                phrase = part.strip(" .,:;()!?“”\"'")
                if not re.search("[A-Za-z]", phrase):
                    continue
                if len(phrase.split()) < 3 and _found(phrase, theirs):
                    continue
                phrases.setdefault(phrase, key)
    return phrases


def english_left(text: str, lang: str) -> list[str]:
    """The English interface phrases found in ``text`` (a page's text), as ``key: phrase``."""
    flat = re.sub(r"\s+", " ", text)
    return sorted(f"{k}: {p}" for p, k in english_phrases(lang).items() if _found(p, flat))


def visible_text(html: str) -> str:
    """What a learner can meet in a built page: its text (all pages, shown or not) and the text
    of its labels and alternatives; not scripts or styles."""
    doc = lxml.html.fromstring(html)
    for el in doc.xpath("//script | //style"):
        el.drop_tree()
    attrs = [el.get(a) for el in doc.iter() for a in TEXT_ATTRIBUTES if el.get(a)]
    # spaces collapsed, but not no-break ones (French puts them before ':')
    return re.sub(r"[ \t\r\n]+", " ", " ".join([doc.text_content(), *attrs]))


def course_in(tmp_path: Path, language: str) -> Path:
    """The mini-fr course (French content) with its ``language`` set to ``language``."""
    root = tmp_path / language
    shutil.copytree(MINI_FR, root)
    course = root / "course.yaml"
    text = course.read_text(encoding="utf-8").replace("language: fr-FR", f"language: {language}")
    course.write_text(text, encoding="utf-8")
    return root


def built(root: Path) -> dict[str, bytes]:
    return render_site(check_course(root), root)


# --------------------------------------------------------------------------- the catalogues


@pytest.mark.parametrize(
    ("lang", "decimal", "name"),
    [
        ("fr", ",", "Français"),
        ("de", ",", "Deutsch"),
        ("es", ",", "Español"),
        ("cy", ".", "Cymraeg"),
    ],
)
def test_catalogue_metadata(lang: str, decimal: str, name: str) -> None:
    cat = i18n.load(lang)
    assert (cat["_meta.decimal"], cat["_meta.name"]) == (decimal, name)
    assert i18n.messages(LANGUAGES[lang]).number(2.5) == f"2{decimal}5"


def test_every_entry_is_translated() -> None:
    """Only words that are the same in both languages keep the English text."""
    ref = i18n.load("en")
    same = {
        lang: sorted(k for k, v in i18n.load(lang).items() if not k.startswith("_") and v == ref[k])
        for lang in LANGUAGES
    }
    assert same == {
        "fr": [
            "block.audio",
            "cert.signature",
            "date.long",
            "question.position",
            "quiz.question_link",
        ],
        "de": ["block.audio", "block.video", "question.position"],
        "es": ["block.audio"],
        "cy": ["date.long"],
    }


def test_the_self_assessment_scale_is_translated() -> None:
    scales = {lang: i18n.messages(tag).list("sa.scale") for lang, tag in LANGUAGES.items()}
    assert scales == {
        "fr": [
            "Aucune confiance",
            "Un peu de confiance",
            "Confiance modérée",
            "Grande confiance",
            "Très grande confiance",
        ],
        "de": ["Überhaupt nicht sicher", "Etwas sicher", "Mäßig sicher", "Sehr sicher", "Äußerst sicher"],
        "es": ["Ninguna confianza", "Poca confianza", "Confianza moderada", "Mucha confianza", "Plena confianza"],
        "cy": [
            "Ddim yn hyderus o gwbl",
            "Ychydig yn hyderus",
            "Gweddol hyderus",
            "Hyderus iawn",
            "Hynod o hyderus",
        ],
    }  # fmt: skip


def _all_texts(lang: str) -> list[tuple[str, str]]:
    return [
        (key, text)
        for key, entry in i18n.load(lang).items()
        if not key.startswith("_meta.")
        for text in texts(entry)
    ]


def test_french_typography() -> None:
    """A no-break space before ':' and inside « », a narrow one before ';', '?' and '!';
    typographic apostrophes; never a plain space before those signs."""
    wrong = []
    for key, text in _all_texts("fr"):
        for m in re.finditer(r"(.?)([:;?!»])", text):
            want = "\u00a0" if m.group(2) in ":»" else "\u202f"
            if m.group(1) != want:
                wrong.append(f"{key}: {m.group(0)!r}")
        wrong += [
            f"{key}: {m.group(0)!r}" for m in re.finditer(r"«.", text) if m.group(0) != "«\u00a0"
        ]
        wrong += [f"{key}: {c!r}" for c in re.findall(r"['\"“”„]", text)]
    assert wrong == []


@pytest.mark.parametrize(
    ("lang", "quotes", "foreign"),
    [
        ("fr", ("«\u00a0", "\u00a0»"), "\"'“”„\u2018"),
        ("de", ("„", "“"), "\"'«»”\u2018"),
        ("es", ("«", "»"), "\"'“”„\u2018"),
        ("cy", ("\u2018", "\u2019"), '"“”„«»'),
    ],
)
def test_quotation_marks_and_apostrophes(lang: str, quotes: tuple[str, str], foreign: str) -> None:
    """Each language quotes a page title its own way; no straight quotes or apostrophes."""
    cat = i18n.messages(LANGUAGES[lang])
    assert cat("quiz.certificate_at", title="X").endswith(f"{quotes[0]}X{quotes[1]}.")
    assert cat("reflection.place", n=2, title="X").endswith(f"{quotes[0]}X{quotes[1]}")
    found = [f"{k}: {c}" for k, text in _all_texts(lang) for c in text if c in foreign]
    assert found == []


def test_welsh_counts_use_every_plural_form() -> None:
    """Welsh says 'dau gofnod', 'tri chofnod', 'chwe chofnod', '{n} o gofnodion'."""
    queued = i18n.load("cy")["sync.queued"]
    assert isinstance(queued, dict)
    assert {form: text.split(" yn aros")[0] for form, text in queued.items()} == {
        "zero": "Nid oes unrhyw gofnod",
        "one": "Mae un cofnod",
        "two": "Mae dau gofnod",
        "few": "Mae tri chofnod",
        "many": "Mae chwe chofnod",
        "other": "Mae {n} o gofnodion",
    }


def test_english_phrases_are_found_only_as_whole_words() -> None:
    phrases = english_phrases("fr")
    assert phrases["Transcript"] == "media.transcript"
    assert phrases["Submit answers"] == "quiz.submit"
    assert "Audio" not in phrases  # the same word in French
    assert english_left("Transcription : Valider mes réponses", "fr") == []
    assert english_left("Transcript. Submit answers", "fr") == [
        "media.transcript: Transcript",
        "quiz.submit: Submit answers",
    ]


# --------------------------------------------------------------------------- built courses


def test_a_french_course_has_no_english_interface_text() -> None:
    site = built(MINI_FR)
    html = site["index.html"].decode()
    text = visible_text(html)
    assert english_left(text, "fr") == []
    assert '<html lang="fr-FR">' in html
    for expected in (
        "Valider mes réponses",
        "Pages consultées\u00a0: 0 sur 5",
        "Question 2 sur 3\u00a0:",
        "(plusieurs réponses possibles)",
        "Faire le point",
        "Évaluation finale",
        "Aucune confiance",
    ):
        assert expected in text
    doc = lxml.html.fromstring(html)
    assert doc.xpath('string(//*[@data-cert="hours"])') == "0,5"
    messages = data_json(site)["messages"]
    assert messages["quiz.submit"] == "Valider mes réponses"
    player = " ".join(PLACEHOLDER.sub(" ", t) for e in messages.values() for t in texts(e))
    assert english_left(player, "fr") == []


def _interface_strings(lang: str, english_text: str) -> dict[str, str]:
    """The single-text entries (no placeholder) an English build shows, in ``lang``."""
    cat = i18n.load(lang)
    return {
        key: str(cat[key]).strip()
        for key, entry in i18n.load("en").items()
        if isinstance(entry, str) and not key.startswith("_meta.") and "{" not in entry
        if entry.strip() and _found(entry.strip(), english_text)
    }


@pytest.mark.parametrize("lang", ["fr", "de", "es", "cy"])
def test_every_interface_string_comes_from_the_language(tmp_path: Path, lang: str) -> None:
    """The course built in English shows some interface strings; built in ``lang``, it shows each
    of them in ``lang`` and none of the English ones."""
    english = visible_text(built(course_in(tmp_path, "en-GB"))["index.html"].decode())
    shown = _interface_strings(lang, english)
    assert len(shown) >= 30
    assert {"quiz.submit", "header.exit", "check.button", "pager.next"} <= set(shown)
    text = visible_text(built(course_in(tmp_path, LANGUAGES[lang]))["index.html"].decode())
    assert english_left(text, lang) == []
    assert sorted(key for key, value in shown.items() if value not in text) == []


def test_a_course_overrides_an_entry_of_its_language(tmp_path: Path) -> None:
    root = course_in(tmp_path, "fr-CA")
    course = root / "course.yaml"
    extra = (
        'interface:\n  quiz.submit: Envoyer mes réponses\n  pager.count: "Écran {n} sur {total}"\n'
    )
    course.write_text(course.read_text(encoding="utf-8") + extra, encoding="utf-8")
    site = built(root)
    text = visible_text(site["index.html"].decode())
    assert "Envoyer mes réponses" in text
    assert "Valider mes réponses" not in text
    assert "Écran 1 sur 5" in text
    messages = data_json(site)["messages"]
    assert (messages["pager.count"], messages["pager.next"]) == ("Écran {n} sur {total}", "Suivant")
