"""Issue 18, "the desktop app holds up in a live review meeting": adding a box or a line in front of
the room must not rearrange the graph. A reviewer drives the real window (the Add Component dialog
filled while it is open, a shift-drag between two boxes, the Delete key, the View menu); each test
checks what the room sees: every other box where it was, a new box on no other box and in no
redundancy group's frame it is not a member of, and the findings of the review as it is now."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from tests.ui_driver import DialogAnswer, menu_action, wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"),
              pytest.mark.qt_log_ignore("propagateSizeHints", "raise()", "grabbing the keyboard")]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def shop(qtbot, win, webshop_prr):
    """The window at a projector's size on the example web shop (laid out automatically), analysed."""
    win.resize(1280, 720)
    assert win.open_path(str(webshop_prr))
    wait_analysis(qtbot, win)
    win.tabs.setCurrentWidget(win.view)
    return win


def places(w) -> dict[str, tuple[float, float]]:
    return {k: (it.x(), it.y()) for k, it in w.scene.nodes.items() if not it.is_group}


def boxes(w) -> dict:
    return {k: it.sceneBoundingRect() for k, it in w.scene.nodes.items() if not it.is_group}


def frames(w) -> dict[str, list]:
    """Each redundancy group's frames as drawn, in scene coordinates."""
    return {k: [f.translated(it.pos()) for f in it.frames] for k, it in w.scene.nodes.items() if it.is_group}


def findings_are_current(w) -> None:
    """The findings shown are those of the review as it is now (analysed from scratch)."""
    from prr_app.review.assess import assess
    from prr_app.ui.findings import findings_from

    res = w.result
    assert set(res["review"].components) == set(w.session.review.components)
    assert set(res["review"].dependencies) == set(w.session.review.dependencies)
    fresh = findings_from({"problems": [], "analysis": assess(w.session.review), "error": None})
    assert [f["id"] for f in w.findings.model.rows] == [f["id"] for f in fresh]


def add_component_by_dialog(qtbot, w, name: str) -> str:
    """Ctrl+Shift+C on the canvas, the name typed into the dialog, OK pressed."""
    def fill(d):
        d.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is d, timeout=3000)
        d.name_edit.setFocus()
        QTest.keyClicks(d.name_edit, name)
        d.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    a = DialogAnswer(fill, title="Add component")
    w.activateWindow()
    w.view.setFocus()
    QTest.keyClick(w.view, Qt.Key.Key_C, CTRL_SHIFT)
    d = a.check()
    assert d.result() == QDialog.DialogCode.Accepted
    return d.element_id


def centre_on(w, rect) -> None:
    w.view.centerOn(rect.center())
    QApplication.processEvents()


def test_adding_a_component_keeps_every_box_in_place_and_the_new_one_overlaps_none(qtbot, shop):
    before = places(shop)
    # the room looks at the middle of the graph, where the boxes are dense
    centre_on(shop, shop.scene.nodes["catalog-svc"].sceneBoundingRect())
    cid = add_component_by_dialog(qtbot, shop, "Recommendations")
    assert cid in shop.session.review.components and cid in shop.scene.nodes
    after = places(shop)
    assert {k: v for k, v in after.items() if k != cid} == before  # nothing rearranged
    new = shop.scene.nodes[cid].sceneBoundingRect()
    assert not [k for k, b in boxes(shop).items() if k != cid and b.intersects(new)]
    assert not [g for g, fs in frames(shop).items() if any(f.intersects(new) for f in fs)]
    assert shop.selected_ids() == [cid]
    wait_analysis(qtbot, shop)
    findings_are_current(shop)


def test_a_new_box_is_not_drawn_inside_a_group_frame_it_is_not_a_member_of(qtbot, shop):
    group = shop.scene.nodes["orders-db"]
    centre_on(shop, group.sceneBoundingRect())  # the view's middle is on the group's frame
    before = places(shop)
    cid = add_component_by_dialog(qtbot, shop, "Orders cache")
    new = shop.scene.nodes[cid].sceneBoundingRect()
    for g, fs in frames(shop).items():
        assert not any(f.intersects(new) for f in fs), g
    assert {k: v for k, v in places(shop).items() if k != cid} == before
    # nor in a failure domain's region: the new box has no placement
    for did, reg in shop.scene.regions.items():
        assert not reg.sceneBoundingRect().intersects(new), did
    wait_analysis(qtbot, shop)
    findings_are_current(shop)


