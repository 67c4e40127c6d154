"""Stage 2: the typed course model (frozen pydantic models; unknown keys are rejected)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from cpd_pack.loader import resolve_inside

ID_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
COURSE_ID_RE = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_OPTIONS = 26
MEDIA_EXTENSIONS = (".mp3", ".ogg", ".oga", ".m4a", ".wav", ".mp4", ".webm", ".ogv")
DEFAULT_SCALE = (
    "Not at all confident",
    "Slightly confident",
    "Moderately confident",
    "Very confident",
    "Extremely confident",
)


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _pattern(regex: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"must be {what}; found {value!r}")
        return value

    return AfterValidator(check)


def _source_file(value: str, info: ValidationInfo) -> str:
    root = (info.context or {}).get("root")
    if root is not None:
        result = resolve_inside(root, value)
        if isinstance(result, str):
            raise ValueError(result)
    return value


Text = Annotated[str, AfterValidator(_nonempty)]
Id = Annotated[
    str,
    _pattern(
        ID_RE,
        "lowercase letters, digits and hyphens, starting with a letter, at most 40 characters",
    ),
]
SourceFile = Annotated[str, AfterValidator(_nonempty), AfterValidator(_source_file)]


class Model(BaseModel):
    """Base of every model: frozen, strict about unknown keys, remembers known keys for hints."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _remember_known_keys(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and info.context is not None:
            info.context.setdefault("known", {})[id(data)] = sorted(cls.model_fields)
        return data


class Feedback(Model):
    """Feedback shown after a question is answered."""

    correct: str = ""
    incorrect: str = ""


class Option(Model):
    """One option of a choice question."""

    text: Text
    correct: bool = False
    feedback: str = ""


class Question(Model):
    """A quiz question or knowledge check."""

    id: Id
    type: Literal["single", "multiple", "true-false"]
    prompt: Text
    options: tuple[Option, ...] = ()
    answer: bool | None = None
    feedback: Feedback = Feedback()

    @model_validator(mode="after")
    def _check_answers(self) -> Question:
        if self.type == "true-false":
            if self.options:
                raise ValueError(
                    "a true-false question takes 'answer: true' or 'answer: false', not options"
                )
            if self.answer is None:
                raise ValueError("a true-false question needs 'answer: true' or 'answer: false'")
            return self
        if self.answer is not None:
            raise ValueError(
                f"'answer' is only for true-false questions; this one is {self.type!r}"
            )
        if not 2 <= len(self.options) <= MAX_OPTIONS:
            raise ValueError(f"needs 2 to {MAX_OPTIONS} options; found {len(self.options)}")
        correct = sum(option.correct for option in self.options)
        if correct == 0:
            raise ValueError(
                "no option is marked 'correct: true'; a question needs a correct answer"
            )
        if self.type == "single" and correct > 1:
            raise ValueError(
                f"a single-choice question has exactly one correct option; found {correct}"
            )
        return self


class Reflection(Model):
    """A pause for reflection, with an optional private answer box."""

    prompt: Text
    answer: bool = True


class CaseStudy(Model):
    """A clinical example or case study."""

    title: Text
    text: str = ""
    file: SourceFile | None = None

    @model_validator(mode="after")
    def _has_body(self) -> CaseStudy:
        if bool(self.text.strip()) == bool(self.file):
            raise ValueError("needs either 'text' or 'file' (one of them)")
        return self


class Review(Model):
    """A 'review and reflect' point."""

    title: Text = "Review and reflect"
    text: str = ""
    file: SourceFile | None = None
    prompt: str = ""

    @model_validator(mode="after")
    def _has_body(self) -> Review:
        if bool(self.text.strip()) == bool(self.file):
            raise ValueError("needs either 'text' or 'file' (one of them)")
        return self


def _media_file(value: str) -> str:
    if not value.lower().endswith(MEDIA_EXTENSIONS):
        raise ValueError(
            f"must be an audio or video file ({', '.join(MEDIA_EXTENSIONS)}); found {value!r}"
        )
    return value


