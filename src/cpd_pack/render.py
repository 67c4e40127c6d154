"""Stage 4: render the course once into a format-independent single-page site (path -> bytes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from cpd_pack import i18n, questions, theme
from cpd_pack.content import Renderer
from cpd_pack.exceptions import CourseError, CourseWarning
from cpd_pack.loader import Path_
from cpd_pack.model import DEFAULT_SCALE, Question, Quiz, SelfAssessment, Theme
from cpd_pack.outline import Outline, OutlinePage

ADAPTERS = ("scorm12", "scorm2004", "xapi", "cmi5", "none")
# What each adapter stands on, after scorm-api.js (discovery, offline info, shared helpers).
ADAPTER_BASES = {
    "xapi": ("xapi-client.js", "xapi-adapter.js"),
    "cmi5": ("xapi-client.js", "xapi-adapter.js"),
}
STATIC_FILES = {  # archive path -> path under the templates folder
    "css/cpd.css": "static/css/cpd.css",
    "js/certificate.js": "static/js/certificate.js",
    "js/contents.js": "static/js/contents.js",
    "js/player.js": "static/js/player.js",
    "js/questions.js": "static/js/questions.js",
    "js/quiz.js": "static/js/quiz.js",
    "js/reflections.js": "static/js/reflections.js",
    "js/state.js": "static/js/state.js",
    "js/lz-string.js": "static/js/lz-string.js",
}
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"
KC_TRIES = 2  # a knowledge check's tries before it shows the answer, unless the course says
# defaults in the model are English; a course that keeps them gets its language's wording
_SA_TITLE = SelfAssessment.__dataclass_fields__["title"].default
_QUIZ_TITLE = Quiz.__dataclass_fields__["title"].default


def builtin_templates() -> Path:
    """The shipped templates: inside the installed package, else the repository's ``templates/``."""
    packaged = Path(__file__).parent / "templates"  # (importlib.resources costs 7 ms to import)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def search_path(templates_dir: Path | None = None) -> list[Path]:
    """Template folders in lookup order: the user's override first, then the built-in ones."""
    return [*([Path(templates_dir)] if templates_dir else []), builtin_templates()]


def make_env(dirs: list[Path]) -> jinja2.Environment:
    """A Jinja2 environment that escapes everything and fails on undefined names."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        # Jinja's own cache of compiled templates (in the temp folder, checked against each
        # template's modification time) saves a cold build about 30 ms of compiling.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def adapter_source(fmt: str, templates_dir: Path | None = None) -> bytes:
    """The runtime adapter for ``fmt`` (scorm12, scorm2004, xapi, cmi5, none), shipped as
    ``js/lms.js``: the helpers every adapter shares, those of its family, then the adapter."""
    if fmt not in ADAPTERS:
        raise ValueError(f"unknown adapter {fmt!r}; expected one of: {', '.join(ADAPTERS)}")
    dirs = search_path(templates_dir)
    parts = ("scorm-api.js", *ADAPTER_BASES.get(fmt, ()), f"{fmt}.js")
    return b"".join(_static(dirs, f"static/js/lms/{part}") for part in parts)


def _static(dirs: list[Path], rel: str) -> bytes:
    for folder in dirs:
        if (folder / rel).is_file():
            return (folder / rel).read_bytes()
    raise FileNotFoundError(f"template file {rel!r} not found in {[str(d) for d in dirs]}")


def _question(r: Renderer, q: Question, path: Path_) -> dict[str, Any]:
    """The view of a quiz question or knowledge check."""
    if q.type == "true-false":
        options = [
            {
                "id": "true",
                "html": r.t("question.true"),
                "feedback": "",
                "correct": q.answer is True,
            },
            {
                "id": "false",
                "html": r.t("question.false"),
                "feedback": "",
                "correct": q.answer is False,
            },
        ]
    else:
        options = [
            {
                "id": OPTION_IDS[i],
                "html": r.markdown(o.text, (*path, "options", i, "text"), inline=True),
                "feedback": r.markdown(o.feedback, (*path, "options", i, "feedback"), inline=True),
                "correct": o.correct,
            }
            for i, o in enumerate(q.options)
        ]
    return {
        "id": q.id,
        "type": q.type,
        "input": "checkbox" if q.type == "multiple" else "radio",
        "prompt": r.markdown(q.prompt, (*path, "prompt"), inline=True),
        "options": options,
        "correct_feedback": r.markdown(q.feedback.correct, (*path, "feedback", "correct")),
        "incorrect_feedback": r.markdown(q.feedback.incorrect, (*path, "feedback", "incorrect")),
        "scenario": q.scenario,
        **questions.view(r, q, path),
    }


def _question_data(r: Renderer, q: Question) -> dict[str, Any]:
    """What the player needs to know about a question (the data island)."""
    view_ids = ["true", "false"] if q.type == "true-false" else list(OPTION_IDS[: len(q.options)])
    if q.type == "true-false":
        correct = ["true" if q.answer else "false"]
    else:
        correct = [OPTION_IDS[i] for i, o in enumerate(q.options) if o.correct]
    return {"id": q.id, "type": q.type, "options": view_ids, "correct": correct,
            "text": _plain(r, q.prompt)[:250], **questions.data(q)}  # fmt: skip


def _plain(r: Renderer, text: str) -> str:
    """Plain text of inline Markdown (for interaction descriptions)."""
    out = []
    for token in r.md.parseInline(text, {}):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())


_DEFAULT_TITLE_KEYS = {"review": "review.default_title", "reading": "reading.default_title"}


def _title(r: Renderer, kind: str, block: Any) -> str:
    """A block's title: the model's English default becomes the course language's wording."""
    default = type(block).__dataclass_fields__["title"].default
    key = _DEFAULT_TITLE_KEYS.get(kind)
    return r.t(key) if key and block.title == default else block.title


