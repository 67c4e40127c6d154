"""Known XSS vectors and the hostile fixture course made of them (tests/fixtures/courses/xss).

Every payload gives itself away if it ever runs: a dialog (``alert``), a console message
starting ``XSS``, or a request to the host ``xss.invalid``. The course puts :func:`hostile` text
in every plain-text field (titles, statements, scale labels, alt text, captions, the description)
and every vector of :data:`VECTORS` in Markdown (text blocks, a Markdown file, a transcript,
prompts, options, feedback, key points, case study and review text, quiz and self-assessment
intros, the certificate). :data:`URL_VECTORS` are Markdown links and images whose URL the build
may reject: each is built on its own (``test_hostile_content.test_url_vector``).

``python tests/e2e/xss_course.py`` writes the course; the test checks the copy in the repository
is what this writes.
"""

from __future__ import annotations

import html
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
COURSE_DIR = REPO / "tests" / "fixtures" / "courses" / "xss"
MINI_MEDIA = REPO / "tests" / "fixtures" / "courses" / "mini" / "media"
MARKER_HOST = "xss.invalid"


@dataclass(frozen=True)
class Vector:
    """One attack string; ``shown`` is what Markdown shows of it (None: ``html.unescape(text)``)."""

    id: str
    text: str
    shown: str | None = None

    @property
    def markdown_shown(self) -> str:
        return html.unescape(self.text) if self.shown is None else self.shown


def _fetch(mark: str) -> str:
    return f"fetch('https://{MARKER_HOST}/{mark}')"


VECTORS: tuple[Vector, ...] = (
    Vector("X01", "<script>alert('X01')</script>"),
    Vector("X02", "<img src=x onerror=\"alert('X02')\">"),
    Vector("X03", "<svg onload=alert('X03')>"),
    Vector("X04", "<svg><script>alert('X04')</script></svg>"),
    Vector("X05", "\"><script>console.log('XSS X05')</script>"),
    Vector("X06", "'><img src=x onerror=console.log('XSS-X06')>"),
    Vector("X07", "</script><script>alert('X07')</script>"),  # out of the JSON data island
    Vector("X08", "<!--<script>alert('X08')</script>-->"),  # a comment inside the data island
    Vector("X09", "</title><script>alert('X09')</script>"),
    Vector("X10", "</textarea><script>alert('X10')</script>"),
    Vector("X11", "<iframe src=\"javascript:alert('X11')\"></iframe>"),
    Vector("X12", "<a href=\"javascript:alert('X12')\">X12</a>"),
    Vector("X13", "<body onload=alert('X13')>"),
    Vector("X14", "<details open ontoggle=alert('X14')>"),
    Vector("X15", "<math><mtext><table><mglyph><style><img src=x onerror=alert('X15')>"),
    Vector("X16", "<scr<script>ipt>alert('X16')</scr</script>ipt>"),  # malformed
    Vector("X17", "<<img src=x onerror=alert('X17')//<"),  # malformed
    Vector("X18", "&lt;script&gt;alert('X18')&lt;/script&gt;"),  # encoded
    Vector("X19", "&#60;img src=x onerror=alert('X19')&#62;"),  # encoded (decimal)
    Vector("X20", "%3Cscript%3Ealert('X20')%3C%2Fscript%3E"),  # URL-encoded
    Vector("X21", "\\u003cscript\\u003ealert('X21')\\u003c/script\\u003e"),  # JS-escaped
    Vector("X22", "{{ 7*7 }} {% if 1 %}X22{% endif %} ${alert('X22')}"),  # template syntax
    Vector("X23", f"<style>@import 'https://{MARKER_HOST}/X23.css';</style>"),
    Vector("X24", f"<link rel=stylesheet href=https://{MARKER_HOST}/X24.css>"),
    Vector("X25", '<meta http-equiv="refresh" content="0;url=javascript:alert(\'X25\')">'),
    Vector("X26", f'<base href="https://{MARKER_HOST}/X26/">'),
    Vector("X27", f'<form action="https://{MARKER_HOST}/X27"><button>X27</button></form>'),
    Vector(
        "X28",
        "<object data=\"javascript:alert('X28')\"></object><embed src=\"javascript:alert('X28')\">",
    ),
    Vector("X29", f'<img src="https://{MARKER_HOST}/X29.png">'),
    Vector("X30", '<a href="#" onclick="alert(\'X30\')">X30</a>'),
    Vector("X31", "<div style=\"background:url(javascript:alert('X31'))\">X31</div>"),
    Vector("X32", "<svg><animate onbegin=alert('X32') attributeName=x dur=1s>"),
    Vector("X33", "<input autofocus onfocus=alert('X33')>"),
    Vector("X34", "<video><source onerror=\"alert('X34')\"></video>"),
    Vector("X35", f"<script src=https://{MARKER_HOST}/X35.js></script>"),
    Vector("X36", "javascript:alert('X36')"),  # bare text, not a link
    Vector(
        "X37",
        "X37 ]]> <![CDATA[ <\\/script> --!> -->",
        shown="X37 ]]> <![CDATA[ </script> --!> -->",
    ),
    Vector("X38", "<img src=x onerror=alert&#40;'X38'&#41;>"),
    Vector("X39", "<a href=\"jav&#x09;ascript:alert('X39')\">X39</a>"),
    Vector("X40", f'<img srcset="https://{MARKER_HOST}/X40.png 1x" src=x>'),
    Vector("X41", '"onmouseover="alert(\'X41\')" x="'),  # attribute breakout
    Vector("X42", "' onfocus='alert(\"X42\")' autofocus x='"),  # attribute breakout
    Vector(
        "X43",
        f"<svg><use href=\"data:image/svg+xml,<svg id='x' onload='{_fetch('X43')}'/>#x\"/></svg>",
    ),
    Vector("X44", "<noscript><p title=\"</noscript><img src=x onerror=alert('X44')>\"></noscript>"),
)

