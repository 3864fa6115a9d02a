"""Round 28: the app's Risks tab decides through the same use cases as `prr risk`, so a risk accepted
twice keeps both acceptances in its trail, and the risk's pane shows the trail."""
from __future__ import annotations

import pytest

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_reaccepting_in_the_risks_tab_keeps_the_first_acceptance(qtbot, win, webshop_prr):
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    rid = rv.model.rows[0]["id"]
    assert rv.select(rid)
    assert rv.accept(rid, "Lee Chen", "first reason", "2099-12-10") is None
    wait_analysis(qtbot, win)
    assert rv.accept(rid, "Lee Chen", "extended", "2100-06-01") is None
    wait_analysis(qtbot, win)
    rec = win.session.review.risks[rid]
    assert [h.reason for h in rec.history] == ["first reason", "extended"]
    assert rec.history[1].replaced.startswith("the acceptance by Lee Chen until 2099-12-10: first reason")
    assert rv.select(rid)
    text = rv.detail.toPlainText()
    assert "Decisions" in text and "accepted it until 2099-12-10: first reason" in text
    assert "it replaced the acceptance by Lee Chen until 2099-12-10" in text
    # Reopen keeps the acceptance taken back; undo takes the step back with its entry
    rv.reopen_button.click()
    assert [h.decision for h in win.session.review.risks[rid].history] == ["accept", "accept", "reopen"]
    win.a_undo.trigger()
    assert [h.decision for h in win.session.review.risks[rid].history] == ["accept", "accept"]
    # the owner, through the same use case
    assert rv.set_owner(rid, "sre-team") is None
    assert win.session.review.risks[rid].history[-1].value == "sre-team"
