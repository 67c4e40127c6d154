"""xAPI (Tin Can) package: tincan.xml after the Rustici launch convention, and the shared base of
the xAPI-family packagers (xapi, cmi5), which ship the activity definitions in ``js/lms.js``."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from lxml import etree

from cpd_pack.activities import activity_definitions, base_iri
from cpd_pack.outline import Outline
from cpd_pack.packagers.base import Packager

TINCAN = "http://projecttincan.com/tincan.xsd"
LAUNCH_FILE = "index.html"
DEFINITIONS_GLOBAL = "window.CPD_XAPI"
# tincan.xml names of an interaction's component lists (xAPI names them the same).
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def _tc(tag: str) -> str:
    return f"{{{TINCAN}}}{tag}"


def definitions_script(outline: Outline, definitions: dict[str, Any] | None = None) -> bytes:
    """``window.CPD_XAPI = {...};``: base IRI, language and every activity definition, as
    deterministic JavaScript (sorted keys, ASCII-only JSON)."""
    course = outline.course
    payload = {
        "base": base_iri(course),
        "lang": course.language,
        **(definitions if definitions is not None else activity_definitions(outline)),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return f"{DEFINITIONS_GLOBAL} = {text};\n".encode("ascii")


class XapiFamilyPackager(Packager):
    """Base of the xapi and cmi5 packagers: both need ``xapi.activity_iri`` and put the activity
    definitions in front of the runtime adapter, so the runtime needs no second request."""

    # shared by the xapi and cmi5 packagers of one build: the definitions are the same
    _cache: ClassVar[list[tuple[Outline, dict[str, Any]]]] = []

    def check(self, outline: Outline) -> None:
        """Fail with a clear message when the course has no ``xapi.activity_iri``."""
        base_iri(outline.course)

    def definitions(self, outline: Outline) -> dict[str, Any]:
        """The course's activity definitions, made once per outline (for both packagers)."""
        cache = XapiFamilyPackager._cache
        if not cache or cache[0][0] is not outline:
            cache[:] = [(outline, activity_definitions(outline))]
        return cache[0][1]

    def package_files(
        self, outline: Outline, site: dict[str, bytes], adapter: bytes
    ) -> dict[str, bytes]:
        """Every file of the package; ``js/lms.js`` is the definitions, then the adapter."""
        script = definitions_script(outline, self.definitions(outline))
        return super().package_files(outline, site, script + adapter)


def _text(parent: etree._Element, tag: str, text: str, lang: str | None = None) -> None:
    element = etree.SubElement(parent, _tc(tag))
    if lang is not None:
        element.set("lang", lang)
    element.text = text


def _activity(
    parent: etree._Element, activity: dict[str, Any], launch: tuple[str, str] | None = None
) -> etree._Element:
    """One ``<activity>``: id, type, name, description, launch, then any interaction details."""
    definition = activity["definition"]
    element = etree.SubElement(parent, _tc("activity"), id=activity["id"], type=definition["type"])
    for key in ("name", "description"):
        for lang, text in definition[key].items():
            _text(element, key, text, lang)
    if launch is not None:
        _text(element, "launch", *launch)
    if "interactionType" in definition:
        _text(element, "interactionType", definition["interactionType"])
        patterns = etree.SubElement(element, _tc("correctResponsePatterns"))
        for pattern in definition.get("correctResponsesPattern", []):
            _text(patterns, "correctResponsePattern", pattern)
        for name in COMPONENT_LISTS:
            if name not in definition:
                continue
            components = etree.SubElement(element, _tc(name))
            for item in definition[name]:
                component = etree.SubElement(components, _tc("component"))
                _text(component, "id", item["id"])
                for lang, text in item["description"].items():
                    _text(component, "description", text, lang)
    return element


class XapiPackager(XapiFamilyPackager):
    """xAPI package launched after the Rustici convention (``tincan.xml`` at the zip root)."""

    name = "xapi"
    adapter = "xapi"
    manifest_name = "tincan.xml"

    def manifest(self, outline: Outline, content: list[str]) -> etree._Element:
        """tincan.xml: the launchable course activity, then units, pages, questions, checks."""
        definitions = self.definitions(outline)
        root = etree.Element(_tc("tincan"), nsmap={None: TINCAN})  # type: ignore[dict-item]
        activities = etree.SubElement(root, _tc("activities"))
        launch = (LAUNCH_FILE, outline.course.language)
        _activity(activities, definitions["course"], launch)
        for kind in ("units", "pages", "questions", "checks"):
            for activity in definitions[kind].values():
                _activity(activities, activity)
        return root
