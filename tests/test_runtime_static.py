"""What the browser runtime must never do, checked in its source (pitfalls 3 and 4, issue 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parent.parent / "templates"
JS = sorted((TEMPLATES / "static" / "js").rglob("*.js"))
HTML = sorted(TEMPLATES.glob("*.html"))


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_no_unload_handlers_or_synchronous_requests(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"""["'](before)?unload["']|\bon(before)?unload\b""", source)
    assert "XMLHttpRequest" not in source  # the LMS API does the transport
    assert "setInterval" not in source  # commits follow events, never a timer


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_no_markup_or_code_from_strings(path: Path) -> None:
    """Text reaches the page as text (textContent, value, attributes), never as markup or code:
    what the course or the LMS says can never become an element or a script (issue 8)."""
    source = path.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "createContextualFragment", "DOMParser"):  # fmt: skip
        assert sink not in source, sink
    assert not re.search(r"setTimeout\(\s*[\"'`]", source)  # a string is code


@pytest.mark.parametrize("path", HTML, ids=lambda p: p.name)
def test_templates_need_no_inline_script_or_style(path: Path) -> None:
    """The Content-Security-Policy allows no inline script, handler or style attribute."""
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\sstyle=", source)
    assert not re.search(r"\son[a-z]+=", source)
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert ' src="' in tag or 'type="application/json"' in tag, tag


def test_the_page_declares_its_content_security_policy_first() -> None:
    head = (TEMPLATES / "index.html").read_text(encoding="utf-8").split("</head>")[0]
    metas = re.findall(r"<meta [^>]*>", head)
    assert metas[0] == '<meta charset="utf-8">'
    assert metas[1].startswith('<meta http-equiv="Content-Security-Policy" content="default-src')
    policy = dict(p.strip().split(" ", 1) for p in metas[1].split('content="')[1][:-2].split(";"))
    assert policy["script-src"] == "'self'" and "'unsafe" not in policy["script-src"]
    assert policy["object-src"] == policy["base-uri"] == policy["form-action"] == "'none'"


def test_the_runtime_is_there() -> None:
    assert {p.name for p in JS} >= {"player.js", "scorm12.js", "scorm2004.js", "none.js"}
