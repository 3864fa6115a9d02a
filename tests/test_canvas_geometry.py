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
