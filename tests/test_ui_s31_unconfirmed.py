"""Calls an import inferred and no reviewer confirmed, marked in the app as the report marks them (session 31):
on the canvas (a "?" on the line, dash-dot when hard, the report's words in its tooltip, keyed in the legend),
in the inspector (the mark, the evidence line, Accept/Reject), in the findings and the Risks tab ("rests on
... (inferred, not confirmed: weak)"); a decision (or its undo) updates the marks at once."""
from __future__ import annotations

import pytest

from prr_app.ui.legend import entries
from tests.test_import_dialog import PETCLINIC, import_through_the_dialog
from tests.test_s31_report_unconfirmed import _review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

WEAK = "inferred, not confirmed: weak"
CALL = "genai-service->vets-service"


@pytest.mark.skipif(not PETCLINIC.exists(), reason="shared/realdata is not beside the repository")
def test_petclinic_guesses_on_the_canvas_in_the_inspector_and_after_decisions(qtbot, win, monkeypatch):
    seen = import_through_the_dialog(qtbot, win, monkeypatch, PETCLINIC)
    e = win.scene.edges[CALL]
    assert e.guess == "weak" and win.scene.edges["api-gateway->vets-service"].guess == "strong"
    assert e.pen().dashPattern()  # hard and a guess: dash-dot, not a solid line
    assert WEAK in e.tip() and "string literals in source code" in e.tip()
    assert any(text == WEAK for _d, text in entries())
    # the inspector: the mark, the evidence line, how to confirm; Reject removes it as one undoable step
    win.scene.select_ids([CALL])
    qtbot.wait(10)
    ins = win.inspector
    assert ins.guess_box.isVisible()
    text = ins.guess_label.text().replace("\u200b", "")
    assert text.startswith("Inferred, not confirmed: weak") and ".java:" in text
    assert "--accept ID" in ins.guess_how.text().replace("\u200b", "")
    ins.reject_button.click()
    assert CALL not in win.session.review.dependencies and CALL not in win.scene.edges
    win.session.undo_stack.undo()
    assert win.scene.edges[CALL].guess == "weak"
    # the import report's Accept: the mark goes at once, and comes back with Undo
    panel = seen["report"].inferred
    panel.select([CALL])
    panel.buttons["accept"].click()
    panel.apply_button.click()
    assert win.scene.edges[CALL].guess is None and not win.scene.edges[CALL].pen().dashPattern()
    win.session.undo_stack.undo()
    assert win.scene.edges[CALL].guess == "weak"
    # strong ones accepted in the inspector: every strong mark but the others' goes
    win.scene.select_ids(["api-gateway->vets-service"])
    qtbot.wait(10)
    ins.accept_button.click()
    assert win.scene.edges["api-gateway->vets-service"].guess is None
    assert not ins.guess_box.isVisible()


def test_findings_and_risks_say_what_rests_on_weak_guesses_and_follow_decisions(qtbot, win):
    win.session.new(_review())
    wait_analysis(qtbot, win)
    titles = [f["title"] for f in win.findings.model.rows]
    rests = [t for t in titles if "rests on" in t]
    assert rests and all(t.endswith(f"({WEAK})") for t in rests)
    assert any("; rests on r1->db, api->rg" in t for t in rests)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    rid = next(f["id"] for f in win.findings.model.rows if "rests on" in f["title"])
    assert rv.select(rid)
    assert "Not confirmed: its chain rests on r1->db, api->rg" in rv.detail.toPlainText()
    # both weak calls accepted (the import record only: the analysis is not run again), the marks go
    from prr_app.review import edits, importing

    base = win.session.snapshot()
    new, _said = importing.decide(base, {"api->rg": "accepted", "r1->db": "accepted"})
    win.session.push("accept", edits.review_changes(base, new, win.session.review))
    wait_analysis(qtbot, win)
    assert not any("rests on" in f["title"] for f in win.findings.model.rows)
    assert rv.select(rid) and "Not confirmed" not in rv.detail.toPlainText()
    assert win.scene.edges["api->rg"].guess is None and win.scene.edges["r2->db"].guess == "strong"
