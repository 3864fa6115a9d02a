"""The canvas tells the truth: new boxes never land on others or in a group's frame, a group's
frame holds only its members, there is a legend, and a selection cannot be missed."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def box_rects(w):
    return {k: it.sceneBoundingRect().adjusted(6, 14, -6, -6) for k, it in w.scene.nodes.items() if not it.is_group}


def test_new_boxes_never_overlap_nor_land_in_a_group_frame(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.view.centerOn(win.scene.nodes["orders-db-primary"])  # the middle of the view is a group's frame
    qtbot.wait(20)
    for i in range(6):
        assert win.create_component(f"new-{i}", f"New {i}")
    qtbot.wait(20)
    rects = box_rects(win)
    new = [k for k in rects if k.startswith("new-")]
    assert len(new) == 6
    for k in new:
        for other, r in rects.items():
            if other != k:
                assert not rects[k].intersects(r), (k, other)
        for g in (it for it in win.scene.nodes.values() if it.is_group):
            for f in g.frames:
                assert not g.mapRectToScene(f).intersects(rects[k]), (k, g.node_id)
        # nor in a failure domain's region: a box there looks placed in that zone, region or provider
        assert not win.session.review.components[k].placement
        for did, region in win.scene.regions.items():
            if region.isVisible():
                assert not region.sceneBoundingRect().intersects(rects[k]), (k, did)


def test_a_group_frame_holds_only_its_members(qtbot, win, examples_dir):
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    r = win.session.review
    # members far apart on the graph, with unrelated boxes between them
    win.scene.select_ids(["edge-gateway", "cart-db"])
    from prr_app.ui import main_window as mw

    d_ok = lambda d: (d.name_edit.setText("Far apart"), d.id_edit.setText("far-apart"), True)[-1]  # noqa: E731
    orig = mw.NewElementDialog.ask
    mw.NewElementDialog.ask = d_ok
    try:
        win.add_group()
    finally:
        mw.NewElementDialog.ask = orig
    assert sorted(r.groups["far-apart"].members) == ["cart-db", "edge-gateway"]
    qtbot.wait(20)
    g = win.scene.nodes["far-apart"]
    rects = box_rects(win)
    for f in g.frames:
        fs = g.mapRectToScene(f)
        inside = [k for k, rr in rects.items() if fs.intersects(rr)]
        assert set(inside) <= {"edge-gateway", "cart-db"}, inside
    for m in ("edge-gateway", "cart-db"):
        assert any(g.mapRectToScene(f).contains(rects[m]) for f in g.frames), m


def test_canvas_has_a_legend_reachable_by_key(qtbot, win):
    assert win.legend.isVisible() and win.legend.toggle.isVisible()
    assert not win.legend.body.isVisible()
    QTest.keyClick(win, Qt.Key.Key_F1)
    assert win.legend.body.isVisible() and win.a_legend.isChecked()
    texts = [t for _d, t in win.legend.body.entries]
    for needed in ("single point of failure", "soft: degraded", "what-if: down", "selected"):
        assert any(needed in t for t in texts), needed
    qtbot.mouseClick(win.legend.toggle, Qt.MouseButton.LeftButton)
    assert not win.legend.body.isVisible() and not win.a_legend.isChecked()


def test_the_legend_stays_in_the_canvas_corner_when_the_graph_is_scrolled(qtbot, win, examples_dir):
    # a review wider than the canvas scrolls; the legend is not part of the graph and must not
    # scroll away with it (it did: off the left edge, never seen again on real imports)
    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    win.view.zoom_by(4.0)
    qtbot.wait(20)
    h, v = win.view.horizontalScrollBar(), win.view.verticalScrollBar()
    assert h.maximum() > 0 and v.maximum() > 0
    vp = win.view.viewport()

    def corner_ok():
        top_left = win.legend.mapTo(win.view, win.legend.rect().topLeft())
        bottom_left = win.legend.mapTo(win.view, win.legend.rect().bottomLeft())
        area = vp.geometry()
        return (win.legend.isVisible() and area.contains(top_left) and area.contains(bottom_left)
                and top_left.x() - area.left() <= 12 and area.bottom() - bottom_left.y() <= 12)

    assert corner_ok()
    for hv, vv in ((h.maximum(), 0), (0, v.maximum()), (h.maximum() // 2, v.maximum() // 3), (0, 0)):
        h.setValue(hv)
        v.setValue(vv)
        qtbot.wait(10)
        assert corner_ok(), (hv, vv, win.legend.geometry())
    QTest.keyClick(win, Qt.Key.Key_F1)  # opened, it still sits in the corner, whole
    h.setValue(h.maximum())
    qtbot.wait(10)
    assert corner_ok() and win.legend.body.isVisible()


def test_a_selected_dependency_is_drawn_with_a_wide_halo(qtbot, win, examples_dir):
    from PySide6.QtGui import QColor, QImage, QPainter

    from prr_app.ui import theme

    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    edge = next(e for e in win.scene.edges.values() if e.dep_id)
    win.view.centerOn(edge)

    def selection_pixels() -> int:
        rect = edge.sceneBoundingRect()
        img = QImage(int(rect.width()) + 20, int(rect.height()) + 20, QImage.Format.Format_ARGB32)
        img.fill(QColor("white"))
        p = QPainter(img)
        win.scene.render(p, source=rect.adjusted(-10, -10, 10, 10))
        p.end()
        sel = QColor(theme.SELECTION)
        n = 0
        for y in range(0, img.height(), 2):
            for x in range(0, img.width(), 2):
                c = img.pixelColor(x, y)
                if c.blue() > 150 and c.red() < 200 and abs(c.blue() - sel.blue()) < 90 and c.blue() - c.red() > 60:
                    n += 1
        return n

    before = selection_pixels()
    win.scene.clearSelection()
    edge.setSelected(True)
    after = selection_pixels()
    assert after > before + 20


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-3000, 3000), st.integers(-3000, 3000), st.integers(10, 900),
                          st.integers(10, 900)), max_size=80),
       st.tuples(st.integers(-1500, 1500), st.integers(-1500, 1500)), st.integers(1, 3))
def test_new_boxes_near_the_view_go_where_a_search_over_every_box_puts_them(rects, near, count):
    """A new box's place, looked for among the rectangles near the view first, is the place the
    search over every rectangle gives (crowded, empty, and huge rectangles reaching in from afar)."""
    from prr_app.canvas_geometry import Rect, free_spots
    from prr_app.canvas_geometry import free_spots_near

    taken = [Rect(*r) for r in rects]
    assert free_spots_near(taken, near, 180, 60, count) == free_spots(taken, near, 180, 60, count)


def _line_on_its_boxes(e) -> bool:
    """The line as drawn (its ends, also those of a line routed around boxes) starts on its source's
    box and ends on its target's."""
    x1, y1, x2, y2 = e.ends
    ok = True
    for (x, y), box in (((x1, y1), e.source), ((x2, y2), e.target)):
        r = box.sceneBoundingRect().adjusted(6 - 1, 14 - 1, -6 + 1, -6 + 1)  # the box itself, 1 px of slack
        ok = ok and r.contains(x, y)
    return ok


