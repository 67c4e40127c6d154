"""Author mistakes that YAML and Markdown accept silently, and how cpd-pack reports each.

=====================================================  =======  =============================
Mistake                                                Kind     Reported by
=====================================================  =======  =============================
``pass_mark: 0.7``: a fraction, not a percentage       error    validate ("did you mean 70?")
``pass_mark: 1``: probably meant 100                   warning  validate
``title: #1 Welcome``: ``#`` starts a comment, so a    error    validate (quote the value)
required text is empty
``id: #intro`` on an optional key: empty for the       warning  validate (quote the value)
same reason (only when no space follows the ``#``)
a dedented key that lands in the parent mapping        error    validate (names the mapping
                                                                it belongs to and its line)
a duplicate unit, page, question or statement id       error    validate (the first use's
                                                                file:line)
a missing file whose name differs only in case or      error    loader ("did you mean ...?")
extension from one that exists
a unit file listed twice, or ``course.yaml`` as a unit  error    loader
a ``.png .jpg .gif .webp .mp3 .mp4 .webm .ogg .wav``   warning  validate (rename it)
file named in the YAML holding another type of the
same kind (images linked from Markdown: not checked)
such a file, or a ``.vtt``, holding anything else      error    validate
(or nothing)
raw HTML in Markdown (shown to learners as literal     warning  render, at the Markdown's
text: the Markdown is rendered with HTML disabled)              file:line
=====================================================  =======  =============================
"""

from __future__ import annotations

import os
from pathlib import Path

from markdown_it import MarkdownIt

# type -> (what it is, with its article; kind; the usual file extension)
TYPES = {
    "png": ("a PNG image", "image", ".png"),
    "jpeg": ("a JPEG image", "image", ".jpg"),
    "gif": ("a GIF image", "image", ".gif"),
    "webp": ("a WebP image", "image", ".webp"),
    "mp3": ("MP3 audio", "media", ".mp3"),
    "mp4": ("an MP4 file", "media", ".mp4"),
    "webm": ("a WebM file", "media", ".webm"),
    "ogg": ("an Ogg file", "media", ".ogg"),
    "wav": ("WAV audio", "media", ".wav"),
    "vtt": ("a WebVTT captions file", "captions", ".vtt"),
}
BY_SUFFIX = {
    ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp",
    ".mp3": "mp3", ".mp4": "mp4", ".m4a": "mp4", ".webm": "webm", ".ogg": "ogg", ".oga": "ogg",
    ".ogv": "ogg", ".wav": "wav", ".vtt": "vtt",
}  # fmt: skip
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")


def similar_file(root: Path, rel: str) -> str | None:
    """An existing file whose path differs from ``rel`` only in case or extension."""
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    folder, found = root, []
    for index, part in enumerate(parts):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return None
        last = index == len(parts) - 1
        same = [n for n in names if n.lower() == part.lower()]
        if last and not same:
            stem = Path(part).stem.lower()
            same = [n for n in names if Path(n).stem.lower() == stem]
        match = part if part in names else (same[0] if same else None)
        if match is None:
            return None
        found.append(match)
        folder = folder / match
    suggestion = "/".join(found)
    return suggestion if folder.is_file() and suggestion != "/".join(parts) else None


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes (a key of :data:`TYPES`), or None."""
    riff = head[8:12] if head[:4] == b"RIFF" else b""
    text = head.removeprefix(b"\xef\xbb\xbf")
    checks = (
        ("png", head.startswith(b"\x89PNG\r\n\x1a\n")),
        ("jpeg", head.startswith(b"\xff\xd8\xff")),
        ("gif", head[:6] in (b"GIF87a", b"GIF89a")),
        ("webp", riff == b"WEBP"),
        ("wav", riff == b"WAVE"),
        ("ogg", head.startswith(b"OggS")),
        ("webm", head.startswith(b"\x1a\x45\xdf\xa3")),
        ("mp4", head[4:8] in _MP4_BOXES),
        ("mp3", head.startswith(b"ID3") or (head[:1] == b"\xff" and head[1:2] >= b"\xe0")),
        ("vtt", text.startswith(b"WEBVTT") and text[6:7] in (b"", b" ", b"\t", b"\n", b"\r")),
    )
    return next((name for name, ok in checks if ok), None)


def check_content(path: Path, rel: str) -> tuple[bool, str] | None:
    """Compare a media file's first bytes with its extension: (is it an error, message) or None."""
    expected = BY_SUFFIX.get(Path(rel).suffix.lower())
    if expected is None:
        return None
    try:
        with path.open("rb") as stream:
            head = stream.read(16)
    except OSError as exc:
        return True, f"cannot be read: {rel!r} ({exc.strerror or exc})"
    actual = sniff(head)
    if actual == expected:
        return None
    want, kind, _ = TYPES[expected]
    if actual is None:
        if not head:
            return True, f"{rel!r} is empty; expected {want}"
        if expected == "vtt":
            return True, f"{rel!r} is not {want}: it must start with the line 'WEBVTT'"
        if all(32 <= byte < 127 or byte in b"\t\r\n" for byte in head):
            return True, f"{rel!r} holds text, not {want}"
        return (
            True,
            f"{rel!r} does not hold {want} (it does not start as one does); export it again",
        )
    got, got_kind, suffix = TYPES[actual]
    if got_kind != kind:
        return True, f"{rel!r} holds {got}, not {want}"
    renamed = rel[: len(rel) - len(Path(rel).suffix)] + suffix
    return False, (
        f"{rel!r} holds {got}, not {want}; rename it {renamed!r} so that browsers and LMSs "
        "get its type right"
    )


def raw_html(parser: MarkdownIt, text: str, inline: bool) -> tuple[int, str] | None:
    """The first raw HTML in Markdown ``text``: its line (from 1) and a warning, or None.

    ``parser`` must have HTML enabled; cpd-pack renders with it disabled, so such HTML reaches
    learners as literal text.
    """
    if "<" not in text:
        return None
    found: list[tuple[int, str]] = []
    for token in parser.parseInline(text, {}) if inline else parser.parse(text, {}):
        if token.type == "html_block":
            found.append(((token.map or [0])[0], token.content.strip()))
        elif token.type == "inline":
            line = token.map[0] if token.map else 0
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "html_inline":
                    found.append((line, child.content))
    if not found:
        return None
    line, tag = found[0]
    tag = tag.splitlines()[0] if tag else tag
    tag = tag if len(tag) <= 40 else tag[:37] + "..."
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return line + 1, (
        f"raw HTML {tag!r}{more} is shown to learners as literal text, not as HTML; "
        "write it in Markdown instead"
    )
