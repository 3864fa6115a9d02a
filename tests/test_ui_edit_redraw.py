"""A large review on the canvas (issue 18): adding a box or a line moves no other box and is drawn
at once; a whole new layout (View > Automatic Layout, or an edit that needs one) is computed on a
worker from a snapshot and the items are brought in step in slices, while the graph stays shown
and usable. These tests lower the size threshold so that the webshop example takes that path,
and check what the user relies on: the new box is selected and in the inspector at once, and in
the end every box is where the canvas's layout puts it and every line follows its boxes, as on a
canvas drawn afresh from that layout. Speed: benchmarks/bench_ui.py --meeting --imported."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_ui_responsive import _drawn
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def large(monkeypatch, tmp_path, examples_dir):
    """The webshop example as a .prr, every box placed by the automatic layout, drawn as a large review."""
    from prr_app.persistence.store import create_store
    from prr_app.review.document import load_review
    from prr_app.ui import canvas_scene

    monkeypatch.setattr(canvas_scene, "STAGED_BUILD_MIN", 10)
    monkeypatch.setattr(canvas_scene, "SLICE_MS", 0)  # one step per turn of the event loop
    monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 5)  # lines drawn by the edge layer
    r = load_review(examples_dir / "webshop.json")
    r.layout.clear()
    p = tmp_path / "webshop.prr"
    create_store(p, r).close()
    return p


def fresh(win):
    """A canvas drawn afresh from the review and the window's layout (every box where it is kept)."""
    import copy

    from prr_app.ui.canvas_scene import GraphScene

    sc = GraphScene(win.session)
    sc.rebuild()
    sc._stable = copy.deepcopy(win.scene._stable)
    sc.finish_build()
    for setter in ("set_findings", "set_states", "set_journey"):
        if setter in win.scene._marks:
            getattr(sc, setter)(*win.scene._marks[setter])
    return sc


def assert_drawn_afresh(win):
    from prr_app.ui.layout_bridge import to_scene

    sc = fresh(win)
    try:
        assert _drawn(win.scene) == _drawn(sc)
    finally:  # gone at the next turn of the event loop, items and timers with it (not whenever the
        sc.deleteLater()  # collector meets its cycles)
    pos, _regions = to_scene(win.scene._stable.layout)
    assert set(pos) == set(win.session.review.components)
    for cid, (x, y) in pos.items():  # where the layout puts it
        it = win.scene.nodes[cid]
        assert (round(it.x(), 1), round(it.y(), 1)) == (round(x, 1), round(y, 1)), cid
    for did, e in win.scene.edges.items():  # each line starts and ends on its boxes
        x1, y1, x2, y2 = e.ends
        for (x, y), box in (((x1, y1), e.source), ((x2, y2), e.target)):
            assert box.x() - 0.5 <= x <= box.x() + box.w + 0.5 and box.y() - 0.5 <= y <= box.y() + box.h + 0.5, did


def test_a_component_added_to_a_large_review_is_drawn_at_once_and_moves_no_other_box(qtbot, win, large):
    win.open_path(str(large))
    wait_analysis(qtbot, win)
    assert win.scene.edge_layer_on  # drawn as a large review
    before = {k: (n.x(), n.y()) for k, n in win.scene.nodes.items()}
    assert win.create_component("new-svc", "New service", "service") == "new-svc"
    # at once: drawn, selected, in the inspector; no whole layout (no worker, nothing held)
    assert not win.scene.redrawing and "new-svc" in win.scene.nodes
    assert win.selected_ids() == ["new-svc"]
    assert (win.inspector.coll, win.inspector.key) == ("components", "new-svc")
    assert {k: (n.x(), n.y()) for k, n in win.scene.nodes.items() if k != "new-svc"} == before
    assert win.statusBar().currentMessage() != win.RELAYOUT_MESSAGE
    wait_analysis(qtbot, win)
    assert_drawn_afresh(win)
    # a dependency from it: the lines follow, no box moves
    some = sorted(c for c in win.session.review.components if c != "new-svc")[0]
    placed = {k: (n.x(), n.y()) for k, n in win.scene.nodes.items()}
    assert win.create_dependency("new-svc", some)
    assert not win.scene.redrawing and "new-svc->" + some in win.scene.edges
    assert {k: (n.x(), n.y()) for k, n in win.scene.nodes.items()} == placed
    wait_analysis(qtbot, win)
    assert_drawn_afresh(win)


