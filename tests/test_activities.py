"""xAPI activity definitions: stable IRIs, interaction details, language maps, the course key."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cpd_pack.activities import (
    COURSE_TYPE,
    INTERACTION_TYPE,
    LESSON_TYPE,
    MODULE_TYPE,
    activity_definitions,
    base_iri,
    plain_text,
    short_name,
)
from cpd_pack.exceptions import BuildError, CourseError
from cpd_pack.loader import load_course
from cpd_pack.outline import Outline, build_outline
from cpd_pack.render import data_json, render_site
from cpd_pack.validate import validate_course
from lrs.ralph import ralph_installed
from prereq import require

BASE = "https://example.org/courses/mini-course"
MISSING_IRI = (
    "course.yaml: xapi.activity_iri: the xapi and cmi5 packages need a stable activity IRI for "
    'the course, e.g. xapi: {activity_iri: "https://example.org/courses/mini-course"} '
    "(a domain you control; once published, never change it)"
)


def outline_of(folder: Path) -> Outline:
    return build_outline(validate_course(load_course(folder)))


def mini_copy(mini_dir: Path, target: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the mini course whose course.yaml data went through ``edit``."""
    shutil.copytree(mini_dir, target, dirs_exist_ok=True)
    data = yaml.safe_load((mini_dir / "course.yaml").read_text(encoding="utf-8"))
    edit(data)
    (target / "course.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return target


def tiny_course(tmp_path: Path, **changes: Any) -> Path:
    """A one-page course (with a true-false quiz) written to ``tmp_path``; None drops a key."""
    course: dict[str, Any] = {
        "id": "tiny",
        "title": "Tiny",
        "language": "fr-FR",
        "xapi": {"activity_iri": "http://lrs.example.net:8080/c/tiny"},
        "units": [
            {
                "id": "u1",
                "title": "Unité",
                "pages": [{"id": "p1", "title": "Page", "blocks": [{"quiz": "final"}]}],
            }
        ],
        "quiz": {
            "questions": [
                {
                    "id": "q1",
                    "type": "true-false",
                    "prompt": "Le **ciel** est bleu.",
                    "answer": True,
                }
            ]
        },
    }
    for key, value in changes.items():
        if value is None:
            course.pop(key, None)
        else:
            course[key] = value
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(course), encoding="utf-8")
    return tmp_path


def test_every_activity_has_its_derived_iri_and_type(mini_outline: Outline) -> None:
    defs = activity_definitions(mini_outline)
    assert defs["course"]["id"] == BASE
    assert defs["course"]["objectType"] == "Activity"
    assert defs["course"]["definition"]["type"] == COURSE_TYPE
    expected = {
        "units": (["start", "finish"], MODULE_TYPE),
        "pages": (["welcome", "learning", "wrap-up", "final-quiz", "certificate"], LESSON_TYPE),
        "questions": (["q-single", "q-multi", "q-tf"], INTERACTION_TYPE),
        "checks": (["kc-listen"], INTERACTION_TYPE),
        "ratings": (["before-listen", "before-s2", "after-listen", "after-s2"], INTERACTION_TYPE),
    }
    assert list(defs) == ["course", *expected]
    for kind, (ids, activity_type) in expected.items():
        assert list(defs[kind]) == ids  # reading order
        for item_id, activity in defs[kind].items():
            assert activity["id"] == f"{BASE}/{kind}/{item_id}"
            assert activity["objectType"] == "Activity"
            assert activity["definition"]["type"] == activity_type


def test_choice_and_true_false_interactions(mini_outline: Outline) -> None:
    defs = activity_definitions(mini_outline)
    single = defs["questions"]["q-single"]["definition"]
    assert single["interactionType"] == "choice"
    assert single["correctResponsesPattern"] == ["a"]
    assert single["choices"] == [
        {"id": "a", "description": {"en-GB": "Red"}},
        {"id": "b", "description": {"en-GB": "Seven"}},
        {"id": "c", "description": {"en-GB": "Tuesday"}},
    ]
    multiple = defs["questions"]["q-multi"]["definition"]
    assert multiple["interactionType"] == "choice"
    assert multiple["correctResponsesPattern"] == ["a[,]b"]
    assert [c["id"] for c in multiple["choices"]] == ["a", "b", "c"]
    true_false = defs["questions"]["q-tf"]["definition"]
    assert true_false["interactionType"] == "true-false"
    assert true_false["correctResponsesPattern"] == ["false"]
    assert "choices" not in true_false
    check = defs["checks"]["kc-listen"]["definition"]
    assert check["correctResponsesPattern"] == ["a"]
    assert check["choices"][1] == {"id": "b", "description": {"en-GB": "No"}}


def test_option_ids_are_those_of_the_scorm_packages(mini_dir: Path, mini_outline: Outline) -> None:
    island = data_json(render_site(mini_outline, mini_dir))
    defs = activity_definitions(mini_outline)
    scorm = [*island["quiz"]["questions"], *island["checks"]]
    for question in scorm:
        kind = "questions" if question["id"] in defs["questions"] else "checks"
        definition = defs[kind][question["id"]]["definition"]
        if question["type"] == "true-false":
            assert definition["correctResponsesPattern"] == question["correct"]
        else:
            assert [c["id"] for c in definition["choices"]] == question["options"]
            assert definition["correctResponsesPattern"] == ["[,]".join(question["correct"])]


