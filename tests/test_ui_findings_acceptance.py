"""The app's findings panel and the boxes' marks treat an acceptance that ends before the target
launch as the PDF and the verdict do: not accepted (issue 17, item 7; the same decision everywhere)."""
from __future__ import annotations

from prr_app.review.assess import assess
from prr_app.ui.findings import canvas_marks, findings_from
from tests.decision_reviews import v3_review


def test_an_acceptance_ending_before_launch_is_not_shown_as_accepted():
    a = assess(v3_review())
    flood = next(r for r in a.risks if r["id"] == "rev-2")
    assert flood["accepted"] and flood["acceptance_before_launch"]  # accepted, but only until before launch
    row = next(f for f in findings_from({"analysis": a}) if f["id"] == "rev-2")
    assert row["accepted"] is False and row["blocking"]
    _spofs, worst = canvas_marks(a)
    assert worst.get("api-b") == "critical"  # the box still shows the open critical risk
