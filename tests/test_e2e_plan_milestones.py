"""Plan mode, the what-if status line and the Milestones dock, end to end through the real window
(the tester's findings of the milestones / diff / plans round)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from prr_app.cli.main import main
from prr_app.review import milestones as M
from prr_app.review import plans as P
from tests.ui_driver import menu_action, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_plus_replica_twice_adds_two_replicas_as_the_cli_does(qtbot, win, prr_file, tmp_path, capsys):
    """The second click on "+ Replica" was dropped (same change twice): the app planned one replica
    where `prr plan --add-replica X --add-replica X` planned two. Now it is one change, "add 2 replicas"."""
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    win.a_plan_mode.trigger()
    win.scene.select_ids(["cart-db"])
    click(qtbot, panel.buttons["replica"])
    click(qtbot, panel.buttons["replica"])
    assert [c.describe() for c in panel.plan.changes] == ["add 2 replicas of cart-db in euw1-b"]
    assert panel.list.count() == 1 and "add 2 replicas of cart-db" in panel.list.item(0).text()
    app = P.apply_plan(win.session.review, panel.plan).components["cart-db"]
    # the command line, twice the same option, on the same review (the window keeps its file open)
    example = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"
    assert main(["plan", str(example), "--add-replica", "cart-db@euw1-b", "--add-replica", "cart-db@euw1-b",
                 "--json"]) == 0
    import json

    cli = json.loads(capsys.readouterr().out)
    cli_changed = {f["field"]: f["new"] for f in cli["diff"]["model"]["components"]["changed"][0]["fields"]}
    assert cli_changed["replicas"] == app.replicas == 3 and cli_changed["placement"] == app.placement
    panel.result = None
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30000)
    changed = {f["field"]: f["new"] for f in panel.result["diff"]["model"]["components"]["changed"][0]["fields"]}
    assert changed["replicas"] == 3
    assert win.session.review.components["cart-db"].replicas == 1 and not win.session.modified


def test_the_status_line_counts_a_blast_radius_as_the_analysis_does(qtbot, win, prr_file):
    """productcatalogservice: "4 down" in the status bar, 5 in prr analyze, the diff and the PDF (the
    status bar left the failed component out)."""
    assert win.open_path(str(prr_file))
    res = wait_analysis(qtbot, win)
    radius = res["analysis"].to_dict()["blast_radius"]
    for cid in ("catalog-svc", "cart-db"):
        win.scene.select_ids([cid])
        qtbot.waitUntil(lambda cid=cid: win.whatif_label.text().startswith(f"Blast radius of {cid}:"), timeout=5000)
        want = radius[cid]
        text = win.whatif_label.text()
        assert f"{want['down_count']} down" in text and f"{want['degraded_count']} degraded" in text, (text, want)


def _take(prr_file, name="Design review"):
    from prr_app.review.document import edit_review

    def take(r):
        M.take(r, name, by="ann", date="2026-03-01")

    edit_review(str(prr_file), take)


def test_the_read_only_milestone_window_opens_fitted(qtbot, win, prr_file):
    _take(prr_file)
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    win.milestones_dock.toggleViewAction().trigger()
    win.milestones.list.setCurrentRow(0)
    click(qtbot, win.milestones.b_open)
    ro = win.milestones.opened[-1]
    qtbot.addWidget(ro)
    qtbot.waitUntil(lambda: ro.isVisible() and not ro.scene.building and bool(ro.scene.nodes), timeout=20000)
    qtbot.wait(50)
    seen = ro.view.mapToScene(ro.view.viewport().rect()).boundingRect()
    for cid, node in ro.scene.nodes.items():
        assert seen.contains(node.sceneBoundingRect()), cid  # every box in sight, none cut off
    ro.close()


def test_analysis_milestones_brings_the_dock_to_the_front(qtbot, win, prr_file):
    """Shown from the menu, the dock stayed behind the Inspector tab (an empty region in sight)."""
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    assert not win.milestones_dock.isVisible()
    menu_action(win, "Analysis", "Milestones").trigger()
    qtbot.waitUntil(lambda: win.milestones_dock.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not win.milestones_dock.visibleRegion().isEmpty(), timeout=5000)
    assert win.inspector_dock.visibleRegion().isEmpty()  # the tab in front is the milestones'


def test_change_badges_leave_the_spof_badge_in_sight_and_ghosts_have_room(qtbot, win, prr_file):
    """After "Changes Since...", the "~ changed" badge covered the red SPOF badge, and the ghost of a
    removed box sat at the scene's very edge, under the Legend button, clipped."""
    from PySide6.QtCore import QRectF

    from prr_app.review.edits import set_fields

    _take(prr_file)
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    win.edit("Owner", set_fields, "components", "edge-gateway", owner="edge-team")
    win.delete_elements(["notifier"])
    wait_analysis(qtbot, win)
    win.milestones_dock.toggleViewAction().trigger()
    win.milestones.list.setCurrentRow(0)
    click(qtbot, win.milestones.b_since)
    qtbot.waitUntil(lambda: win.milestones.diff is not None, timeout=30000)
    node = win.scene.nodes["edge-gateway"]
    assert node.spof and win.scene.marks["edge-gateway"] == "changed"
    badge = next(c for c in node.childItems() if c.data(0) == "changed")
    spof = node.mapRectToScene(QRectF(node.w - 46, -12, 50, 20))  # where NodeItem.paint draws "SPOF"
    assert not badge.sceneBoundingRect().intersects(spof)
    ghost = next(i for i in win.scene.items() if i.data(0) == "removed")
    room = ghost.sceneBoundingRect().adjusted(-100, -100, 100, 100)
    assert win.scene.sceneRect().contains(room)  # it can be scrolled clear of the view's corner
