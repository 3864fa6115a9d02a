"""Issue 18's "broken today": each everyday action of a live review meeting, driven as a user does.

Each test reproduces one bug the way it was reported (real clicks and keys on the real
widgets where the bug was in them) and asserts what the user sees and what is on disk.
"""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from prr_app.review.document import load_review
from tests.ui_driver import read_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def settle(qtbot, w):
    """Let the edit's analysis start and end."""
    return wait_analysis(qtbot, w)


def fake_form(monkeypatch, fill=None):
    """FormDialog.exec fills the form with ``fill`` (a function of the dialog) and presses OK."""
    from prr_app.ui import dialogs

    seen = {}

    def run(dialog):
        seen["dialog"] = dialog
        seen["title_cursor"] = {k: w.cursorPosition() if hasattr(w, "cursorPosition") else w.textCursor().position()
                                for k, w in dialog.widgets.items()
                                if hasattr(w, "cursorPosition") or hasattr(w, "textCursor")}
        if fill:
            fill(dialog)
        dialog._ok()
        return dialog.result()

    monkeypatch.setattr(dialogs.FormDialog, "exec", run)
    return seen


def click_box(qtbot, w, node_id):
    item = w.scene.nodes[node_id]
    pos = w.view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


# ---------------------------------------------------------------- 1. mitigation of a computed risk
def test_mitigation_of_a_computed_risk_saves_and_keeps_the_analysis(qtbot, win, examples_dir, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    errors = []
    monkeypatch.setattr(mw, "show_error", lambda *a, **k: errors.append(a))
    win.open_path(str(examples_dir / "webshop.json"))
    res = wait_analysis(qtbot, win)
    spofs_before = len(res["analysis"].spofs)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    # a computed risk (the register folds SLO findings into their root cause's risk)
    rid = next(r["id"] for r in res["analysis"].risks if r["id"] not in win.session.review.risks)
    assert rid not in win.session.review.risks  # computed: no stored record yet
    assert rv.select(rid)
    seen = fake_form(monkeypatch)
    rv.mitigation_dialog()
    assert seen["title_cursor"]["title"] == 0  # the long suggested text shows its start
    assert seen["dialog"].result() == seen["dialog"].DialogCode.Accepted
    res = settle(qtbot, win)
    assert res["analysis"] is not None, res.get("problems")
    assert len(res["analysis"].spofs) == spofs_before
    assert any(it.spof for it in win.scene.nodes.values())  # the SPOF badges are still there
    mits = [m for m in win.session.review.mitigations.values() if m.risks == [rid]]
    assert len(mits) == 1
    win.session.flush()
    assert win.save_label.text() != "NOT SAVED" and not errors
    target = tmp_path / "saved.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    assert win.save_as()
    on_disk = read_while_open(target)
    assert [m.title for m in on_disk.mitigations.values() if m.risks == [rid]] == [mits[0].title]
    assert on_disk.risks[rid].origin == "computed"
    # one step undoes it all, the risk record included
    win.session.undo_stack.undo()
    assert rid not in win.session.review.risks
    assert not [m for m in win.session.review.mitigations.values() if m.risks == [rid]]


# ---------------------------------------------------------------- 2. fail this stays
def test_fail_this_by_mouse_toggles_and_stays(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.resize(1280, 720)
    QTest.keyClick(win, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert win.fail_mode
    win.view.centerOn(win.scene.nodes["identity"])
    qtbot.wait(20)
    click_box(qtbot, win, "identity")
    assert win.failed == ["identity"]
    assert win.scene.nodes["identity"].state == "failed"
    qtbot.wait(50)
    assert win.scene.nodes["identity"].state == "failed"  # still failed after the release
    click_box(qtbot, win, "identity")
    assert win.failed == []
    # a zone's label
    reg = win.scene.regions["euw1-a"]
    win.view.centerOn(reg)
    qtbot.wait(20)
    label = reg.mapToScene(reg.label_rect().center()) if hasattr(reg, "label_rect") else reg.sceneBoundingRect().topLeft() + QPoint(20, 10)
    qtbot.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=win.view.mapFromScene(label))
    assert win.failed == ["euw1-a"] and reg.state == "failed"
    assert win.session.undo_stack.count() == 0


# ---------------------------------------------------------------- 3. delete with references
def test_deleting_a_component_a_manual_risk_names_keeps_the_analysis(qtbot, win, webshop_prr):
    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    assert win.session.review.risks["vendor-payfast-contract"].components == ["payments-api"]
    win.scene.select_ids(["payments-api"])
    win.view.setFocus()
    QTest.keyClick(win.view, Qt.Key.Key_Delete)
    assert "payments-api" not in win.session.review.components
    res = settle(qtbot, win)
    assert res["analysis"] is not None, res.get("problems")
    assert res["analysis"].spofs
    assert win.session.review.risks["vendor-payfast-contract"].components == []
    win.session.flush()
    assert read_while_open(webshop_prr).risks["vendor-payfast-contract"].components == []
    win.session.undo_stack.undo()
    assert win.session.review.risks["vendor-payfast-contract"].components == ["payments-api"]


# ---------------------------------------------------------------- 4. delete acts only on what is seen
def test_delete_keys_do_nothing_outside_the_canvas(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    n = len(win.session.review.components)
    win.scene.select_ids(["search-svc"])
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.table.setFocus()
    QTest.keyClick(cv.table, Qt.Key.Key_Backspace)
    QTest.keyClick(cv.table, Qt.Key.Key_Delete)
    assert len(win.session.review.components) == n
    # a finding clicked selects its components; Delete in the findings table leaves them be
    win.tabs.setCurrentWidget(win.view)
    rows = win.findings.model.rows
    i = next(k for k, f in enumerate(rows) if f["id"] == "spof:component:cart-db")
    win.findings.table.setFocus()
    win.findings.table.clicked.emit(win.findings.model.index(i, 1))
    QTest.keyClick(win.findings.table, Qt.Key.Key_Delete)
    QTest.keyClick(win.findings.table, Qt.Key.Key_Backspace)
    assert len(win.session.review.components) == n
    # on the canvas, with its selection in view, Delete deletes
    win.view.setFocus()
    QTest.keyClick(win.view, Qt.Key.Key_Delete)
    assert "cart-db" not in win.session.review.components


# ---------------------------------------------------------------- 5. journeys
def test_journey_is_added_edited_in_the_inspector_and_deleted(qtbot, win, webshop_prr, monkeypatch):
    from prr_app.ui import main_window as mw

    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)

    def fill(d):
        d.id_edit.setText("search")
        d.name_edit.setText("Search products")
        d.entry_edit.setText("edge-gateway, search-svc")
        d.slo_edit.setText("99.9")
        d.critical_box.setChecked(False)

    monkeypatch.setattr(mw.JourneyDialog, "exec", lambda d: (fill(d), d._ok(), d.result())[-1])
    win.add_journey()
    j = win.session.review.journeys["search"]
    assert (j.name, j.entry, j.slo, j.critical) == ("Search products", ["edge-gateway", "search-svc"], 99.9, False)
    # picked in the toolbar's list: the inspector shows it, every field editable
    win.journey_box.setCurrentIndex(win.journey_box.findData("search"))
    assert win.inspector.coll == "journeys" and win.inspector.key == "search"
    slo = win.inspector.editors["slo"]
    slo.setFocus()
    slo.selectAll()
    QTest.keyClicks(slo, "99.5")
    QTest.keyClick(slo, Qt.Key.Key_Return)
    entry = win.inspector.editors["entry"]
    entry.setFocus()
    entry.selectAll()
    QTest.keyClicks(entry, "edge-gateway, storefront, search-svc")
    QTest.keyClick(entry, Qt.Key.Key_Return)
    crit = win.inspector.editors["critical"]
    qtbot.mouseClick(crit, Qt.MouseButton.LeftButton, pos=QPoint(8, crit.height() // 2))
    j = win.session.review.journeys["search"]
    assert (j.slo, j.entry, j.critical) == (99.5, ["edge-gateway", "storefront", "search-svc"], True)
    res = settle(qtbot, win)
    ov = win.views["Overview"]
    row = next(r for r in ov.journey_model.rows if r[0] == "search")
    assert row[1] == "99.5"
    # deleted from the inspector
    qtbot.mouseClick(win.inspector.delete_button, Qt.MouseButton.LeftButton)
    assert "search" not in win.session.review.journeys
    win.session.flush()
    assert "search" not in read_while_open(webshop_prr).journeys
    win.session.undo_stack.undo()
    assert win.session.review.journeys["search"].slo == 99.5


def test_journey_without_entry_shows_no_ceiling(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.create_journey("empty", "Nothing yet")
    settle(qtbot, win)
    row = next(r for r in win.views["Overview"].journey_model.rows if r[0] == "empty")
    assert "100.0000" not in row


# ---------------------------------------------------------------- 6. recovered work kept on quit
def test_recovered_work_is_not_thrown_away_on_quit(qtbot, tmp_path, monkeypatch, examples_dir):
    from prr_app.ui import main_window as mw

    w1 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w1)
    w1.open_path(str(examples_dir / "webshop.json"))
    w1.create_component("brand-new", "Brand new")
    w1.session.flush()
    rec = w1.session.document.path
    w1.session.document.close()  # a crash: the document is never closed properly
    w1.session.document = None
    w1.session._dirty = False
    w1._closed = True
    w1.close()
    w2 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w2)
    monkeypatch.setattr(mw.Ask, "recover", classmethod(lambda cls, parent, files: str(rec)))
    w2.offer_recovery()
    assert "brand-new" in w2.session.review.components
    asked = []
    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: asked.append(title) or "cancel"))
    assert not w2.close()  # Ctrl+Q asks; Cancel keeps the window and the work
    assert asked and rec.exists()
    target = tmp_path / "kept.prr"
    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "save"))
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    assert w2.close()
    assert "brand-new" in load_review(target).components
    assert not rec.exists()


