"""Session 30: what docs/analysis.md and docs/report.md now say of the app is what the app shows.

They said `prr analyze` and the app gave the unanswered-blocker sentence without the items' names;
both name them (the checklist's summary lists the first four), as the report and `prr gate` do."""
from __future__ import annotations

import pytest

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_the_overview_names_the_unanswered_blocker_items_as_the_report_does(qtbot, win, webshop_prr, examples_dir):
    from prr_app.reporting.assessment import build_assessment
    from prr_app.review.document import load_review

    report = build_assessment(load_review(examples_dir / "webshop.json"))
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    shown = win.views["Overview"].reasons.toPlainText()
    line = next(ln for ln in shown.splitlines() if "blocker checklist items are unanswered" in ln)
    assert "“A failure-mode table for the journey Checkout and pay" in line and "and 6 more (section 7.1)" in line
    # the same sentence the report's cover prints
    assert line.removeprefix("• ") in report.analysis["verdict"]["causes"]