# Markdown that makes links, images and code on purpose: checked for safety, not for literal text.
MARKDOWN_VECTORS: tuple[Vector, ...] = (
    Vector("M01", "[M01 link](<#\" onclick=\"alert('M01')>)"),
    Vector("M02", "![M02 alt\" onerror=\"alert('M02')](media/ok.png)"),
    Vector("M03", '[M03 title](media/ok.png "t\\" onmouseover=\\"alert(\'M03\')")'),
    Vector("M04", f"<https://{MARKER_HOST}/M04>"),
    Vector("M05", "`<script>alert('M05')</script>`"),
    Vector("M06", "```html\n<script>alert('M06')</script>\n```"),
    Vector("M07", "<div>\n<script>alert('M07')</script>\n</div>"),
    Vector("M08", "[M08 ref][m08]\n\n[m08]: <#\" onclick=\"alert('M08')>"),
)

# Links and images with a URL scheme or a path the build may refuse (a clear error is a pass):
# each goes into its own copy of the mini course.
URL_VECTORS: tuple[Vector, ...] = (
    Vector("U01", "[U01](javascript:alert('U01'))"),
    Vector("U02", "![U02](javascript:alert('U02'))"),
    Vector("U03", "[U03](JaVaScRiPt:alert('U03'))"),
    Vector("U04", "[U04](java&#x09;script:alert('U04'))"),
    Vector("U05", "[U05](data:text/html;base64,PHNjcmlwdD5hbGVydCgnVTA1Jyk8L3NjcmlwdD4=)"),
    Vector("U06", "![U06](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoJ1UwNicpPjwvc3ZnPg==)"),
    Vector("U07", f"![U07](https://{MARKER_HOST}/U07.png)"),
    Vector("U08", "[U08](vbscript:msgbox('U08'))"),
    Vector("U09", "<javascript:alert('U09')>"),
    Vector("U10", "[U10][u10]\n\n[u10]: javascript:alert('U10')"),
    Vector("U11", f"![U11](//{MARKER_HOST}/U11.png)"),
    Vector("U12", f"[U12](//{MARKER_HOST}/U12)"),
    Vector("U13", "![U13](../../../../etc/passwd)"),
    Vector("U14", "![U14](/etc/passwd)"),
    Vector("U15", "[U15](file:///etc/passwd)"),
    Vector("U16", f'![U16](https://{MARKER_HOST}/U16.svg "x\\" onerror=\\"alert(\'U16\')")'),
)

HOSTILE_LEARNER = "<img src=x onerror=alert('learner')>, </script><script>alert('learner')</script>"


def hostile(field: str) -> str:
    """A plain-text field's value: several vectors at once, marked with the field's name."""
    return (
        f"{field} <script>alert('{field}')</script>\"><img src=x onerror=\"console.log('XSS {field}')\">"
        f"</title></textarea><svg onload=\"{_fetch(field)}\"><!--</script> &lt;b&gt;&amp; '{field}'"
    )


def markdown_block(vectors: tuple[Vector, ...]) -> str:
    """Every vector as its own paragraph."""
    return "\n\n".join(v.text for v in vectors) + "\n"


# --------------------------------------------------------------------------- the course

PLAIN_FIELDS = (  # where hostile() text goes: (field name, YAML path)
    "course-title", "course-description", "course-audience", "unit-1", "unit-2",
    "page-text", "page-file", "page-media", "page-review", "page-quiz", "page-cert",
    "case-title", "review-title", "media-title", "image-caption", "sa-title", "sa-statement-1",
    "sa-statement-2", "sa-scale-1", "sa-scale-2", "sa-scale-3", "quiz-title",
)  # fmt: skip
ALT_TEXT = VECTORS[40].text + VECTORS[41].text  # attribute breakouts


