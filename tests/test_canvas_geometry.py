"""The canvas's pure geometry, without Qt: where new boxes go, and how a group is framed."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prr_app.canvas_geometry import Rect, free_spots, group_frames

W, H = 180.0, 51.0

rects = st.builds(Rect, st.floats(-600, 600), st.floats(-400, 400), st.floats(20, 400), st.floats(20, 300))


@given(st.lists(rects, max_size=25), st.floats(-300, 300), st.floats(-300, 300), st.integers(1, 6))
def test_free_spots_overlap_nothing_and_each_other(taken, x, y, count):
    spots = free_spots(taken, (x, y), W, H, count)
    assert len(spots) == count
    boxes = [Rect(sx, sy, W, H) for sx, sy in spots]
    for b in boxes:
        assert not any(b.intersects(t) for t in taken)  # plain oracle: every pair checked
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.intersects(b)


def test_free_spot_is_the_asked_place_when_it_is_free():
    assert free_spots([Rect(1000, 1000, 10, 10)], (0, 0), W, H) == [(0, 0)]


def test_a_new_box_is_not_put_inside_a_group_frame():
    frame = Rect(-50, -50, 500, 300)  # a group's frame around the middle of the view
    (x, y), = free_spots([frame], (0, 0), W, H)
    assert not Rect(x, y, W, H).intersects(frame)


@given(st.lists(rects, min_size=1, max_size=8), st.lists(rects, max_size=12))
def test_group_frames_hold_every_member_and_no_other_box(members, others):
    # only boxes that do not overlap a member can be kept out of its frame
    others = [o for o in others if not any(o.intersects(m.grown(6)) for m in members)]
    frames = group_frames(members, others, pad=6.0)
    for m in members:
        assert any(f.contains(m) for f in frames)
    for f in frames:
        assert not any(f.intersects(o) for o in others)


def test_members_side_by_side_share_one_frame_and_far_apart_ones_do_not_take_in_others():
    a, b = Rect(0, 0, W, H), Rect(200, 0, W, H)
    assert len(group_frames([a, b], [])) == 1
    between = Rect(600, 0, W, H)
    far = Rect(1200, 0, W, H)
    frames = group_frames([a, far], [between])
    assert len(frames) == 2 and not any(f.intersects(between) for f in frames)


def test_arrow_keys_go_to_the_nearest_box_that_way():
    from prr_app.canvas_geometry import nearest_in_direction

    pts = {"right-near": (100, 10), "right-far": (400, 0), "up": (0, -100), "down-left": (-30, 200), "left": (-300, 5)}
    o = (0, 0)
    assert nearest_in_direction(o, pts, "right") == "right-near"
    assert nearest_in_direction(o, pts, "up") == "up"
    assert nearest_in_direction(o, pts, "down") == "down-left"
    assert nearest_in_direction(o, pts, "left") == "left"
    assert nearest_in_direction((1000, 1000), pts, "right") is None


@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=3),
                       st.tuples(st.floats(-500, 500), st.floats(-500, 500)), max_size=20),
       st.sampled_from(["left", "right", "up", "down"]))
def test_arrow_target_lies_that_way_and_none_that_way_is_nearer(points, direction):
    from prr_app.canvas_geometry import DIRECTIONS, nearest_in_direction

    got = nearest_in_direction((0.0, 0.0), points, direction)
    dx, dy = DIRECTIONS[direction]
    cone = {k: p for k, p in points.items()
            if p[0] * dx + p[1] * dy > 0 and abs(p[0] * dy - p[1] * dx) <= p[0] * dx + p[1] * dy}
    if not cone:
        assert got is None
        return
    assert got in cone
    score = {k: (p[0] * dx + p[1] * dy) + 2 * abs(p[0] * dy - p[1] * dx) for k, p in cone.items()}
    assert score[got] == min(score.values())


# ------------------------------------------------------------------ Fit (issue 18: a 2,000-box strip)
def test_fit_view_shows_a_graph_whole_when_it_can_be_seen():
    from prr_app.canvas_geometry import fit_view

    assert fit_view(Rect(0, 0, 800, 400), 900, 450) == (1.125, (400.0, 200.0))
    assert fit_view(Rect(0, 0, 200, 100), 900, 450)[0] == 1.5  # never above the largest zoom
    zoom, centre = fit_view(Rect(0, 0, 8000, 4000), 900, 450)  # 11 %: still a map of the graph
    assert abs(zoom - 900 / 8000) < 1e-9 and centre == (4000.0, 2000.0)


def test_fit_view_of_a_long_strip_fills_the_view_at_its_entry_points():
    from prr_app.canvas_geometry import FIT_READABLE_ZOOM, fit_view

    strip = Rect(0, 0, 50000, 500)
    zoom, (cx, cy) = fit_view(strip, 900, 450, [Rect(20000, 100, 160, 44)])
    assert FIT_READABLE_ZOOM <= zoom <= 1.0 and abs(zoom - 0.9) < 1e-9  # its short side fills the view
    assert abs(cx - 20080) < 1e-6 and cy == 250.0  # the entry point in the middle; the strip's height whole
    # an entry point at the very end: the view stays on the graph, not half on empty canvas
    zoom, (cx, _cy) = fit_view(strip, 900, 450, [Rect(49900, 0, 100, 40)])
    assert cx + 450 / zoom <= 50000 + 1e-6
    # no entry point marked: the start of the graph (the tiers put the entry points left)
    zoom, (cx, _cy) = fit_view(strip, 900, 450)
    assert cx - 450 / zoom >= -1e-6 and cx < 1000


def test_fit_view_of_a_huge_graph_keeps_boxes_readable():
    from prr_app.canvas_geometry import FIT_READABLE_ZOOM, fit_view

    zoom, _ = fit_view(Rect(0, 0, 40000, 20000), 900, 450)
    assert zoom == FIT_READABLE_ZOOM
