"""Question pools: the checks a quiz's pool, topics and scenarios must pass, and the draw.

An attempt draws ``quiz.drawn`` questions from the bank: ``per_topic`` counts from each topic
(in the order the mapping lists them), else ``draw`` from the whole bank, else every question;
they are shown in bank order, a scenario's questions together where its first one falls.
The draw is a pure function of the shuffle seed kept in the saved state and the attempt number
(the number of submits before it), so a resumed attempt gets the same questions back and a
retake gets a new draw, with nothing more to save. ``templates/static/js/questions.js``
(``draw``) does the same; :func:`draw` here mirrors it for the tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from cpd_pack.loader import Path_
from cpd_pack.model import CHOICE_TYPES, Course, Quiz


def problems(course: Course) -> Iterator[tuple[Path_, str]]:
    """Yield (path, message) for a pool that cannot be drawn and for misplaced question keys."""
    for u, unit in enumerate(course.units):
        for p, page in enumerate(unit.pages):
            for b, block in enumerate(page.blocks):
                q = block.knowledge_check
                if q is None:
                    continue
                path: Path_ = ("units", u, "pages", p, "blocks", b, "knowledge_check")
                if q.type not in CHOICE_TYPES:
                    yield (
                        (*path, "type"),
                        (
                            f"a knowledge check is single, multiple or true-false; {q.type!r} "
                            "questions belong in the quiz"
                        ),
                    )
                for key in ("topic", "scenario"):
                    if getattr(q, key) is not None:
                        yield (*path, key), f"'{key}' is for quiz questions, not knowledge checks"
    if course.quiz is not None:
        yield from _quiz_problems(course.quiz)


def warnings(course: Course) -> Iterator[tuple[Path_, str]]:
    """Yield (path, message) for a feedback policy that hands the key to a learner who can retake."""
    quiz = course.quiz
    if quiz is not None and quiz.feedback.after_fail == "full" and quiz.max_attempts != 1:
        yield (
            ("quiz", "feedback", "after_fail"),
            (
                "'full' shows the correct answers after a failed attempt that can be retaken, so a "
                "retake can be passed from the key; 'questions' shows which were wrong without it"
            ),
        )


def _quiz_problems(quiz: Quiz) -> Iterator[tuple[Path_, str]]:
    bank = len(quiz.questions)
    known = [s.id for s in quiz.scenarios]
    for i, sid in enumerate(known):
        if sid in known[:i]:
            yield ("quiz", "scenarios", i, "id"), f"duplicate scenario id {sid!r}"
    for i, q in enumerate(quiz.questions):
        if q.scenario is not None and q.scenario not in known:
            hint = (
                f"one of: {', '.join(dict.fromkeys(known))}"
                if known
                else "none is defined under quiz.scenarios"
            )
            yield ("quiz", "questions", i, "scenario"), f"no scenario {q.scenario!r}; {hint}"
    if quiz.draw is not None and quiz.draw > bank:
        yield ("quiz", "draw"), f"draws {quiz.draw} questions but the bank has only {bank}"
    if not quiz.per_topic:
        return
    topics = Counter(q.topic for q in quiz.questions)
    for topic, count in quiz.per_topic.items():
        where: Path_ = ("quiz", "per_topic", topic)
        if count < 1:
            yield where, f"must be at least 1; found {count}"
        elif count > topics[topic]:
            have = topics[topic]
            yield (
                where,
                (
                    f"takes {count} questions of topic {topic!r} but the bank has {have} "
                    f"question{'s' * (have != 1)} with 'topic: {topic}'"
                ),
            )
    total = sum(quiz.per_topic.values())
    if quiz.draw is not None and quiz.draw != total:
        yield (
            ("quiz", "draw"),
            (
                f"is {quiz.draw} but the per_topic counts add up to {total}; make them agree "
                "(or leave 'draw' out)"
            ),
        )
    for i, q in enumerate(quiz.questions):
        if q.topic not in quiz.per_topic:
            what = f"topic {q.topic!r}" if q.topic else "no topic"
            yield (
                ("quiz", "questions", i, "topic" if q.topic else "id"),
                (
                    f"question {q.id!r} has {what}, which quiz.per_topic does not list, "
                    "so no attempt would ever draw it"
                ),
            )


def _mulberry32(seed: int) -> Iterator[float]:
    """The random numbers of quiz.js's ``random(seed)``."""
    while True:
        seed = (seed + 0x6D2B79F5) & 0xFFFFFFFF
        t = _imul(seed ^ (seed >> 15), 1 | seed)
        t = ((t + _imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        yield ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


def _imul(a: int, b: int) -> int:
    return (a * b) & 0xFFFFFFFF


def attempt_seed(seed: int, attempt: int) -> int:
    """The seed of one attempt's draw (FNV-style mix of the saved seed and the attempt)."""
    h = _imul((seed ^ 0x9E3779B9) & 0xFFFFFFFF, 16777619)
    return _imul(h ^ attempt, 16777619)


def draw(quiz: Quiz, seed: int, attempt: int) -> list[int]:
    """The bank indexes attempt ``attempt`` shows, in order (questions.js ``draw``)."""
    rnd = _mulberry32(attempt_seed(seed, attempt))

    def pick(pool: list[int], count: int) -> list[int]:
        pool = list(pool)
        for k in range(count):  # partial Fisher-Yates: the first count are the draw
            j = k + int(next(rnd) * (len(pool) - k))
            pool[k], pool[j] = pool[j], pool[k]
        return pool[:count]

    every = list(range(len(quiz.questions)))
    if quiz.per_topic:
        chosen = []
        for topic, count in quiz.per_topic.items():
            chosen += pick([i for i in every if quiz.questions[i].topic == topic], count)
    elif quiz.draw is not None:
        chosen = pick(every, quiz.draw)
    else:
        chosen = every
    chosen.sort()  # in bank order (a unit's questions together); shuffle is for options
    # a scenario's questions stay together, where its first question falls
    groups: dict[str, list[int]] = {}
    order: list[list[int]] = []
    for i in chosen:
        sid = quiz.questions[i].scenario
        if sid is None:
            order.append([i])
        elif sid in groups:
            groups[sid].append(i)
        else:
            groups[sid] = [i]
            order.append(groups[sid])
    return [i for group in order for i in group]
