"""A field being typed in when the reviewer saves, exports, takes a milestone or closes the window.

The inspector's fields and a checklist answer's record their value when the cursor leaves them (or on
Enter). Ctrl+S, Ctrl+Q, Export and Close went first: a note typed in the meeting and not yet left was
lost while the window said "All changes saved" (found driving the app on the Sock Shop import).
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from prr_app.review.document import load_review
from tests.ui_driver import read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]


def _open(qtbot, win, path):
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)


def _type_into(win, field: str, text: str, component: str = "cart-db"):
    """Type ``text`` into the inspector's ``field`` of ``component`` (at the start of what it holds)."""
    win.scene.select_ids([component])
    ed = win.inspector.editors[field]
    ed.setFocus()
    QTest.keyClicks(ed, text)
    return ed


def test_ctrl_s_while_typing_in_the_inspector_saves_what_was_typed(qtbot, win, webshop_prr):
    _open(qtbot, win, webshop_prr)
    ed = _type_into(win, "notes", "agreed in the meeting: a standby in zone b")
    QTest.keyClick(ed, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert read_while_open(webshop_prr).components["cart-db"].notes.startswith("agreed in the meeting: a standby in zone b")


def test_closing_the_window_while_typing_keeps_the_text(qtbot, win, webshop_prr):
    _open(qtbot, win, webshop_prr)
    _type_into(win, "owner", "-oncall")
    win.close()
    qtbot.wait(50)
    assert load_review(webshop_prr).components["cart-db"].owner.startswith("-oncall")


def test_an_export_made_while_typing_holds_the_text(qtbot, win, webshop_prr, tmp_path):
    _open(qtbot, win, webshop_prr)
    _type_into(win, "owner", "-oncall")
    out = tmp_path / "out.json"
    win.export_to("json", str(out))
    qtbot.waitUntil(lambda: out.exists() and "-oncall" in out.read_text(encoding="utf-8"), timeout=15000)


def test_a_checklist_answers_evidence_typed_then_saved_is_kept(qtbot, win, webshop_prr):
    _open(qtbot, win, webshop_prr)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None, timeout=15000)
    cv.table.setFocus()
    QTest.keyClick(cv.table, Qt.Key.Key_1)  # "met"
    qtbot.wait(50)
    key = cv.current_key()
    cv.evidence.setFocus()
    QTest.keyClicks(cv.evidence, "https://wiki.example/loadtest-2031")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    answer = read_while_open(webshop_prr).answers[key]
    assert answer.status == "met" and "https://wiki.example/loadtest-2031" in answer.evidence
