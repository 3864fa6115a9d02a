"""The dashboard's readiness chart ("Checklist: % met") shows the checklist as it is.

It drew the checklist view's last evaluation on each answer change, before that view had evaluated
the change (an undo of four answers on the dashboard left it at 57 % met), and nothing when the
checklist had not been looked at yet (straight to the dashboard after opening: no bars)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]


def _bars(dv):
    """(answered %, met %) per category, as the chart draws them; None without bars."""
    import pyqtgraph as pg

    items = [i for i in dv.ready.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    if len(items) < 2:
        return None
    return [round(a) for a in items[0].opts["width"]], [round(m) for m in items[1].opts["width"]]


def _truth(win):
    from prr_app.checklist import evaluate

    res = evaluate(win.session.review)
    return ([round(100.0 * c.answered / c.total) if c.total else 0 for c in res.categories],
            [round(100.0 * c.met / c.total) if c.total else 0 for c in res.categories])


def _open(qtbot, win, path):
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)


def test_straight_to_the_dashboard_after_opening_shows_the_checklist(qtbot, win, webshop_prr):
    _open(qtbot, win, webshop_prr)
    dv = win.views["Dashboard"]
    win.tabs.setCurrentWidget(dv)
    qtbot.waitUntil(lambda: dv.heat is not None and _bars(dv) is not None, timeout=20000)
    assert _bars(dv) == _truth(win)


def test_undoing_answers_on_the_dashboard_redraws_the_readiness_chart(qtbot, win, webshop_prr):
    _open(qtbot, win, webshop_prr)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None, timeout=15000)
    cv.table.setFocus()
    cv.table.setCurrentIndex(cv.model.index(0, 0))
    for _ in range(4):
        QTest.keyClick(cv.table, Qt.Key.Key_1)  # met, and on to the next
        qtbot.wait(20)
    dv = win.views["Dashboard"]
    win.tabs.setCurrentWidget(dv)
    qtbot.waitUntil(lambda: dv.heat is not None and _bars(dv) == _truth(win), timeout=20000)
    answered = _truth(win)
    for _ in range(4):
        QTest.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(20)
    assert _truth(win) != answered
    qtbot.waitUntil(lambda: _bars(dv) == _truth(win), timeout=5000)
