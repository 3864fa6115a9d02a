"""Every pane can be walked with the keyboard alone: Tab goes through and out of each pane,
the arrow keys move from box to box on the canvas, and every control has an accessible name."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def tab_from(qtbot, start, n=30):
    """The widgets focus goes through pressing Tab ``n`` times from ``start``."""
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start, timeout=2000)
    seen = []
    for _ in range(n):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    return seen


def test_tab_leaves_the_findings_table(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.activateWindow()
    seen = tab_from(qtbot, win.findings.table, 3)
    assert seen[0] is not win.findings.table


def test_checklist_answer_fields_are_reached_with_tab(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.model.rowCount() > 0, timeout=15000)
    win.activateWindow()
    seen = tab_from(qtbot, cv.table, 12)
    for w in (cv.evidence, cv.owner, cv.due):
        assert w in seen, w.accessibleName()
    # and typing there answers the item
    cv.table.setCurrentIndex(cv.model.index(0, 0))
    key = cv.current_key()
    cv.owner.setFocus()
    cv.owner.selectAll()
    QTest.keyClicks(cv.owner, "sre-team")
    QTest.keyClick(cv.owner, Qt.Key.Key_Tab)
    assert win.session.review.answers[key].owner == "sre-team"


def test_arrow_keys_move_between_boxes_and_tab_leaves_the_canvas(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.activateWindow()
    win.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.view, timeout=2000)
    QTest.keyClick(win.view, Qt.Key.Key_Right)
    first = win.scene.selected_ids()
    assert len(first) == 1 and first[0] in win.session.review.components
    visited = {first[0]}
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Up):
        QTest.keyClick(win.view, key)
        visited.update(win.scene.selected_ids())
    assert len(visited) >= 3
    assert win.inspector.key in win.session.review.components  # the inspector follows
    # keyboard what-if: Ctrl+T fails the selected box at once; then Space un-fails and fails the
    # box the arrows reach; Escape clears the failures, Ctrl+T with nothing selected ends the mode
    sel = win.scene.selected_ids()[0]
    QTest.keyClick(win.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert win.failed == [sel] and win.scene.nodes[sel].state == "failed"
    win.scene.select_ids([sel])
    QTest.keyClick(win.view, Qt.Key.Key_Space)
    assert win.failed == []
    QTest.keyClick(win.view, Qt.Key.Key_Space)
    assert win.failed == [sel]
    QTest.keyClick(win.view, Qt.Key.Key_Escape)
    assert win.failed == []
    win.scene.select_ids([])
    QTest.keyClick(win.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not win.fail_mode
    seen = tab_from(qtbot, win.view, 2)
    assert seen[0] is not win.view


def _interactive(w):
    from PySide6.QtWidgets import (
        QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QGraphicsView, QLineEdit, QPlainTextEdit,
        QTextEdit,
    )

    from PySide6.QtCore import Qt

    if type(w).__name__ == "QTabBar" and w.count() == 0:
        return False  # Qt keeps an empty tab bar for docks that may be tabified again: nothing to reach
    if w.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return True  # a Tab stop: a screen reader announces it when the keyboard reaches it
    return isinstance(w, (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QGraphicsView, QLineEdit,
                          QPlainTextEdit, QTextEdit)) and w.focusPolicy() != w.focusPolicy().NoFocus


def test_every_control_has_an_accessible_name(qtbot, win, examples_dir):
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QWidget

    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    missing = []
    for page in [win.view] + list(win.views.values()):
        win.tabs.setCurrentWidget(page)
        qtbot.wait(20)
        for sel in ([], ["cart-db"], ["checkout-svc->cart-db"], ["euw1-a"]):
            win.scene.select_ids(sel)
            for w in win.findChildren(QWidget):
                if not w.isVisible() or not _interactive(w) or w.objectName().startswith("qt_") \
                        or type(w).__name__ == "QHeaderView":
                    continue
                iface = QAccessible.queryAccessibleInterface(w)
                name = iface.text(QAccessible.Text.Name) if iface is not None else ""
                if not (name or "").strip():
                    where = w.parentWidget().objectName() or type(w.parentWidget()).__name__
                    missing.append(f"{type(w).__name__} in {where} ({w.toolTip()[:40]!r})")
    assert not sorted(set(missing)), "\n".join(sorted(set(missing)))


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3),
                       st.tuples(st.floats(-5000, 5000, allow_nan=False), st.floats(-5000, 5000, allow_nan=False)),
                       min_size=1, max_size=60),
       st.sampled_from(["left", "right", "up", "down"]), st.data())
def test_the_arrow_keys_index_picks_what_a_search_over_every_box_picks(points, direction, data):
    """The index of box centres (rings of cells around the selected box) against the plain search
    over every other box: the same box, or none, for any layout (boxes close together, in one
    cell, far apart, on top of each other)."""
    from prr_app.canvas_geometry import nearest_in_direction
    from prr_app.ui.canvas_scene import CentreIndex

    origin = data.draw(st.sampled_from(sorted(points)))
    others = {k: v for k, v in points.items() if k != origin}
    assert CentreIndex(points).nearest_in_direction(origin, direction) == \
        nearest_in_direction(points[origin], others, direction)


def test_no_two_actions_share_a_shortcut(qtbot, win):
    # two actions on one key make Qt fire neither ("Ambiguous shortcut overload"): the key does nothing
    from PySide6.QtGui import QAction, QKeySequence

    owners: dict[str, list[str]] = {}
    for a in win.findChildren(QAction):
        for k in {s.toString(QKeySequence.SequenceFormat.PortableText) for s in a.shortcuts()}:
            if k:
                owners.setdefault(k, []).append(a.text().replace("&", ""))
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert not shared
    assert "Ctrl+Shift+P" in owners and "Ctrl+Shift+L" in owners


def test_the_policy_and_plan_mode_open_from_their_keys(qtbot, win, examples_dir, monkeypatch):
    win.open_path(examples_dir / "webshop.json")
    wait_analysis(qtbot, win)
    opened = []
    monkeypatch.setattr(win, "policy_dialog", lambda *a: opened.append("policy"))
    win.a_policy.triggered.disconnect()
    win.a_policy.triggered.connect(win.policy_dialog)
    win.activateWindow()
    QTest.keySequence(win, "Ctrl+Shift+P")
    assert opened == ["policy"]
    QTest.keySequence(win, "Ctrl+Shift+L")
    qtbot.waitUntil(lambda: win.a_plan_mode.isChecked(), timeout=3000)
