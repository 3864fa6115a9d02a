"""The findings after an edit are those of the review as it is now (issue 18, findings within
300 ms of an edit): an edit that changes nothing the analysis reads (a name, a description, a
position) takes the last analysis over instead of running it again, and every other edit is
analysed afresh; the panel says "updating" while a result is on its way. The oracle is a fresh
analysis of the edited review. Speed is measured in benchmarks/bench_ui.py --meeting."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from prr_app.model.validation import validate
from prr_app.review import edits
from prr_app.review.assess import assess
from prr_app.ui.findings import canvas_marks, findings_from
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def fresh_rows(review) -> tuple[list[dict], object]:
    problems = validate(review)
    a = None if problems else assess(review, today=None)
    return findings_from({"problems": problems, "analysis": a, "error": None}), a


def assert_shows_a_fresh_analysis(w) -> None:
    """The findings panel, its summary and the boxes' marks are a fresh analysis' of the review now."""
    rows, a = fresh_rows(w.session.review)
    assert w.findings.model.rows == rows
    assert "updating" not in w.findings.summary.text()
    assert w.result["review"].components == w.session.review.components
    spofs, sev = canvas_marks(a)
    shown = {cid for cid, it in w.scene.nodes.items() if it.spof}
    assert shown == {c for c in spofs if c in w.scene.nodes}
    assert w.result["analysis"].verdict == a.verdict


def _type_into(qtbot, w, attr: str, text: str) -> None:
    """Type ``text`` into the inspector's editor of ``attr`` and press Enter, as a user does."""
    ed = w.inspector.editors[attr]
    ed.setFocus()
    ed.selectAll()
    qtbot.keyClicks(ed, text)
    qtbot.keyClick(ed, Qt.Key.Key_Return)


def test_describing_a_component_keeps_the_analysis_and_shows_what_a_fresh_one_finds(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    first = wait_analysis(qtbot, win)
    win.scene.select_ids(["checkout-svc"])
    win.edit("describe", edits.set_fields, "components", "checkout-svc", description="Takes the orders")
    res = wait_analysis(qtbot, win)
    assert res is not first and res["reused"]  # not analysed again: nothing it reads changed
    assert res["analysis"] is first["analysis"]
    assert res["review"].components["checkout-svc"].description == "Takes the orders"
    assert_shows_a_fresh_analysis(win)


def test_renaming_a_component_shows_the_new_name_in_the_checklist_texts(qtbot, win, webshop_prr):
    # a component's name is in its checklist items' texts (and the verdict's reasons when one
    # blocks): a rename that kept the last analysis showed the old name there
    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    win.scene.select_ids(["checkout-svc"])
    _type_into(qtbot, win, "name", "Checkout (renamed in the meeting)")
    assert win.session.review.components["checkout-svc"].name == "Checkout (renamed in the meeting)"
    res = wait_analysis(qtbot, win)
    assert not res["reused"]
    assert res["review"].components["checkout-svc"].name == "Checkout (renamed in the meeting)"
    assert_shows_a_fresh_analysis(win)


def test_a_change_the_analysis_reads_is_analysed_again(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    first = wait_analysis(qtbot, win)
    assert any(f["id"].startswith("spof:") and "checkout-svc" in f["components"] for f in first["findings"])
    win.edit("replicas", edits.set_fields, "components", "checkout-svc", replicas=3, placement=[])
    assert "updating" in win.findings.summary.text()  # before the next paint: never stale without saying so
    res = wait_analysis(qtbot, win)
    assert not res["reused"]
    assert_shows_a_fresh_analysis(win)


def test_after_fast_mixed_edits_and_undo_the_findings_are_those_of_the_review_now(qtbot, win, webshop_prr):
    """Edits that come faster than the analysis, some it reads and some it does not, then undo
    and redo: whatever result is shown in the end is the current review's, never an older one's."""
    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    r = win.session.review
    comps = sorted(r.components)
    for k, cid in enumerate(comps[:6]):
        if k % 2:
            win.edit("describe", edits.set_fields, "components", cid, description=f"note {k}", name=f"N{k}")
        else:
            win.edit("replicas", edits.set_fields, "components", cid, replicas=k + 2)
        qtbot.wait(3)
    wait_analysis(qtbot, win)
    assert_shows_a_fresh_analysis(win)
    stack = win.session.undo_stack
    for _ in range(3):
        stack.undo()
    wait_analysis(qtbot, win)
    assert_shows_a_fresh_analysis(win)
    stack.undo()  # a rename and description undone: still the review's own result
    res = wait_analysis(qtbot, win)
    assert_shows_a_fresh_analysis(win)
    stack.redo()
    stack.redo()
    wait_analysis(qtbot, win)
    assert_shows_a_fresh_analysis(win)
    # undo back to the opened review: the findings are the opened review's again
    while stack.canUndo():
        stack.undo()
    wait_analysis(qtbot, win)
    assert_shows_a_fresh_analysis(win)
    assert res is not None


def test_a_rename_that_breaks_a_rule_shows_the_problem_not_the_old_analysis(qtbot, win, webshop_prr, monkeypatch):
    """Validation runs for every edit: a name the model refuses shows the problem at once."""
    from prr_app.model import validation

    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    real = validation.validate

    def picky(review):  # a rule about names (the model's own rules accept any name)
        out = real(review)
        c = review.components.get("checkout-svc")
        if c is not None and c.name == "bad name":
            out.append(validation.Problem("$.components[checkout-svc].name", "a name the rule refuses"))
        return out

    monkeypatch.setattr(validation, "validate", picky)
    win.edit("rename", edits.set_fields, "components", "checkout-svc", name="bad name")
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is None and res["problems"]
    assert any(f["severity"] == "error" and "checkout-svc" in f["components"] for f in win.findings.model.rows)
    win.session.undo_stack.undo()
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None and not res["reused"]  # after problems, analysed afresh
