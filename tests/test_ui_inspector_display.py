"""What the inspector shows of a value longer than its field."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_long_values_show_their_start(qtbot, win, examples_dir):
    # the reviewers list of the example is wider than its field: a reader must see
    # the first names, not the tail end of the last one
    assert win.open_path(str(examples_dir / "webshop.json"))
    win.scene.select_ids(["cart-db"])
    win.scene.select_ids([])
    ins = win.inspector
    shown = [w for w in ins.editors.values() if isinstance(w, QLineEdit) and w.text()]
    assert shown, "the review's fields are shown when nothing is selected"
    assert any(len(w.text()) > 20 for w in shown)
    for w in shown:
        assert w.cursorPosition() == 0, (w.objectName(), w.text())


def test_checklist_fields_show_the_start_of_a_long_note(qtbot, win, examples_dir):
    assert win.open_path(str(examples_dir / "webshop.json"))
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.model.rowCount() > 0, timeout=15000)
    for row in range(cv.model.rowCount()):
        cv.table.setCurrentIndex(cv.model.index(row, 0))
        if len(cv.note.text()) > 30:
            break
    else:
        pytest.skip("the example has no long note")
    assert cv.note.cursorPosition() == 0
