"""Issue 18's workflows end to end, as a user drives them: keys and menus on the real window,
the real dialogs filled while they are open, and each step checked on screen and on disk."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QPushButton

from prr_app.wording import launch_blockers
from prr_app.review.document import load_review
from tests.ui_driver import DialogAnswer, menu_action, press, read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"


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
        assert "already used" in d.error.text()
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
        assert d.isVisible() and "SLO" in d.error.text()
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


# ------------------------------------------------------------------ what-if
def test_what_if_from_the_overview_and_fail_this_change_nothing_on_disk(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    mtime = webshop_prr.stat().st_mtime_ns
    ov = win.views["Overview"]
    win.tabs.setCurrentWidget(ov)
    # nothing selected yet: the button is off (it did nothing when pressed)
    assert ov.domains.currentItem() is None and not button(ov, "Fail this domain").isEnabled()
    # the keyboard: focus the domain list, arrow to a zone, press the button with Space
    row = next(i for i in range(ov.domains.count())
               if ov.domains.item(i).data(Qt.ItemDataRole.UserRole) == "euw1-a")
    ov.domains.setCurrentRow(row)
    fail = button(ov, "Fail this domain")
    fail.setFocus()
    QTest.keyClick(fail, Qt.Key.Key_Space)
    assert win.tabs.currentWidget() is win.view  # back on the graph, where the failure shows
    assert win.fail_mode and win.failed == ["euw1-a"]
    assert win.scene.regions["euw1-a"].state == "failed"
    down = [c for c, it in win.scene.nodes.items() if it.state == "down"]
    assert down  # what the zone takes down is drawn so, and said in words
    assert win.whatif_label.text().startswith("Failing euw1-a:") and f"{len(down)} down" in win.whatif_label.text()
    # add a component failure with Fail This's click; Escape clears the failures and ends the mode
    win.view.centerOn(win.scene.nodes["cart-db"])
    qtbot.wait(20)
    pos = win.view.mapFromScene(win.scene.nodes["cart-db"].sceneBoundingRect().center())
    qtbot.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert win.failed == ["euw1-a", "cart-db"] and win.scene.nodes["cart-db"].state == "failed"
    key(qtbot, win, Qt.Key.Key_Escape, to=win.view)
    assert win.failed == [] and not any(it.state in ("failed", "down", "degraded") for it in win.scene.nodes.values())
    assert not win.fail_mode and not win.a_fail.isChecked()
    # a what-if is not an edit: nothing to undo, nothing written
    assert win.session.undo_stack.count() == 0 and not win.session.dirty
    qtbot.wait(300)
    assert webshop_prr.stat().st_mtime_ns == mtime


# ------------------------------------------------------------------ the checklist walk, by keyboard
def test_checklist_walk_from_the_keyboard(qtbot, win, webshop_prr):
    from PySide6.QtWidgets import QApplication

    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    qtbot.waitUntil(lambda: cv.result is not None)
    answered = cv.result.overall.answered
    key(qtbot, win, Qt.Key.Key_N, to=cv.table)  # N: the next unanswered item
    first = cv.current_item()
    assert first is not None and not first.answered
    key(qtbot, win, Qt.Key.Key_1, to=cv.table)  # 1: met, and on to the next item
    r = win.session.review
    assert r.answers[first.key].status == "met"
    assert r.answers[first.key].changed_by  # who answered
    second = cv.current_item()
    assert second.key != first.key
    key(qtbot, win, Qt.Key.Key_3, to=cv.table)  # 3: not met
    assert r.answers[second.key].status == "not_met"
    # back to the second item; Tab from the list reaches the answer's fields
    cv.select_key(second.key)
    cv.table.setFocus()
    seen = []
    for _ in range(12):
        key(qtbot, win, Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
        if seen[-1] is cv.evidence:
            break
    assert cv.evidence in seen
    QTest.keyClicks(cv.evidence, "https://wiki.example/runbooks/restore")
    key(qtbot, win, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is cv.owner
    QTest.keyClicks(cv.owner, "team-data")
    key(qtbot, win, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is cv.due
    QTest.keyClicks(cv.due, "31/12/2026")  # not a date: refused, said why, nothing stored
    key(qtbot, win, Qt.Key.Key_Tab)
    assert cv.detail_error.text() and r.answers[second.key].due is None
    cv.due.setFocus()
    cv.due.selectAll()
    QTest.keyClicks(cv.due, "2026-12-31")
    key(qtbot, win, Qt.Key.Key_Tab)
    a = r.answers[second.key]
    assert (a.status, a.evidence, a.owner, a.due) == ("not_met", "https://wiki.example/runbooks/restore",
                                                      "team-data", "2026-12-31")
    assert cv.result.overall.answered == answered + 2
    # not applicable needs a reason: asked for, then given
    cv.select_key(first.key)
    key(qtbot, win, Qt.Key.Key_4, to=cv.table)
    assert r.answers[first.key].status == "met" and "reason" in cv.detail_error.text().lower()
    QTest.keyClicks(cv.reason, "no customer data here")
    cv.select_key(first.key)
    key(qtbot, win, Qt.Key.Key_4, to=cv.table)
    assert r.answers[first.key].status == "not_applicable"
    assert r.answers[first.key].reason == "no customer data here"
    win.session.flush()
    on_disk = read_while_open(webshop_prr)
    assert on_disk.answers[second.key].due == "2026-12-31" and on_disk.answers[second.key].owner == "team-data"
    assert on_disk.answers[first.key].status == "not_applicable"


# ------------------------------------------------------------------ risks: override, acceptance, mitigation
def test_risk_override_acceptance_and_mitigation_through_the_dialogs(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    res = wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    r = win.session.review
    computed = [x for x in res["analysis"].risks if x["id"] not in r.risks and x["launch_blocking"]]
    a_id, m_id = computed[0]["id"], computed[1]["id"]
    # override: a reason is required (the dialog says so and stays open)
    assert rv.select(a_id)

    def override(d):
        d.widgets["likelihood"].setValue(2)
        d.widgets["impact"].setValue(4)
        ok(d)
        assert d.isVisible() and "reason" in d.error.text().lower()
        d.widgets["reason"].setPlainText("the vendor's SLA covers it")
        ok(d)
    a = DialogAnswer(override, title="Override")
    button(rv, "Override score").click()
    a.check()
    rec = r.risks[a_id]
    assert (rec.override_likelihood, rec.override_impact, rec.override_reason) == (2, 4, "the vendor's SLA covers it")
    res = wait_analysis(qtbot, win)
    shown = next(x for x in rv.model.rows if x["id"] == a_id)
    assert shown["score"] == 8
    # acceptance: a bad date is refused in the dialog
    assert rv.select(a_id)

    def accept(d):
        d.widgets["by"].setText("Dana (SRE lead)")
        d.widgets["reason"].setPlainText("accepted until the second zone exists")
        d.widgets["until"].setText("next year")
        ok(d)
        assert d.isVisible() and "date" in d.error.text().lower()
        d.widgets["until"].setText("2099-06-30")
        ok(d)
    a = DialogAnswer(accept, title="Accept")
    button(rv, "Accept risk").click()
    a.check()
    assert r.risks[a_id].acceptance.by == "Dana (SRE lead)" and r.risks[a_id].status == "accepted"
    # a mitigation of another computed risk: the suggestion is shown from its start
    assert rv.select(m_id)

    def mitigate(d):
        title = d.widgets["title"]
        assert title.textCursor().position() == 0 and title.toPlainText()
        title.setPlainText("Second cart-db replica in another zone")
        d.widgets["owner"].setText("team-data")
        d.widgets["due"].setText("2099-01-31")
        d.widgets["effort"].setCurrentText("medium")
        ok(d)
    a = DialogAnswer(mitigate, title="Mitigation")
    button(rv, "Add mitigation").click()
    a.check()
    mits = [m for m in r.mitigations.values() if m.risks == [m_id]]
    assert len(mits) == 1 and mits[0].owner == "team-data" and mits[0].effort == "medium"
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None, res.get("problems")
    assert "Second cart-db replica" in rv.detail.toPlainText()
    a_now = next(x for x in res["analysis"].risks if x["id"] == a_id)
    assert not a_now["launch_blocking"]  # accepted past the launch
    win.session.flush()
    on_disk = read_while_open(webshop_prr)
    assert on_disk.risks[a_id].acceptance.until == "2099-06-30" and on_disk.risks[a_id].override_impact == 4
    assert [m.title for m in on_disk.mitigations.values() if m.risks == [m_id]] == [mits[0].title]
    # three named steps, each undone alone
    st = win.session.undo_stack
    assert [st.text(i) for i in range(st.count())] == [f"Override {a_id}", f"Accept {a_id}",
                                                       f"Add mitigation to {m_id}"]
    st.undo()
    assert not [m for m in r.mitigations.values() if m.risks == [m_id]] and m_id not in r.risks
    st.undo()
    assert r.risks[a_id].acceptance is None


# ------------------------------------------------------------------ import a real system, save, export the PDF
def test_import_a_real_compose_file_save_and_export_the_pdf(qtbot, win, tmp_path, monkeypatch):
    import pypdf

    from prr_app.importers import registry
    from prr_app.ui import dialogs
    from prr_app.ui import main_window as mw

    src = REALDATA / "opentelemetry-demo" / "compose.yaml"
    if not src.exists():
        pytest.skip("../shared/realdata is not here")
    expected = registry.import_paths([str(src)], "auto").review  # what `prr import` makes of it
    # File > Import…: the real dialog; only the system's file chooser is stood in for
    monkeypatch.setattr(dialogs.Ask, "open_paths", classmethod(lambda cls, *a: [str(src)]))

    def choose(d):
        button(d, "Add Files").click()
        assert d.paths.count() == 1 and d.new_radio.isChecked()
        d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    a = DialogAnswer(choose, title="Import")
    menu_action(win, "File", "Import").trigger()
    a.check()
    qtbot.waitUntil(lambda: set(win.session.review.components) == set(expected.components), timeout=60000)
    report = next(d for d in win.findChildren(dialogs.ReportDialog) if d.isVisible())
    assert f"Imported {len(expected.components)} components" in report.head.text()
    assert report.text.toPlainText().strip()  # what was read and inferred, with places
    report.close()
    res = wait_analysis(qtbot, win, timeout=60000)
    assert "NOT READY" in win.findings.summary.text()
    # the launch blockers counted as the PDF's cover and the CLI count them, risks and checklist items
    assert launch_blockers(res["analysis"].verdict) in win.findings.summary.text()
    assert "not saved yet" in win.windowTitle()
    # Save As (Ctrl+Shift+S)
    target = tmp_path / "otel.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, parent, title, *a: str(
        target if "review" in title.lower() else tmp_path / "otel.pdf")))
    key(qtbot, win, Qt.Key.Key_S, CTRL_SHIFT, to=win.view)
    assert win.session.path == target
    assert set(read_while_open(target).components) == set(expected.components)
    # File > Export > PDF: written off the GUI thread; the status bar says where
    menu_action(win, "File", "Export").menu().aboutToShow.emit()
    export = menu_action(win, "File", "Export").menu()
    pdf_action = next(a for a in export.actions() if "(.pdf)" in a.text())
    pdf_action.trigger()
    pdf = tmp_path / "otel.pdf"
    qtbot.waitUntil(lambda: "Exported to" in win.statusBar().currentMessage(), timeout=120000)
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) >= 3
    cover = reader.pages[0].extract_text()
    assert "not ready" in cover.lower()  # the decision the app shows
    # each cause the app gives is on the cover (issue 17: the same decision everywhere)
    flat = " ".join(cover.split())
    causes = res["analysis"].verdict["causes"]
    assert causes
    for cause in causes:
        assert " ".join(cause.split())[:40] in flat, cause
    text = "\n".join(p.extract_text() for p in reader.pages)
    for cid in list(expected.components)[:5]:
        assert cid in text


# ------------------------------------------------------------------ crash, recovery, quit
CRASHING_APP = r"""
import os, signal, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from prr_app.ui.main_window import MainWindow
w = MainWindow(restore_state=False)
w.show()
assert w.open_path(sys.argv[1])
w.create_component("brand-new", "Brand new")
w.create_dependency("storefront", "brand-new")
t = time.monotonic()
while w.session.dirty and time.monotonic() - t < 30:  # the autosave writes the recovery file
    app.processEvents()
    time.sleep(0.01)