# ---------------------------------------------------------------- 11. smaller issues
def test_untitled_review_never_says_all_changes_saved(qtbot, win, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    win.create_component("api", "API")
    win.session.flush()
    qtbot.wait(10)
    assert "saved" not in win.save_label.text().lower() or "not saved" in win.save_label.text().lower()
    target = tmp_path / "r.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    assert win.save_as()
    assert win.save_label.text() == "All changes saved"


def test_empty_review_is_not_shown_as_ready(qtbot, win):
    win.live.request_now()
    res = wait_analysis(qtbot, win)
    ov = win.views["Overview"]
    assert "READY" not in ov.verdict.text().replace("NOT READY", "")
    assert "add" in (ov.verdict.text() + ov.reasons.toPlainText()).lower()


def test_accepted_by_defaults_to_the_reviewer_name(qtbot, win, webshop_prr, monkeypatch):
    from prr_app.ui import main_window as mw

    mw.settings().setValue("reviewer/name", "Dana Reviewer")
    win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    win.tabs.setCurrentWidget(rv)
    assert rv.select("spof:component:cart-db")

    def fill(d):
        assert d.widgets["by"].text() == "Dana Reviewer"
        d.widgets["reason"].setPlainText("carts are cheap to rebuild")

    fake_form(monkeypatch, fill)
    rv.accept_dialog()
    assert win.session.review.risks["spof:component:cart-db"].acceptance.by == "Dana Reviewer"


def test_a_review_with_a_dangling_reference_opens_and_is_fixed_in_the_app(qtbot, win, examples_dir, tmp_path, monkeypatch):
    import json

    from prr_app.ui import main_window as mw

    data = json.loads((examples_dir / "webshop.json").read_text(encoding="utf-8"))
    data["dependencies"].append({"source": "storefront", "target": "no-such-service", "kind": "hard"})
    bad = tmp_path / "dangling.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    shown = []
    monkeypatch.setattr(mw.Ask, "open_with_problems",
                        classmethod(lambda cls, parent, path, problems: shown.extend(problems) or True))
    assert win.open_path(str(bad))
    assert shown and all(p.path for p in shown)  # every problem, with its place
    assert any("no-such-service" in p.message for p in shown)
    res = wait_analysis(qtbot, win)
    rows = win.findings.model.rows
    i = next(k for k, f in enumerate(rows) if f["severity"] == "error" and "no-such-service" in f["title"])
    win.findings.table.clicked.emit(win.findings.model.index(i, 1))
    assert win.inspector.coll == "dependencies" and win.inspector.key == "storefront->no-such-service"
    qtbot.mouseClick(win.inspector.delete_button, Qt.MouseButton.LeftButton)
    res = settle(qtbot, win)
    assert res["analysis"] is not None and not res.get("problems")
    target = tmp_path / "fixed.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    assert win.save_as()
    assert "storefront->no-such-service" not in read_while_open(target).dependencies
