from __future__ import annotations

from cpd_pack.outline import Outline


def test_pages_are_ordered_numbered_and_linked(mini_outline: Outline) -> None:
    pages = mini_outline.pages
    assert [p.id for p in pages] == ["welcome", "learning", "wrap-up", "final-quiz", "certificate"]
    assert [p.number for p in pages] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    assert (pages[0].prev_id, pages[0].next_id) == (None, "learning")
    assert (pages[-1].prev_id, pages[-1].next_id) == ("final-quiz", None)
    assert [u.id for u in mini_outline.units] == ["start", "finish"]
    assert [p.id for p in mini_outline.units[1].pages] == ["wrap-up", "final-quiz", "certificate"]


def test_questions_reflections_and_statements(mini_outline: Outline) -> None:
    assert [q.id for q in mini_outline.quiz_questions] == ["q-single", "q-multi", "q-tf"]
    assert [q.id for q in mini_outline.knowledge_checks] == ["kc-listen"]
    assert [(r.index, r.id) for r in mini_outline.reflections] == [
        (0, "learning-r1"),
        (1, "wrap-up-r1"),
    ]
    assert mini_outline.statement_ids == ("listen", "s2")


def test_structure_hash_is_stable_and_short(mini_outline: Outline) -> None:
    assert mini_outline.structure_hash == "bebe75"
