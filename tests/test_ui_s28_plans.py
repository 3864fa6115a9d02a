"""The app's plan list reads as `prr plan` does (session 28): one line per root cause, each change of a
line in its tooltip, and removing a line takes all of its changes out of the plan."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from prr_app.reporting.changes import group_line
from prr_app.review import plans as P
from prr_app.review.assess import assess
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_suggested_changes_show_one_line_per_root_cause(qtbot, win, prr_file):
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    win.a_plan_mode.trigger()
    click(qtbot, panel.buttons["suggested"])
    want = P.suggested_plan(win.session.review, assess(win.session.review).to_dict())
    assert [c.key() for c in panel.plan.changes] == [c.key() for c in want.changes]
    groups = P.groups_of(panel.plan.changes)
    assert panel.list.count() == len(groups) < len(panel.plan.changes)
    assert f"{len(panel.plan.changes)} changes for {len(groups)} root causes" in panel.effort.text()
    # the cluster's line: the second of each of its components, as prr plan words it
    row = next(i for i, g in enumerate(groups) if g["cause"] == "spof:domain:k8s-prod")
    item = panel.list.item(row)
    assert group_line(groups[row]) in item.text()
    assert "run an independent second of" in item.text() and "in cluster k8s-prod-2" in item.text()
    members = [panel.plan.changes[i] for i in groups[row]["changes"]]
    assert len(members) > 2
    for c in members:
        assert c.describe() in item.toolTip()
    # removing the line removes every change of it, and nothing else
    n = len(panel.plan.changes)
    panel.list.setCurrentRow(row)
    click(qtbot, panel.buttons["remove"])
    assert len(panel.plan.changes) == n - len(members)
    assert not [c for c in panel.plan.changes if any(c is m for m in members)]
    assert panel.list.count() == len(groups) - 1
    assert not win.session.modified
