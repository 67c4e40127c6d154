"""Stage 2: the typed course model: frozen dataclasses whose fields carry their rules.

``validate.py`` reads these classes (type hints plus ``rule(...)`` metadata) to turn YAML data
into instances, reporting every problem at once. A class may define ``check()`` for rules that
involve several fields, and ``precheck(data)`` for rules about the raw mapping. The quiz's
classes are in ``quiz_model.py``, ``rule`` in ``fields.py``; both are imported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from cpd_pack.fields import ID as ID
from cpd_pack.fields import ID_RE as ID_RE
from cpd_pack.fields import ID_RULE as ID_RULE
from cpd_pack.fields import rule as rule
from cpd_pack.question_rules import MAX_OPTIONS as MAX_OPTIONS
from cpd_pack.quiz_model import CHOICE_TYPES as CHOICE_TYPES
from cpd_pack.quiz_model import Feedback as Feedback
from cpd_pack.quiz_model import Option as Option
from cpd_pack.quiz_model import Pair as Pair
from cpd_pack.quiz_model import Question as Question
from cpd_pack.quiz_model import Quiz as Quiz
from cpd_pack.quiz_model import QuizFeedback as QuizFeedback
from cpd_pack.quiz_model import Scenario as Scenario

COURSE_ID_RE = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MEDIA_EXTENSIONS = (".mp3", ".ogg", ".oga", ".m4a", ".wav", ".mp4", ".webm", ".ogv")
VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogv")
DEFAULT_SCALE = (
    "Not at all confident",
    "Slightly confident",
    "Moderately confident",
    "Very confident",
    "Extremely confident",
)


@dataclass(frozen=True)
class Reflection:
    """A pause for reflection, with an optional private answer box."""

    prompt: str = rule(nonempty=True)
    answer: bool = True


def _one_body(text: str, file: str | None) -> str | None:
    if bool(text.strip()) == bool(file):
        return "needs either 'text' or 'file' (one of them)"
    return None


@dataclass(frozen=True)
class CaseStudy:
    """A clinical example or case study."""

    title: str = rule(nonempty=True)
    text: str = ""
    file: str | None = rule(None, source=True)

    def check(self) -> str | None:
        """Exactly one of text and file."""
        return _one_body(self.text, self.file)


@dataclass(frozen=True)
class Review:
    """A 'review and reflect' point."""

    title: str = rule("Review and reflect", nonempty=True)
    text: str = ""
    file: str | None = rule(None, source=True)
    prompt: str = ""

    def check(self) -> str | None:
        """Exactly one of text and file."""
        return _one_body(self.text, self.file)


@dataclass(frozen=True)
class Media:
    """Audio or video with captions and/or a transcript."""

    src: str = rule(source=True, suffix=MEDIA_EXTENSIONS)
    title: str = rule(nonempty=True)
    captions: str | None = rule(None, source=True, suffix=(".vtt",))
    transcript: str | None = rule(None, source=True, suffix=(".md", ".txt"))
    minutes: float | None = rule(None, gt=0, le=600)
    """Running time, for the study-time estimate when it cannot be read from the file (WebM)."""

    @property
    def kind(self) -> str:
        """'audio' or 'video', from the file extension."""
        return "video" if self.src.lower().endswith(VIDEO_EXTENSIONS) else "audio"

    def check(self) -> str | None:
        """Every learner can follow it (WCAG 2.1: 1.2.1 transcripts, 1.2.2 captions)."""
        if self.kind == "video" and not self.captions:
            return "a video needs 'captions' (a WebVTT file) so every learner can follow it"
        if self.kind == "audio" and not self.transcript:
            return "an audio piece needs a 'transcript' so every learner can follow it"
        return None


IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
WIDTH_RE = re.compile(r"^(small|medium|full|([1-9][0-9]?|100)%)$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
FONT_RE = re.compile(r"^[A-Za-z0-9 ,'\"-]{1,200}$")


@dataclass(frozen=True)
class Image:
    """An image with its text alternative (``alt: ""`` marks a decorative image)."""

    src: str = rule(source=True)
    alt: str = rule()
    caption: str = ""
    width: str | None = rule(
        None, pattern=(WIDTH_RE, "small, medium, full or a percentage such as '40%'")
    )
    align: Literal["left", "center", "right"] | None = None


@dataclass(frozen=True)
class Theme:
    """The course's look: colours, font, logo and the provider named on the certificate."""

    primary_color: str | None = rule(None, pattern=(COLOR_RE, "a colour written as #rrggbb"))
    """Header, buttons and headings; white text sits on it."""
    accent_color: str | None = rule(None, pattern=(COLOR_RE, "a colour written as #rrggbb"))
    """Links, focus ring and block rules; it sits on white."""
    font_stack: str | None = rule(
        None, pattern=(FONT_RE, "font names separated by commas, such as 'Georgia, serif'")
    )
    logo: str | None = rule(None, source=True, suffix=IMAGE_EXTENSIONS)
    signature: str | None = rule(None, source=True, suffix=IMAGE_EXTENSIONS)
    """An image of a signature, printed on the certificate."""
    provider: str = ""
    """The course provider's name, on the certificate and as the logo's text alternative."""


URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
URL_RULE = "an http(s) address such as 'https://doi.org/10.1037/pst0000172'"


@dataclass(frozen=True)
class Reading:
    """A set reading: what to read, where to find it and the questions that guide it."""

    citation: str = rule(nonempty=True)
    """The reference as in the course's reference list (Markdown)."""
    minutes: float = rule(gt=0, le=600)
    """How long a careful reading takes; counted in the study-time estimate."""
    questions: tuple[str, ...] = rule(min_items=1, max_items=12)
    """Questions to keep in mind while reading."""
    url: str | None = rule(None, pattern=(URL_RE, URL_RULE))
    """Where to find it (a DOI link or an open-access copy)."""
    open_access: bool = False
    """Free to read without a subscription."""
    title: str = rule("Set reading", nonempty=True)


@dataclass(frozen=True)
class Activity:
    """A skills activity: a task, the learner's own response in a private box (saved like a
    reflection), then a model answer the learner can reveal once they have written."""

    title: str = rule(nonempty=True)
    task: str = rule(nonempty=True)
    minutes: float = rule(gt=0, le=600)
    """How long the activity takes; counted in the study-time estimate."""
    type: Literal["exercise", "case-discussion", "practice-log"] = "exercise"
    """A skills exercise, a case discussion, or a practice-log entry about the learner's own work."""
    model_answer: str = ""
    """Shown on request after the learner has written (Markdown); an exercise needs one."""

    def check(self) -> str | None:
        """A skills exercise has a model answer to compare with."""
        if self.type == "exercise" and not self.model_answer.strip():
            return "a skills exercise needs a 'model_answer' the learner can compare with"
        return None


BLOCK_KINDS = (
    "text", "file", "reflection", "case_study", "key_points", "review", "knowledge_check",
    "media", "image", "reading", "activity", "self_assessment", "quiz", "certificate",
)  # fmt: skip


@dataclass(frozen=True)
class Block:
    """One block of a page; exactly one key is set."""

    text: str | None = rule(None, nonempty=True)
    file: str | None = rule(None, source=True, suffix=(".md",))
    reflection: Reflection | None = None
    case_study: CaseStudy | None = None
    key_points: tuple[str, ...] | None = rule(None, min_items=1)
    review: Review | None = None
    knowledge_check: Question | None = None
    media: Media | None = None
    image: Image | None = None
    reading: Reading | None = None
    activity: Activity | None = None
    self_assessment: Literal["before", "after"] | None = None
    quiz: Literal["final"] | None = None
    certificate: Literal[True] | None = None

    @staticmethod
    def precheck(data: Any) -> str | None:
        """A block is a mapping with exactly one known key."""
        if isinstance(data, str):
            return f"a block is a one-key mapping such as 'text: ...'; found the text {data!r}"
        if isinstance(data, dict):
            kinds = [key for key in data if key in BLOCK_KINDS]
            if len(kinds) != 1 and len(data) == len(kinds):
                found = ", ".join(kinds) or "nothing"
                return f"a block needs exactly one of: {', '.join(BLOCK_KINDS)}; found {found}"
            if len(data) == 1 and kinds and data[kinds[0]] is None:
                return f"'{kinds[0]}' is empty; write the block's content after '{kinds[0]}:'"
        return None

    def check(self) -> str | None:
        """Exactly one kind is set (precheck has said why when not)."""
        set_ = [kind for kind in BLOCK_KINDS if getattr(self, kind) is not None]
        return None if len(set_) == 1 else f"a block needs exactly one of: {', '.join(BLOCK_KINDS)}"

    @property
    def kind(self) -> str:
        """The block's kind: the one key that is set (``check`` guarantees there is one)."""
        return next((kind for kind in BLOCK_KINDS if getattr(self, kind) is not None), "text")

    @property
    def value(self) -> Any:
        """The block's content."""
        return getattr(self, self.kind)


