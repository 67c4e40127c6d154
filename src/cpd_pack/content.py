"""Stage 4a: Markdown to HTML and the course files a page names, with located problems."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from cpd_pack import i18n
from cpd_pack.exceptions import CourseWarning, Problem
from cpd_pack.loader import Path_, load_course, read_text, resolve_inside
from cpd_pack.warnings import check_content, raw_html

MEDIA_PREFIX = "media/"
SR_HINT = Markup('<span class="cpd-sr">{}</span>')  # text for screen readers only (cpd.css)


def archive_path(rel: str) -> str:
    """Where a course file goes in the site: under ``media/``, keeping its relative path."""
    rel = posixpath.normpath(rel)
    return rel if rel.startswith(MEDIA_PREFIX) else MEDIA_PREFIX + rel


@dataclass
class Pending:
    """A problem found while rendering, located by source before line numbers are resolved."""

    md_file: str | None
    yaml_path: Path_
    line: int
    message: str
    warning: bool = False
    column: int = 1


@dataclass
class Renderer:
    """Renders Markdown, copies assets and collects problems for one course."""

    root: Path
    t: i18n.Messages
    assets: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    pending: list[Pending] = field(default_factory=list)

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
                self._external(token)
        html = raw_html(self.md_html, text, inline)
        if html is not None:
            self.pending.append(Pending(md_file, path, html[0], html[1], warning=True))
        return Markup(self.md.renderer.render(tokens, self.md.options, env))

    def markdown_file(self, rel: str, path: Path_) -> Markup:
        """Render a Markdown file named (relative to the course folder) at ``path``."""
        text = read_text(self.root / rel, rel)
        if isinstance(text, Problem):  # not UTF-8: located at the first bad byte
            self.pending.append(Pending(rel, path, text.line, text.message, column=text.column))
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
                    Pending(md_file, path, line, f"{what}: {content[1]}", not content[0])
                )
            if target is not None:
                child.attrs[attr] = parts._replace(path=archive_path(parts.path)).geturl()

    def _external(self, inline: Token) -> None:
        """Links leaving the package open in a new tab, without access to the course window
        (``rel="noopener"``), and say so to everyone (a visually hidden hint)."""
        children: list[Token] = []
        leaving: list[bool] = []
        for child in inline.children or []:
            if child.type == "link_open":
                parts = urlsplit(str(child.attrs.get("href", "")))
                leaving.append(bool(parts.scheme or parts.netloc))
                if leaving[-1]:
                    child.attrs["target"] = "_blank"
                    child.attrs["rel"] = "noopener"
            elif child.type == "link_close" and leaving and leaving.pop():
                hint = Token("html_inline", "", 0)
                hint.content = str(SR_HINT.format(self.t("link.new_tab")))
                children.append(hint)
            children.append(child)
        inline.children = children

    def asset(
        self, rel: str, path: Path_, md_file: str | None = None, line: int = 0, what: str = "file"
    ) -> str | None:
        """Copy a course file into the site; return its archive path (None if it is missing)."""
        result = resolve_inside(self.root, rel)
        if isinstance(result, str):
            self.pending.append(Pending(md_file, path, line, f"{what}: {result}"))
            return None
        archive = archive_path(rel)
        source = self.sources.setdefault(archive, result)
        if source != result:
            other = source.relative_to(self.root.resolve()).as_posix()
            message = (
                f"{what}: {rel!r} and {other!r} would both be stored as {archive!r}; rename one"
            )
            self.pending.append(Pending(md_file, path, line, message))
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