def test_a_dragged_box_takes_its_lines_along_at_every_step_and_a_sync_puts_moved_boxes_back(qtbot, win, examples_dir):
    """Boxes have no per-change callback into Python (Qt made ~12 per box while a large review was
    built): the scene itself makes a box's lines follow a drag, step by step, and a box moved by
    anything but the layout is put back, its lines with it, by the next sync."""
    from PySide6.QtCore import QPoint

    win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    item = win.scene.nodes["cart-db"]
    lines = [e for e in item.edges if e.scene() is win.scene]
    assert lines and all(_line_on_its_boxes(e) for e in lines)
    home = (item.x(), item.y())
    view = win.view
    start = view.mapFromScene(item.sceneBoundingRect().center())
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 6):
        QTest.mouseMove(view.viewport(), start + QPoint(14 * k, 9 * k))
        assert (item.x(), item.y()) != home
        assert all(_line_on_its_boxes(e) for e in lines), k  # during the drag, not only at its end
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(70, 45))
    assert "cart-db" in win.session.review.layout  # one move command
    win.a_undo.trigger()
    assert (item.x(), item.y()) == home and all(_line_on_its_boxes(e) for e in lines)
    # moved by something else than the layout (here by hand): the next sync puts it back, lines too
    item.setPos(item.x() + 300, item.y() + 200)
    win.scene.sync()
    assert (item.x(), item.y()) == home and all(_line_on_its_boxes(e) for e in lines)
