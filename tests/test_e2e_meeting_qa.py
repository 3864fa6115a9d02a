"""Issue 18 in a live review meeting, as a reviewer drives the real window: each test reproduces
one defect seen in the meeting through the real widgets (keys, clicks, the real dialogs filled
while they are open) and checks what the user sees and what is on disk."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from prr_app.review.document import load_review
from tests.ui_driver import DialogAnswer, menu_action, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"


@pytest.fixture
def webshop_prr(tmp_path, examples_dir):
    from prr_app.persistence.store import create_store

    p = tmp_path / "webshop.prr"
    create_store(p, load_review(examples_dir / "webshop.json")).close()
    return p


@pytest.fixture
def shop(qtbot, win, webshop_prr):
    """The window at a projector's size on the example web shop, analysed."""
    win.resize(1280, 720)
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    return win


def ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def key(qtbot, win, k, mods=Qt.KeyboardModifier.NoModifier, to=None):
    """Press a key where the focus is (or on ``to``, focused first), in the active window."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    if to is not None:
        to.setFocus()
    QTest.keyClick(QApplication.focusWidget() or win, k, mods)


# ------------------------------------------------------------------ 1. the Overview counts SPOFs per root cause
def test_overview_counts_spofs_per_root_cause_as_the_findings_do(qtbot, shop):
    res = shop.result
    a = res["analysis"]
    roots = {s["risk_id"] for s in a.spofs}
    assert len(a.spofs) > len(roots)  # the example has instance entries folded into their component's risk
    ov = shop.views["Overview"]
    shop.tabs.setCurrentWidget(ov)
    assert f"{len(roots)} single points of failure" in ov.figures.text()
    assert f"{len(roots)} SPOFs" in shop.findings.summary.text()


# ------------------------------------------------------------------ 2. checklist categories wrap, never cut
def test_checklist_category_names_wrap_inside_the_list(qtbot, shop):
    cv = shop.views["Checklist"]
    shop.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None and cv.categories.count() > 3)
    lst = cv.categories
    vp = lst.viewport().rect()
    assert not lst.horizontalScrollBar().isVisible()
    fm = lst.fontMetrics()
    cut = []
    for i in range(lst.count()):
        idx = lst.model().index(i, 0)
        rect = lst.visualRect(idx)
        text = lst.item(i).text()
        need = fm.boundingRect(QRect(0, 0, max(1, rect.width() - 6), 10000),
                               int(Qt.TextFlag.TextWordWrap), text)
        if rect.right() > vp.right() + 1 or need.height() > rect.height() or need.width() > rect.width():
            cut.append(text)
    assert not cut, f"category names cut: {cut}"
