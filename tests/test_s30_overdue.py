"""A risk whose fix is past due is flagged "(overdue)" in the report's register and its Markdown, as
the verdict counts it (a mitigation due 2025-01-15, still in progress, read as any other date)."""
from __future__ import annotations

from prr_app.model.entities import Mitigation
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_markdown
from prr_app.review.document import load_review


def test_a_fix_past_due_is_flagged_overdue(examples_dir):
    review = load_review(examples_dir / "webshop.json")
    rid = next(iter(sorted(build_assessment(review, today="2026-12-07").analysis["risks"],
                           key=lambda r: r["rank"])))["id"]
    review.mitigations["late-fix"] = Mitigation(id="late-fix", risks=[rid], title="Second replica", owner="sre",
                                                due="2025-01-15", status="in_progress")
    a = build_assessment(review, today="2026-12-07")
    r = next(x for x in a.analysis["risks"] if x["id"] == rid)
    assert a.risk_due(r, short=True) == "2025-01-15 (overdue)"
    assert "2025-01-15 (overdue)" in render_markdown(review, assessment=a)
    # judged before that date, it is a date like any other
    early = build_assessment(review, today="2025-01-01")
    r = next(x for x in early.analysis["risks"] if x["id"] == rid)
    assert early.risk_due(r, short=True) == "2025-01-15"