print(w.session.document.path, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # a crash: nothing is closed, nothing cleaned up
"""


def test_crash_then_recover_then_quit_never_throws_the_work_away(qtbot, tmp_path, monkeypatch, examples_dir):
    import os
    import subprocess
    import sys

    from prr_app.ui import main_window as mw

    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", CRASHING_APP, str(examples_dir / "webshop.json")],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == -9, proc.stderr
    rec = Path(proc.stdout.strip().splitlines()[-1])
    assert rec.exists()
    # the next start offers it (File > Recover Unsaved Reviews… here; at start-up the same dialog)
    w = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w)
    w.show()

    def recover(d):
        items = [d.list.item(i).text() for i in range(d.list.count())]
        row = next(i for i, (p, _info) in enumerate(d.files) if p == rec)
        assert "webshop.json" in items[row]
        d.list.setCurrentRow(row)
        button(d, "Recover Selected").click()
    a = DialogAnswer(recover, title="Recover")
    menu_action(w, "File", "Recover Unsaved Reviews").trigger()
    a.check()
    r = w.session.review
    assert "brand-new" in r.components and "storefront->brand-new" in r.dependencies
    assert "not saved" in w.save_label.text().lower() and w.isWindowModified()
    # Ctrl+Q asks; Cancel keeps the window and the work
    a = DialogAnswer(lambda box: press(box, "Cancel"), QMessageBox, title="Save the review")
    key(qtbot, w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier, to=w.view)
    a.check()
    assert w.isVisible() and rec.exists()
    # Ctrl+Q again; Save asks where, writes, and only then is the recovery file removed
    target = tmp_path / "recovered.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    a = DialogAnswer(lambda box: press(box, "Save"), QMessageBox, title="Save the review")
    key(qtbot, w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier, to=w.view)
    a.check()
    assert not w.isVisible()
    saved = load_review(target)
    assert "brand-new" in saved.components and "storefront->brand-new" in saved.dependencies
    assert not rec.exists()


# ------------------------------------------------------------------ delete with references
def test_delete_with_references_updates_them_says_so_and_undoes(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    r = win.session.review
    zone = next(d for d, dom in r.domains.items() if dom.kind == "zone"
                and any(d in c.placement for c in r.components.values()))
    placed = sorted(c for c, comp in r.components.items() if zone in comp.placement)
    dom_name = r.domains[zone].name or zone
    group, g = next((gid, g) for gid, g in r.groups.items() if len(g.members) >= 2)
    member = g.members[0]
    # a zone, from the inspector's Delete button (the Overview's list shows it; the graph its frame)
    win.show_elements([zone])
    win.inspector.show_element(zone)
    assert win.inspector.coll == "domains"
    qtbot.mouseClick(win.inspector.delete_button, Qt.MouseButton.LeftButton)
    assert zone not in r.domains
    assert not any(zone in c.placement for c in r.components.values())
    assert f"{len(placed)} components placed in {dom_name}" in win.statusBar().currentMessage()
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None and not res.get("problems")
    # a group member, with the Delete key on the graph where it is selected and seen
    win.scene.select_ids([member], centre_on=True)
    key(qtbot, win, Qt.Key.Key_Delete, to=win.view)
    assert member not in r.components and member not in r.groups[group].members
    assert f"group {g.name or group} has {member} as a member" in win.statusBar().currentMessage()
    assert not any(d.source == member or d.target == member for d in r.dependencies.values())
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None and not res.get("problems")
    win.session.flush()
    on_disk = read_while_open(webshop_prr)
    assert zone not in on_disk.domains and member not in on_disk.components
    assert member not in on_disk.groups[group].members
    # undo puts back each as it was, references included
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, to=win.view)
    assert member in r.groups[group].members and member in r.components
    key(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier, to=win.view)
    assert zone in r.domains
    assert sorted(c for c, comp in r.components.items() if zone in comp.placement) == placed
    win.session.flush()
    assert read_while_open(webshop_prr).groups[group].members == g.members


def test_a_reviewer_marks_a_risk_launch_blocking_with_a_reason(qtbot, win, webshop_prr):
    """Issue 17, 3: any risk can be marked launch-blocking by the reviewer, with a reason."""
    win.open_path(str(webshop_prr))
    res = wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    rid = next(x["id"] for x in res["analysis"].risks if not x["launch_blocking"])
    assert rv.select(rid)

    def decide(d):
        d.widgets["blocking"].setCurrentText("blocks the launch")
        ok(d)
        assert d.isVisible() and "reason" in d.error.text().lower()  # a reason is required
        d.widgets["reason"].setPlainText("the payments team cannot staff an incident before launch")
        ok(d)
    a = DialogAnswer(decide, title="Launch-blocking")
    button(rv, "Launch-blocking").click()
    a.check()
    rec = win.session.review.risks[rid]
    assert rec.launch_blocking is True and rec.launch_blocking_reason.startswith("the payments team")
    res = wait_analysis(qtbot, win)
    now = next(x for x in res["analysis"].risks if x["id"] == rid)
    assert now["launch_blocking"] and "payments team" in now["blocking_reason"]
    assert "NOT READY" in win.findings.summary.text()
    win.session.flush()
    assert read_while_open(webshop_prr).risks[rid].launch_blocking is True
    # back to the rules
    assert rv.select(rid)
    a = DialogAnswer(lambda d: (d.widgets["blocking"].setCurrentText("as the rules decide"), ok(d)),
                     title="Launch-blocking")
    button(rv, "Launch-blocking").click()
    a.check()
    assert win.session.review.risks[rid].launch_blocking is None
    res = wait_analysis(qtbot, win)
    assert not next(x for x in res["analysis"].risks if x["id"] == rid)["launch_blocking"]
