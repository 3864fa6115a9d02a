"""Lines between two boxes of one column go around the boxes between them (prr_app.routing.route_beside):
drawn straight they ran through those boxes and read as calls through them (OTel demo: ad -> flagd
through email, flagd-ui, mcp...)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from prr_app.routing import ROUTE_MARGIN, columns_of, curve_segments, route_beside


def _points(start, way, steps=24):
    """Points along the line as curve_segments draws it."""
    out = [start]
    cur = start
    for c1, c2, end in curve_segments(way):
        for k in range(1, steps + 1):
            t = k / steps
            if c1 is None:
                out.append((cur[0] + (end[0] - cur[0]) * t, cur[1] + (end[1] - cur[1]) * t))
            else:
                u = 1 - t
                out.append(tuple(u ** 3 * p + 3 * u * u * t * a + 3 * u * t * t * b + t ** 3 * q
                                 for p, a, b, q in zip(cur, c1, c2, end)))
        cur = end
    return out


def test_a_line_past_boxes_of_its_column_goes_out_beside_it_and_neighbours_stay_straight():
    boxes = [(0, 0, 180, 50), (0, 65, 180, 50), (0, 130, 180, 50)]
    cols = columns_of(boxes + [(240, 0, 180, 50)])
    way = route_beside(cols, boxes[0], boxes[2])
    assert way[0] == (180, 25) and way[-1] == (180, 155)  # from the right side, back into the right side
    assert all(180 < x < 240 for x, _ in way[1:-1])  # in the gap before the next column
    assert route_beside(cols, boxes[0], boxes[1]) is None  # nothing between: straight
    # the two lines of a cycle keep apart, and a longer line keeps further out than a shorter one
    back = route_beside(cols, boxes[2], boxes[0])
    assert back[1][0] != way[1][0]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(20, 70), st.integers(8, 40)), min_size=3, max_size=12),
       st.data())
def test_lines_within_a_column_cross_no_box(stack, data):
    # one column of boxes of different widths stacked with gaps, a second column to its right
    boxes, y = [], 0.0
    for dx, h, gap in stack:
        boxes.append((0.0, y, 150.0 - dx * 10, float(h)))  # right sides not in line
        y += h + gap
    nxt = (220.0, 0.0, 150.0, 40.0)
    cols = columns_of(boxes + [nxt])
    i = data.draw(st.integers(0, len(boxes) - 1))
    j = data.draw(st.integers(0, len(boxes) - 1).filter(lambda k: k != i))
    a, b = boxes[i], boxes[j]
    way = route_beside(cols, a, b)
    between = [r for k, r in enumerate(boxes) if min(i, j) < k < max(i, j)]
    if way is None:
        assert not between
        return
    assert way[0] == (a[0] + a[2], a[1] + a[3] / 2) and way[-1] == (b[0] + b[2], b[1] + b[3] / 2)
    for x, yy in _points(way[0], way):
        for r in between + [nxt]:
            assert not (r[0] < x < r[0] + r[2] and r[1] < yy < r[1] + r[3]), (r, (x, yy))
        assert x < nxt[0] - ROUTE_MARGIN + 1e-9