@dataclass(frozen=True)
class Page:
    """A page: a title and its blocks."""

    title: str = rule(nonempty=True)
    blocks: tuple[Block, ...] = rule(min_items=1)
    id: str | None = rule(None, **ID)


@dataclass(frozen=True)
class Unit:
    """A unit: a title and its pages."""

    title: str = rule(nonempty=True)
    pages: tuple[Page, ...] = rule(min_items=1)
    id: str | None = rule(None, **ID)
    hours: float | None = rule(None, gt=0, le=1000)


@dataclass(frozen=True)
class Statement:
    """A competence statement of the self-assessment."""

    text: str = rule(nonempty=True)
    id: str | None = rule(None, **ID)


@dataclass(frozen=True)
class SelfAssessment:
    """The competence self-assessment, taken before and after the course."""

    statements: tuple[Statement, ...] = rule(min_items=1, max_items=60)
    title: str = rule("Competence self-assessment", nonempty=True)
    intro: str = ""
    scale: tuple[str, ...] = rule(DEFAULT_SCALE, min_items=2, max_items=9)


IRI_RE = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s?#<>\"{}|\\^`]*[^\s?#<>\"{}|\\^`/])?$"
)
IRI_RULE = (
    "an absolute http(s) IRI without a trailing slash, query or fragment, "
    "such as 'https://example.org/courses/my-course'"
)


@dataclass(frozen=True)
class Xapi:
    """xAPI and cmi5 settings: the base IRI every activity id is made from."""

    activity_iri: str = rule(pattern=(IRI_RE, IRI_RULE))
    """Never change it: the LRS keys every learner's history by the ids made from it."""


@dataclass(frozen=True)
class Course:
    """The whole course."""

    id: str = rule(
        pattern=(COURSE_ID_RE, ID_RULE.replace("40", "64")),
    )
    title: str = rule(nonempty=True)
    units: tuple[Unit, ...] = rule(min_items=1)
    version: str = rule(
        "1.0",
        pattern=(VERSION_RE, "letters, digits, dots and hyphens, at most 20 characters"),
    )
    language: str = rule("en-GB", pattern=(LANG_RE, "a language tag such as 'en-GB'"))
    description: str = ""
    audience: str = ""
    hours: float = rule(1.0, gt=0, le=1000)
    pass_mark: float = rule(80.0, ge=0, le=100, percent=True)
    completion: Literal["pages", "quiz", "pages-and-quiz"] | None = None
    certificate: str = ""
    self_assessment: SelfAssessment | None = None
    quiz: Quiz | None = None
    xapi: Xapi | None = None
    """Required by the xapi and cmi5 formats only (their packagers check it)."""
    theme: Theme = Theme()
    """Colours, font, logo and provider (checked for WCAG AA contrast: theme.py)."""
    interface: dict[str, str] = field(default_factory=dict)
    """Replacements for single entries of the interface text (keys: src/cpd_pack/messages/en.yaml)."""

    @property
    def completion_rule(self) -> str:
        """The completion rule, defaulted from whether the course has a quiz."""
        return self.completion or ("pages-and-quiz" if self.quiz else "pages")
