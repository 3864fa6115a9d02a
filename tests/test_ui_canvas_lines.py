"""Lines of a large graph drawn from arrays (issue 18): the edge layer, its sketch picture and the
overview hand Qt point pairs made from the arrays' bytes instead of one ``QLineF`` per line. The
picture must be the one the ``QLineF`` lines gave, pixel for pixel, and the points exactly the
arrays'."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

coord = st.floats(-5000, 5000, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(coord, coord, coord, coord), max_size=60))
def test_point_pairs_hold_the_arrays_points_exactly(rows):
    from prr_app.ui.canvas_layers import line_pairs

    a = np.array(rows, dtype=float).reshape(-1, 4)
    poly = line_pairs(a)
    assert poly.size() == 2 * len(rows)
    for k, (x1, y1, x2, y2) in enumerate(rows):
        p, q = poly.at(2 * k), poly.at(2 * k + 1)
        assert (p.x(), p.y(), q.x(), q.y()) == (x1, y1, x2, y2)


def _draw(lines, width=0.0, dash=False):
    """The picture ``lines(painter)`` draws with a line pen."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    img = QImage(300, 200, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.white)
    p = QPainter(img)
    pen = QPen(QColor("#204080"), width)
    pen.setCosmetic(True)
    if dash:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.translate(10.5, -3.25)
    p.scale(0.7, 0.7)
    lines(p)
    p.end()
    return img


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-100, 500), st.floats(-100, 400), st.floats(-100, 500), st.floats(-100, 400)),
                min_size=1, max_size=40),
       st.sampled_from([0.0, 2.5]), st.booleans())
def test_lines_drawn_from_point_pairs_look_as_lines_drawn_one_by_one(rows, width, dash):
    from PySide6.QtCore import QLineF

    from prr_app.ui.canvas_layers import draw_pairs, line_pairs

    a = np.array(rows, dtype=float)
    one_by_one = _draw(lambda p: p.drawLines([QLineF(x1, y1, x2, y2) for x1, y1, x2, y2 in rows]), width, dash)
    assert _draw(lambda p: draw_pairs(p, line_pairs(a)), width, dash) == one_by_one