def _blocks(r: Renderer, outline: Outline, page: OutlinePage, p: int) -> list[dict[str, Any]]:
    """The views of one page's blocks."""
    reflection_ids = iter(outline.reflection_ids(page))
    views: list[dict[str, Any]] = []
    for b, block in enumerate(page.blocks):
        path: Path_ = ("units", page.unit_index, "pages", p, "blocks", b, block.kind)
        kind, value = block.kind, block.value
        view: dict[str, Any] = {"kind": kind}
        if kind == "text":
            view["html"] = r.markdown(value, path)
        elif kind == "file":
            view = {"kind": "text", "html": r.markdown_file(value, path)}
        elif kind == "reflection":
            view["prompt"] = r.markdown(value.prompt, (*path, "prompt"))
            view["id"] = next(reflection_ids) if value.answer else None
        elif kind in ("case_study", "review"):
            body = r.markdown_file(value.file, (*path, "file")) if value.file else None
            view["title"] = _title(r, kind, value)
            view["html"] = body if body is not None else r.markdown(value.text, (*path, "text"))
            if kind == "review":
                has_prompt = bool(value.prompt.strip())
                view["prompt"] = r.markdown(value.prompt, (*path, "prompt")) if has_prompt else None
                view["id"] = next(reflection_ids) if has_prompt else None
        elif kind == "key_points":
            view["points"] = [r.markdown(t, (*path, i), inline=True) for i, t in enumerate(value)]
        elif kind == "knowledge_check":
            view["q"] = _question(r, value, path)
        elif kind == "media":
            view.update(
                media_kind=value.kind, title=value.title, src=r.asset(value.src, (*path, "src"))
            )
            view["captions"] = (
                r.asset(value.captions, (*path, "captions")) if value.captions else None
            )
            transcript = value.transcript
            view["transcript"] = (
                r.markdown_file(transcript, (*path, "transcript")) if transcript else None
            )
        elif kind == "image":
            view.update(
                src=r.asset(value.src, (*path, "src")), alt=value.alt, caption=value.caption
            )
            align = f"cpd-align-{value.align}" if value.align else ""
            view["layout"] = " ".join(filter(None, (theme.width_class(value.width), align)))
        elif kind == "reading":
            view.update(
                title=_title(r, kind, value),
                citation=r.markdown(value.citation, (*path, "citation"), inline=True),
                questions=[
                    r.markdown(q, (*path, "questions", i), inline=True)
                    for i, q in enumerate(value.questions)
                ],
                url=value.url,
                open_access=value.open_access,
                minutes=r.t.number(value.minutes),
            )
        elif kind == "activity":
            answer = value.model_answer.strip()
            model = r.markdown(value.model_answer, (*path, "model_answer")) if answer else None
            view.update(
                title=value.title,
                type=value.type,
                task=r.markdown(value.task, (*path, "task")),
                model_answer=model,
                minutes=r.t.number(value.minutes),
                id=next(reflection_ids),
            )
        else:  # self_assessment, quiz, certificate
            view["value"] = value
        views.append(view)
    return views


