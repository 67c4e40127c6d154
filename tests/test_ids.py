"""Which ids must be unique (src/cpd_pack/ids.py): the same answers on the model and on YAML data."""

from __future__ import annotations

from pathlib import Path

import yaml

from cpd_pack.ids import SCOPES, duplicates, page_key, schema_keyword, scopes_from_keyword, slugify
from cpd_pack.loader import load_course
from cpd_pack.validate import validate

COURSES = Path(__file__).parent / "fixtures" / "courses"


def test_slugify() -> None:
    assert slugify("The Beginning: first sessions!") == "the-beginning-first-sessions"
    assert slugify("2 endings", "page") == "page-2-endings"
    assert slugify("!!!", "unit") == "unit"
    assert len(slugify("word " * 20)) == 39  # cut at 40, no trailing hyphen


def test_the_same_duplicates_on_the_yaml_and_on_the_model() -> None:
    data = yaml.safe_load((COURSES / "bad-ids" / "course.yaml").read_text(encoding="utf-8"))
    expected = [
        (("units", 1, "id"), "duplicate unit id 'unit-a'", ("units", 0, "id")),
        (
            ("units", 1, "pages", 0, "title"),
            "duplicate page id 'intro' made from the title",
            ("units", 0, "pages", 0, "id"),
        ),
        (
            ("quiz", "questions", 0, "id"),
            "duplicate question id 'q-1'",
            ("units", 1, "pages", 0, "blocks", 1, "knowledge_check", "id"),
        ),
    ]
    assert list(duplicates(data)) == expected
    mini, _ = validate(load_course(COURSES / "mini"))
    assert list(duplicates(mini)) == []
    assert page_key(mini.units[0].pages[0]) == mini.units[0].pages[0].id


def test_statements_without_an_id_take_their_position() -> None:
    data = {"self_assessment": {"statements": [{"text": "A"}, {"id": "s1", "text": "B"}]}}
    assert list(duplicates(data)) == [
        (
            ("self_assessment", "statements", 1, "id"),
            "duplicate statement id 's1'",
            ("self_assessment", "statements", 0),
        )
    ]


def test_the_schema_keyword_round_trips() -> None:
    assert scopes_from_keyword(schema_keyword()) == SCOPES
