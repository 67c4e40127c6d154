"""Stage 4: render the course once into a format-independent single-page site (path -> bytes)."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from cpd_pack.exceptions import CourseError, CourseWarning, Problem
from cpd_pack.loader import Path_, load_course, read_text, resolve_inside
from cpd_pack.model import Question
from cpd_pack.outline import Outline, OutlinePage
from cpd_pack.warnings import check_content, raw_html

ADAPTERS = ("scorm12", "scorm2004", "xapi", "cmi5", "none")
# What each adapter stands on, after scorm-api.js (discovery, offline info, shared helpers).
ADAPTER_BASES = {
    "xapi": ("xapi-client.js", "xapi-adapter.js"),
    "cmi5": ("xapi-client.js", "xapi-adapter.js"),
}
STATIC_FILES = {  # archive path -> path under the templates folder
    "css/cpd.css": "static/css/cpd.css",
    "js/player.js": "static/js/player.js",
    "js/state.js": "static/js/state.js",
    "js/lz-string.js": "static/js/lz-string.js",
}
MEDIA_PREFIX = "media/"
OPTION_IDS = "abcdefghijklmnopqrstuvwxyz"


def builtin_templates() -> Path:
    """The shipped templates: inside the installed package, else the repository's ``templates/``."""
    packaged = resources.files("cpd_pack") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
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


def archive_path(rel: str) -> str:
    """Where a course file goes in the site: under ``media/``, keeping its relative path."""
    rel = posixpath.normpath(rel)
    return rel if rel.startswith(MEDIA_PREFIX) else MEDIA_PREFIX + rel


@dataclass
class _Pending:
    """A problem found while rendering, located by source before line numbers are resolved."""

    md_file: str | None
    yaml_path: Path_
    line: int
    message: str
    warning: bool = False
    column: int = 1


@dataclass
class _Renderer:
    """Renders Markdown, copies assets and collects problems for one course."""

    root: Path
    assets: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    pending: list[_Pending] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.md = MarkdownIt("commonmark", {"html": False}).enable("table")
        self.md_html = MarkdownIt("commonmark", {"html": True}).enable("table")

    def markdown(
        self, text: str, path: Path_, inline: bool = False, md_file: str | None = None
    ) -> Markup:
        """Render Markdown (block or inline) found at ``path`` (or in ``md_file``)."""
        env: dict[str, Any] = {}
        tokens = self.md.parseInline(text, env) if inline else self.md.parse(text, env)
        for token in tokens:
            if token.type == "heading_open" and token.tag == "h1":
                token.tag = "h2"  # the page title is the h1
            elif token.type == "heading_close" and token.tag == "h1":
                token.tag = "h2"
            elif token.type == "inline":
                self._targets(token, path, md_file)
        html = raw_html(self.md_html, text, inline)
        if html is not None:
            self.pending.append(_Pending(md_file, path, html[0], html[1], warning=True))
        return Markup(self.md.renderer.render(tokens, self.md.options, env))

    def markdown_file(self, rel: str, path: Path_) -> Markup:
        """Render a Markdown file named (relative to the course folder) at ``path``."""
        text = read_text(self.root / rel, rel)
        if isinstance(text, Problem):  # not UTF-8: located at the first bad byte
            self.pending.append(_Pending(rel, path, text.line, text.message, column=text.column))
            return Markup("")
        return self.markdown(text, path, md_file=rel)

    def _targets(self, inline: Token, path: Path_, md_file: str | None) -> None:
        line = inline.map[0] + 1 if inline.map else 1
        for child in inline.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            attr = {"image": "src", "link_open": "href"}.get(child.type)
            if attr is None:
                continue
            url = str(child.attrs.get(attr, ""))
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith("#") or not url:
                continue
            what = "image" if child.type == "image" else "link"
            target = self.asset(unquote(parts.path), path, md_file, line, what)
            # files named in Markdown hold what their names say (the YAML's are checked earlier)
            content = None if target is None else check_content(self.sources[target], parts.path)
            if content is not None:
                self.pending.append(
                    _Pending(md_file, path, line, f"{what}: {content[1]}", not content[0])
                )
            if target is not None:
                child.attrs[attr] = parts._replace(path=archive_path(parts.path)).geturl()

    def asset(
        self, rel: str, path: Path_, md_file: str | None = None, line: int = 0, what: str = "file"
    ) -> str | None:
        """Copy a course file into the site; return its archive path (None if it is missing)."""
        result = resolve_inside(self.root, rel)
        if isinstance(result, str):
            self.pending.append(_Pending(md_file, path, line, f"{what}: {result}"))
            return None
        archive = archive_path(rel)
        source = self.sources.setdefault(archive, result)
        if source != result:
            other = source.relative_to(self.root.resolve()).as_posix()
            message = (
                f"{what}: {rel!r} and {other!r} would both be stored as {archive!r}; rename one"
            )
            self.pending.append(_Pending(md_file, path, line, message))
            return None
        self.assets[archive] = result.read_bytes()
        return archive

    def problems(self) -> list[Problem]:
        """Resolve the pending problems (and warnings) into located :class:`Problem` objects."""
        if not self.pending:
            return []
        locations = load_course(self.root).locations
        found: list[Problem] = []
        for item in self.pending:
            kind = CourseWarning if item.warning else Problem
            if item.md_file is not None:
                display = (self.root / item.md_file).as_posix()
                found.append(kind(display, max(item.line, 1), item.column, "", item.message))
                continue
            place, dotted = locations.find(item.yaml_path)
            line = place.line + _scalar_offset(self.root, place.file, place.line, place.column)
            found.append(
                kind(place.file, line + max(item.line - 1, 0), place.column, dotted, item.message)
            )
        return found


