"""Milestones, "Changes since..." and plan mode in the app, end to end through the real widgets."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from prr_app.review import plans as P
from prr_app.review.assess import assess
from prr_app.review.edits import set_fields
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def badges(scene, eid):
    """The change badges drawn on a box or line."""
    host = scene.nodes.get(eid) or scene.edges.get(eid)
    return [c.data(0) for c in host.childItems() if c.data(0)]


def test_take_a_milestone_see_changes_since_and_open_it_read_only(qtbot, win, prr_file, tmp_path, monkeypatch):
    from prr_app.ui import milestones as ui_m

    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.milestones
    assert not win.milestones_dock.isVisible()  # out of the way until asked for
    win.milestones_dock.toggleViewAction().trigger()
    assert win.milestones_dock.isVisible()
    assert panel.list.count() == 0 and not panel.b_open.isEnabled()

    # take a milestone: one undoable edit, listed at once
    monkeypatch.setattr(ui_m.AskMilestone, "name", classmethod(lambda cls, parent: ("Design review", "first PRR")))
    click(qtbot, panel.b_take)
    assert list(win.session.review.milestones) == ["design-review"]
    assert panel.list.count() == 1 and panel.list.item(0).text().startswith("Design review — ")
    win.session.undo_stack.undo()
    assert not win.session.review.milestones and panel.list.count() == 0
    win.session.undo_stack.redo()
    assert panel.list.count() == 1
    # the same name twice is refused, with a message, and nothing changes
    click(qtbot, panel.b_take)
    assert len(win.session.review.milestones) == 1
    assert "already exists" in win.statusBar().currentMessage()

    # the team edits the review after the milestone
    win.edit("Set replicas", set_fields, "components", "cart-db", replicas=2, placement=["euw1-a", "euw1-b"])
    win.delete_elements(["notifier"])
    click(qtbot, panel.b_since)
    qtbot.waitUntil(lambda: panel.diff is not None, timeout=30000)
    lines = [panel.changes.item(i).text() for i in range(panel.changes.count())]
    assert "  ~ cart-db: replicas 1 -> 2; placement [euw1-a] -> [euw1-a, euw1-b]" in lines
    assert "  - notifier" in lines and "  - fixed (instance): cart-db#0" in lines
    assert panel.changes_title.text().startswith("Changes from Design review (")
    # the canvas marks what changed; a removed box comes back as a dashed ghost beside the graph
    assert win.scene.marks["cart-db"] == "changed" and badges(win.scene, "cart-db") == ["changed"]
    assert win.scene.marks["notifier"] == "removed" and "notifier" not in win.scene.nodes
    ghosts = [i for i in win.scene.items() if i.data(0) == "removed"]
    assert [g.data(1) for g in ghosts] == ["notifier"]
    graph = max(n.sceneBoundingRect().right() for n in win.scene.nodes.values())
    assert ghosts[0].sceneBoundingRect().left() > graph  # right of everything, overlapping nothing
    click(qtbot, panel.b_clear)
    assert win.scene.marks == {} and badges(win.scene, "cart-db") == []
    assert not [i for i in win.scene.items() if i.data(0) == "removed"]

    # open the milestone read-only: the review as it was, in a window that says so
    click(qtbot, panel.b_open)
    ro = panel.opened[-1]
    qtbot.addWidget(ro)
    assert "read-only" in ro.windowTitle() and "Read-only." in ro.banner.text()
    assert ro.review.components["cart-db"].replicas == 1 and "notifier" in ro.review.components
    assert not ro.view.isInteractive() and set(ro.scene.nodes) >= set(ro.review.components)
    assert win.session.review.components["cart-db"].replicas == 2  # the open review is untouched

    # saved with the review, and there after reopening
    win.save()
    assert win.open_path(str(prr_file))
    assert win.milestones.list.count() == 1 and "design-review" in win.session.review.milestones
    ro.close()


def test_plan_mode_puts_changes_into_a_plan_not_the_review(qtbot, win, prr_file):
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    before = win.session.review
    assert not panel.buttons["replica"].isEnabled()  # plan mode off: nothing to add to
    win.a_plan_mode.trigger()
    assert panel.active and win.plan_dock.isVisible()
    # the review is not edited in plan mode: its edit actions and the inspector are off
    assert not win.a_add_comp.isEnabled() and not win.a_delete.isEnabled() and not win.inspector.isEnabled()
    win.scene.sig_link_requested.emit("cart-db", "catalog-db")
    assert "cart-db->catalog-db" not in win.session.review.dependencies
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30000)
    assert panel.today.text().startswith("Today: <b>not-ready</b>")

    # a replica of the selected component goes into the plan; the review stays as it was
    win.scene.select_ids(["cart-db"])
    click(qtbot, panel.buttons["replica"])
    assert [c.describe() for c in panel.plan.changes] == ["add a replica of cart-db in euw1-b"]
    assert win.session.review.components["cart-db"].replicas == 1 and not win.session.modified
    assert badges(win.scene, "cart-db") == ["plan"]
    # a fallback on a selected line
    win.scene.select_ids(["cart-svc->cart-db"])
    click(qtbot, panel.buttons["fallback"])
    assert panel.plan.changes[-1].op == "add-fallback"
    assert badges(win.scene, "cart-svc->cart-db") == ["plan"]
    panel.result = None
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30000)
    want = assess(P.apply_plan(before, panel.plan)).to_dict()
    assert panel.result["after"]["verdict"] == want["verdict"]["verdict"]
    assert panel.result["after"]["launch_blockers"] == want["verdict"]["launch_blockers"]
    n_risks = len(want["verdict"]["launch_blockers"])
    items = want["verdict"]["checklist_blockers"] + want["verdict"]["checklist_unanswered_blockers"]
    # counted as the findings panel counts them: risks and checklist items
    assert f"{n_risks + items} launch blockers ({n_risks} risks" in panel.after.text()

    # the product's suggestions in one step; the residual verdict follows live
    panel.result = None
    click(qtbot, panel.buttons["suggested"])
    assert len(panel.plan.changes) > 2 and panel.list.count() == len(P.groups_of(panel.plan.changes))
    qtbot.waitUntil(lambda: panel.result is not None, timeout=60000)
    want = assess(P.apply_plan(before, panel.plan)).to_dict()
    assert panel.result["after"]["verdict"] == want["verdict"]["verdict"]
    assert panel.result["after"]["risk_score"] < panel.result["before"]["risk_score"]
    assert win.session.review.components["cart-db"].replicas == 1 and not win.session.modified

    # remove a change; leave plan mode: the marks go, the plan is kept, the review never changed
    panel.list.setCurrentRow(0)
    n = len(panel.plan.changes)
    click(qtbot, panel.buttons["remove"])
    assert len(panel.plan.changes) == n - 1
    win.a_plan_mode.trigger()
    assert not panel.active and win.scene.marks == {} and len(panel.plan.changes) == n - 1
    assert not win.session.modified
    assert win.a_add_comp.isEnabled() and win.a_delete.isEnabled() and win.inspector.isEnabled()


def test_a_plan_change_left_without_its_component_is_taken_out_and_today_follows_edits(qtbot, win, prr_file):
    """A replica of cart-db planned, plan mode off, cart-db deleted, plan mode on: the plan's analysis
    failed with an error dialog ("no component 'cart-db'"), "With the plan" stayed at "analysing…" and
    the PDF with the plan could not be written. The change is taken out, saying so; "Today" follows
    the review's edits."""
    statuses = []
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    panel.sig_status.connect(statuses.append)
    win.a_plan_mode.trigger()
    win.scene.select_ids(["cart-db"])
    click(qtbot, panel.buttons["replica"])
    win.scene.select_ids(["catalog-db"])
    click(qtbot, panel.buttons["replica"])
    assert len(panel.plan.changes) == 2
    win.a_plan_mode.trigger()  # off: the review can be edited again
    win.scene.select_ids(["cart-db"])
    win.a_delete.trigger()
    assert "cart-db" not in win.session.review.components
    assert [c.args["component"] for c in panel.plan.changes] == ["catalog-db"]
    assert any("no longer applicable: add a replica of cart-db" in s for s in statuses)
    win.a_plan_mode.trigger()
    panel.result = None
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30000)
    assert "analysing" not in panel.after.text()
    today = panel.today.text()
    # a decision on the review in plan mode (the Risks tab still takes them): "Today" follows
    rid = next(r["id"] for r in win.result["analysis"].risks if r["launch_blocking"])
    panel.result = None
    win.views["Risks"].accept(rid, "lead", "accepted for the pilot")
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30000)
    assert panel.today.text() != today