def _data_island(r: Renderer, outline: Outline) -> dict[str, Any]:
    """The JSON the player reads from ``<script id="cpd-data">``."""
    course = outline.course
    special = {}
    for page in outline.pages:
        for block in page.blocks:
            if block.kind in ("self_assessment", "quiz", "certificate"):
                key = f"sa_{block.value}" if block.kind == "self_assessment" else block.kind
                special[f"{key}_page"] = page.id
    sa = course.self_assessment
    return {
        "course": {"id": course.id, "title": course.title, "hours": course.hours,
                   "version": course.version, "language": course.language},
        "passMark": course.pass_mark,
        "completion": course.completion_rule,
        "hash": outline.structure_hash,
        "pages": [{"id": page.id, "unit": page.unit_index, "title": page.title} for page in outline.pages],
        "units": [{"id": unit.id, "title": unit.title} for unit in outline.units],
        "quiz": {"shuffle": course.quiz.shuffle, "maxAttempts": course.quiz.max_attempts,
                 "questions": [_question_data(r, q) for q in outline.quiz_questions],
                 **questions.pool_data(course.quiz)}
        if course.quiz else None,
        "checks": [{**_question_data(r, q), "tries": q.tries or KC_TRIES} for q in outline.knowledge_checks],
        "reflections": [{"id": x.id, "page": x.page_id} for x in outline.reflections],
        "statements": list(outline.statement_ids),
        "scale": len(sa.scale) if sa else 0,
        "messages": r.t.for_player(),
        **{key: special.get(key) for key in ("sa_before_page", "sa_after_page", "quiz_page", "certificate_page")},
    }  # fmt: skip


def _theme_view(r: Renderer, th: Theme) -> dict[str, str | None]:
    """The theme's logo, signature and provider for the templates."""
    return {
        "logo": r.asset(th.logo, ("theme", "logo")) if th.logo else None,
        "signature": r.asset(th.signature, ("theme", "signature")) if th.signature else None,
        "provider": th.provider,
    }


def render_site(
    outline: Outline, course_root: Path, templates_dir: Path | None = None
) -> dict[str, bytes]:
    """Render the course into ``{archive path: bytes}``; raise :class:`CourseError` on a missing file."""
    return render(outline, course_root, templates_dir)[0]


def render(
    outline: Outline, course_root: Path, templates_dir: Path | None = None
) -> tuple[dict[str, bytes], list[CourseWarning]]:
    """Render the course into ``{archive path: bytes}`` and the warnings found on the way.

    Raises :class:`CourseError` on a missing file; Jinja2's errors come from the templates.
    """
    dirs = search_path(templates_dir)
    course = outline.course
    r = Renderer(Path(course_root), i18n.messages(course.language, course.interface))
    pages = []
    for unit in outline.units:
        for p, page in enumerate(unit.pages):
            pages.append({"id": page.id, "title": page.title, "number": page.number,
                          "unit": page.unit_index, "blocks": _blocks(r, outline, page, p)})  # fmt: skip
    sa = course.self_assessment
    context = {
        "course": course,
        "units": outline.units,
        "pages": pages,
        "self_assessment": {
            "title": r.t("sa.default_title") if sa.title == _SA_TITLE else sa.title,
            "intro": r.markdown(sa.intro, ("self_assessment", "intro")),
            "scale": r.t.list("sa.scale") if sa.scale == DEFAULT_SCALE else sa.scale,
            "statements": list(zip(outline.statement_ids, [s.text for s in sa.statements], strict=True)),
        } if sa else None,
        "quiz": {
            "title": r.t("quiz.default_title") if course.quiz.title == _QUIZ_TITLE else course.quiz.title,
            "intro": r.markdown(course.quiz.intro, ("quiz", "intro")),
            "questions": [_question(r, q, ("quiz", "questions", i))
                          for i, q in enumerate(course.quiz.questions)],
            "scenarios": questions.scenarios(r, course.quiz),
        } if course.quiz else None,
        "certificate": r.markdown(course.certificate, ("certificate",)),
        "hours_text": r.t.number(course.hours),
        "theme": _theme_view(r, course.theme),
        "t": r.t,
        "data": _data_island(r, outline),
    }  # fmt: skip
    found = r.problems()
    warnings = [p for p in found if isinstance(p, CourseWarning)]
    if len(warnings) < len(found):
        raise CourseError(found)
    html = make_env(dirs).get_template("index.html").render(context)
    site = {"index.html": html.encode("utf-8")}
    for archive, rel in STATIC_FILES.items():
        site[archive] = _static(dirs, rel)
    widths = [b.image.width for p in outline.pages for b in p.blocks if b.image and b.image.width]
    site["css/theme.css"] = theme.stylesheet(course.theme, widths)
    site.update(r.assets)
    return dict(sorted(site.items())), warnings


def data_json(site: dict[str, bytes]) -> dict[str, Any]:
    """Read the data island back from a rendered ``index.html`` (for tests and tools)."""
    html = site["index.html"].decode("utf-8")
    marker = '<script type="application/json" id="cpd-data">'
    start = html.index(marker) + len(marker)
    return dict(json.loads(html[start : html.index("</script>", start)]))