def test_automatic_layout_of_a_large_review_is_computed_on_a_worker(qtbot, win, large):
    win.open_path(str(large))
    wait_analysis(qtbot, win)
    whole = win.scene._stable.whole
    win.auto_layout()
    assert win.scene.redrawing  # on a worker; the graph as it was stays shown
    wait_analysis(qtbot, win)
    assert not win.scene.redrawing and win.scene._stable.whole == whole + 1
    assert_drawn_afresh(win)


def test_edits_while_a_large_review_is_laid_out_again_end_in_the_review_as_it_is(qtbot, win, large):
    """Edits faster than the worker's layout, then undo: the canvas ends as a fresh drawing of the
    review as it is, never of a state in between."""
    from prr_app.review.edits import change_fields

    win.open_path(str(large))
    wait_analysis(qtbot, win)
    comps = sorted(win.session.review.components)
    win.auto_layout()  # a whole layout on a worker
    assert win.scene.redrawing
    win.create_component("a-svc")
    win.create_dependency("a-svc", comps[0])  # before the first layout is back
    win.create_component("b-svc")
    win.push("rename", [change_fields(win.session.review, "components", comps[1], name="Renamed meanwhile")])
    qtbot.wait(5)
    win.session.undo_stack.undo()  # the rename
    win.session.undo_stack.undo()  # b-svc
    wait_analysis(qtbot, win)
    assert "b-svc" not in win.scene.nodes and "a-svc" in win.scene.nodes
    assert_drawn_afresh(win)
    win.session.undo_stack.undo()
    win.session.undo_stack.undo()
    wait_analysis(qtbot, win)
    assert set(win.scene.nodes) == set(win.session.review.components) | set(win.session.review.groups)
    assert_drawn_afresh(win)


def test_a_new_box_selected_before_it_is_drawn_can_be_named_in_the_inspector_at_once(qtbot, win, large):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win.open_path(str(large))
    wait_analysis(qtbot, win)
    win.auto_layout()  # a whole layout on a worker meanwhile
    win.create_component("typed-svc")
    assert win.scene.redrawing
    ed = win.inspector.editors["name"]
    ed.setFocus()
    QTest.keyClicks(ed, "Typed while drawn")
    QTest.keyClick(ed, Qt.Key.Key_Return)
    wait_analysis(qtbot, win)
    assert win.session.review.components["typed-svc"].name == "Typed while drawn"
    assert win.scene.nodes["typed-svc"].title == "Typed while drawn"
    assert_drawn_afresh(win)


def test_a_box_dragged_on_a_large_review_stays_where_it_was_dropped_and_its_lines_follow(qtbot, win, large):
    """A drag on a review laid out automatically: the position is saved, the box stays where it was
    dropped (no other box moves), and its lines end on it, as on a canvas drawn afresh."""
    win.open_path(str(large))
    wait_analysis(qtbot, win)
    cid = sorted(win.session.review.components)[3]
    item = win.scene.nodes[cid]
    dropped = (item.x() + 900.0, item.y() + 600.0)
    item.setPos(*dropped)  # what the mouse did; the release tells the window
    win.scene.sig_nodes_moved.emit({cid: dropped})
    assert cid in win.session.review.layout and not win.scene.redrawing
    wait_analysis(qtbot, win)
    assert (win.scene.nodes[cid].x(), win.scene.nodes[cid].y()) == pytest.approx(dropped, abs=0.2)
    assert any(e.source is win.scene.nodes[cid] or e.target is win.scene.nodes[cid] for e in win.scene.edges.values())
    assert_drawn_afresh(win)


