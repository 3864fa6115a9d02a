"""Round 30: the app's Delete says every call that goes, both ways, as ``prr delete`` does.

Before, its status bar named the first three lines of ``edits.references`` and "and N more", the
calls a component makes were in no line at all (``prr delete`` added them itself), and the calls made
on it stopped at three ("c00->hub, c01->hub, c02->hub and 2 more")."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from prr_app.cli.main import main
from prr_app.model.entities import Component, Dependency, Journey, Review
from prr_app.review.document import save_review
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def _hub_review(path):
    r = Review()
    r.add(Component(id="hub"))
    for i in range(5):
        r.add(Component(id=f"c{i:02d}"))
        r.add(Dependency(f"c{i:02d}", "hub"))
    for i in range(2):
        r.add(Component(id=f"t{i:02d}"))
        r.add(Dependency("hub", f"t{i:02d}"))
    r.add(Journey(id="use", name="Use", entry=["c00", "hub"]))
    r.add(Journey(id="look", name="Look", entry=["c01", "hub"]))
    save_review(r, path)
    return r


def test_the_apps_delete_says_every_call_both_ways_as_prr_delete_does(qtbot, win, tmp_path, capsys):
    path = tmp_path / "hub.prr"
    _hub_review(path)
    # what the command line says of the same delete (on a copy: the window deletes from the file it has)
    copy = tmp_path / "copy.prr"
    assert main(["delete", str(path), "hub", "-o", str(copy)]) == 0
    cli = [ln.strip() for ln in capsys.readouterr().out.splitlines()[1:-1]]
    assert "5 calls on hub go with it: c00->hub, c01->hub, c02->hub, c03->hub, c04->hub" in cli
    assert "2 calls hub makes go with it: hub->t00, hub->t01" in cli

    win.resize(1280, 800)
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    win.tabs.setCurrentWidget(win.view)
    win.scene.select_ids(["hub"])
    win.view.setFocus()
    QTest.keyClick(win.view, Qt.Key.Key_Delete)  # the real Delete, on the canvas
    wait_analysis(qtbot, win)
    r = win.session.review
    assert "hub" not in r.components and not any("hub" in d for d in r.dependencies)
    sb = win.statusBar()
    assert sb.currentMessage() == "Deleted; updated: " + "; ".join(cli)  # every line, none "and N more"
    assert sb.message_label.toolTip().splitlines() == ["Deleted; updated:"] + cli  # one a line
    win.a_undo.trigger()
    wait_analysis(qtbot, win)
    assert len(r.dependencies) == 7 and "hub" in r.components
