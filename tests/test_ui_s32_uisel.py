"""Session 32, the canvas's selection and the plan of Plan Mode, driven through the real window.

Deleting a selection of N boxes froze the window, quadratic in N (Select All + Delete on 2,000
components: 36 s): Qt said the selection changed once per selected box removed, and each time the
window rebuilt the inspector and walked every item. The undo of a paste (its boxes selected) did the
same. Plan Mode's plan went without a question on New, Open or Close while the dock said "The plan is
kept"; a delete that took a change out of the plan said so in a message the delete's own replaced at
once, and its undo brought the component back but not the change."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from prr_app.model.entities import Component, Dependency, Review
from prr_app.ui import main_window as mw
from ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def chain_prr(tmp_path):
    """60 components in a chain with a few side calls: many boxes and lines to select at once."""
    from prr_app.persistence.store import create_store

    r = Review()
    for i in range(60):
        r.add(Component(id=f"c{i}", name=f"Component {i}", kind="service", user_facing=i == 0))
    for i in range(1, 60):
        r.add(Dependency(f"c{i - 1}", f"c{i}", "hard"))
        if i % 3 == 0:
            r.add(Dependency(f"c{i - 3}", f"c{i}", "soft"))
    p = tmp_path / "chain.prr"
    create_store(p, r).close()
    return p


class Counts:
    """How often the selection's change is said, and how often the inspector is made again."""

    def __init__(self, win):
        self.said = 0
        self.rebuilt = 0
        win.scene.selectionChanged.connect(self._said)
        show = win.inspector.show_element

        def counted(*a, **kw):
            self.rebuilt += 1
            return show(*a, **kw)

        win.inspector.show_element = counted

    def _said(self):
        self.said += 1


def open_on_canvas(qtbot, win, path):
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    win.tabs.setCurrentWidget(win.view)
    win.view.setFocus()


def test_select_all_and_delete_says_the_selection_once(qtbot, win, chain_prr):
    open_on_canvas(qtbot, win, chain_prr)
    win.a_select_all.trigger()
    assert len(win.selected_ids()) >= 60  # the boxes (and lines) are selected
    counts = Counts(win)
    QTest.keyClick(win.view, Qt.Key.Key_Delete)
    wait_analysis(qtbot, win)
    assert not win.session.review.components and not win.session.review.dependencies
    # one change of the selection for the whole delete (it was one per selected box and line: 150)
    assert counts.said == 1
    assert counts.rebuilt <= 1
    assert win.selected_ids() == [] and not win.inspector.key
    # the undo brings every box back, drawn
    win.a_undo.trigger()
    wait_analysis(qtbot, win)
    assert len(win.scene.nodes) == 60 and len(win.scene.edges) == len(win.session.review.dependencies)


def test_part_of_a_selection_deleted_and_lines_alone(qtbot, win, chain_prr):
    open_on_canvas(qtbot, win, chain_prr)
    boxes = [f"c{i}" for i in range(10, 40)]
    win.scene.select_ids(boxes)
    counts = Counts(win)
    win.a_delete.trigger()
    wait_analysis(qtbot, win)
    assert counts.said == 1 and counts.rebuilt <= 1
    assert not set(boxes) & set(win.scene.nodes) and win.selected_ids() == []
    # lines alone: one change for all of them too
    lines = [d for d in win.session.review.dependencies][:8]
    win.scene.select_ids(lines)
    counts.said = counts.rebuilt = 0
    win.a_delete.trigger()
    wait_analysis(qtbot, win)
    assert not set(lines) & set(win.session.review.dependencies) and not set(lines) & set(win.scene.edges)
    assert counts.said == 1 and counts.rebuilt <= 1


