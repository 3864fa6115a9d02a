"""The desktop app, driven through its real widgets with pytest-qt."""
from __future__ import annotations

import copy
import shutil
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from prr_app.analysis import simulate
from prr_app.interchange.json_io import review_to_dict
from prr_app.review.document import load_review
from tests.ui_driver import read_while_open as load_review_while_open, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def drag_box(qtbot, w, item) -> None:
    """Drag a box with the mouse, in steps, 60 px right and 35 px down."""
    from PySide6.QtCore import QPoint

    view = w.view
    start = view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 6):
        qtbot.mouseMove(view.viewport(), start + QPoint(12 * k, 7 * k))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(60, 35))


def finding_ids(w) -> set[str]:
    """The findings' ids; a component exposed to single-instance failure also as "spof:instance:<id>"
    (issue 17 folds it into the component's risk, listing "instance" among its disruptions)."""
    ids = {r["id"] for r in w.findings.model.rows}
    for r in w.result["analysis"].risks if getattr(w, "result", None) else ():
        if r["id"].startswith("spof:component:") and "instance" in r.get("disruptions", ()):
            ids.add("spof:instance:" + r["id"].split(":", 2)[2])
    return ids


def open_copy(qtbot, w, path, tmp_path):
    target = tmp_path / path.name
    if target != path:
        shutil.copy(path, target)
    assert w.open_path(str(target))
    wait_analysis(qtbot, w)
    return target


# ---------------------------------------------------------------- opening
def test_opens_review_json_as_untitled_and_prr_in_place(qtbot, win, examples_dir, prr_file):
    assert win.open_path(str(examples_dir / "webshop.json"))
    assert win.session.untitled and win.session.path is None
    assert "not saved yet" in win.windowTitle()
    assert set(win.scene.nodes) >= set(win.session.review.components)
    res = wait_analysis(qtbot, win)
    assert res["analysis"] is not None
    assert "spof:component:cart-db" in finding_ids(win)
    assert win.open_path(str(prr_file))
    assert win.session.path == prr_file and not win.session.untitled
    assert win.windowTitle().startswith("webshop.prr")


@pytest.mark.parametrize("content", [b"not a review at all", b'{"format": "prr-review", "version": 1, "components": 3}',
                                     b"SQLite format 3\x00garbage"])
def test_bad_file_shows_dialog_and_keeps_review(qtbot, win, tmp_path, examples_dir, monkeypatch, content):
    win.open_path(str(examples_dir / "webshop.json"))
    before = review_to_dict(win.session.review)
    bad = tmp_path / ("bad.json" if content.startswith(b"{") else "bad.prr")
    bad.write_bytes(content)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append((title, text))))
    assert not win.open_path(str(bad))
    assert len(shown) == 1 and "bad." in shown[0][1]
    assert bad.read_bytes() == content  # the user's file is untouched
    assert review_to_dict(win.session.review) == before