def test_plan_saved_reopened_and_exported_as_pdf_from_the_app(qtbot, win, prr_file, tmp_path):
    from pypdf import PdfReader

    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    win.a_plan_mode.trigger()
    win.scene.select_ids(["cart-db"])
    click(qtbot, panel.buttons["replica"])
    path = panel.save_plan(str(tmp_path / "ga.json"))
    assert P.read_plan(path).to_dict() == panel.plan.to_dict()
    click(qtbot, panel.buttons["clear"])
    assert panel.plan.changes == []
    assert panel.open_plan(path) and [c.op for c in panel.plan.changes] == ["add-replica"]
    (tmp_path / "bad.json").write_text('{"format": "prr-plan", "name": "b", "changes": [{"op": "add-replica", '
                                       '"component": "ghost"}]}')
    assert not panel.open_plan(str(tmp_path / "bad.json"))
    assert "no component 'ghost'" in win.statusBar().currentMessage()
    assert [c.op for c in panel.plan.changes] == ["add-replica"]  # a refused file changes nothing
    task = panel.export_pdf(str(tmp_path / "ga.pdf"))
    qtbot.waitUntil(lambda: (tmp_path / "ga.pdf").exists() and not win._tasks, timeout=60000)
    assert task is not None
    text = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "ga.pdf")).pages[:6])
    assert "Current vs after the plan" in text and "add a replica of cart-db in euw1-b" in text
    win.a_plan_mode.trigger()