def test_undo_of_a_paste_says_the_selection_once(qtbot, win, chain_prr):
    open_on_canvas(qtbot, win, chain_prr)
    win.scene.select_ids([f"c{i}" for i in range(20)])
    win.copy_selection()
    win.paste()
    wait_analysis(qtbot, win)
    pasted = [k for k in win.session.review.components if k.endswith("-copy")]
    assert len(pasted) == 20
    qtbot.waitUntil(lambda: sorted(win.selected_ids()) != [] and set(pasted) <= set(win.selected_ids()))
    counts = Counts(win)
    win.a_undo.trigger()
    wait_analysis(qtbot, win)
    assert not set(pasted) & set(win.scene.nodes)
    assert counts.said == 1 and counts.rebuilt <= 1
    assert win.selected_ids() == []


# -- the plan of Plan Mode ------------------------------------------------------------------------------
def plan_two_replicas(qtbot, win, path):
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    win.a_plan_mode.trigger()
    for c in ("cart-db", "search-svc"):
        win.scene.select_ids([c])
        qtbot.mouseClick(panel.buttons["replica"], Qt.MouseButton.LeftButton)
    win.a_plan_mode.trigger()  # off: the plan stays, the review can be edited
    assert [c.describe() for c in panel.plan.changes] == ["add a replica of cart-db in euw1-b",
                                                          "add a replica of search-svc in euw1-b"]
    return panel


def asking(monkeypatch, answer):
    asked = []

    def keep_unsaved(cls, parent, title, **kw):
        asked.append(title)
        assert kw.get("heading") == "Save the plan?"  # the box's title names what it asks about
        return answer

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(keep_unsaved))
    return asked