def test_a_refused_file_dialog_lists_each_problem(win, tmp_path, monkeypatch):
    """A file the schema refuses with several problems: the dialog said the first and "(and 1 more)"."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "prr-review", "version": 1, "components": 3}')
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    assert not win.open_path(str(bad))
    assert len(shown) == 1
    text = shown[0]
    assert "more)" not in text and f"{bad}: 2 problems:" in text
    assert "• $.components: 3 is not of type \"array\"" in text
    assert '• $: "dependencies" is a required property' in text


def test_missing_file_dialog(win, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append(text)))
    assert not win.open_path(str(tmp_path / "nope.prr"))
    assert shown and "no such file" in shown[0]


# ---------------------------------------------------------------- the build-from-scratch flow
def test_build_find_spof_fix_undo_redo_save_reopen(qtbot, win, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    s = win.session
    win.create_domain("zone-a", "Zone A", "zone")
    win.create_domain("zone-b", "Zone B", "zone")
    win.create_component("web", "Web", "frontend", user_facing=True, replicas=2, placement=["zone-a", "zone-b"])
    win.create_component("api", "API", "service", replicas=2, placement=["zone-a", "zone-b"])
    win.create_component("db", "Database", "datastore", replicas=1, placement=["zone-a"])
    assert win.create_dependency("web", "api")
    assert win.create_dependency("api", "db")
    assert s.undo_stack.count() == 7
    wait_analysis(qtbot, win)
    ids = finding_ids(win)
    assert "spof:instance:db" in ids and "spof:domain:zone-a" in ids
    assert win.scene.nodes["db"].spof

    # fix it in the inspector: a second replica of db in zone b
    win.scene.select_ids(["db"])
    ins = win.inspector
    assert ins.coll == "components" and ins.key == "db"
    rep = ins.editors["replicas"]
    rep.setFocus()
    rep.setText("2")
    rep.editingFinished.emit()
    pl = ins.editors["placement"]
    pl.setText("zone-a, zone-b")
    pl.editingFinished.emit()
    assert s.review.components["db"].replicas == 2
    assert s.review.components["db"].placement == ["zone-a", "zone-b"]
    wait_analysis(qtbot, win)
    qtbot.waitUntil(lambda: "spof:instance:db" not in finding_ids(win), timeout=5000)
    assert "spof:domain:zone-a" not in finding_ids(win)
    built = review_to_dict(s.review)

    # undo everything, then redo everything
    n = s.undo_stack.count()
    assert n == 9
    for _ in range(n):
        win.a_undo.trigger()
    assert not s.review.components and not s.review.domains and not s.review.dependencies
    assert not win.scene.nodes
    for _ in range(n):
        win.a_redo.trigger()
    assert review_to_dict(s.review) == built

    # save (asks where: an untitled review), reopen and compare
    target = tmp_path / "scratch.prr"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    win.a_save.trigger()
    assert s.path == target and not win.isWindowModified()
    win.create_component("cache", "Cache", "cache")  # keeps autosaving into the chosen file
    s.flush()
    win.a_undo.trigger()
    s.flush()
    assert review_to_dict(load_review_while_open(target)) == built
    # reopen it for real, in a fresh session
    s.close_document()
    assert win.open_path(str(target))
    assert review_to_dict(win.session.review) == built


def test_inspector_validates_as_you_type_and_keeps_bad_values_out(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    win.scene.select_ids(["cart-db"])
    ins = win.inspector
    av = ins.editors["availability"]
    av.setText("120")
    av.textEdited.emit("120")
    assert ins.errors["availability"].text() == "at most 100 %"
    av.editingFinished.emit()
    assert win.session.review.components["cart-db"].availability == 99.9
    assert win.session.undo_stack.count() == 0
    pl = ins.editors["placement"]
    pl.setText("euw1-a, mars-1")
    pl.editingFinished.emit()
    assert "unknown failure domain: mars-1" in ins.errors["placement"].text()
    assert win.session.review.components["cart-db"].placement == ["euw1-a"]
    av.setText("99.99")
    av.editingFinished.emit()
    assert win.session.review.components["cart-db"].availability == 99.99
    assert win.session.undo_stack.count() == 1


def test_delete_with_dependencies_is_one_command(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    r = win.session.review
    before = review_to_dict(r)
    deps = [d for d in r.dependencies.values() if "cart-db" in (d.source, d.target)]
    assert deps
    win.scene.select_ids(["cart-db"])
    win.a_delete.trigger()
    assert "cart-db" not in r.components and "cart-db" not in win.scene.nodes
    assert not [d for d in r.dependencies.values() if "cart-db" in (d.source, d.target)]
    assert win.session.undo_stack.count() == 1
    assert win.isWindowModified()
    win.a_undo.trigger()
    assert review_to_dict(r) == before
    assert "cart-db" in win.scene.nodes


def test_drag_is_one_move_command_and_persists(qtbot, win, prr_file):
    win.open_path(str(prr_file))
    item = win.scene.nodes["cart-db"]
    drag_box(qtbot, win, item)
    assert win.session.undo_stack.count() == 1
    assert "cart-db" in win.session.review.layout
    win.session.flush()
    assert "cart-db" in load_review_while_open(prr_file).layout
    win.a_undo.trigger()
    assert "cart-db" not in win.session.review.layout


def test_copy_paste_and_find(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    win.scene.select_ids(["cart-svc", "cart-db"])
    win.a_copy.trigger()
    win.a_paste.trigger()
    r = win.session.review
    assert {"cart-svc-copy", "cart-db-copy"} <= set(r.components)
    assert "cart-svc-copy->cart-db-copy" in r.dependencies
    assert win.session.undo_stack.count() == 1
    hits = win.find("payfast")
    assert hits == ["payments-api"]
    assert win.scene.selected_ids() == ["payments-api"]
    assert win.find("no-such-thing") == []


# ---------------------------------------------------------------- what-if
def test_selection_shows_blast_radius_from_real_analysis(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    r = win.session.review
    win.scene.select_ids(["cart-db"])
    out = simulate(r, components=["cart-db"])
    assert out.down and out.degraded
    states = {nid: it.state for nid, it in win.scene.nodes.items() if it.state}
    assert states["cart-db"] == "origin"  # the question, not a failure: drawn "IF IT FAILS" (issue 18)
    assert {k for k, v in states.items() if v == "down"} == out.down - {"cart-db"}
    assert {k for k, v in states.items() if v == "degraded"} == out.degraded
    # one sentence in the status bar, counting the failed component as the analysis and the PDF do:
    # "Blast radius of cart-db: 3 down  ·  2 degraded  ·  ..."
    assert win.whatif_label.text().startswith(f"Blast radius of cart-db: {len(out.down)} down  ·  ")


def test_fail_this_mode_fails_several_and_changes_nothing(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    before = review_to_dict(win.session.review)
    win.a_fail.trigger()
    assert win.fail_mode
    win.fail("euw1-a")
    win.fail("identity")
    out = simulate(win.session.review, components=["identity"], domains=["euw1-a"])
    down = {k for k, it in win.scene.nodes.items() if it.state == "down"}
    assert down == out.down - {"identity"}
    assert win.scene.nodes["identity"].state == "failed"
    assert win.scene.regions["euw1-a"].state == "failed"
    win.fail("identity")  # un-fail
    out2 = simulate(win.session.review, domains=["euw1-a"])
    assert {k for k, it in win.scene.nodes.items() if it.state == "down"} == out2.down
    win.a_clear_fail.trigger()
    assert not any(it.state for it in win.scene.nodes.values())
    assert review_to_dict(win.session.review) == before
    assert win.session.undo_stack.count() == 0


def test_click_finding_selects_its_components(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    rows = win.findings.model.rows
    i = next(k for k, f in enumerate(rows) if f["id"] == "spof:component:cart-db")
    win.findings.table.clicked.emit(win.findings.model.index(i, 1))
    assert "cart-db" in win.scene.selected_ids()
    assert win.scene.nodes["cart-db"].highlight


# ---------------------------------------------------------------- checklist
def test_walk_five_checklist_items_by_keyboard_and_persist(qtbot, win, prr_file):
    win.open_path(str(prr_file))
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("unanswered"))
    cv.filter_box.setCurrentIndex(cv.filter_box.findData("all"))
    cv.table.setFocus()
    cv.table.setCurrentIndex(cv.model.index(0, 0))
    assert cv.next_unanswered()
    answered = []
    for key in ("1", "2", "1", "3", "1"):
        k = cv.current_key()
        answered.append((k, {"1": "met", "2": "partly", "3": "not_met"}[key]))
        qtbot.keyClick(cv.table, key)
        assert cv.current_key() != k  # stepped on
    for k, status in answered:
        assert win.session.review.answers[k].status == status
    assert win.session.undo_stack.count() == 5
    win.session.flush()
    saved = load_review_while_open(prr_file)
    for k, status in answered:
        assert saved.answers[k].status == status
    qtbot.keyClick(cv.table, "n")
    assert not cv.current_item().answered
    win.a_undo.trigger()
    assert win.session.review.answers.get(answered[-1][0]) is None or \
        win.session.review.answers[answered[-1][0]].status != "met"


def test_not_applicable_needs_reason(qtbot, win, prr_file):
    win.open_path(str(prr_file))
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)  # the checklist is evaluated when it is looked at
    cv.table.setCurrentIndex(cv.model.index(0, 0))
    key = cv.current_key()
    n = win.session.undo_stack.count()
    assert not cv.answer(status="not_applicable")
    assert "reason" in cv.detail_error.text()
    assert win.session.undo_stack.count() == n
    cv.reason.setText("no users outside office hours")
    assert cv.answer(status="not_applicable")
    assert win.session.review.answers[key].reason == "no users outside office hours"


# ---------------------------------------------------------------- risks
def test_accept_and_override_risk_persist(qtbot, win, prr_file):
    win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    rid = "spof:component:cart-db"
    assert rv.select(rid)
    assert rv.accept(rid, "", "") is not None  # who and why are required
    assert rv.accept(rid, "Dana", "carts are cheap to rebuild", "2099-01-31") is None
    assert rv.set_override(rid, 2, None, "") is not None  # a reason is required
    assert rv.set_override(rid, 2, None, "seen twice in five years") is None
    assert rv.add_mitigation(rid, "Add a second cart-db replica in euw1-b", "checkout-team", "2099-02-01") is None
    wait_analysis(qtbot, win)
    risk = win.result["analysis"].risk(rid)
    assert risk["accepted"]["reason"] == "carts are cheap to rebuild"
    assert risk["likelihood"] == 2 and risk["override"]["reason"] == "seen twice in five years"
    assert not risk["launch_blocking"]
    assert rid not in win.result["analysis"].verdict["launch_blockers"]
    win.session.flush()
    saved = load_review_while_open(prr_file)
    assert saved.risks[rid].acceptance.by == "Dana" and saved.risks[rid].acceptance.until == "2099-01-31"
    assert saved.risks[rid].override_reason == "seen twice in five years"
    assert [m.risks for m in saved.mitigations.values() if m.owner == "checkout-team"] == [[rid]]
    rv.select(rid)
    rv.show_on_graph()
    assert "cart-db" in win.scene.selected_ids()


def test_accept_dialog_drives_the_form(qtbot, win, prr_file, monkeypatch):
    from prr_app.ui import views

    win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    rv = win.views["Risks"]
    rv.select("spof:component:identity")

    def fake_exec(dialog):
        dialog.widgets["by"].setText("Omar")
        dialog.widgets["reason"].setPlainText("vendor SLA covers it")
        dialog._ok()
        return dialog.result()

    monkeypatch.setattr(views.FormDialog, "exec", fake_exec)
    rv.accept_dialog()
    assert win.session.review.risks["spof:component:identity"].acceptance.reason == "vendor SLA covers it"


# ---------------------------------------------------------------- models
def test_item_models_pass_qtmodeltester(qtbot, qtmodeltester, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    assert win.findings.model.rowCount() > 0
    qtmodeltester.check(win.findings.model)
    cv = win.views["Checklist"]
    win.tabs.setCurrentWidget(cv)  # the checklist is evaluated when it is looked at
    assert cv.model.rowCount() > 0
    qtmodeltester.check(cv.model)
    rv = win.views["Risks"]
    assert rv.model.rowCount() > 0
    qtmodeltester.check(rv.model)
    qtmodeltester.check(rv.proxy)
    qtmodeltester.check(win.views["Overview"].journey_model)


# ---------------------------------------------------------------- export / import through the same code as the CLI
def test_export_and_import_run_off_the_gui_thread(qtbot, win, examples_dir, tmp_path):
    win.open_path(str(examples_dir / "webshop.json"))
    out = tmp_path / "out.json"
    t = win.export_to("json", str(out))
    with qtbot.waitSignal(t.signals.sig_done, timeout=10000):
        pass
    assert review_to_dict(load_review(out)) == review_to_dict(win.session.review)
    csv = tmp_path / "edges.csv"
    csv.write_text("source,target\nweb,api\napi,db\n", encoding="utf-8")
    t = win.import_paths([str(csv)])
    qtbot.waitUntil(lambda: not t.running, timeout=10000)
    qtbot.waitUntil(lambda: set(win.session.review.components) == {"web", "api", "db"}, timeout=5000)
    assert win.session.untitled


def test_recovery_of_untitled_work(qtbot, tmp_path, monkeypatch, examples_dir):
    """An untitled review lives in a recovery file; a new window offers it back."""
    from prr_app.ui import main_window as mw
    from prr_app.ui.session import recovery_files

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    w1 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w1)
    w1.open_path(str(examples_dir / "webshop.json"))
    w1.create_component("brand-new", "Brand new")
    w1.session.flush()
    rec = w1.session.document.path
    # simulate a crash: drop the window without closing the document
    w1.session.document.close()
    w1.session.document = None
    w1.session._dirty = False
    w1.deleteLater()
    assert any(p == rec for p, _ in recovery_files())
    w2 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w2)
    monkeypatch.setattr(mw.Ask, "recover", classmethod(lambda cls, parent, files: True))
    w2.offer_recovery()
    assert "brand-new" in w2.session.review.components
    assert w2.session.untitled
    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    w2.close()
    assert not rec.exists()


def test_dashboard_charts_follow_the_analysis(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    res = wait_analysis(qtbot, win)
    dash = win.views["Dashboard"]
    assert dash.heat is None  # pyqtgraph loads only when the view is first shown
    win.tabs.setCurrentWidget(dash)
    qtbot.waitUntil(lambda: dash.heat_counts is not None)
    risks = res["analysis"].risks
    assert dash.heat_counts.sum() == sum(1 for r in risks if r.get("likelihood") and r.get("impact"))
    top = max(risks, key=lambda r: r["score"])
    assert dash.heat_counts[top["likelihood"] - 1, top["impact"] - 1] >= 1


def test_startup_window_has_no_file_until_first_edit(qtbot, win):
    assert win.session.document is None and win.session.untitled
    win.create_component("first", "First")
    win.session.flush()
    assert win.session.document is not None and win.session.document.path.exists()
    assert "first" in load_review_while_open(win.session.document.path).components


# ---------------------------------------------------------------- import: the registry's code, report, re-import into
@pytest.fixture
def reports(monkeypatch):
    from prr_app.ui import main_window as mw

    shown = []
    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, parent, title, head, lines: shown.append((head, lines))))
    return shown


def run_import(qtbot, w, *args, **kw):
    t = w.import_paths(*args, **kw)
    qtbot.waitUntil(lambda: not t.running, timeout=15000)
    qtbot.wait(10)
    return t


def test_import_folder_filters_like_the_cli_and_shows_the_report(qtbot, win, tmp_path, reports):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "edges.csv").write_text("source,target\nweb,api\napi,db\n", encoding="utf-8")
    (folder / "notes.md").write_text("# not an import\n", encoding="utf-8")
    run_import(qtbot, win, [str(folder)])
    from prr_app.review.importing import import_review

    cli = import_review([str(folder)])  # what prr import calls
    assert set(win.session.review.components) == set(cli.review.components) == {"web", "api", "db"}
    assert win.session.untitled
    head, lines = reports[-1]
    assert "3 components" in head and lines == cli.report.lines()
    assert any("notes.md" in ln and ln.startswith("skipped:") for ln in lines)


def test_reimport_into_open_review_keeps_work_and_is_one_undo_step(qtbot, win, tmp_path, reports):
    src = tmp_path / "system.dot"
    src.write_text("digraph { web -> api; api -> db; }\n", encoding="utf-8")
    run_import(qtbot, win, [str(src)])
    from prr_app.review.edits import change_fields

    r = win.session.review
    win.push("Owner", [change_fields(r, "components", "api", owner="team-a", notes="hand edit")])
    before = review_to_dict(win.session.review)
    depth = win.session.undo_stack.count()
    src.write_text("digraph { web -> api; api -> cache; }\n", encoding="utf-8")
    run_import(qtbot, win, [str(src)], into=True)
    r = win.session.review
    assert "cache" in r.components and "api->cache" in r.dependencies
    assert r.components["api"].owner == "team-a" and r.components["api"].notes == "hand edit"
    assert "missing-from-source" in r.components["db"].tags  # flagged, never deleted
    assert "cache" in win.scene.nodes
    assert win.session.undo_stack.count() == depth + 1
    head, lines = reports[-1]
    assert "Re-imported dot" in head and any(ln.startswith("change:") for ln in lines)
    win.session.undo_stack.undo()
    assert review_to_dict(win.session.review) == before
    win.session.undo_stack.redo()
    assert "cache" in win.session.review.components


def test_import_error_dialog_names_file_and_place(qtbot, win, tmp_path, monkeypatch, reports):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text, *a: shown.append((title, text))))
    bad = tmp_path / "broken.dot"
    bad.write_text("digraph {\n a -> \n", encoding="utf-8")
    before = review_to_dict(win.session.review)
    run_import(qtbot, win, [str(bad)], "dot")
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "broken.dot" in shown[0][1]
    assert review_to_dict(win.session.review) == before and not reports


def test_import_can_be_cancelled(qtbot, win, tmp_path, reports):
    src = tmp_path / "edges.csv"
    src.write_text("source,target\nweb,api\n", encoding="utf-8")
    t = win.import_paths([str(src)])
    assert win.cancel_button.isVisible()
    win.cancel_button.click()
    qtbot.waitUntil(lambda: not t.running, timeout=10000)
    qtbot.wait(10)
    assert not win.session.review.components and not reports
    assert not win.cancel_button.isVisible()


def test_import_dialog_choice(qtbot, win, tmp_path):
    from prr_app.ui.dialogs import ImportDialog

    d = ImportDialog(win, has_review=True, has_imports=True)
    qtbot.addWidget(d)
    assert not d.buttons.button(d.buttons.StandardButton.Ok).isEnabled()
    d.add_paths([str(tmp_path)])
    d.format_box.setCurrentIndex(d.format_box.findData("csv"))
    assert d.choice() == {"paths": [str(tmp_path)], "format": "csv", "into": True}
    d2 = ImportDialog(win, has_review=False, has_imports=False)
    qtbot.addWidget(d2)
    assert not d2.into_radio.isEnabled() and d2.new_radio.isChecked()


# ---------------------------------------------------------------- journeys and failure domains on the canvas
def _reach_oracle(review, entry):
    """Brute force: everything reachable from the entry along dependencies and into group members."""
    import networkx as nx

    g = nx.DiGraph()
    for d in review.dependencies.values():
        g.add_edge(d.source, d.target)
    for gid, grp in review.groups.items():
        for m in grp.members:
            g.add_edge(gid, m)
    nodes = set()
    for e in entry:
        nodes |= {e} | (nx.descendants(g, e) if e in g else set())
    deps = {d.id for d in review.dependencies.values() if d.source in nodes}
    return nodes, deps


def test_journey_path_is_drawn_and_selectable_everywhere(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    r = win.session.review
    for jid, j in r.journeys.items():
        win.show_journey(jid)
        nodes, deps = _reach_oracle(r, j.entry)
        assert {n for n, it in win.scene.nodes.items() if it.journey} == nodes
        assert {n for n, it in win.scene.nodes.items() if it.journey == "entry"} == set(j.entry)
        assert {d for d, e in win.scene.edges.items() if e.journey} == deps
    # from the toolbar's list
    win.journey_box.setCurrentIndex(0)
    assert not any(it.journey for it in win.scene.nodes.values())
    win.journey_box.setCurrentIndex(win.journey_box.findData("checkout"))
    assert win.journey_shown == "checkout" and win.scene.nodes["checkout-svc"].journey == "entry"
    # from the Overview's journey table
    ov = win.views["Overview"]
    row = next(i for i, rw in enumerate(ov.journey_model.rows) if rw[0] == "browse")
    ov.journeys.clicked.emit(ov.journey_model.index(row, 0))
    assert win.journey_shown == "browse" and win.journey_box.currentData() == "browse"
    # a finding that names a journey shows it
    win.show_journey(None)
    row = next(i for i, f in enumerate(win.findings.model.rows) if f["journeys"] == ["checkout"])
    win.findings.table.clicked.emit(win.findings.model.index(row, 1))
    assert win.journey_shown == "checkout"
    # an edit on the path redraws it
    win.delete_elements(["checkout-svc"])
    assert "checkout-svc" not in win.scene.nodes
    assert {n for n, it in win.scene.nodes.items() if it.journey} == _reach_oracle(win.session.review, ["edge-gateway"])[0]


def test_click_failure_domain_label_on_canvas_shows_its_blast_radius(qtbot, win, examples_dir):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.view.fit()
    reg = win.scene.regions["euw1-a"]
    win.view.ensureVisible(reg.sceneBoundingRect())
    label = reg.label.sceneBoundingRect().center()
    pos = win.view.mapFromScene(label)
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(pos.x(), pos.y()))
    assert win.selected_ids() == ["euw1-a"]
    assert win.inspector.coll == "domains" and win.inspector.key == "euw1-a"
    out = simulate(win.session.review, domains=["euw1-a"])
    states = {n: it.state for n, it in win.scene.nodes.items() if it.state}
    assert {n for n, s in states.items() if s == "down"} == set(out.down) & set(win.scene.nodes)
    assert "euw1-a" in win.whatif_label.text()
    # a click inside the region (not on its label) starts a rubber band, it does not select the domain
    inside = win.view.mapFromScene(reg.rect().bottomRight() - reg.rect().topLeft() * 0 + QPoint(-5, -5))
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, inside)
    assert "euw1-a" not in win.selected_ids()


# ---------------------------------------------------------------- large graphs: one edge layer, sketches while zooming
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(*[st.integers(-50, 150)] * 4), min_size=1, max_size=20))
def test_clip_segments_matches_brute_force(segs):
    import numpy as np

    from prr_app.canvas_geometry import clip_segments

    a = np.array(segs, dtype=float)
    seg, keep = clip_segments(a, 0.0, 0.0, 100.0, 100.0)
    kept = iter(seg.tolist())
    for (x1, y1, x2, y2), k in zip(segs, keep.tolist()):
        ts = [i / 400 for i in range(401)]
        inside = [t for t in ts if 0 <= x1 + t * (x2 - x1) <= 100 and 0 <= y1 + t * (y2 - y1) <= 100]
        if not k:
            assert not inside
            continue
        cx1, cy1, cx2, cy2 = next(kept)
        for px, py in ((cx1, cy1), (cx2, cy2)):  # the clipped ends lie in the rectangle, on the segment
            assert -1e-6 <= px <= 100 + 1e-6 and -1e-6 <= py <= 100 + 1e-6
            assert abs((x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)) < 1e-6 * (1 + abs(x2 - x1) + abs(y2 - y1)) * 200
        if len(inside) >= 2:  # and it covers every sampled inside point
            lo, hi = inside[0], inside[-1]
            length = max(abs(x2 - x1), abs(y2 - y1))
            covered = max(abs(cx2 - cx1), abs(cy2 - cy1))
            assert covered >= (hi - lo) * length - 1e-6


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.integers(-50, 150)] * 4), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(-20, 100), st.integers(-20, 100), st.integers(1, 60), st.integers(1, 60)),
                min_size=1, max_size=3))
def test_strip_pieces_cover_exactly_what_the_strips_show(segs, rects):
    """A diagonal pan repaints two strips; the edge layer draws only the pieces of lines in them.
    Brute force over points sampled along each line: every point inside a strip lies on a piece,
    every piece lies in a (grown) strip on its line, and every line with a point near a strip is
    marked near (for its arrowhead)."""
    import numpy as np

    from prr_app.canvas_geometry import strip_pieces

    a = np.array(segs, dtype=float)
    strips = [(x, y, x + w, y + h) for x, y, w, h in rects]
    pieces, near = strip_pieces(a, strips)
    assert pieces.shape[1] == 4 and near.shape == (len(a),)

    def on_piece(px, py):
        for qx1, qy1, qx2, qy2 in pieces.tolist():
            lx, ly = qx2 - qx1, qy2 - qy1
            n2 = lx * lx + ly * ly
            t = 0.0 if n2 == 0 else max(0.0, min(1.0, ((px - qx1) * lx + (py - qy1) * ly) / n2))
            if (qx1 + t * lx - px) ** 2 + (qy1 + t * ly - py) ** 2 < 1e-6:
                return True
        return False

    def inside(px, py, grow):
        return any(x0 - grow <= px <= x1 + grow and y0 - grow <= py <= y1 + grow for x0, y0, x1, y1 in strips)

    for i, (x1, y1, x2, y2) in enumerate(segs):
        for k in range(101):
            t = k / 100
            px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
            if inside(px, py, 0):
                assert on_piece(px, py), (segs[i], (px, py))
            if inside(px, py, 19.9):
                assert near[i]
    for qx1, qy1, qx2, qy2 in pieces.tolist():
        for px, py in ((qx1, qy1), (qx2, qy2), ((qx1 + qx2) / 2, (qy1 + qy2) / 2)):
            assert inside(px, py, 2 + 1e-6)
            assert any(abs((x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)) < 1e-6 * (1 + abs(x2 - x1) + abs(y2 - y1)) * 200
                       for x1, y1, x2, y2 in segs)


def _big_review(n=260, seed=3):
    import random

    from prr_app.model.entities import Component, Dependency, Review

    rnd = random.Random(seed)
    r = Review()
    for i in range(n):
        r.add(Component(id=f"c{i}", name=f"C {i}", kind="service", user_facing=i == 0))
    while len(r.dependencies) < 700:
        i, j = sorted(rnd.sample(range(n), 2))
        if f"c{i}->c{j}" not in r.dependencies:
            r.add(Dependency(f"c{i}", f"c{j}", rnd.choice(["hard", "soft", "async"])))
    return r


def test_diagonal_pans_draw_the_same_picture_as_a_full_repaint(qtbot, win, monkeypatch):
    """After diagonal pans on a large graph (only the two exposed strips' pieces of lines are drawn),
    the window shows what a full repaint shows, but for single pixels of lines clipped at other
    points (as before the strips: Qt rasterises a clipped line a pixel apart at times)."""
    from PySide6.QtCore import QCoreApplication, QPoint, QRect

    from prr_app import canvas_geometry as canvas

    r = _big_review()
    for d in list(r.dependencies.values()):  # solid lines: dashes restart wherever a line is clipped
        r.dependencies[d.id] = type(d)(d.source, d.target, "hard")
    win.resize(1200, 800)
    win.session.new(r)
    wait_analysis(qtbot, win)
    assert win.scene.edge_layer_on
    v = win.view
    # the legend laid over the canvas keeps Qt from scrolling the viewport's pixels (it repaints the
    # whole view, with the legend's hole: no strips); hidden, a pan exposes two strips
    win.legend.hide()
    v.resetTransform()
    v.scale(1.5, 1.5)
    v._zoomed()
    # the edge layer's lines made (its bounding rect with them): until then it is painted nowhere, so a
    # pan's strips hold none of its lines (under load that lasted past a fixed 300 ms wait)
    qtbot.waitUntil(lambda: not win.scene.edge_layer.dirty and not win.scene.edge_layer.boundingRect().isEmpty()
                    and not v.sketching, timeout=10000)
    QCoreApplication.processEvents()  # the paint the layer's new bounding rect asked for
    calls = []
    real = canvas.strip_pieces
    monkeypatch.setattr(canvas, "strip_pieces", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    for _ in range(10):
        v.pan_by(30, 20)
        QCoreApplication.processEvents()
    assert calls and win.scene.exposed_rects is None
    screen = win.windowHandle().screen()
    vp = v.viewport()
    area = QRect(vp.mapTo(win, QPoint(0, 0)), vp.size())  # the window's backing store, as shown
    panned = screen.grabWindow(win.winId()).toImage().copy(area)
    vp.repaint()
    QCoreApplication.processEvents()
    full = screen.grabWindow(win.winId()).toImage().copy(area)
    w, h = full.width(), full.height()
    # boxes keep cached pictures that a scroll can place a fraction of a pixel apart (as before the
    # strips): compare the lines between them
    boxes = [v.mapFromScene(it.sceneBoundingRect()).boundingRect().adjusted(-2, -2, 2, 2)
             for it in win.scene.nodes.values()]
    boxes = [b for b in boxes if b.intersects(QRect(0, 0, w, h))]
    diff = unexplained = 0
    for y in range(h):
        for x in range(w):
            a, b = panned.pixel(x, y), full.pixel(x, y)
            if a != b and any(bx.contains(x, y) for bx in boxes):
                continue
            if a != b:
                diff += 1
                unexplained += not any(0 <= x + dx < w and 0 <= y + dy < h and panned.pixel(x + dx, y + dy) == b
                                       for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    assert diff < w * h // 1000, diff
    assert unexplained < 60, unexplained


def test_large_graph_edge_layer_keeps_selection_and_colours(qtbot, win, tmp_path):
    from PySide6.QtWidgets import QGraphicsItem

    from prr_app.review.document import save_review

    p = tmp_path / "big.prr"
    save_review(_big_review(), p)
    assert win.open_path(str(p))
    wait_analysis(qtbot, win)
    sc = win.scene
    assert sc.edge_layer_on and sc.edge_layer.isVisible()
    e = next(iter(sc.edges.values()))
    assert e.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    # an edge is still picked where its line is
    mid = (e.path().pointAtPercent(0.5))
    assert e in sc.items(mid)
    sc.select_ids([e.dep_id])
    assert win.selected_ids() == [e.dep_id]
    # what-if colours reach the layer's arrays
    src = e.source.node_id
    hub = max(sc.nodes, key=lambda n: sum(1 for d in sc.edges.values() if d.target.node_id == n))
    win.scene.select_ids([hub])
    edge_states = {d.state for d in sc.edges.values() if d.state}
    assert edge_states  # failing a hub takes some callers down or degrades them
    sc.edge_layer.rebuild()
    assert {k[1] for k in sc.edge_layer._groups if k[1] in ("down", "degraded")} == edge_states
    # zooming draws a sketch, then the full picture once the zoom rests
    win.view.reset_zoom()
    node = next(n for n in sc.nodes.values() if not n.is_group)
    assert node.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache  # near, at rest: pictures
    win.view.zoom_by(1.1)
    assert win.view.sketching and sc.sketch and sc.edge_layer.sketch
    assert node.cacheMode() == QGraphicsItem.CacheMode.NoCache  # a sketch must not be kept as the picture
    img = win.view.viewport().grab().toImage()
    assert not img.isNull()
    qtbot.waitUntil(lambda: not win.view.sketching, timeout=3000)
    assert not sc.sketch and not sc.edge_layer.sketch
    assert node.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    # the far overview and back: every box and line is still there to pick
    win.view.fit()
    win.view.zoom_by(0.5)
    qtbot.waitUntil(lambda: not win.view.sketching, timeout=3000)
    assert all(n.isVisible() for n in sc.nodes.values())
    assert src in sc.nodes and sc.nodes[src] in sc.items(sc.nodes[src].sceneBoundingRect().center())
    # the sketch picture waits while another tab is looked at, and is made once the canvas is back
    win.tabs.setCurrentWidget(win.views["Risks"])
    qtbot.waitUntil(lambda: not win.live.busy, timeout=10000)
    sc.edge_layer.mark()
    sc.edge_layer._prepare_sketch()
    assert sc.edge_layer._pix is None and sc.edge_layer._prep.isActive()
    win.tabs.setCurrentWidget(win.view)
    qtbot.waitUntil(lambda: sc.edge_layer._pix is not None, timeout=10000)


def test_several_recovery_files_pick_one_keep_the_others(qtbot, tmp_path, monkeypatch, examples_dir):
    from prr_app.ui import dialogs, main_window as mw
    from prr_app.ui.session import recovery_files

    monkeypatch.setenv("PRR_SETTINGS_DIR", str(tmp_path / "settings"))  # only this test's recovery files
    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    recs = []
    for name in ("first-crash", "second-crash"):
        w = mw.MainWindow(restore_state=False)
        qtbot.addWidget(w)
        w.open_path(str(examples_dir / "webshop.json"))
        w.create_component(name, name)
        w.session.flush()
        recs.append(w.session.document.path)
        w.session.document.close()  # a crash: the recovery file stays
        w.session.document = None
        w.session._dirty = False
    assert {p for p, _ in recovery_files()} >= set(recs)
    w2 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w2)
    # "Later" keeps everything
    monkeypatch.setattr(mw.Ask, "recover", classmethod(lambda cls, parent, files: None))
    w2.offer_recovery()
    assert all(p.exists() for p in recs)
    # the dialog lists both, newest first; recovering the older one leaves the newer in place
    seen = []

    def pick_older(cls, parent, files):
        d = dialogs.RecoverDialog(parent, files)
        seen.append(d.list.count())
        d.list.setCurrentRow([p for p, _ in files].index(recs[0]))
        d._recover()
        return d.answer

    monkeypatch.setattr(mw.Ask, "recover", classmethod(pick_older))
    w2.offer_recovery()
    assert seen == [2]
    assert "first-crash" in w2.session.review.components and "second-crash" not in w2.session.review.components
    assert recs[1].exists()
    assert w2.session.document.path == recs[0]  # recovered: this window's file now
    assert recs[1] in [p for p, _ in recovery_files()]  # offered again later
    w2.close()
    from prr_app.ui.session import discard_recovery

    discard_recovery(recs[1])


# ---------------------------------------------------------------- edits that move boxes
def _scene_matches_full_layout(w):
    """Every box and region where a layout computed from scratch (no cache) puts it, and every line
    ending at its boxes' current positions."""
    from prr_app.ui.layout_bridge import scene_layout

    pos, regions = scene_layout(w.session.review)
    for cid, (x, y) in pos.items():
        p = w.scene.nodes[cid].pos()
        assert (p.x(), p.y()) == (x, y), cid
    for b in regions:
        if b.id in w.scene.regions:
            rect = w.scene.regions[b.id].rect()
            assert (rect.x(), rect.y(), rect.width(), rect.height()) == (b.x, b.y, b.w, b.h), b.id
    _scene_lines_follow(w)


def _scene_lines_follow(w):
    """Every line ending at its boxes' current positions (routed around the boxes as they stand)."""
    from prr_app.ui.canvas_items import _clip_xy
    from prr_app.routing import columns_of, route_beside, route_forward

    # the canvas keeps lines 7 clear of a box (its badges stand out on its corners)
    cols = columns_of(((n.x(), n.y(), n.w, n.h) for n in w.scene.nodes.values() if not n.is_group), margin=7.0)
    for did, e in w.scene.edges.items():
        s, t = e.source, e.target
        way = None
        if not w.scene.edge_layer_on and e.kind != "member":
            if t.x() >= s.x() + s.w:  # routed around the boxes as they stand now
                way = route_forward(cols, s.x() + s.w, s.y() + s.h / 2, t.x(), t.y() + t.h / 2)
            elif s.x() >= t.x() + t.w:
                way = route_forward(cols, t.x() + t.w, t.y() + t.h / 2, s.x(), s.y() + s.h / 2)[::-1]
            else:  # one column: out beside it past the boxes between, or straight when none is
                way = route_beside(cols, (s.x(), s.y(), s.w, s.h), (t.x(), t.y(), t.w, t.h))
        if way is not None:
            assert e.ends == (*way[0], *way[-1]), did
            path = e.path()
            drawn = {(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())}
            assert set(way) <= drawn, did
            continue
        ax, ay = s.x() + s.w / 2, s.y() + s.h / 2
        bx, by = t.x() + t.w / 2, t.y() + t.h / 2
        p1, p2 = _clip_xy(ax, ay, bx - ax, by - ay, s), _clip_xy(bx, by, ax - bx, ay - by, t)
        assert e.ends == (p1.x(), p1.y(), p2.x(), p2.y()), did


def test_a_placement_edit_moves_only_that_box_into_its_new_region(qtbot, win, examples_dir):
    """Two replicas, moved to another zone: the box goes into that zone's region, no other box
    moves; undo puts it back where it was, redo where it went; the what-if colours and the
    findings follow. (A region with no room left is laid out whole: tests/test_layout_stable.py.)"""
    from prr_app.review.edits import change_fields

    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    r = win.session.review
    cid = "cart-db"
    assert "spof:instance:cart-db" in finding_ids(win)
    win.scene.select_ids([cid])
    whole = win.scene._stable.whole
    before = {k: (it.x(), it.y()) for k, it in win.scene.nodes.items()}
    zones = [d for d in sorted(r.domains) if r.domains[d].kind == "zone"]
    first = r.components[cid].placement[0]
    second = next(z for z in zones if z != first and r.domains[z].parent == r.domains[first].parent)
    win.push("another zone", [change_fields(r, "components", cid, replicas=2, placement=[second])])
    assert win.scene._stable.whole == whole  # not laid out whole
    moved = {k for k, it in win.scene.nodes.items() if (it.x(), it.y()) != before[k]}
    assert moved - {g for g in r.groups} == {cid}
    box = win.scene.nodes[cid].sceneBoundingRect()
    assert win.scene.regions[second].sceneBoundingRect().contains(box)
    assert not win.scene.regions[first].sceneBoundingRect().intersects(box)
    _scene_lines_follow(win)
    assert win.scene.nodes[cid].state == "origin"  # the what-if colours of the selection are current
    assert "euw1-b"[-8:] in win.scene.nodes[cid].subtitle  # the box says where it runs now
    wait_analysis(qtbot, win)
    assert "spof:instance:cart-db" not in finding_ids(win)
    went = (win.scene.nodes[cid].x(), win.scene.nodes[cid].y())
    win.a_undo.trigger()
    assert {k: (it.x(), it.y()) for k, it in win.scene.nodes.items()} == before
    _scene_lines_follow(win)
    wait_analysis(qtbot, win)
    assert "spof:instance:cart-db" in finding_ids(win) and win.scene.nodes[cid].spof
    win.a_redo.trigger()
    assert (win.scene.nodes[cid].x(), win.scene.nodes[cid].y()) == went
    _scene_lines_follow(win)
    wait_analysis(qtbot, win)
    assert "spof:instance:cart-db" not in finding_ids(win)


def test_undo_of_a_drag_puts_the_box_back(qtbot, win, examples_dir):
    """The canvas skips boxes already where the layout wants them; a dragged box is not one of them."""
    win.open_path(str(examples_dir / "webshop.json"))
    item = win.scene.nodes["cart-db"]
    home = (item.x(), item.y())
    drag_box(qtbot, win, item)
    assert (item.x(), item.y()) != home
    win.a_undo.trigger()
    assert (item.x(), item.y()) == home
    _scene_matches_full_layout(win)
    # a drag that the move command does not keep (the box lands where it was) leaves it there too
    item.setPos(item.x() + 40, item.y())
    win.scene.sync()
    assert (item.x(), item.y()) == home


def test_an_edit_starts_the_analysis_at_once_and_edits_in_flight_coalesce(qtbot, win, examples_dir, monkeypatch):
    """The analysis of an edit starts on a worker as soon as the canvas has painted it (no debounce
    first); edits that arrive during a run make one follow-up run, whose result is the last edit's."""
    import threading

    from prr_app.ui import live
    from prr_app.review.edits import change_fields

    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    gate = threading.Event()
    real = live.run_analysis

    def held(state, review, *rest):  # the first run waits until the test has made its other edits
        gate.wait(10)
        return real(state, review, *rest)

    monkeypatch.setattr(live, "run_analysis", held)
    starts = []
    win.live.sig_started.connect(lambda: starts.append(1))
    r = win.session.review
    win.push("replicas", [change_fields(r, "components", "cart-db", replicas=2, placement=["euw1-a", "euw1-b"])])
    assert win.live.busy and starts == []  # the canvas first: the run starts when the GUI thread is done
    painted = []
    win.view.sig_awaited_paint_done.connect(lambda: painted.append(len(starts)))
    t0 = time.perf_counter()
    qtbot.waitUntil(lambda: starts == [1], timeout=2000)
    assert painted and painted[0] == 0  # painted first, then started
    assert time.perf_counter() - t0 < 0.5  # at once, not after a debounce or the longest wait for a paint
    for n in (3, 1):
        win.push("replicas", [change_fields(r, "components", "cart-db", replicas=n)])
        qtbot.wait(60)  # longer than the debounce
    assert starts == [1]  # the others wait for the first run
    gate.set()
    res = wait_analysis(qtbot, win)
    assert len(starts) == 2  # one follow-up run for both
    assert res["review"].components["cart-db"].replicas == 1
    assert r.components["cart-db"].replicas == 1


def _scene_matches_its_layout(w):
    """Every box and region where the canvas's own (stable) layout puts it, and every line ending at
    its boxes' current positions."""
    from prr_app.ui.layout_bridge import to_scene

    pos, regions = to_scene(w.scene._stable.layout)
    assert set(pos) == set(w.session.review.components)
    for cid, (x, y) in pos.items():
        p = w.scene.nodes[cid].pos()
        assert (p.x(), p.y()) == (x, y), cid
    drawn = {b.id for b in regions if b.id in w.session.review.domains}
    assert set(w.scene.regions) == drawn
    for b in regions:
        if b.id in w.scene.regions:
            rect = w.scene.regions[b.id].rect()
            assert (rect.x(), rect.y(), rect.width(), rect.height()) == (b.x, b.y, b.w, b.h), b.id
    _scene_lines_follow(w)


def test_random_edits_keep_the_canvas_in_step_and_the_other_boxes_in_place(qtbot, win):
    """Seeded random edits (placements, replicas, names, dependencies added and removed, components
    added and deleted, boxes moved, undo, redo): after each, every box, region and line is where the
    canvas's layout puts it, no box the edit did not name has moved (unless the edit took a whole
    layout: a zone newly in use), and every box shows its component's current name and placement
    (the canvas skips boxes and lines it believes unchanged: this is where that would show)."""
    import random

    from prr_app.model.entities import Component, Dependency, FailureDomain, Review
    from prr_app.review.edits import change_add, change_fields, change_move, delete as changes_delete

    rnd = random.Random(6)
    r0 = Review()
    r0.add(FailureDomain("region", kind="region"))
    for z in "abc":
        r0.add(FailureDomain(f"zone-{z}", kind="zone", parent="region"))
    for i in range(40):
        r0.add(Component(f"c{i}", kind=rnd.choice(["service", "datastore", "queue"]), replicas=1,
                         placement=[rnd.choice(["zone-a", "zone-b", "zone-c"])]))
    for i in range(60):
        a, b = sorted(rnd.sample(range(40), 2))
        r0.add(Dependency(f"c{a}", f"c{b}", rnd.choice(["hard", "soft", "async"])))
    win.session.new(r0)
    r = win.session.review
    assert set(win.scene.nodes) == set(r.components)
    serial = 0
    whole, before = win.scene._stable.whole, {k: (it.x(), it.y()) for k, it in win.scene.nodes.items()}
    named = set()  # the ids the edits told the views about
    win.session.sig_review_changed.connect(lambda _c: named.update(k for _c2, k in win.session.changed_keys or ()))
    for step in range(60):
        ids = sorted(r.components)
        op = rnd.choice(["place", "place", "replicas", "name", "dep", "undep", "kind", "add", "delete", "move", "undo",
                         "redo"])
        cid = rnd.choice(ids)
        if op == "place":
            zones = rnd.sample(["zone-a", "zone-b", "zone-c"], rnd.randint(0, 3))
            win.push("place", [change_fields(r, "components", cid, placement=zones, replicas=max(len(zones), 1))])
        elif op == "replicas":
            win.push("replicas", [change_fields(r, "components", cid, replicas=rnd.randint(1, 3))])
        elif op == "name":
            win.push("name", [change_fields(r, "components", cid, name=f"Name {step}")])
        elif op == "dep":
            other = rnd.choice(ids)
            d = Dependency(cid, other, "hard")
            if other != cid and d.id not in r.dependencies:
                win.push("dep", [change_add(r, "dependencies", d.id, d)])
        elif op == "undep" and r.dependencies:
            win.push("undep", changes_delete(r, [rnd.choice(sorted(r.dependencies))]))
        elif op == "kind" and r.dependencies:
            did = rnd.choice(sorted(r.dependencies))
            win.push("kind", [change_fields(r, "dependencies", did, kind=rnd.choice(["hard", "soft", "async"]))])
        elif op == "add":
            serial += 1
            c = Component(f"n{serial}", placement=["zone-b"])
            win.push("add", [change_add(r, "components", c.id, c)])
        elif op == "delete" and len(ids) > 5:
            win.push("delete", changes_delete(r, [cid]))
        elif op == "move":
            win.push("move", change_move(r, {cid: (rnd.uniform(0, 900), rnd.uniform(0, 600))}))
        elif op == "undo" and win.session.undo_stack.canUndo():
            win.a_undo.trigger()
        elif op == "redo" and win.session.undo_stack.canRedo():
            win.a_redo.trigger()
        assert set(win.scene.nodes) == set(r.components) | set(r.groups), (step, op)
        assert set(win.scene.edges) == {d for d, dep in r.dependencies.items()
                                        if dep.source in win.scene.nodes and dep.target in win.scene.nodes}, (step, op)
        _scene_matches_its_layout(win)
        now = {k: (it.x(), it.y()) for k, it in win.scene.nodes.items() if k in r.components}
        if win.scene._stable.whole == whole:
            assert {k for k in now if k in before and now[k] != before[k]} <= named, (step, op)
        whole, before = win.scene._stable.whole, now
        named.clear()
        for did, e in win.scene.edges.items():
            assert e.kind == r.dependencies[did].kind, (step, op, did)
        for c in r.components.values():
            item = win.scene.nodes[c.id]
            assert item.title == c.label, (step, op, c.id)
            for p in c.placement:
                assert p[-8:] in item.subtitle, (step, op, c.id)
