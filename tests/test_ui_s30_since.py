"""Round 30, the app's "Changes Since..." view: "to now" is the review as it is. An edit or an undo after
the changes were shown left them stale (an undone delete was still listed as removed, its ghost drawn
beside the box back on the graph); and the ghosts of removed boxes sat under the Legend button."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from prr_app.review.edits import set_fields
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def lines(panel):
    return [panel.changes.item(i).text() for i in range(panel.changes.count())]


def ghosts(scene):
    return [i for i in scene.items() if i.data(0) == "removed"]


@pytest.fixture
def since(qtbot, win, prr_file, monkeypatch):
    """A milestone taken, then notifier deleted and the changes since it shown."""
    from prr_app.ui import milestones as ui_m

    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.milestones
    win.milestones_dock.toggleViewAction().trigger()
    monkeypatch.setattr(ui_m.AskMilestone, "name", classmethod(lambda cls, parent: ("Design review", "")))
    click(qtbot, panel.b_take)
    win.delete_elements(["notifier"])
    click(qtbot, panel.b_since)
    qtbot.waitUntil(lambda: panel.diff is not None, timeout=30000)
    assert "  - notifier" in lines(panel) and win.scene.marks["notifier"] == "removed"
    assert [g.data(1) for g in ghosts(win.scene)] == ["notifier"]
    return panel


def test_an_undo_after_changes_since_brings_the_changes_up_to_date(qtbot, win, since):
    panel = since
    win.undo()
    assert "notifier" in win.session.review.components and "notifier" in win.scene.nodes
    qtbot.waitUntil(lambda: "notifier" not in win.scene.marks, timeout=10000)
    assert not ghosts(win.scene)  # no ghost beside the box back on the graph
    assert not [x for x in lines(panel) if "notifier" in x], lines(panel)
    assert panel.changes_title.text().startswith("Changes from Design review (") and "updating" not in \
        panel.changes_title.text()

    # a later edit is listed and marked too, without asking again
    win.edit("Set replicas", set_fields, "components", "cart-db", replicas=2)
    qtbot.waitUntil(lambda: win.scene.marks.get("cart-db") == "changed", timeout=10000)
    assert any(x.startswith("  ~ cart-db: replicas 1 -> 2") for x in lines(panel))
    # boxes moved only: nothing the changes compare, nothing worked out again
    gen = panel._generation
    win.session.sig_review_changed.emit({"layout"})
    assert panel._generation == gen


def test_undoing_the_milestone_clears_the_changes_with_a_note(qtbot, win, since):
    panel = since
    win.undo()  # the delete
    win.undo()  # the milestone
    assert not win.session.review.milestones
    qtbot.waitUntil(lambda: panel.diff is None, timeout=10000)
    assert win.scene.marks == {} and not ghosts(win.scene) and panel.changes.count() == 0
    assert "no longer in the review" in panel.changes_title.text()


def test_clear_marks_stops_the_updates(qtbot, win, since):
    panel = since
    click(qtbot, panel.b_clear)
    win.undo()
    qtbot.wait(300)
    assert panel.diff is None and win.scene.marks == {} and panel.changes.count() == 0


def test_ghosts_are_clear_of_the_legend_once_fitted(qtbot, win, since):
    win.view.fit()
    qtbot.wait(50)
    legend = win.legend.geometry()  # a child of the view, laid over its viewport's bottom-left corner
    for g in ghosts(win.scene):
        r = win.view.mapFromScene(g.sceneBoundingRect()).boundingRect()
        r.translate(win.view.viewport().pos())
        assert win.view.viewport().geometry().intersects(r)  # in sight
        assert not r.intersects(legend), (r, legend)
    win.legend.set_open(True)  # open, the legend grows up from its corner: still clear of them
    legend = win.legend.geometry()
    for g in ghosts(win.scene):
        r = win.view.mapFromScene(g.sceneBoundingRect()).boundingRect()
        r.translate(win.view.viewport().pos())
        assert not r.intersects(legend), (r, legend)