def test_adding_a_dependency_by_shift_drag_moves_no_box_and_updates_the_findings(qtbot, shop):
    r = shop.session.review
    src, tgt = "cart-svc", "order-events"  # a line that pushes order-events a tier further
    assert f"{src}->{tgt}" not in r.dependencies
    before = places(shop)
    before_findings = [f["id"] for f in shop.findings.model.rows]
    view = shop.view
    a, b = shop.scene.nodes[src], shop.scene.nodes[tgt]
    centre_on(shop, a.sceneBoundingRect().united(b.sceneBoundingRect()))
    p, q = view.mapFromScene(a.sceneBoundingRect().center()), view.mapFromScene(b.sceneBoundingRect().center())
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, p)
    for k in range(1, 6):
        qtbot.mouseMove(view.viewport(), p + (q - p) * k / 5)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, q)
    assert f"{src}->{tgt}" in r.dependencies and f"{src}->{tgt}" in shop.scene.edges
    assert places(shop) == before
    wait_analysis(qtbot, shop)
    findings_are_current(shop)
    assert [f["id"] for f in shop.findings.model.rows] != before_findings  # order-events: a new SPOF for the cart


def test_deleting_a_component_moves_no_other_box(qtbot, shop):
    r = shop.session.review
    cid = "catalog-svc"
    before = places(shop)
    shop.scene.select_ids([cid])
    shop.view.setFocus()
    shop.activateWindow()
    QTest.keyClick(shop.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: cid not in r.components, timeout=3000)
    assert cid not in shop.scene.nodes
    assert places(shop) == {k: v for k, v in before.items() if k != cid}
    wait_analysis(qtbot, shop)
    findings_are_current(shop)
    shop.a_undo.trigger()  # and back where it was
    assert places(shop) == before


def test_automatic_layout_in_the_view_menu_lays_the_whole_graph_out_again(qtbot, shop):
    act = menu_action(shop, "View", "Automatic Layout")
    assert act.shortcut().toString() == "Ctrl+L"
    cid = add_component_by_dialog(qtbot, shop, "Late addition")
    placed = places(shop)
    act.trigger()
    wait_analysis(qtbot, shop)
    from prr_app.ui.layout_bridge import scene_layout

    pos, _ = scene_layout(shop.session.review)  # the review laid out whole, as drawn afresh
    assert places(shop) == pos and places(shop) != placed
    assert cid in shop.scene.nodes
    findings_are_current(shop)


def test_small_and_large_reviews_keep_boxes_alike(qtbot, win, webshop_prr, tmp_path, monkeypatch):
    """The same edits on the same review drawn as a large one (lines by the edge layer, a whole
    layout on a worker) keep the boxes where they were too, and put the new box at the same place."""
    import shutil

    from prr_app.review.edits import add_component
    from prr_app.ui import canvas_scene

    spots = []
    for big in (False, True):
        path = tmp_path / f"shop-{big}.prr"
        shutil.copy(webshop_prr, path)
        if big:
            monkeypatch.setattr(canvas_scene, "STAGED_BUILD_MIN", 10)
            monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 5)
        assert win.open_path(str(path))
        wait_analysis(qtbot, win)
        assert win.scene.edge_layer_on == big
        before = places(win)
        assert win.create_dependency("search-svc", "cart-db")
        assert not win.scene.redrawing and places(win) == before
        win.push("a box", add_component(win.session.review, "late-svc", None, name="Late"))
        assert not win.scene.redrawing
        assert {k: v for k, v in places(win).items() if k != "late-svc"} == before
        spots.append(places(win)["late-svc"])
        wait_analysis(qtbot, win)
        findings_are_current(win)
    assert spots[0] == spots[1]