def _course() -> dict[str, Any]:
    h = hostile
    md_all = markdown_block(VECTORS)
    return {
        "id": "xss-course",
        "title": h("course-title"),
        "version": "1.0",
        "language": "en-GB",
        "description": h("course-description"),
        "audience": h("course-audience"),
        "hours": 1,
        "pass_mark": 50,
        "completion": "pages-and-quiz",
        "certificate": markdown_block(VECTORS[:12]),
        "units": [
            "units/01-hostile.yaml",
            {
                "id": "u2",
                "title": h("unit-2"),
                "pages": [
                    {"id": "review", "title": h("page-review"), "blocks": [
                        {"self_assessment": "after"},
                        {"review": {"title": h("review-title"), "text": markdown_block(VECTORS[12:24]),
                                    "prompt": markdown_block(VECTORS[24:])}},
                    ]},
                    {"id": "quiz", "title": h("page-quiz"), "blocks": [{"quiz": "final"}]},
                    {"id": "cert", "title": h("page-cert"), "blocks": [{"certificate": True}]},
                ],
            },
        ],
        "self_assessment": {
            "title": h("sa-title"),
            "intro": md_all,
            "scale": [h("sa-scale-1"), h("sa-scale-2"), h("sa-scale-3")],
            "statements": [{"id": "s1", "text": h("sa-statement-1")},
                           {"id": "s2", "text": h("sa-statement-2")}],
        },
        "quiz": {
            "title": h("quiz-title"),
            "intro": md_all,
            "shuffle": False,
            "questions": [
                {"id": "q1", "type": "single", "prompt": VECTORS[0].text + " " + VECTORS[1].text,
                 "options": [
                     {"text": VECTORS[2].text, "correct": True, "feedback": VECTORS[3].text},
                     {"text": VECTORS[4].text, "feedback": VECTORS[5].text},
                     {"text": VECTORS[6].text, "feedback": VECTORS[7].text},
                 ],
                 "feedback": {"correct": md_all, "incorrect": md_all}},
                # U+2028/9 end a JavaScript string before ES2019: they land in the data island and
                # in js/lms.js (xAPI activity definitions) through the interaction's text
                {"id": "q2", "type": "true-false", "prompt": VECTORS[8].text + " \u2028 \u2029 X45", "answer": True,
                 "feedback": {"correct": VECTORS[9].text, "incorrect": VECTORS[10].text}},
            ],
        },
        "xapi": {"activity_iri": "https://example.org/courses/xss-course"},
    }  # fmt: skip


def _unit() -> dict[str, Any]:
    h = hostile
    return {
        "id": "u1",
        "title": h("unit-1"),
        "pages": [
            {"id": "text", "title": h("page-text"), "blocks": [
                {"text": markdown_block(VECTORS + MARKDOWN_VECTORS)},
                {"self_assessment": "before"},
            ]},
            {"id": "file", "title": h("page-file"), "blocks": [
                {"file": "pages/vectors.md"},
                {"reflection": {"prompt": markdown_block(VECTORS[:20])}},
                {"case_study": {"title": h("case-title"), "text": markdown_block(VECTORS[20:])}},
                {"key_points": [v.text for v in VECTORS]},
            ]},
            {"id": "media", "title": h("page-media"), "blocks": [
                {"media": {"src": "media/tone.wav", "title": h("media-title"),
                           "transcript": "media/transcript.md"}},
                {"image": {"src": "media/ok.png", "alt": ALT_TEXT, "caption": h("image-caption")}},
                {"knowledge_check": {
                    "id": "kc1", "type": "single", "prompt": VECTORS[11].text + VECTORS[12].text,
                    "options": [
                        {"text": VECTORS[13].text, "correct": True, "feedback": VECTORS[14].text},
                        {"text": VECTORS[15].text, "feedback": VECTORS[16].text},
                    ]}},
            ]},
        ],
    }  # fmt: skip


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # multi-line text as a block scalar, unless YAML cannot hold it that way (U+2028/9)
    block = (
        "\n" in text and not any(c in text for c in "\u2028\u2029\x85") and text == text.strip(" ")
    )
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if block else None)


_Dumper.add_representer(str, _str)


def _dump(data: Any) -> str:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    return "# Generated by tests/e2e/xss_course.py: edit that file, not this one.\n" + text


def files() -> dict[str, bytes]:
    """Every file of the hostile course (relative path -> bytes)."""
    return {
        "course.yaml": _dump(_course()).encode(),
        "units/01-hostile.yaml": _dump(_unit()).encode(),
        "pages/vectors.md": markdown_block(VECTORS + MARKDOWN_VECTORS).encode(),
        "media/transcript.md": markdown_block(VECTORS).encode(),
        "media/tone.wav": (MINI_MEDIA / "hello.wav").read_bytes(),
        "media/ok.png": (MINI_MEDIA / "square.png").read_bytes(),
    }


def write(target: Path = COURSE_DIR) -> None:
    """Write the course into ``target`` (replacing what is there)."""
    if target.exists():
        shutil.rmtree(target)
    for rel, data in files().items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(data)


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else COURSE_DIR)
    print(f"wrote {COURSE_DIR}")