def test_lines_get_their_own_pens_back_when_the_edge_layer_stops_drawing_them(qtbot, win, large, monkeypatch):
    """Lines the edge layer draws carry a placeholder pen (0 wide: no call into Python for their
    bounding rect); a graph that becomes small again draws each line itself, in its kind's style."""
    from PySide6.QtCore import Qt

    from prr_app.ui import canvas_scene, theme

    win.open_path(str(large))
    wait_analysis(qtbot, win)
    assert win.scene.edge_layer_on
    assert all(e.pen().widthF() == 0 for e in win.scene.edges.values())
    monkeypatch.setattr(canvas_scene, "EDGES_SMOOTH_MAX", 600)
    win.scene.sync()
    assert not win.scene.edge_layer_on
    for e in win.scene.edges.values():
        pen = e.pen()
        assert pen.widthF() > 0 or e.far
        assert pen.color().name() == (theme.EDGE_COLOURS.get(e.kind) or pen.color().name()) or e.state or e.journey
        assert (pen.style() == Qt.PenStyle.DashLine) == (e.kind == "soft" and not e.far)


class _Box:
    def __init__(self, x, y, w, h):
        from PySide6.QtCore import QPointF

        self._p, self.w, self.h = QPointF(x, y), w, h

    def pos(self):
        return self._p


class _Line:
    def __init__(self, s, t):
        self.source, self.target, self.path = s, t, None

    def setPath(self, path):  # noqa: N802 - Qt's name
        self.path = path


_COORD = st.floats(-5000, 5000, allow_nan=False)
_SIZE = st.floats(1, 300, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_COORD, _COORD, _SIZE, _SIZE, _COORD, _COORD, _SIZE, _SIZE), min_size=1, max_size=20))
def test_lines_moved_at_once_end_where_each_line_clipped_on_its_own_ends(rows):
    """move_lines (numpy, every line at once) gives the very floats clip_to_box gives line by line."""
    from prr_app.canvas_geometry import clip_to_box
    from prr_app.ui.canvas_items import move_lines

    lines = [_Line(_Box(x1, y1, w1, h1), _Box(x2, y2, w2, h2)) for x1, y1, w1, h1, x2, y2, w2, h2 in rows]
    lines.append(_Line(lines[0].source, lines[0].source))  # a line from a box to itself
    assert len(list(move_lines(lines))) == len(lines)
    for e in lines:
        s, t = e.source, e.target
        ax, ay = s.pos().x() + s.w / 2, s.pos().y() + s.h / 2
        bx, by = t.pos().x() + t.w / 2, t.pos().y() + t.h / 2
        want = clip_to_box(ax, ay, bx - ax, by - ay, s.w, s.h) + clip_to_box(bx, by, ax - bx, ay - by, t.w, t.h)
        assert e.ends == want
        pts = [(e.path.elementAt(i).x, e.path.elementAt(i).y) for i in range(e.path.elementCount())]
        if len(pts) == 1:  # Qt keeps no segment to a point it takes for the same (qFuzzyCompare)
            assert pts == [want[:2]] and all(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a, b in zip(want[:2], want[2:]))
        else:
            assert pts == [want[:2], want[2:]]