class Media(Model):
    """Audio or video with captions and/or a transcript."""

    src: Annotated[SourceFile, AfterValidator(_media_file)]
    title: Text
    captions: SourceFile | None = None
    transcript: SourceFile | None = None

    @property
    def kind(self) -> str:
        """'audio' or 'video', from the file extension."""
        return "video" if self.src.lower().endswith((".mp4", ".webm", ".ogv")) else "audio"

    @model_validator(mode="after")
    def _accessible(self) -> Media:
        if not (self.captions or self.transcript):
            raise ValueError(
                "needs a 'transcript' or 'captions' file so every learner can follow it"
            )
        return self


class Image(Model):
    """An image with its text alternative."""

    src: SourceFile
    alt: str
    caption: str = ""


BLOCK_KINDS = (
    "text", "file", "reflection", "case_study", "key_points", "review", "knowledge_check",
    "media", "image", "self_assessment", "quiz", "certificate",
)  # fmt: skip


class Block(Model):
    """One block of a page; exactly one key is set."""

    text: Text | None = None
    file: SourceFile | None = None
    reflection: Reflection | None = None
    case_study: CaseStudy | None = None
    key_points: Annotated[tuple[Text, ...], Field(min_length=1)] | None = None
    review: Review | None = None
    knowledge_check: Question | None = None
    media: Media | None = None
    image: Image | None = None
    self_assessment: Literal["before", "after"] | None = None
    quiz: Literal["final"] | None = None
    certificate: Literal[True] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if isinstance(data, str):
            raise ValueError(
                f"a block is a one-key mapping such as 'text: ...'; found the text {data!r}"
            )
        if isinstance(data, dict):
            kinds = [key for key in data if key in BLOCK_KINDS]
            if len(kinds) != 1 and len(data) == len(kinds):
                found = ", ".join(kinds) or "nothing"
                raise ValueError(
                    f"a block needs exactly one of: {', '.join(BLOCK_KINDS)}; found {found}"
                )
        return data

    @property
    def kind(self) -> str:
        """The block's kind: the one key that is set."""
        return next(kind for kind in BLOCK_KINDS if getattr(self, kind) is not None)

    @property
    def value(self) -> Any:
        """The block's content."""
        return getattr(self, self.kind)


class Page(Model):
    """A page: a title and its blocks."""

    id: Id | None = None
    title: Text
    blocks: Annotated[tuple[Block, ...], Field(min_length=1)]


class Unit(Model):
    """A unit: a title and its pages."""

    id: Id | None = None
    title: Text
    hours: Annotated[float, Field(gt=0, le=1000)] | None = None
    pages: Annotated[tuple[Page, ...], Field(min_length=1)]


class Statement(Model):
    """A competence statement of the self-assessment."""

    id: Id | None = None
    text: Text


class SelfAssessment(Model):
    """The competence self-assessment, taken before and after the course."""

    title: Text = "Competence self-assessment"
    intro: str = ""
    scale: Annotated[tuple[Text, ...], Field(min_length=2, max_length=10)] = DEFAULT_SCALE
    statements: Annotated[tuple[Statement, ...], Field(min_length=1, max_length=60)]


class Quiz(Model):
    """The scored final quiz."""

    title: Text = "Final quiz"
    intro: str = ""
    shuffle: bool = False
    questions: Annotated[tuple[Question, ...], Field(min_length=1)]


class Course(Model):
    """The whole course."""

    id: Annotated[
        str,
        _pattern(
            COURSE_ID_RE,
            "lowercase letters, digits and hyphens, starting with a letter, at most 64 characters",
        ),
    ]
    title: Text
    version: Annotated[
        str,
        _pattern(
            VERSION_RE, 'letters, digits, dots and hyphens, at most 20 characters (quote it: "1.0")'
        ),
    ] = "1.0"
    language: Annotated[str, _pattern(LANG_RE, "a language tag such as 'en-GB'")] = "en-GB"
    description: str = ""
    audience: str = ""
    hours: Annotated[float, Field(gt=0, le=1000)] = 1
    pass_mark: Annotated[float, Field(ge=0, le=100)] = 80
    completion: Literal["pages", "quiz", "pages-and-quiz"] | None = None
    certificate: str = ""
    units: Annotated[tuple[Unit, ...], Field(min_length=1)]
    self_assessment: SelfAssessment | None = None
    quiz: Quiz | None = None

    @property
    def completion_rule(self) -> str:
        """The completion rule, defaulted from whether the course has a quiz."""
        return self.completion or ("pages-and-quiz" if self.quiz else "pages")
