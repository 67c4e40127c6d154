"""Every table of the report as rows of plain values, written as CSV files and one JSON file."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cpd_pack.report.analysis import MIN_LEARNERS, Analysis
from cpd_pack.report.flags import Flag

Rows = list[dict[str, Any]]


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def tables(analysis: Analysis, flags: list[Flag]) -> dict[str, Rows]:
    """Table name -> rows; the same names are used for the CSV files and the JSON keys."""
    a = analysis
    summary: Rows = [
        {"figure": "learners in the data", "value": a.learners, "learners": a.learners},
        {"figure": "learners who started", "value": a.started, "learners": a.learners},
        {"figure": "attempts", "value": a.attempts, "learners": a.started},
        {"figure": "learners who submitted the quiz", "value": a.submitters, "learners": a.started},
        {"figure": "quiz submissions", "value": a.submissions, "learners": a.submitters},
        {"figure": "learners with a score", "value": a.scored, "learners": a.scored},
        {"figure": "learners who passed", "value": a.passed, "learners": a.scored},
        {"figure": "pass rate", "value": _round(a.pass_rate), "learners": a.scored},
        {"figure": "mean best score", "value": _round(a.mean_score, 2), "learners": a.scored},
        {"figure": "median best score", "value": _round(a.median_score, 2), "learners": a.scored},
        {"figure": "reliability (KR-20)", "value": _round(a.reliability), "learners": a.reliability_n},
        {"figure": "pass mark", "value": a.key.pass_mark, "learners": None},
        {"figure": "minimum sample", "value": MIN_LEARNERS, "learners": None},
    ]  # fmt: skip
    questions = [
        {
            "number": q.question.number,
            "question": q.question.id,
            "type": q.question.type,
            "source": q.question.where,
            "learners": q.n,
            "correct": q.correct,
            "facility": _round(q.facility),
            "point_biserial": _round(q.point_biserial),
            "upper_lower": _round(q.upper_lower),
            "group_size": q.group_size,
            "retake_answers": q.retake_n,
            "retake_correct": q.retake_correct,
            "retake_facility": _round(q.retake_facility),
            "flags": len([f for f in flags if f.question == q.question.id]),
        }
        for q in a.questions
    ]
    options = [
        {
            "question": q.question.id,
            "option": o.label,
            "correct": o.correct,
            "learners": q.n,
            "chosen": o.chosen,
            "share": _round(o.share),
            "upper_share": _round(o.upper),
            "lower_share": _round(o.lower),
            "point_biserial": _round(o.discrimination),
            "mean_rest_score": _round(o.mean_rest),
            "text": o.text,
        }
        for q in a.questions
        for o in q.options
    ]
    return {
        "summary": summary,
        "questions": questions,
        "options": options,
        "flags": [
            {
                "question": f.question,
                "source": f.where,
                "kind": f.kind,
                "severity": f.severity,
                "title": f.title,
                "message": f.message,
            }
            for f in flags
        ],
        "scores": [{"best_score": label, "learners": count} for label, count in a.score_bins],
        "attempts": [{"attempts": k, "learners": v} for k, v in a.attempts_per_learner],
        "submissions": [{"submissions": k, "learners": v} for k, v in a.submissions_per_learner],
        "funnel": [
            {"step": s.label, "reached": s.reached, "went_no_further": s.left}
            for s in a.course_funnel
        ],
        "units": [
            {"unit": s.label, "reached": s.reached, "went_no_further": s.left}
            for s in a.unit_funnel
        ],
        "pages": [
            {"page": s.label, "unit": s.group, "reached": s.reached, "went_no_further": s.left}
            for s in a.page_funnel
        ],
        "self_assessment": [
            {
                "statement": r.id,
                "learners": r.n,
                "mean_before": _round(r.before, 2),
                "mean_after": _round(r.after, 2),
                "improved": _round(r.improved),
                "scale": a.scale,
                "text": r.text,
            }
            for r in a.self_assessment
        ],
        "unknown_ids": [{"id": k, "times": v} for k, v in sorted(a.results.unknown.items())],
        "notices": [{"notice": n} for n in a.results.notices],
    }


def to_csv(rows: Rows) -> str:
    """Rows as CSV text (comma-separated, header first; an empty table has no header)."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_json(all_tables: dict[str, Rows], about: dict[str, Any]) -> str:
    """Every table in one JSON document."""
    return json.dumps({**about, "tables": all_tables}, indent=2, ensure_ascii=False) + "\n"
