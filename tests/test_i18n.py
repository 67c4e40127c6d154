"""Interface text catalogues (src/cpd_pack/i18n.py, src/cpd_pack/messages/)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cpd_pack import i18n
from cpd_pack.build import check_course
from cpd_pack.exceptions import CourseError
from cpd_pack.render import builtin_templates, data_json, render_site

RENDER = Path(i18n.__file__).parent  # render.py and friends: true/false labels, defaults
FIXTURES = Path(__file__).parent / "fixtures" / "courses"
# CLDR plural categories each shipped language uses for whole numbers (what Intl.PluralRules gives)
PLURALS = {
    "en": {"one", "other"},
    "fr": {"one", "many", "other"},
    "de": {"one", "other"},
    "es": {"one", "many", "other"},
    "cy": {"zero", "one", "two", "few", "many", "other"},
}
REQUIRED = {"cy", "de", "en", "es", "fr"}


def runtime_text() -> str:
    root = builtin_templates()
    files = [*root.glob("*.html"), *root.glob("static/js/**/*.js"), *RENDER.glob("*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(files))


def used_keys() -> set[str]:
    """Every catalogue key the templates (t("...")) and the player (T("...")) call directly."""
    return set(re.findall(r"""(?<![\w.])[Tt]\(\s*"([a-z_]+\.[a-z_.]+)\"""", runtime_text()))


def mentioned_keys() -> set[str]:
    """Every quoted string shaped like a key (also those picked by a condition inside T(...))."""
    return set(re.findall(r""""([a-z_]+\.[a-z_.]+)\"""", runtime_text()))


def test_every_required_language_is_shipped() -> None:
    assert set(i18n.available()) >= REQUIRED


@pytest.mark.parametrize("lang", sorted(i18n.available()))
def test_catalogue_is_complete_and_consistent(lang: str) -> None:
    ref, cat = i18n.load("en"), i18n.load(lang)
    assert sorted(set(ref) - set(cat)) == [], f"{lang}: missing keys"
    assert sorted(set(cat) - set(ref)) == [], f"{lang}: keys English does not have"
    for key, entry in ref.items():
        other = cat[key]
        assert type(other) is type(entry), key
        if isinstance(entry, dict):
            assert set(other) == PLURALS[lang], f"{lang}: {key} plural forms"
            for form in other.values():
                assert i18n.placeholders(form) <= i18n.placeholders(entry), key
        elif isinstance(entry, list):
            assert len(other) == len(entry), key
        else:
            assert i18n.placeholders(other) == i18n.placeholders(entry), f"{lang}: {key}"
            assert other.strip() or not entry.strip(), f"{lang}: {key} is empty"


def test_every_key_used_exists_and_every_key_is_used() -> None:
    ref = i18n.load("en")
    used = used_keys()
    assert sorted(used - set(ref)) == []
    # notice.<code>: codes an adapter passes as info.notice (xapi-adapter.js: "ended")
    dynamic = {"notice.ended"}
    unused = {k for k in ref if not k.startswith("_meta.")} - mentioned_keys() - dynamic
    assert sorted(unused) == []


def test_language_tag_picks_the_primary_catalogue() -> None:
    assert i18n.catalogue_for("fr-CA") == "fr"
    assert i18n.catalogue_for("EN-gb") == "en"
    assert i18n.catalogue_for("xx") is None


def test_messages_fill_placeholders_and_format_numbers() -> None:
    t = i18n.messages("en-GB")
    assert t("pager.count", n=2, total=51) == "Page 2 of 51"
    assert t.number(25.0) == "25"
    assert t.number(2.5) == "2.5"
    assert i18n.messages("fr").number(2.5) == "2,5"
    with pytest.raises(TypeError, match="not a single text"):
        t("quiz.unanswered", n=2)


def _course_with(tmp_path: Path, extra: str) -> Path:
    root = tmp_path / "c"
    shutil.copytree(FIXTURES / "mini", root)
    course = root / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def test_a_course_overrides_single_entries(tmp_path: Path) -> None:
    root = _course_with(
        tmp_path, 'interface:\n  quiz.submit: "Send my answers"\n  pager.count: "{n} / {total}"\n'
    )
    site = render_site(check_course(root), root)
    html = site["index.html"].decode()
    assert ">Send my answers<" in html
    assert data_json(site)["messages"]["pager.count"] == "{n} / {total}"


def test_overrides_are_checked(tmp_path: Path) -> None:
    root = _course_with(
        tmp_path,
        'interface:\n  quiz.sumbit: "Send"\n  pager.count: "Page {n}"\n  sa.scale: "x"\n',
    )
    with pytest.raises(CourseError) as err:
        check_course(root)
    messages = [(p.field, p.message) for p in err.value.problems]
    assert messages == [
        ("interface['quiz.sumbit']", "unknown interface text; did you mean 'quiz.submit'? "
         "(the keys are listed in docs/course-format.md)"),
        ("interface['pager.count']", "the text must use the same placeholders as the original "
         "({n}, {total})"),
        ("interface['sa.scale']", "this entry is a list or depends on a count; it cannot be "
         "replaced by one text"),
    ]  # fmt: skip


def test_a_language_without_a_catalogue_is_a_warning(tmp_path: Path) -> None:
    root = _course_with(tmp_path, "")
    course = root / "course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(re.sub(r"(?m)^language:.*$", "", text) + "language: nl\n", encoding="utf-8")
    warnings = check_course(root).warnings
    assert [w.message for w in warnings if w.field == "language"] == [
        "cpd-pack has no interface text in 'nl', so buttons and messages will be in English; "
        "translate them under 'interface:' (docs/course-format.md lists the keys)"
    ]