def test_names_are_plain_text_in_the_course_language(mini_outline: Outline, tmp_path: Path) -> None:
    defs = activity_definitions(mini_outline)
    activities = [defs["course"], *(a for kind in list(defs)[1:] for a in defs[kind].values())]
    for activity in activities:
        definition = activity["definition"]
        assert set(definition["name"]) == set(definition["description"]) == {"en-GB"}
        for text in (*definition["name"].values(), *definition["description"].values()):
            assert text and text == " ".join(text.split()) and "*" not in text
    assert defs["questions"]["q-multi"]["definition"]["name"] == {"en-GB": "Which are fruits?"}
    assert defs["course"]["definition"]["description"] == {
        "en-GB": "A tiny course that uses every feature, for tests."
    }
    french = activity_definitions(outline_of(tiny_course(tmp_path)))
    question = french["questions"]["q1"]
    assert question["id"] == "http://lrs.example.net:8080/c/tiny/questions/q1"
    assert question["definition"]["description"] == {"fr-FR": "Le ciel est bleu."}
    assert question["definition"]["correctResponsesPattern"] == ["true"]
    assert french["units"]["u1"]["definition"]["name"] == {"fr-FR": "Unité"}
    # no description: the course's name stands in
    assert french["course"]["definition"]["description"] == {"fr-FR": "Tiny"}


def test_iris_depend_only_on_the_base_iri_and_the_ids(
    mini_dir: Path, mini_outline: Outline, tmp_path: Path
) -> None:
    def iris(defs: dict[str, Any]) -> list[str]:
        return [defs["course"]["id"], *(a["id"] for k in list(defs)[1:] for a in defs[k].values())]

    first = activity_definitions(mini_outline)
    assert activity_definitions(mini_outline) == first

    def rename(data: dict[str, Any]) -> None:
        data.update(title="Renamed", version="7.3", language="de-DE", description="Anders.")
        data["units"][1]["title"] = "Ende"
        data["units"][1]["pages"].reverse()
        data["quiz"]["questions"][0]["prompt"] = "Welche ist eine Farbe?"

    second = activity_definitions(outline_of(mini_copy(mini_dir, tmp_path / "a", rename)))
    assert sorted(iris(second)) == sorted(iris(first))
    assert second["questions"]["q-single"]["definition"]["name"] == {
        "de-DE": "Welche ist eine Farbe?"
    }

    def rebase(data: dict[str, Any]) -> None:
        data["xapi"]["activity_iri"] = "https://example.com/other"

    third = iris(activity_definitions(outline_of(mini_copy(mini_dir, tmp_path / "b", rebase))))
    assert third == [iri.replace(BASE, "https://example.com/other") for iri in iris(first)]


def test_a_missing_activity_iri_is_a_clear_build_error(mini_dir: Path, tmp_path: Path) -> None:
    outline = outline_of(mini_copy(mini_dir, tmp_path, lambda data: data.pop("xapi")))
    with pytest.raises(BuildError) as caught:
        base_iri(outline.course)
    assert caught.value.message == MISSING_IRI
    with pytest.raises(BuildError, match=re.escape(MISSING_IRI)):
        activity_definitions(outline)


@pytest.mark.parametrize(
    ("xapi", "message"),
    [
        (
            {"activity_iri": "https://example.org/courses/tiny/"},
            "xapi.activity_iri: must be an absolute http(s) IRI without a trailing slash, "
            "query or fragment, such as 'https://example.org/courses/my-course'; "
            "found 'https://example.org/courses/tiny/'",
        ),
        ({"activity_iri": "urn:uuid:1234"}, "xapi.activity_iri: must be an absolute http(s) IRI"),
        ({"activity_iri": "https://example.org/c?x=1"}, "xapi.activity_iri: must be an absolute"),
        ({"activity_iri": "https://example.org/c#top"}, "xapi.activity_iri: must be an absolute"),
        ({"activity_iri": "https://exa mple.org/c"}, "xapi.activity_iri: must be an absolute"),
        (
            {"activty_iri": "https://example.org/c"},
            "xapi.activty_iri: unknown key 'activty_iri'; did you mean 'activity_iri'?",
        ),
        ({}, "xapi.activity_iri: required key is missing"),
    ],
)
def test_the_course_key_is_validated(tmp_path: Path, xapi: dict[str, str], message: str) -> None:
    with pytest.raises(CourseError) as caught:
        outline_of(tiny_course(tmp_path, xapi=xapi))
    assert message in str(caught.value.message)


def test_valid_iris_are_accepted(tmp_path: Path) -> None:
    for iri in ("https://example.org", "http://example.org/a/b-c_d/%C3%A9", "https://x.org/é"):
        outline = outline_of(tiny_course(tmp_path, xapi={"activity_iri": iri}))
        assert base_iri(outline.course) == iri


def test_plain_text_and_short_names() -> None:
    assert plain_text("1. **Yes**, `code` and ![an image](a.png)", inline=True) == (
        "1. Yes, code and an image"
    )
    assert plain_text("# Title\n\nA *paragraph*\nwrapped.\n\n- one\n- two") == (
        "Title A paragraph wrapped. one two"
    )
    assert short_name("short") == "short"
    long = "word " * 40
    name = short_name(long.strip())
    assert len(name) <= 120 and name.endswith("word…")


def test_definitions_are_valid_for_ralph(mini_outline: Outline) -> None:
    require(ralph_installed(), "ralph-malph[lrs]==5.1.0 (the '.[test]' extra)")  # CI: fails
    from ralph.models.xapi.base import unnested_objects as objects

    defs = activity_definitions(mini_outline)
    activities = [defs["course"], *(a for kind in list(defs)[1:] for a in defs[kind].values())]
    for activity in activities:
        objects.BaseXapiActivity.model_validate(activity)
        if activity["definition"]["type"] == INTERACTION_TYPE:
            objects.BaseXapiActivityInteractionDefinition.model_validate(activity["definition"])
        else:
            objects.BaseXapiActivityDefinition.model_validate(activity["definition"])
