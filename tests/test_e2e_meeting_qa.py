"""Issue 18 in a live review meeting, as a reviewer drives the real window: each test reproduces
one defect seen in the meeting through the real widgets (keys, clicks, the real dialogs filled
while they are open) and checks what the user sees and what is on disk."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from tests.ui_driver import DialogAnswer, menu_action, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"


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

    def lines(text: str, width: float) -> list[str]:
        """The lines the item view draws ``text`` on in ``width`` (as its delegate wraps)."""
        from PySide6.QtGui import QTextLayout, QTextOption

        lay = QTextLayout(text, lst.font())
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        lay.setTextOption(opt)
        lay.beginLayout()
        out = []
        while True:
            ln = lay.createLine()
            if not ln.isValid():
                break
            ln.setLineWidth(width)
            out.append(text[ln.textStart():ln.textStart() + ln.textLength()])
        lay.endLayout()
        return out

    def cut() -> list[str]:
        vp = lst.viewport().rect()
        fm = lst.fontMetrics()
        out = []
        for i in range(lst.count()):
            rect = lst.visualRect(lst.model().index(i, 0))
            text = lst.item(i).text()
            got = lines(text, rect.width() - 6)
            words_whole = all(ln[-1:] in (" ", "") or j == len(got) - 1 or got[j + 1][:1] in (" ", "(")
                              or not ln[-1:].isalpha() or not got[j + 1][:1].isalpha() for j, ln in enumerate(got))
            if (rect.right() > vp.right() + 1 or len(got) * fm.lineSpacing() > rect.height() + 1
                    or not words_whole):
                out.append(text)
        return out
    assert not lst.horizontalScrollBar().isVisible()
    try:  # (the list lays its items out again shortly after its width changes)
        qtbot.waitUntil(lambda: not cut(), timeout=2000)
    except Exception:
        pass
    assert not cut(), f"category names cut: {cut()} {[(lst.visualRect(lst.model().index(i, 0)), lst.viewport().rect()) for i in range(lst.count())]}"


# ------------------------------------------------------------------ 3. form dialogs grow to show their whole message
def _whole(label) -> bool:
    """The label shows all of its text: its wrapped height fits, and it lies inside its dialog."""
    d = label.window()
    inside = d.rect().contains(QRect(label.mapTo(d, label.rect().topLeft()), label.size()))
    return inside and label.height() >= label.heightForWidth(label.width())


def test_form_dialogs_grow_to_show_the_whole_validation_message(qtbot, shop):
    # Add Component, with an id the model refuses: the long reason is shown whole
    def bad_id(d):
        QTest.keyClicks(d.name_edit, "x")
        d.id_edit.setFocus()
        d.id_edit.selectAll()
        QTest.keyClicks(d.id_edit, "bad id -> other")
        qtbot.wait(10)
        assert "letters and digits" in d.error.text()
        assert _whole(d.error), (d.size(), d.error.size(), d.error.heightForWidth(d.error.width()))
        d.reject()
    a = DialogAnswer(bad_id, title="component")
    key(qtbot, shop, Qt.Key.Key_C, CTRL_SHIFT, to=shop.view)
    a.check()
    # New manual risk naming many unknown components: every one of them is on screen
    rv = shop.views["Risks"]
    shop.tabs.setCurrentWidget(rv)
    typed = ", ".join(f"no-such-component-{i}" for i in range(10))

    def manual(d):
        d.widgets["title"].setText("Vendor outage")
        d.widgets["components"].setText(typed)
        ok(d)
        assert d.isVisible() and "no-such-component-9" in d.error.text()
        assert _whole(d.error), (d.size(), d.error.size(), d.error.heightForWidth(d.error.width()))
        assert d.widgets["components"].text() == typed  # what was typed is kept
        d.reject()
    a = DialogAnswer(manual, title="manual risk")
    _button(rv, "New manual risk").click()
    a.check()


def _button(widget, text):
    from PySide6.QtWidgets import QPushButton

    for b in widget.findChildren(QPushButton):
        if b.text().replace("&", "").startswith(text) and b.isVisible():
            return b
    raise AssertionError(f"no button {text!r}")


# ------------------------------------------------------------------ 5. Add Dependency: typing replaces the pre-filled id
def test_add_dependency_typing_replaces_the_prefilled_end_and_an_unknown_id_is_named(qtbot, shop):
    r = shop.session.review
    shop.tabs.setCurrentWidget(shop.view)
    shop.scene.select_ids(["storefront", "catalog-svc"])
    seen = {}

    def fill(d):
        assert {d.source, d.target} == {"storefront", "catalog-svc"}
        d.activateWindow()  # as the window manager does for a new dialog (there is none offscreen)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is d, timeout=3000)
        d.src.setFocus()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to "On", by the keyboard
        qtbot.wait(10)
        assert QApplication.focusWidget() is d.tgt
        QTest.keyClicks(QApplication.focusWidget(), "cart-db")
        assert d.target == "cart-db"  # replaced, not appended to the pre-filled id
        # "From", with the mouse: a click in the pre-filled id, then typing, replaces it too
        le = d.src.lineEdit()
        QTest.mouseClick(le, Qt.MouseButton.LeftButton, pos=le.rect().center())
        qtbot.wait(20)
        assert QApplication.focusWidget() is d.src
        QTest.keyClicks(QApplication.focusWidget(), "search-svc")
        assert d.source == "search-svc", d.source
        # a typo in "On": what the user typed is theirs now, End goes to its end
        d.tgt.setFocus()
        QTest.keyClick(d.tgt, Qt.Key.Key_End)
        QTest.keyClicks(d.tgt, "b")
        assert d.target == "cart-dbb"
        ok(d)
        assert d.isVisible(), "an unknown id closed the dialog"
        seen["error"] = d.error.text()
        assert "cart-dbb" in d.error.text() and _whole(d.error)
        assert d.tgt.currentText() == "cart-dbb"  # what was typed is kept, to correct it
        d.tgt.lineEdit().setFocus()
        QTest.keyClick(d.tgt.lineEdit(), Qt.Key.Key_Backspace)
        ok(d)
    a = DialogAnswer(fill, title="dependency")
    key(qtbot, shop, Qt.Key.Key_D, CTRL_SHIFT, to=shop.view)
    d = a.check()
    assert d.result() == QDialog.DialogCode.Accepted
    assert "search-svc->cart-db" in r.dependencies
    assert "not a component" in seen["error"]


# ------------------------------------------------------------------ 7. the mitigation dialog keeps the suggestion whole
def test_mitigation_dialog_keeps_a_long_suggestion_whole_from_its_beginning(qtbot, shop, webshop_prr):
    from tests.ui_driver import read_while_open

    from prr_app.review.edits import MITIGATION_TITLE_MAX

    res = shop.result
    # the longest that a title can hold (a longer one: test_a_suggestion_too_long_for_a_title...)
    risk = max((x for x in res["analysis"].risks if x.get("mitigation")
                and len(x["mitigation"]) <= MITIGATION_TITLE_MAX), key=lambda x: len(x["mitigation"]))
    suggestion = risk["mitigation"]
    assert len(suggestion) > 250
    rv = shop.views["Risks"]
    shop.tabs.setCurrentWidget(rv)
    assert rv.select(risk["id"])

    def mitigate(d):
        title = d.widgets["title"]
        shown = title.toPlainText() if hasattr(title, "toPlainText") else title.text()
        assert shown == suggestion  # whole, not cut
        assert title.textCursor().position() == 0 and title.verticalScrollBar().value() == 0
        first_line = title.cursorRect(title.textCursor())
        assert title.viewport().rect().contains(first_line)  # its beginning is what shows
        d.widgets["owner"].setText("team-identity")
        ok(d)
    a = DialogAnswer(mitigate, title="Mitigation")
    _button(rv, "Add mitigation").click()
    a.check()
    r = shop.session.review
    mits = [m for m in r.mitigations.values() if m.risks == [risk["id"]]]
    assert [m.title for m in mits] == [suggestion] and mits[0].owner == "team-identity"
    shop.session.flush()
    on_disk = read_while_open(webshop_prr)
    assert [m.title for m in on_disk.mitigations.values() if m.risks == [risk["id"]]] == [suggestion]


def test_a_suggestion_too_long_for_a_title_is_taken_as_offered(qtbot, win, tmp_path):
    """The platform's rate-limiter: its suggested mitigation runs past the 500 characters a mitigation
    title may hold. The dialog offered it whole, OK refused it ("is 533 characters long; the limit is
    500") and the dialog stayed open. Its first step is the title, the whole text the description."""
    from prr_app.persistence.store import create_store
    from prr_app.review.document import load_review
    from prr_app.review.edits import MITIGATION_TITLE_MAX

    path = tmp_path / "platform.prr"
    create_store(path, load_review(Path(__file__).resolve().parent.parent / "resources" / "examples" / "platform.json")).close()
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    risk = max((x for x in win.result["analysis"].risks if x.get("mitigation")), key=lambda x: len(x["mitigation"]))
    suggestion = risk["mitigation"]
    assert len(suggestion) > MITIGATION_TITLE_MAX
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    assert rv.select(risk["id"])

    def mitigate(d):
        d.widgets["owner"].setText("edge-team")
        ok(d)
    a = DialogAnswer(mitigate, title="Mitigation")
    _button(rv, "Add mitigation").click()
    a.check()
    mits = [m for m in win.session.review.mitigations.values() if m.risks == [risk["id"]]]
    assert len(mits) == 1 and mits[0].owner == "edge-team"
    assert mits[0].description == " ".join(suggestion.split())
    assert mits[0].title.endswith("…") and len(mits[0].title) <= MITIGATION_TITLE_MAX
    assert suggestion.startswith(mits[0].title[:-1])


def _activate(qtbot, dialog):
    """As a window manager does for a new dialog (there is none offscreen)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)


# ------------------------------------------------------------------ 4. a closed dialog gives the keyboard back
def _answer_then_next_shortcut(qtbot, win, open_keys, fill, title):
    """Open a dialog by its shortcut, answer it, then without any help from a window manager
    (none offscreen, as on a bare X session) the window must have the keyboard again."""
    a = DialogAnswer(fill, title=title)
    key(qtbot, win, *open_keys)
    a.check()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    return QApplication.focusWidget()


def test_after_a_dialog_closes_the_window_has_the_keyboard_again(qtbot, shop):
    shop.tabs.setCurrentWidget(shop.view)
    shop.scene.select_ids(["storefront"])
    shop.view.setFocus()
    # a dialog cancelled with Escape: the focus is back where the user was, the next shortcut works
    def escape(d):
        _activate(qtbot, d)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    focus = _answer_then_next_shortcut(qtbot, shop, (Qt.Key.Key_C, CTRL_SHIFT), escape, "component")
    assert focus is shop.view
    # the next shortcut, pressed where the focus now is (no activateWindow by the test)
    a = DialogAnswer(lambda d: (QTest.keyClicks(d.name_edit, "Zone Q"), ok(d)), title="domain")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_M, CTRL_SHIFT)
    a.check()
    assert "zone-q" in shop.session.review.domains
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shop, timeout=3000)
    # a risk dialog from the register, cancelled: the register's table has the keyboard again
    rv = shop.views["Risks"]
    shop.tabs.setCurrentWidget(rv)
    rv.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is rv.table, timeout=3000)
    a = DialogAnswer(lambda d: d.reject(), title="Override")
    _button(rv, "Override score").click()
    a.check()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shop, timeout=3000)
    assert QApplication.focusWidget() is rv.table
    # Ctrl+F still works from there
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is shop.find_box, timeout=3000)


# ------------------------------------------------------------------ 8. the import report takes the keyboard
COMPOSE = """services:
  web:
    image: shop/web:1.0
    depends_on: [api]
    environment:
      API_URL: http://api:8080
  api:
    image: shop/api:1.0
    depends_on: [db]
    environment:
      DATABASE_URL: postgres://db:5432/shop
  db:
    image: postgres:16
"""


def _import_by_keyboard(qtbot, win, src, monkeypatch):
    from prr_app.ui import dialogs

    monkeypatch.setattr(dialogs.Ask, "open_paths", classmethod(lambda cls, *a: [str(src)]))

    def choose(d):
        _button(d, "Add Files").click()
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    a = DialogAnswer(choose, title="Import")
    key(qtbot, win, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier, to=win.view)
    a.check()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in win.findChildren(dialogs.ReportDialog)), timeout=60000)
    return next(d for d in win.findChildren(dialogs.ReportDialog) if d.isVisible())


@pytest.mark.parametrize("close_key", [Qt.Key.Key_Escape, Qt.Key.Key_Return])
def test_import_report_takes_the_keyboard_and_closes_by_key(qtbot, win, tmp_path, monkeypatch, close_key):
    src = tmp_path / "compose.yaml"
    src.write_text(COMPOSE)
    win.resize(1280, 720)
    report = _import_by_keyboard(qtbot, win, src, monkeypatch)
    assert "web" in win.session.review.components
    # shown with the keyboard: the next key goes to the report, not to the graph behind it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is report, timeout=3000)
    focus = QApplication.focusWidget()
    assert focus is not None and focus.window() is report
    QTest.keyClick(focus, close_key)
    qtbot.waitUntil(lambda: not report.isVisible(), timeout=3000)
    # and the window has it back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)


# ------------------------------------------------------------------ 6. Fail This fails the selection at once, and it stays
def _click(qtbot, win, scene_point, mods=Qt.KeyboardModifier.NoModifier):
    win.view.centerOn(scene_point)
    qtbot.wait(20)
    qtbot.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, mods, pos=win.view.mapFromScene(scene_point))
    qtbot.wait(20)


def _toolbar_button(win, action):
    from PySide6.QtWidgets import QToolBar

    for tb in win.findChildren(QToolBar):
        b = tb.widgetForAction(action)
        if b is not None and b.isVisible():
            return b
    raise AssertionError(f"{action.text()} is not on a toolbar")


def test_fail_this_fails_the_selected_box_or_zone_at_once_and_it_stays(qtbot, shop, webshop_prr):
    w = shop
    w.tabs.setCurrentWidget(w.view)
    mtime = webshop_prr.stat().st_mtime_ns
    box = w.scene.nodes["cart-db"]
    # a box clicked, then Ctrl+T: failed at once, drawn and said so
    _click(qtbot, w, box.sceneBoundingRect().center())
    assert w.selected_ids() == ["cart-db"]
    key(qtbot, w, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier, to=w.view)
    assert w.failed == ["cart-db"] and box.state == "failed"
    assert w.whatif_label.text().startswith("Failing cart-db:")
    # it stays: more input, time, a click on bare canvas, the Journey list
    qtbot.wait(300)
    QTest.mouseMove(w.view.viewport(), w.view.viewport().rect().center())
    assert w.failed == ["cart-db"] and box.state == "failed"
    # Escape clears it and clicks select again
    key(qtbot, w, Qt.Key.Key_Escape, to=w.view)
    assert w.failed == [] and box.state is None and not w.fail_mode and not w.a_fail.isChecked()
    assert "Fail-this mode" not in w.whatif_label.text()
    # the zone euw1-a, by its label, failed by the toolbar's Fail This
    reg = w.scene.regions["euw1-a"]
    _click(qtbot, w, reg.label.sceneBoundingRect().center())  # its name, in the top strip
    assert "euw1-a" in w.selected_ids()
    qtbot.mouseClick(_toolbar_button(w, w.a_fail), Qt.MouseButton.LeftButton)
    assert "euw1-a" in w.failed and reg.state == "failed"
    down = [c for c, it in w.scene.nodes.items() if it.state == "down"]
    assert down
    qtbot.wait(300)
    assert reg.state == "failed" and [c for c, it in w.scene.nodes.items() if it.state == "down"] == down
    # Escape clears every failure; the review was never changed
    key(qtbot, w, Qt.Key.Key_Escape, to=w.view)
    assert w.failed == [] and reg.state is None
    assert not any(it.state in ("failed", "down", "degraded") for it in w.scene.nodes.values())
    # the menu's Fail This on a selected box, and again on it: un-failed
    w.scene.select_ids(["identity"])
    menu_action(w, "Analysis", "Fail This").trigger()
    assert w.failed == ["identity"] and w.scene.nodes["identity"].state == "failed"
    w.scene.select_ids(["identity"])
    menu_action(w, "Analysis", "Fail This").trigger()
    assert "identity" not in w.failed
    assert w.session.undo_stack.count() == 0
    qtbot.wait(300)
    assert webshop_prr.stat().st_mtime_ns == mtime


# ------------------------------------------------------------------ 9. a selection does not read as a failure
def test_a_selected_box_shows_its_blast_radius_but_is_not_drawn_failed(qtbot, shop):
    w = shop
    w.tabs.setCurrentWidget(w.view)
    box = w.scene.nodes["cart-db"]
    _click(qtbot, w, box.sceneBoundingRect().center())
    assert w.selected_ids() == ["cart-db"]
    # what follows from its failure is shown; the box itself is not drawn as failed
    assert any(it.state == "down" for it in w.scene.nodes.values())
    assert box.state != "failed" and box.isSelected()
    assert w.whatif_label.text().startswith("Blast radius of cart-db")
    shot = w.view.grab()
    centre = w.view.mapFromScene(box.sceneBoundingRect().center() + QPointF(0, -8))
    colour = shot.toImage().pixelColor(centre)
    from prr_app.ui import theme

    failed = QColor(theme.FAILED)
    assert abs(colour.lightness() - failed.lightness()) > 60, colour.name()  # not the failure's dark fill
    # the same box failed by Fail This is drawn failed: the two differ on screen
    key(qtbot, w, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier, to=w.view)
    assert box.state == "failed"
    colour2 = w.view.grab().toImage().pixelColor(centre)
    assert abs(colour2.lightness() - colour.lightness()) > 60


# ------------------------------------------------------------------ 10. Fit on 2,000 components gives a usable view
def _mesh_csv(path, n=2000, deps=6000):
    """Edges as a service mesh's export gives them: many services, a few hubs, cycles."""
    import random

    rnd = random.Random(11)
    kinds = ["web", "api", "auth", "db", "cache", "queue"]
    names = [f"{kinds[i % len(kinds)]}-{i:04d}" for i in range(n)]
    hubs = rnd.sample(names, 12)
    seen = set()
    lines = ["source,target,kind"]
    while len(seen) < deps:
        a = rnd.choice(names)
        b = rnd.choice(hubs) if rnd.random() < 0.15 else rnd.choice(names)
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            lines.append(f"{a},{b},{rnd.choice(['hard', 'hard', 'soft'])}")
    path.write_text("\n".join(lines) + "\n")


def test_fit_on_a_2000_component_review_gives_a_readable_view_not_a_strip(qtbot, win, tmp_path):
    from prr_app.importers import registry
    from prr_app.persistence.store import create_store

    csv = tmp_path / "mesh.csv"
    _mesh_csv(csv)
    prr = tmp_path / "mesh.prr"
    create_store(prr, registry.import_paths([str(csv)], "auto").review).close()
    win.resize(1280, 720)
    assert win.open_path(str(prr))
    n = len(win.session.review.components)
    assert n > 1900
    qtbot.waitUntil(lambda: len(win.scene.nodes) >= n and not win.scene.building, timeout=120000)
    w = win
    w.tabs.setCurrentWidget(w.view)
    bounds = w.scene.itemsBoundingRect()
    vp = w.view.viewport().rect()
    assert min(vp.width() / bounds.width(), vp.height() / bounds.height()) < 0.1  # whole, it is specks
    w.view.resetTransform()
    w.view.scale(0.01, 0.01)
    menu_action(w, "View", "Fit").trigger()
    qtbot.wait(50)
    assert w.view.zoom() >= 0.4  # boxes drawn with their names (canvas_geometry.FIT_READABLE_ZOOM)
    # the view is all graph (no thin strip in an empty canvas), and whole boxes can be read in it
    seen = w.view.mapToScene(vp).boundingRect()
    covered = seen.intersected(bounds)
    assert covered.width() * covered.height() >= 0.8 * seen.width() * seen.height()
    whole = [it for it in w.scene.nodes.values() if seen.contains(it.sceneBoundingRect())]
    assert len(whole) >= 6
    assert all(w.view.mapFromScene(it.sceneBoundingRect()).boundingRect().width() >= 60 for it in whole)
    # the small example still fits whole
    assert w.open_path(str(Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"))
    wait_analysis(qtbot, w)
    menu_action(w, "View", "Fit").trigger()
    vis = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert all(vis.contains(it.sceneBoundingRect()) for it in w.scene.nodes.values())


# ------------------------------------------------------------------ 4 and 8 on a real X server, with no window manager
# Offscreen, Qt gives every window it shows the focus, as a window manager would; a projector's
# bare X session (and Xvfb) gives none: a closed dialog left the keyboard nowhere and the import
# report came up without it. So these run the real app on Xvfb.
X_APP = r"""
import json, shutil, subprocess, sys, time
from PySide6.QtWidgets import QApplication, QPushButton
from PySide6.QtCore import QTimer
app = QApplication([])
from prr_app.ui import dialogs
from prr_app.ui.main_window import MainWindow
w = MainWindow(restore_state=False)
w.resize(1280, 720)
w.show()
out = {}

def wait(cond, s=10.0):
    t = time.monotonic()
    while not cond() and time.monotonic() - t < s:
        app.processEvents()
        time.sleep(0.01)
    return cond()

def settle(s=0.8):
    wait(lambda: False, s)

def name(x):
    return type(x).__name__ if x is not None else None

def keys(*k):  # real key presses, through the X server, to whichever window has its focus
    subprocess.run(["xdotool", "key", *k], check=True)
    settle(0.8)

wait(lambda: w.windowHandle() is not None and w.windowHandle().isExposed())
w.activateWindow()  # the user clicks into the window
out["start"] = wait(lambda: QApplication.activeWindow() is w)
# 4: a dialog opened by its shortcut, cancelled: the window has the keyboard again
QTimer.singleShot(300, lambda: QApplication.activeModalWidget().reject())
w.a_add_comp.trigger()
wait(lambda: QApplication.activeWindow() is w, 5.0)  # (a loaded machine: up to 5 s)
out["after_dialog"] = name(QApplication.activeWindow())
# 8: an import; its report is shown when the worker is done
dialogs.Ask.open_paths = classmethod(lambda cls, *a: [sys.argv[1]])

def choose():
    d = QApplication.activeModalWidget()
    next(b for b in d.findChildren(QPushButton) if b.text().replace("&", "").startswith("Add Files")).click()
    d.buttons.button(d.buttons.StandardButton.Ok).click()
QTimer.singleShot(300, choose)
w.import_dialog()
wait(lambda: any(d.isVisible() for d in w.findChildren(dialogs.ReportDialog)), 60)
report = next(d for d in w.findChildren(dialogs.ReportDialog) if d.isVisible())
wait(lambda: QApplication.activeWindow() is report and QApplication.focusWidget() is not None, 5.0)
settle(0.5)  # and it keeps it
out["report_active"] = QApplication.activeWindow() is report
f = QApplication.focusWidget()
out["report_focus"] = name(f) if f is not None and f.window() is report else None
if shutil.which("xdotool"):
    keys("Escape")
    out["escape_closed_report"] = not any(d.isVisible() for d in w.findChildren(dialogs.ReportDialog))
    out["then_active"] = name(QApplication.activeWindow())
    seen = {}

    def look():  # the dialog the shortcut opened (closed again: its exec() would wait for ever)
        m = QApplication.activeModalWidget()
        seen["modal"] = name(m)
        if m is not None:
            m.reject()
    QTimer.singleShot(1000, look)
    keys("ctrl+shift+c")
    settle(1.0)
    out["next_shortcut"] = seen.get("modal")
print(json.dumps(out), flush=True)
"""


@pytest.fixture
def xserver():
    """A display of a bare X server (no window manager), or a skip where there is no Xvfb."""
    import shutil
    import subprocess

    if not shutil.which("Xvfb"):
        pytest.skip("no Xvfb here (scripts/ensure-system-deps.sh installs it)")
    r, wfd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(wfd)
    with os.fdopen(r) as f:
        display = f.readline().strip()
    try:
        yield f":{display}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_on_a_bare_x_server_dialogs_give_the_keyboard_back_and_the_import_report_takes_it(xserver, tmp_path):
    import json
    import shutil
    import subprocess
    import sys

    src = tmp_path / "compose.yaml"
    src.write_text(COMPOSE)
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="xcb", DISPLAY=xserver)
    proc = subprocess.run([sys.executable, "-c", X_APP, str(src)], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["start"]
    assert out["after_dialog"] == "MainWindow"  # 4: the keyboard is back in the window
    assert out["report_active"] and out["report_focus"] == "QPushButton"  # 8: the report has it
    if shutil.which("xdotool"):  # real keys: Escape closes the report, the window then has them
        assert out["escape_closed_report"] and out["then_active"] == "MainWindow"
        assert out["next_shortcut"] == "NewElementDialog"


# ------------------------------------------------------------------ 12. the register's sort arrow says how it is sorted
def _arrow_drawn(header, section: int) -> str:
    """'up' or 'down': the triangle drawn in ``section`` of ``header``, read off its pixels."""
    img = header.grab().toImage()
    x0 = header.sectionViewportPosition(section)
    x1 = x0 + header.sectionSize(section)
    text_w = header.fontMetrics().horizontalAdvance(header.model().headerData(section, Qt.Orientation.Horizontal)) + 8
    rows = {}
    base = QColor(img.pixelColor(x1 - 3, img.height() // 2)).lightness()

    def dark(x, y) -> bool:
        return img.pixelColor(x, y).lightness() < base - 100

    # the arrow is the right-most run of columns with dark pixels (a wider section centres its
    # text, whose last letter then comes after ``x0 + text_w``)
    ys = range(2, img.height() - 2)  # not the header's borders
    xs = [x for x in range(x0 + text_w, x1 - 2) if any(dark(x, y) for y in ys)]
    run = xs[-1:]
    for x in reversed(xs[:-1]):
        if x != run[0] - 1:
            break
        run.insert(0, x)
    for y in ys:
        for x in run:
            if dark(x, y):
                rows[y] = rows.get(y, 0) + 1
    assert rows, "no arrow drawn"
    ys = sorted(rows)
    top, bottom = rows[ys[0]], rows[ys[-1]]
    assert top != bottom, rows
    return "down" if top > bottom else "up"


def test_risk_register_sort_arrow_matches_the_order(qtbot, shop):
    rv = shop.views["Risks"]
    shop.tabs.setCurrentWidget(rv)
    qtbot.waitUntil(lambda: len(rv.model.rows) > 3)
    h = rv.table.horizontalHeader()
    assert rv.proxy.headerData(0, Qt.Orientation.Horizontal) == "Rank"
    ranks = [r.get("rank") for r in rv.model.rows]
    assert ranks == sorted(ranks)  # rank 1 first (the register's order)
    assert _arrow_drawn(h, 0) == "up"
    # a click on Rank: the last first, and the arrow turns
    qtbot.mouseClick(h.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(h.sectionViewportPosition(0) + 10, h.height() // 2))
    ranks = [r.get("rank") for r in rv.model.rows]
    assert ranks == sorted(ranks, reverse=True)
    assert _arrow_drawn(h, 0) == "down"


# ------------------------------------------------------------------ 11. a value out of range: open with problems, fix in the app
def test_a_review_json_with_a_value_out_of_range_opens_with_its_problem_to_fix(qtbot, win, tmp_path, examples_dir):
    import json
    import subprocess
    import sys

    from PySide6.QtWidgets import QMessageBox

    from tests.ui_driver import press

    doc = json.loads((examples_dir / "webshop.json").read_text())
    cid = doc["components"][0]["id"]
    doc["components"][0]["replicas"] = -2
    bad = tmp_path / "shop.json"
    bad.write_text(json.dumps(doc))
    before = bad.read_bytes()
    place = f"$.components[{cid}].replicas"
    # the command line still refuses it for commands that need a valid review: exit 2, one line
    root = Path(__file__).resolve().parent.parent
    res = subprocess.run([sys.executable, "-m", "prr_app", "analyze", str(bad)], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(root)), timeout=120)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "$.components[" in lines[0] and ".replicas" in lines[0]
    # the app: the dialog says what and where, and opens it to fix
    win.resize(1280, 720)
    seen = {}

    def open_and_fix(box):
        seen["text"] = box.text() + "\n" + box.detailedText()
        seen["message"] = box.text()  # what shows without Show Details
        assert "problems" in box.windowTitle(), f"refused: {box.windowTitle()}: {box.text()}"
        press(box, "Open and Fix")
    a = DialogAnswer(open_and_fix, QMessageBox)
    opened = win.open_path(str(bad))
    a.check()
    assert opened
    assert place in seen["message"] and "-2" in seen["message"]  # the problem itself, not only its count
    assert win.session.review.components[cid].replicas == -2
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is None and any(p.path == place for p in res["problems"])
    rows = [win.findings.model.rows[i]["title"] for i in range(len(win.findings.model.rows))]
    assert any(place in t and "at least 1" in t for t in rows)
    assert "problem" in win.findings.summary.text()
    # click the finding: the component is selected and in the inspector, where the value is fixed
    row = next(i for i, t in enumerate(rows) if place in t)
    win.findings.table.setCurrentIndex(win.findings.model.index(row, 1))
    win.findings._clicked(win.findings.model.index(row, 1))
    assert win.inspector.key == cid
    ed = win.inspector.editors["replicas"]
    ed.setFocus()
    ed.selectAll()
    QTest.keyClicks(ed, "2")
    QTest.keyClick(ed, Qt.Key.Key_Return)
    assert win.session.review.components[cid].replicas == 2
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None and not res["problems"]
    assert bad.read_bytes() == before  # the file itself is not changed until saved


# ------------------------------------------------------------------ seen in the walk: what a risk form is about, an empty review
def test_risk_forms_say_which_risk_they_are_about(qtbot, shop):
    rv = shop.views["Risks"]
    shop.tabs.setCurrentWidget(rv)
    risk = next(x for x in shop.result["analysis"].risks if x["launch_blocking"])
    assert rv.select(risk["id"])
    for button, title in (("Accept risk", "Accept"), ("Override score", "Override"), ("Add mitigation", "Mitigation"),
                          ("Launch-blocking", "Launch-blocking")):
        seen = {}

        def look(d):
            seen["about"] = d.about.text() if d.about.isVisible() else ""
            d.reject()
        a = DialogAnswer(look, title=title)
        _button(rv, button).click()
        a.check()
        assert seen["about"] == risk["title"], button  # on a bare X session the title bar is not even drawn


def test_an_empty_review_is_not_reviewed_yet_in_the_findings_as_in_the_overview(qtbot, win):
    res = wait_analysis(qtbot, win)
    assert not win.session.review.components and res is not None
    assert "NOT REVIEWED YET" in win.views["Overview"].verdict.text()
    assert win.findings.summary.text().startswith("NOT REVIEWED YET")
    assert "NOT READY" not in win.findings.summary.text()
    win.create_component("web", "Web")
    wait_analysis(qtbot, win)
    assert win.findings.summary.text().startswith("NOT READY")


def test_risk_register_starts_on_its_worst_risk_selected_and_explained(qtbot, shop):
    rv = shop.views["Risks"]
    shop.tabs.setCurrentWidget(rv)
    qtbot.waitUntil(lambda: len(rv.model.rows) > 3)
    first = rv.model.rows[0]
    assert rv.table.selectionModel().isRowSelected(0) and rv.current_id() == first["id"]
    assert first["title"] in rv.detail.toPlainText()
    # from the filter, Tab to the register, Down: the second row, the one under the one seen
    key(qtbot, shop, Qt.Key.Key_Tab, to=rv.filter)
    assert QApplication.focusWidget() is rv.table
    QTest.keyClick(rv.table, Qt.Key.Key_Down)
    assert rv.current_id() == rv.model.rows[1]["id"] and rv.table.selectionModel().isRowSelected(1)


# ------------------------------------------------------------------ the Overview of an import: counts in words, a hint
def test_the_overview_of_an_import_without_journeys_says_how_to_add_one(qtbot, win, tmp_path):
    """online-boutique imported from its repository has one failure domain and no journeys: the
    Overview says "1 failure domain" (not "1 failure domains"), shows the cluster once (not
    "Kubernetes cluster (cluster)"), and instead of an empty journeys table, what a journey gives and
    where to add one; the hint goes once a journey is there."""
    from prr_app.importers.registry import import_paths
    from prr_app.persistence.store import create_store

    repo = REALDATA / "online-boutique-repo"
    if not repo.is_dir():
        pytest.skip("realdata not present")
    path = tmp_path / "ob.prr"
    create_store(path, import_paths([repo]).review).close()
    win.resize(1280, 720)
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    ov = win.views["Overview"]
    win.tabs.setCurrentWidget(ov)
    text = ov.figures.text()
    assert "1 failure domain ·" in text and "0 journeys" in text and "failure domains" not in text
    assert [ov.domains.item(i).text() for i in range(ov.domains.count())] == ["Kubernetes cluster"]
    assert ov.no_journeys.isVisible() and "Add Journey" in ov.no_journeys.text()
    win.create_journey("shop", "Shop", ["frontend"], 99.9, True, "")  # what Add Journey's OK does
    wait_analysis(qtbot, win)
    qtbot.waitUntil(lambda: not ov.no_journeys.isVisible(), timeout=3000)
    assert "1 journey\n" in ov.figures.text()


def test_deleting_every_component_leaves_both_faces_not_reviewed_yet(qtbot, win, webshop_prr):
    """Select all and Delete on a review with journeys: the Overview said NOT REVIEWED YET, the findings
    NOT READY with 11 launch blockers, about a review with nothing in it. Undo brings it all back."""
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    win.scene.select_ids(list(win.session.review.components))
    win.a_delete.trigger()
    wait_analysis(qtbot, win)
    assert not win.session.review.components and win.session.review.journeys
    assert "NOT REVIEWED YET" in win.views["Overview"].verdict.text()
    assert win.findings.summary.text().startswith("NOT REVIEWED YET")
    win.session.undo_stack.undo()
    wait_analysis(qtbot, win)
    assert win.findings.summary.text().startswith("NOT READY")


def test_a_domain_added_while_another_is_shown_is_in_its_inside_list(qtbot, win, webshop_prr):
    """Zone euw1-a in the inspector, a zone euw1-d added: the "Inside" list still held only the old
    domains, so euw1-a could not be put inside the new one until another element was shown."""
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    win.inspector.show_element("euw1-a")
    win.create_domain("euw1-d", "zone d", "zone", "eu-west-1")
    wait_analysis(qtbot, win)
    assert win.inspector.key == "euw1-a"
    combo = win.inspector.editors["parent"]
    assert "euw1-d" in [combo.itemData(i) for i in range(combo.count())]