def test_the_edge_layer_draws_each_line_with_its_arrow_head(qtbot, win, examples_dir, monkeypatch):
    """Close in, the edge layer draws every line in view and, at its target, an arrow head, as the
    line items of a small graph do."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from prr_app.ui import canvas_scene
    from tests.ui_driver import wait_analysis

    monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 0)  # the edge layer draws the lines
    assert win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    sc = win.scene
    assert sc.edge_layer_on
    layer = sc.edge_layer
    layer.rebuild()
    drawn = [e for e in sc.edges.values() if e.ends is not None]

    def alone(e):  # no other line ends within 40 px of its tip
        return all(math.dist(e.ends[2:], o.ends[:2]) > 40 and math.dist(e.ends[2:], o.ends[2:]) > 40
                   for o in drawn if o is not e)

    hard = [e for e in drawn if e.kind == "hard" and alone(e)]
    assert hard
    e = hard[0]
    x1, y1, x2, y2 = e.ends
    for it in sc.items():  # the edge layer's lines alone
        if it is not layer:
            it.setVisible(False)
    box = QRectF(min(x1, x2) - 30, min(y1, y2) - 30, abs(x2 - x1) + 60, abs(y2 - y1) + 60)
    img = QImage(int(box.width()), int(box.height()), QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    sc.render(p, QRectF(0, 0, box.width(), box.height()), box)
    p.end()

    bg = sc.backgroundBrush().color()

    def ink(x, y):  # something drawn within a pixel of the scene point (x, y)
        cx, cy = round(x - box.left()), round(y - box.top())
        return any(img.pixelColor(cx + i, cy + j) != bg for i in (-1, 0, 1) for j in (-1, 0, 1))

    assert ink((x1 + x2) / 2, (y1 + y2) / 2)  # the line
    ang = math.atan2(y1 - y2, x1 - x2)
    left = (x2 + math.cos(ang + 0.45) * 12, y2 + math.sin(ang + 0.45) * 12)
    right = (x2 + math.cos(ang - 0.45) * 12, y2 + math.sin(ang - 0.45) * 12)
    assert ink(*left) and ink(*right)  # the head's two sides end there
    wrong = (x2 + math.cos(ang + 1.6) * 12, y2 + math.sin(ang + 1.6) * 12)
    assert not ink(*wrong)  # and nothing is drawn beside it


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 400), st.floats(0, 300), st.floats(0, 400), st.floats(0, 300)), max_size=30),
       st.lists(st.tuples(st.floats(0, 400), st.floats(0, 300), st.floats(0, 400), st.floats(0, 300)), max_size=30),
       st.integers(1, 7))
def test_the_sketch_picture_made_a_few_lines_at_a_time_is_the_picture_made_in_one_go(hard, soft, per_step):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QPen

    from prr_app.ui.canvas_layers import sketch_steps

    jobs = [(QPen(QColor("#333333"), 0), np.array(hard, dtype=float).reshape(-1, 4)),
            (QPen(QColor("#c04000"), 0, Qt.PenStyle.DashLine), np.array(soft, dtype=float).reshape(-1, 4))]
    rect = QRectF(-10, -10, 420, 320)
    steps = list(sketch_steps(rect, jobs, per_step))
    *between, (img, scale) = steps
    assert between == [None] * sum(math.ceil(len(a) / per_step) for _p, a in jobs)
    *_, (whole, scale2) = sketch_steps(rect, jobs, 10**6)
    assert scale == scale2 and img == whole


def test_the_sketch_is_made_ahead_a_step_per_turn_and_a_zoom_meanwhile_does_not_wait_for_it(qtbot, win, examples_dir,
                                                                                              monkeypatch):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from prr_app.ui import canvas_layers, canvas_scene
    from tests.ui_driver import wait_analysis

    monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 0)  # the edge layer draws the lines
    monkeypatch.setattr(canvas_layers, "SKETCH_STEP_LINES", 2)
    assert win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    layer = win.scene.edge_layer
    qtbot.waitUntil(lambda: layer._pix is not None, timeout=10000)  # made ahead, once quiet
    *_, (fresh, _k) = canvas_layers.sketch_steps(layer._rect, layer._sketch_jobs(), 10**6)
    assert layer._pix == fresh
    layer.mark()  # the lines changed
    layer._prep.stop()
    layer._prepare_sketch()  # the idle wait is over: the first step
    assert layer._pix is None and layer._making is not None  # two lines a step: not done yet
    # a zoom starts now: its frame draws lines, and leaves the picture to the next turns
    layer.sketch = True
    img = QImage(400, 300, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    win.scene.render(p, QRectF(0, 0, 400, 300), layer.boundingRect())
    p.end()
    assert layer._pix is None
    qtbot.waitUntil(lambda: layer._pix is not None, timeout=10000)
    assert layer._pix == fresh


def test_a_zoom_after_the_lines_changed_shows_the_last_picture_until_the_new_one_is_made_but_never_another_reviews(
        qtbot, win, examples_dir, monkeypatch):
    from prr_app.ui import canvas_scene
    from tests.ui_driver import wait_analysis

    monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 0)  # the edge layer draws the lines
    assert win.open_path(str(examples_dir / "webshop.json"))
    wait_analysis(qtbot, win)
    layer = win.scene.edge_layer
    qtbot.waitUntil(lambda: layer._pix is not None, timeout=10000)
    before = layer._pix
    layer.mark()  # the lines' colours changed, say
    assert layer._pix is None and layer._last_pix[0] is before
    qtbot.waitUntil(lambda: layer._pix is not None, timeout=10000)
    assert win.open_path(str(examples_dir / "platform.json"))  # another review
    assert layer._last_pix is None


def test_only_thin_strips_are_drawn_piece_by_piece():
    """A diagonal pan exposes two thin strips: their pieces of lines are drawn. The whole view with
    the legend's hole in it (or an edit's speck beside a large region) is drawn in its bounding
    rectangle: clipping every line to each piece cost three times drawing them whole."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QRegion

    from prr_app.ui.canvas_view import _strips

    pan = QRegion(QRect(0, 0, 880, 20)).united(QRegion(QRect(0, 20, 30, 580)))
    assert _strips(pan)
    holed = QRegion(QRect(0, 0, 898, 504)).subtracted(QRegion(QRect(8, 465, 91, 31)))
    assert holed.rectCount() == 4 and not _strips(holed)
    speck = QRegion(QRect(0, 0, 1, 1)).united(QRegion(QRect(136, 0, 738, 381)))
    assert not _strips(speck)
