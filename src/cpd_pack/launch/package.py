"""Read a package zip safely and find what the launcher needs in its tincan.xml or cmi5.xml."""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from cpd_pack.exceptions import CpdPackError

TINCAN = "http://projecttincan.com/tincan.xsd"
CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MAX_BYTES = 1024**3
"""Largest total size a package may expand to (1 GiB)."""
MAX_ENTRIES = 20_000
_CHUNK = 1 << 16


class PackageError(CpdPackError):
    """The zip is unsafe, unreadable, or not an xAPI or cmi5 package."""


@dataclass(frozen=True)
class Package:
    """A package extracted to ``root`` (the folder of its tincan.xml or cmi5.xml).

    ``kind`` is ``"xapi"`` or ``"cmi5"``. ``activity_id`` is the launchable activity of
    tincan.xml, or the publisher id of the (first) AU in cmi5.xml; ``url`` is the launch file
    relative to ``root``, with any query string of its own.
    """

    kind: str
    root: Path
    url: str
    activity_id: str
    title: str
    language: str
    course_id: str = ""
    move_on: str = "NotApplicable"
    mastery_score: float | None = None
    launch_parameters: str | None = None
    entitlement_key: str | None = None
    activity_type: str | None = None


def _entry_path(info: zipfile.ZipInfo) -> PurePosixPath:
    """The entry's relative path, or PackageError for an absolute, escaping or link entry."""
    name = info.filename.replace("\\", "/")
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        raise PackageError(f"refusing the package: {info.filename!r} is a symbolic link")
    if "\0" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageError(f"refusing the package: {info.filename!r} is an absolute path")
    path = PurePosixPath(name)
    if ".." in path.parts:
        raise PackageError(f"refusing the package: {info.filename!r} points outside the package")
    if info.flag_bits & 0x1:
        raise PackageError(f"refusing the package: {info.filename!r} is encrypted")
    return path


def extract(zip_path: Path, dest: Path, *, max_bytes: int = MAX_BYTES) -> None:
    """Extract ``zip_path`` into the empty folder ``dest``, refusing anything unsafe.

    Every entry is checked before anything is written; sizes are counted while writing too,
    so a zip whose headers understate its sizes cannot expand beyond ``max_bytes``.
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"{zip_path}: not a readable zip file ({exc})") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise PackageError(f"refusing the package: more than {MAX_ENTRIES} entries")
        paths = [_entry_path(info) for info in infos]
        if sum(info.file_size for info in infos) > max_bytes:
            raise PackageError(f"refusing the package: it expands to more than {max_bytes} bytes")
        written = 0
        for info, rel in zip(infos, paths, strict=True):
            target = dest.joinpath(*rel.parts) if rel.parts else dest
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(target, "wb") as sink:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise PackageError(
                            f"refusing the package: it expands to more than {max_bytes} bytes"
                        )
                    sink.write(chunk)


def _manifest_root(folder: Path) -> tuple[str, Path]:
    """``(kind, folder of the manifest)``: cmi5.xml at the root (cmi5 section 14.1), or
    tincan.xml at the root or down a chain of single subfolders (Rustici convention)."""
    if (folder / "cmi5.xml").is_file():
        return "cmi5", folder
    current = folder
    while True:
        if (current / "tincan.xml").is_file():
            return "xapi", current
        children = list(current.iterdir())
        if len(children) != 1 or not children[0].is_dir():
            raise PackageError(
                "not an xAPI or cmi5 package: no cmi5.xml at the zip root and no tincan.xml"
            )
        current = children[0]


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        return etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"{path.name}: not well-formed XML ({exc})") from exc


def _lang_text(element: etree._Element | None, tag: str) -> tuple[str, str]:
    """``(text, lang)`` of the first ``tag`` child (a tincan name or a cmi5 langstring)."""
    found = None if element is None else element.find(tag)
    if found is None:
        return "", "en-US"
    return " ".join((found.text or "").split()), found.get("lang") or "en-US"


def _is_absolute(url: str) -> bool:
    return "://" in url.split("?", 1)[0] or url.startswith("//")


def _read_tincan(root: Path) -> Package:
    doc = _parse(root / "tincan.xml")
    launchable = [
        a for a in doc.iter(f"{{{TINCAN}}}activity") if a.find(f"{{{TINCAN}}}launch") is not None
    ]
    if len(launchable) != 1:
        raise PackageError(
            f"tincan.xml: expected exactly one activity with <launch>, found {len(launchable)}"
        )
    activity = launchable[0]
    url = " ".join((activity.findtext(f"{{{TINCAN}}}launch") or "").split())
    if not url or _is_absolute(url):
        raise PackageError(f"tincan.xml: the launch file {url!r} must be a path in the package")
    title, lang = _lang_text(activity, f"{{{TINCAN}}}name")
    return Package(
        kind="xapi",
        root=root,
        url=url,
        activity_id=activity.get("id", ""),
        title=title,
        language=lang,
        course_id=activity.get("id", ""),
        activity_type=activity.get("type"),
    )


def _read_cmi5(root: Path) -> Package:
    doc = _parse(root / "cmi5.xml")

    def c(tag: str) -> str:
        return f"{{{CMI5}}}{tag}"

    course = doc.find(c("course"))
    au = next(doc.iter(c("au")), None)
    if doc.tag != c("courseStructure") or course is None or au is None:
        raise PackageError("cmi5.xml: expected a courseStructure with a course and an AU")
    url = (au.findtext(c("url")) or "").strip()
    if not url or _is_absolute(url):
        raise PackageError(f"cmi5.xml: the AU url {url!r} must be a path in the package")
    title, lang = _lang_text(au.find(c("title")), c("langstring"))
    mastery = au.get("masteryScore")
    params = au.findtext(c("launchParameters"))
    key = au.findtext(c("entitlementKey"))
    return Package(
        kind="cmi5",
        root=root,
        url=url,
        activity_id=(au.get("id") or "").strip(),
        title=title,
        language=lang,
        course_id=(course.get("id") or "").strip(),
        move_on=au.get("moveOn", "NotApplicable"),
        mastery_score=float(mastery) if mastery is not None else None,
        launch_parameters=params.strip() if params is not None else None,
        entitlement_key=key.strip() if key is not None else None,
        activity_type=au.get("activityType"),
    )


def open_package(zip_path: Path, dest: Path, *, max_bytes: int = MAX_BYTES) -> Package:
    """Extract ``zip_path`` into ``dest`` and read its manifest; PackageError when unusable."""
    if not zip_path.is_file():
        raise PackageError(f"{zip_path}: no such file")
    extract(zip_path, dest, max_bytes=max_bytes)
    kind, root = _manifest_root(dest)
    return _read_cmi5(root) if kind == "cmi5" else _read_tincan(root)
