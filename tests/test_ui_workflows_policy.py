"""Issue 17 in the app: the resilience policy edited in the window, the verdict following live."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from prr_app.review import edits
from tests.ui_driver import menu_action, read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints", "raise()")]


def click(qtbot, box):
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.width() // 2, box.height() // 2))


def blocking(w):
    return sum(1 for r in w.result["analysis"].risks if r["launch_blocking"])


def test_policy_editor_changes_the_verdict_live_undoably_and_on_disk(qtbot, win, webshop_prr):
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    assert win.session.review.policy is None
    before = blocking(win)
    menu_action(win, "Review", "Resilience Policy").trigger()
    d = win._policy_dialog
    qtbot.waitExposed(d)
    ed = d.editor
    # a row per disruption type, then the domain kinds the review has
    assert list(ed.rows)[:5] == ["instance", "component", "zone", "region", "provider"]
    assert "cluster" in ed.rows
    assert [t for t, (box, *_r) in ed.rows.items() if box.isChecked()] == ["instance", "component", "zone"]
    assert "default" in ed.state.text()
    assert "NOT READY" in ed.verdict.text()
    # a service that need not survive instance, component or zone failures: far fewer blockers
    for t in ("instance", "component", "zone"):
        click(qtbot, ed.rows[t][0])
    r = win.session.review
    assert r.policy is not None and r.policy.survive == []
    wait_analysis(qtbot, win)
    after = blocking(win)
    assert after < before
    assert f"{after} launch-blocking" in ed.verdict.text()
    assert not any(x["policy_required"] for x in win.result["analysis"].risks if x["id"].startswith("spof:"))
    # region now required: the keyboard works too (Space on the focused box)
    ed.rows["region"][0].setFocus()
    QTest.keyClick(ed.rows["region"][0], Qt.Key.Key_Space)
    assert r.policy.survive == ["region"]
    # RTO and RPO, typed
    rto = ed.rows["zone"][1]
    rto.setFocus()
    QTest.keyClicks(rto, "30")
    QTest.keyClick(rto, Qt.Key.Key_Return)
    rpo = ed.rows["zone"][2]
    rpo.setFocus()
    QTest.keyClicks(rpo, "5.5")
    QTest.keyClick(rpo, Qt.Key.Key_Tab)
    assert (r.policy.rto_minutes, r.policy.rpo_minutes) == ({"zone": 30.0}, {"zone": 5.5})
    # a negative number cannot be typed (the field refuses the minus sign); Return keeps the window open
    rto.setFocus()
    rto.selectAll()
    QTest.keyClicks(rto, "-4")
    QTest.keyClick(rto, Qt.Key.Key_Return)
    assert rto.text() == "4" and r.policy.rto_minutes == {"zone": 4.0}
    assert d.isVisible()
    rto.selectAll()
    QTest.keyClicks(rto, "30")
    QTest.keyClick(rto, Qt.Key.Key_Return)
    # each change is a named undoable edit
    st = win.session.undo_stack
    assert st.text(st.index() - 1) == "Policy: zone RTO" and st.text(st.index() - 3) == "Policy: zone RPO"
    win.session.flush()
    on_disk = read_while_open(webshop_prr)
    assert on_disk.policy.survive == ["region"] and on_disk.policy.rto_minutes == {"zone": 30.0}
    # undo all the way: the default policy again, shown as such
    while st.canUndo():
        st.undo()
    assert win.session.review.policy is None
    assert [t for t, (box, *_r) in ed.rows.items() if box.isChecked()] == ["instance", "component", "zone"]
    assert ed.rows["zone"][1].text() == ""
    wait_analysis(qtbot, win)
    assert blocking(win) == before
    win.session.flush()
    assert read_while_open(webshop_prr).policy is None


def test_policy_edits_are_checked_by_the_model(webshop):
    with pytest.raises(edits.EditRefused, match="unknown disruption type"):
        edits.set_policy(webshop, "planet", survive=True)
    with pytest.raises(edits.EditRefused, match="minutes"):
        edits.set_policy(webshop, "zone", rto="soon")
    with pytest.raises(edits.EditRefused, match="from 0 up"):
        edits.set_policy(webshop, "zone", rpo=-1)
    ch = edits.set_policy(webshop, "cluster", survive=True, rto="15")
    edits.apply_changes(webshop, ch)
    assert webshop.policy.survive == ["instance", "component", "zone", "cluster"]
    assert webshop.policy.rto_minutes == {"cluster": 15.0}
    edits.apply_changes(webshop, ch, undo=True)
    assert webshop.policy is None
    assert edits.set_policy(webshop, "zone", survive=True) == [] or webshop.policy is None


def test_policy_editor_follows_undo_and_a_new_review(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    d = win.policy_dialog()
    ed = d.editor
    ed.rows["provider"][0].click()
    assert "provider" in win.session.review.policy.survive
    win.session.undo_stack.undo()
    assert not ed.rows["provider"][0].isChecked()
    win.new_review()
    assert "cluster" not in ed.rows  # the new review has no cluster
    assert ed.rows["zone"][0].isChecked()
