"""Round 30, the app's "Changes Since..." view: a deleted component's single point of failure and its risk
are "removed" with what they went with, never "fixed" or "resolved" (a lead read that as remediated), and
the why lines of a rescored risk never say only the review's number of components."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_changes_since_says_a_deleted_component_s_spof_went_with_it(qtbot, win, prr_file, monkeypatch):
    from prr_app.ui import milestones as ui_m

    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.milestones
    win.milestones_dock.toggleViewAction().trigger()
    monkeypatch.setattr(ui_m.AskMilestone, "name", classmethod(lambda cls, parent: ("Design review", "")))
    click(qtbot, panel.b_take)
    assert panel.list.count() == 1

    win.delete_elements(["catalog-db"])  # a single point of failure of its own
    click(qtbot, panel.b_since)
    qtbot.waitUntil(lambda: panel.diff is not None, timeout=30000)
    lines = [panel.changes.item(i).text() for i in range(panel.changes.count())]
    said = "went with component catalog-db, removed from the review; not fixed"
    assert f"  - removed (component): catalog-db: {said}" in lines
    assert any(x.startswith("  - removed [") and x.endswith(f"(spof:component:catalog-db): {said}") for x in lines)
    assert not [x for x in lines if "catalog-db" in x and ("fixed (" in x or "resolved" in x or "(cleared)" in x)]
    assert not [x for x in lines if re.search(r"blast radius: \d+ down, \d+ degraded of \d+ components", x)]
    # the removed box is still drawn as a ghost, as before
    assert win.scene.marks["catalog-db"] == "removed"