def test_an_unsaved_plan_is_asked_about_before_new_open_and_close(qtbot, win, webshop_prr, tmp_path, monkeypatch):
    import shutil

    prr_file = tmp_path / "another.prr"  # another review (a copy of the same: it is another file)
    shutil.copy(webshop_prr, prr_file)
    panel = plan_two_replicas(qtbot, win, webshop_prr)
    # the dock says where the plan is, truly
    assert "The plan (2 changes) stays here while this review is open (not saved" in panel.title.text()
    assert "The plan is kept" not in panel.title.text()

    # Cancel: nothing happens
    asked = asking(monkeypatch, "cancel")
    win.a_new.trigger()
    assert asked == ["The plan “plan” (2 changes, made in Plan Mode)"]
    assert len(panel.plan.changes) == 2 and win.session.path == webshop_prr
    assert not win.open_path(str(prr_file))
    assert len(panel.plan.changes) == 2 and win.session.path == webshop_prr
    win.close()
    assert win.isVisible() and len(panel.plan.changes) == 2

    # Save: the plan is written (as Save Plan… writes it), then the other review opens
    target = tmp_path / "meeting-plan.json"
    monkeypatch.setattr(mw.Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    asked = asking(monkeypatch, "save")
    assert win.open_path(str(prr_file))
    assert asked and win.session.path == prr_file
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert [c["component"] for c in saved["changes"]] == ["cart-db", "search-svc"]
    # a new review starts an empty plan, and the dock does not say one is kept
    assert panel.plan.changes == []
    assert "kept" not in panel.title.text() and "stay here" not in panel.title.text()

    # a plan saved, then left: no question about it; one changed since: asked again
    panel = plan_two_replicas(qtbot, win, webshop_prr)
    assert panel.save_plan(str(tmp_path / "p2.json"))
    assert "not saved" not in panel.title.text()
    asked = asking(monkeypatch, "discard")
    win.a_new.trigger()
    assert asked == [] and panel.plan.changes == [] and win.session.untitled


def test_closing_the_window_asks_about_an_unsaved_plan(qtbot, win, webshop_prr, monkeypatch):
    panel = plan_two_replicas(qtbot, win, webshop_prr)
    asked = asking(monkeypatch, "cancel")
    win.close()
    assert asked and win.isVisible() and len(panel.plan.changes) == 2
    asked = asking(monkeypatch, "discard")
    win.close()
    assert asked and not win.isVisible()


def test_a_delete_that_takes_a_plan_change_out_says_so_and_its_undo_puts_it_back(qtbot, win, webshop_prr):
    panel = plan_two_replicas(qtbot, win, webshop_prr)
    sb = win.statusBar()
    win.tabs.setCurrentWidget(win.view)
    win.scene.select_ids(["cart-db"])
    win.view.setFocus()
    QTest.keyClick(win.view, Qt.Key.Key_Delete)
    wait_analysis(qtbot, win)
    assert [c.describe() for c in panel.plan.changes] == ["add a replica of search-svc in euw1-b"]
    # the one message on the status line says both: the plan's change first, then what the delete updated
    msg = sb.currentMessage()
    assert msg.startswith("Deleted. Taken out of the plan, no longer applicable: add a replica of cart-db in euw1-b")
    assert ". Updated: " in msg and "1 call on cart-db goes with it" in msg
    assert "Taken out of the plan" in sb.message_label.toolTip()

    # the undo puts the review back, and the plan as it was: the change in its place, and says so
    win.a_undo.trigger()
    wait_analysis(qtbot, win)
    assert "cart-db" in win.session.review.components
    assert [c.describe() for c in panel.plan.changes] == ["add a replica of cart-db in euw1-b",
                                                          "add a replica of search-svc in euw1-b"]
    assert sb.currentMessage() == "Undone: Delete cart-db. Back in the plan: add a replica of cart-db in euw1-b"
    assert panel.list.count() == 2

    # redo takes it out again (said), and undo again puts it back
    win.a_redo.trigger()
    wait_analysis(qtbot, win)
    assert len(panel.plan.changes) == 1
    assert sb.currentMessage().startswith("Redone: Delete cart-db. Taken out of the plan")
    win.a_undo.trigger()
    wait_analysis(qtbot, win)
    assert len(panel.plan.changes) == 2

    # deleted, then another edit, then both undone in one step of the history: back all the same
    win.delete_elements(["cart-db"])
    win.delete_elements(["search-svc"])
    wait_analysis(qtbot, win)
    assert panel.plan.changes == []
    win.session.undo_stack.setIndex(win.session.undo_stack.index() - 2)
    wait_analysis(qtbot, win)
    assert [c.describe() for c in panel.plan.changes] == ["add a replica of cart-db in euw1-b",
                                                          "add a replica of search-svc in euw1-b"]


def test_a_change_taken_out_by_an_undo_comes_back_on_redo_and_stays_out_once_that_step_is_gone(
        qtbot, win, webshop_prr):
    """A component added, a replica of it planned, the add undone: the change goes with it, the redo
    brings both back. Undone again and then another edit made (the redo gone from the history): the
    change stays out, though the index passes where it was."""
    from prr_app.review import edits

    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    assert win.edit("Add new-svc", edits.add_component, "new-svc", name="New service", kind="service")
    wait_analysis(qtbot, win)
    win.a_plan_mode.trigger()
    win.scene.select_ids(["new-svc"])
    qtbot.mouseClick(panel.buttons["replica"], Qt.MouseButton.LeftButton)
    win.a_plan_mode.trigger()
    assert [c.args["component"] for c in panel.plan.changes] == ["new-svc"]
    win.a_undo.trigger()  # the add undone: its change has nothing to apply to
    wait_analysis(qtbot, win)
    assert panel.plan.changes == []
    assert win.statusBar().currentMessage().startswith("Undone: Add new-svc. Taken out of the plan")
    win.a_redo.trigger()
    wait_analysis(qtbot, win)
    assert [c.args["component"] for c in panel.plan.changes] == ["new-svc"]
    assert win.statusBar().currentMessage() == "Redone: Add new-svc. Back in the plan: add a replica of new-svc"
    win.a_undo.trigger()
    wait_analysis(qtbot, win)
    assert panel.plan.changes == []
    # another edit, which adds new-svc afresh: the add's redo is gone from the history, and the step now
    # there is not the one that took the change out; the plan is not touched by a new edit
    assert win.edit("Add new-svc again", edits.add_component, "new-svc", name="New service", kind="service")
    wait_analysis(qtbot, win)
    assert win.session.undo_stack.index() == 1 and panel.plan.changes == []