def _scalar_offset(root: Path, display: str, line: int, column: int) -> int:
    """0, or 1 when the YAML value at ``line`` is a block scalar (``|`` / ``>``) starting below."""
    try:
        text = Path(display).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError):
        return 0
    rest = text[column - 1 :].split(":", 1)[-1].lstrip("- ").strip()
    return 1 if rest[:1] in ("|", ">") else 0


def _question(r: _Renderer, q: Question, path: Path_) -> dict[str, Any]:
    """The view of a quiz question or knowledge check."""
    if q.type == "true-false":
        options = [
            {"id": "true", "html": Markup("True"), "feedback": "", "correct": q.answer is True},
            {"id": "false", "html": Markup("False"), "feedback": "", "correct": q.answer is False},
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
    }


def _question_data(r: _Renderer, q: Question) -> dict[str, Any]:
    """What the player needs to know about a question (the data island)."""
    view_ids = ["true", "false"] if q.type == "true-false" else list(OPTION_IDS[: len(q.options)])
    if q.type == "true-false":
        correct = ["true" if q.answer else "false"]
    else:
        correct = [OPTION_IDS[i] for i, o in enumerate(q.options) if o.correct]
    return {"id": q.id, "type": q.type, "options": view_ids, "correct": correct,
            "text": _plain(r, q.prompt)[:250]}  # fmt: skip


def _plain(r: _Renderer, text: str) -> str:
    """Plain text of inline Markdown (for interaction descriptions)."""
    out = []
    for token in r.md.parseInline(text, {}):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return " ".join("".join(out).split())


def _blocks(r: _Renderer, outline: Outline, page: OutlinePage, p: int) -> list[dict[str, Any]]:
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
            view["title"] = value.title
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
        else:  # self_assessment, quiz, certificate
            view["value"] = value
        views.append(view)
    return views


def _data_island(r: _Renderer, outline: Outline) -> dict[str, Any]:
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
                 "questions": [_question_data(r, q) for q in outline.quiz_questions]}
        if course.quiz else None,
        "checks": [_question_data(r, q) for q in outline.knowledge_checks],
        "reflections": [{"id": x.id, "page": x.page_id} for x in outline.reflections],
        "statements": list(outline.statement_ids),
        "scale": len(sa.scale) if sa else 0,
        **{key: special.get(key) for key in ("sa_before_page", "sa_after_page", "quiz_page", "certificate_page")},
    }  # fmt: skip


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
    r = _Renderer(Path(course_root))
    course = outline.course
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
            "title": sa.title,
            "intro": r.markdown(sa.intro, ("self_assessment", "intro")),
            "scale": sa.scale,
            "statements": list(zip(outline.statement_ids, [s.text for s in sa.statements], strict=True)),
        } if sa else None,
        "quiz": {
            "title": course.quiz.title,
            "intro": r.markdown(course.quiz.intro, ("quiz", "intro")),
            "questions": [_question(r, q, ("quiz", "questions", i))
                          for i, q in enumerate(course.quiz.questions)],
        } if course.quiz else None,
        "certificate": r.markdown(course.certificate, ("certificate",)),
        "hours_text": f"{course.hours:.2f}".rstrip("0").rstrip("."),
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
    site.update(r.assets)
    return dict(sorted(site.items())), warnings


def data_json(site: dict[str, bytes]) -> dict[str, Any]:
    """Read the data island back from a rendered ``index.html`` (for tests and tools)."""
    html = site["index.html"].decode("utf-8")
    marker = '<script type="application/json" id="cpd-data">'
    start = html.index(marker) + len(marker)
    return dict(json.loads(html[start : html.index("</script>", start)]))