def test_a_new_layout_is_brought_in_over_several_turns_unpainted_unanalysed_and_an_edit_meanwhile_is_drawn(
        qtbot, win, large):
    """The items are brought in step with an edit's new layout slice by slice (a block of 150-260 ms
    in one go on 2,000 components): meanwhile the canvas is neither painted half moved nor clicked,
    and the analysis waits; an edit between two slices is drawn too, and the canvas ends as one
    drawn afresh."""
    from types import GeneratorType

    from prr_app.review.edits import change_fields

    win.open_path(str(large))
    wait_analysis(qtbot, win)
    sc = win.scene
    started = []
    win.live.sig_started.connect(lambda: started.append(sc.redrawing))
    real_start = sc._redraw_slicer.start
    turns = []

    def start(*args):  # the third slice is held: the test edits between it and the next
        turns.append(sc._redraw)
        if len(turns) != 3:
            real_start(*args)

    sc._redraw_slicer.start = start
    assert win.create_component("sliced-svc", "Sliced in", "service") == "sliced-svc"
    win.auto_layout()  # a whole new layout: brought in in slices
    qtbot.waitUntil(lambda: len(turns) >= 3, timeout=10000)
    qtbot.wait(20)
    assert len(turns) == 3 and isinstance(sc._redraw, GeneratorType)  # more than one turn, not yet through
    assert sc.redrawing and win._canvas_drawing()  # the analysis waits
    assert not win.view.viewport().updatesEnabled() and not win.view.isInteractive()  # not painted half moved
    assert started == []
    cid = sorted(c for c in win.session.review.components if c != "sliced-svc")[0]
    win.push("rename", [change_fields(win.session.review, "components", cid, name="Renamed between slices")])
    assert win.create_dependency("sliced-svc", cid)
    real_start()
    wait_analysis(qtbot, win)
    assert started and not any(started)  # no run started while the items were half in step
    assert not sc.redrawing and win.view.viewport().updatesEnabled() and win.view.isInteractive()
    assert sc.nodes[cid].title == "Renamed between slices"
    assert "sliced-svc->" + cid in sc.edges
    assert_drawn_afresh(win)


def test_an_edits_layout_worker_starts_after_the_edit_and_not_at_all_when_drawn_on_the_spot(qtbot, win, large):
    """The new layout's worker starts once the edit is done (beside it, the rest of the edit waited for
    Python's lock); an edit drawn on the spot before that (finish_redraw) starts none."""
    win.open_path(str(large))
    wait_analysis(qtbot, win)
    sc = win.scene
    assert win.create_component("later-svc", "Laid out after", "service") == "later-svc"
    win.auto_layout()
    task = sc._relayout
    assert task is not None and not task.running  # not within the edit
    qtbot.waitUntil(lambda: task.running or sc._relayout is not task, timeout=5000)
    wait_analysis(qtbot, win)
    assert "later-svc" in sc.nodes
    assert_drawn_afresh(win)
    assert win.create_component("spot-svc", "Drawn on the spot", "service") == "spot-svc"
    win.auto_layout()
    task = sc._relayout
    sc.finish_redraw()
    qtbot.wait(30)
    assert not task.running and "spot-svc" in sc.nodes
    wait_analysis(qtbot, win)
    assert_drawn_afresh(win)


def test_a_line_added_to_a_large_review_joins_the_edge_layer_without_remaking_it(qtbot, win, large):
    """A dependency added in a meeting: the edge layer (which draws a large review's lines) gets the
    new line in its group; its groups are those it would make afresh (every line, in its pen), and
    no group was made again for it."""
    win.open_path(str(large))
    wait_analysis(qtbot, win)
    layer = win.scene.edge_layer
    layer.in_step()
    made = []
    real = layer.rebuild
    layer.rebuild = lambda: (made.append(1), real())[1]
    comps = sorted(win.session.review.components)
    src, tgt = comps[0], comps[-1]
    assert win.create_dependency(src, tgt)
    assert not layer.dirty and layer._added
    layer.in_step()
    assert made == []

    def groups():
        return {k: sorted(map(tuple, a.tolist())) for k, a in layer._groups.items()}

    got = groups()
    assert any(len(rows) and any(r[:4] == win.scene.edges[f"{src}->{tgt}"].ends for r in rows) for rows in got.values())
    real()
    assert got == groups()
    wait_analysis(qtbot, win)
    assert_drawn_afresh(win)
