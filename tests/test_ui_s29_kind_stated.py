"""The inspector's Kind states a dependency's kind, as ``prr set`` does: choosing "hard" for a hard
call an import found to a discovery hub (already hard, so nothing seemed to change) confirms it, and
the analysis stops softening it. Before, choosing the kind it had did nothing, and the hub's failure
stayed a mere degradation of its callers."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from prr_app.model.entities import Component, Dependency, Review
from prr_app.persistence.store import create_store
from tests.ui_driver import read_while_open, wait_analysis

# the combo box's list is a popup: the offscreen platform says it cannot raise it or grab the keyboard
pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]

CALL = "gw->registry"


@pytest.fixture
def hub_prr(tmp_path):
    r = Review()
    r.add(Component(id="gw", user_facing=True))
    r.add(Component(id="registry", tags=["discovery"]))
    r.add(Dependency("gw", "registry", "hard", evidence=["compose.yml:3: gw depends_on registry"]))
    p = tmp_path / "hub.prr"
    create_store(p, r).close()
    return p


def spofs(win) -> set[str]:
    return {s["element"] for s in win.result["analysis"].spofs}


def click_edge(qtbot, win, dep_id: str) -> None:
    edge = win.scene.edges[dep_id]
    mid = edge.path().pointAtPercent(0.5)
    win.view.centerOn(mid)
    pos = win.view.mapFromScene(mid)
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(pos.x(), pos.y()))
    qtbot.wait(10)


def choose(qtbot, combo, text: str) -> None:
    """Open the combo box's list and pick ``text`` with the keyboard, as a user does (the item shown
    may be the one picked)."""
    combo.setFocus()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    row = combo.findText(text)
    assert row >= 0
    view.setCurrentIndex(view.model().index(row, 0))
    QTest.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)


def test_choosing_the_kind_a_call_has_states_it_and_the_hub_becomes_the_spof_it_is(qtbot, win, hub_prr):
    assert win.open_path(str(hub_prr))
    wait_analysis(qtbot, win)
    assert "registry" not in spofs(win)  # the import's hard call on the hub: taken as soft
    click_edge(qtbot, win, CALL)
    ins = win.inspector
    assert (ins.coll, ins.key) == ("dependencies", CALL)
    kind = ins.editors["kind"]
    assert kind.currentText() == "hard"
    steps = win.session.undo_stack.count()

    choose(qtbot, kind, "hard")
    dep = win.session.review.dependencies[CALL]
    assert (dep.kind, dep.kind_stated) == ("hard", True)
    assert win.session.undo_stack.count() == steps + 1
    wait_analysis(qtbot, win)
    assert "registry" in spofs(win)
    win.save()
    assert read_while_open(hub_prr).dependencies[CALL].kind_stated is True  # in the file

    # choosing it again changes nothing: no second undo step
    choose(qtbot, ins.editors["kind"], "hard")
    assert win.session.undo_stack.count() == steps + 1

    # undo takes the statement back with the kind's edit
    win.session.undo_stack.undo()
    assert win.session.review.dependencies[CALL].kind_stated is False
    wait_analysis(qtbot, win)
    assert "registry" not in spofs(win)


def test_choosing_another_kind_states_it_too(qtbot, win, hub_prr):
    assert win.open_path(str(hub_prr))
    wait_analysis(qtbot, win)
    click_edge(qtbot, win, CALL)
    choose(qtbot, win.inspector.editors["kind"], "soft")
    dep = win.session.review.dependencies[CALL]
    assert (dep.kind, dep.kind_stated) == ("soft", True)
