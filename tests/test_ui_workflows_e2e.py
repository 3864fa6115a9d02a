"""Issue 18's workflows end to end, as a user drives them: keys and menus on the real window,
the real dialogs filled while they are open, and each step checked on screen and on disk."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QPushButton

from prr_app.review.document import load_review
from tests.ui_driver import DialogAnswer, menu_action, press, read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"


@pytest.fixture
def webshop_prr(tmp_path, examples_dir):
    from prr_app.persistence.store import create_store

    p = tmp_path / "webshop.prr"
    create_store(p, load_review(examples_dir / "webshop.json")).close()
    return p


def ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def button(widget, text) -> QPushButton:
    for b in widget.findChildren(QPushButton):
        if b.text().replace("&", "").startswith(text) and b.isVisible():
            return b
    raise AssertionError(f"no button {text!r}")


def key(qtbot, win, k, mods=Qt.KeyboardModifier.NoModifier, to=None):
    """Press a key where the focus is (or on ``to``, focused first), in the active window."""
    from PySide6.QtWidgets import QApplication

    win.activateWindow()  # as the window manager does when a dialog closes (there is none under offscreen)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    if to is not None:
        to.setFocus()
    QTest.keyClick(QApplication.focusWidget() or win, k, mods)


def by_keyboard(qtbot, win, k, mods, fill, kind=QDialog, title=None):
    """Press a shortcut in the window; ``fill`` answers the dialog it opens."""
    a = DialogAnswer(fill, kind, title=title)
    key(qtbot, win, k, mods)
    return a.check()


def new_element(name, kind=None):
    def fill(d):
        QTest.keyClicks(d.name_edit, name)
        if kind is not None:
            d.kind_box.setCurrentIndex(d.kind_box.findData(kind))
        ok(d)
    return fill


# ------------------------------------------------------------------ build from scratch, by keyboard and menus
def test_build_from_scratch_with_the_real_dialogs_save_close_reopen(qtbot, win, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    win.resize(1280, 720)
    for name, kind in (("Web", "frontend"), ("API", "service"), ("DB", "datastore"), ("DB replica", "datastore")):
        d = by_keyboard(qtbot, win, Qt.Key.Key_C, CTRL_SHIFT, new_element(name, kind), title="component")
    assert d.result() == QDialog.DialogCode.Accepted
    r = win.session.review
    assert set(r.components) == {"web", "api", "db", "db-replica"}
    assert r.components["db"].kind == "datastore"
    # no box on another (issue 18, 8)
    rects = [win.scene.nodes[c].sceneBoundingRect() for c in r.components]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    # a name already used is refused in the dialog itself (OK stays disabled, the reason is shown)

    def taken(d):
        QTest.keyClicks(d.name_edit, "API")
        assert not d.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        assert "already used" in d.err.text()
        d.reject()
    by_keyboard(qtbot, win, Qt.Key.Key_C, CTRL_SHIFT, taken, title="component")
    assert len(r.components) == 4
    # dependencies: the dialog offers the two selected boxes
    def dependency(src, dst):
        def fill(d):
            assert {d.source, d.target} == {src, dst}  # the two selected boxes are offered
            for box, text in ((d.src, src), (d.tgt, dst)):  # the user puts them the right way round
                box.lineEdit().selectAll()
                QTest.keyClicks(box.lineEdit(), text)
            ok(d)
        return fill

    win.scene.select_ids(["web", "api"])
    by_keyboard(qtbot, win, Qt.Key.Key_D, CTRL_SHIFT, dependency("web", "api"))
    assert set(r.dependencies) == {"web->api"}
    # zones through the Insert menu; placed from the inspector
    for zone in ("Zone A", "Zone B"):
        a = DialogAnswer(new_element(zone, "zone"), title="domain")
        menu_action(win, "Insert", "Add Failure Domain").trigger()
        a.check()
    for cid, zone in (("db", "zone-a"), ("db-replica", "zone-b"), ("api", "zone-a")):
        win.scene.select_ids([cid])
        ed = win.inspector.editors["placement"]
        ed.setFocus()
        ed.selectAll()
        QTest.keyClicks(ed, zone)
        QTest.keyClick(ed, Qt.Key.Key_Return)
    assert r.components["db-replica"].placement == ["zone-b"]
    # a redundancy group of the two databases
    win.scene.select_ids(["db", "db-replica"])
    by_keyboard(qtbot, win, Qt.Key.Key_G, CTRL_SHIFT, new_element("Databases"), title="group")
    assert sorted(r.groups["databases"].members) == ["db", "db-replica"]
    win.scene.select_ids(["api", "databases"])
    by_keyboard(qtbot, win, Qt.Key.Key_D, CTRL_SHIFT, dependency("api", "databases"))
    assert set(r.dependencies) == {"web->api", "api->databases"}
    # a journey with an SLO, from the web box; a bad SLO is refused in the dialog first
    win.scene.select_ids(["web"])

    def journey(d):
        QTest.keyClicks(d.name_edit, "Browse")
        QTest.keyClicks(d.slo_edit, "120")
        ok(d)
        assert d.isVisible() and "SLO" in d.err.text()
        d.slo_edit.clear()
        QTest.keyClicks(d.slo_edit, "99.5")
        ok(d)
    by_keyboard(qtbot, win, Qt.Key.Key_J, CTRL_SHIFT, journey)
    assert (r.journeys["browse"].entry, r.journeys["browse"].slo) == (["web"], 99.5)
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None and not res.get("problems")
    assert win.scene.nodes["api"].spof and not win.scene.nodes["db"].spof
    assert "SPOF" in win.findings.summary.text()
    ov = win.views["Overview"]
    assert any(row[0] == "browse" and row[1] == "99.5" for row in ov.journey_model.rows)
    # undo and redo by keyboard restore exactly
    n = len(r.journeys)
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, to=win.view)
    assert "browse" not in win.session.review.journeys
    key(qtbot, win, Qt.Key.Key_Z, CTRL_SHIFT, to=win.view)
    assert len(win.session.review.journeys) == n
    # Ctrl+S asks where (a new review) and saves; quit; reopen
    target = tmp_path / "shop.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    key(qtbot, win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert win.session.path == target and win.save_label.text() == "All changes saved"
    assert "shop.prr" in win.windowTitle()
    key(qtbot, win, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not win.isVisible()
    saved = load_review(target)
    assert set(saved.components) == {"web", "api", "db", "db-replica"}
    assert saved.components["api"].placement == ["zone-a"] and saved.journeys["browse"].slo == 99.5
    assert set(saved.layout) >= {"web", "api", "db", "db-replica"}
    w2 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.open_path(str(target))
    wait_analysis(qtbot, w2)
    assert set(w2.scene.nodes) >= {"web", "api", "db", "db-replica", "databases"}
    assert w2.scene.nodes["api"].spof
    for cid in ("web", "api"):
        assert w2.scene.nodes[cid].pos() == win.scene.nodes[cid].pos()  # where the user left them
    w2.close()


def test_new_boxes_never_land_on_others_and_a_dragged_box_stays_where_dropped(qtbot, win):
    """Issue 18, 8: the drawing starts at 0,0 whatever the saved positions; new boxes and drags
    must be placed in the saved positions' own frame, not the scene's."""
    win.resize(1280, 720)
    for n in ("web", "api", "db", "db-replica", "cache"):
        assert win.create_component(n, n.upper())
    rects = {c: win.scene.nodes[c].sceneBoundingRect() for c in win.session.review.components}
    overlaps = [(a, b) for a in rects for b in rects if a < b and rects[a].intersects(rects[b])]
    assert not overlaps
    # drag "db" by the mouse, 200 pixels right: it stays where it was dropped, nothing else moves
    win.view.fit()
    qtbot.wait(20)
    item = win.scene.nodes["db"]
    others = {c: win.scene.nodes[c].pos() for c in rects if c != "db"}
    start = win.view.mapFromScene(item.sceneBoundingRect().center())
    end = start + QPoint(120, 0)
    vp = win.view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 7):
        QTest.mouseMove(vp, start + QPoint(20 * k, 0))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.wait(20)
    dropped = win.view.mapFromScene(win.scene.nodes["db"].sceneBoundingRect().center())
    assert abs(dropped.x() - end.x()) <= 3 and abs(dropped.y() - end.y()) <= 3
    assert {c: win.scene.nodes[c].pos() for c in others} == others
    assert win.session.undo_stack.text(win.session.undo_stack.index() - 1) == "Move db"
