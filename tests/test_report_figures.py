"""The PDF's dependency-graph figure: lines that go around boxes, labels clear of badges."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from prr_app.model.entities import Component, Dependency, FailureDomain, Review
from prr_app.layout import compute_layout
from prr_app.reporting.figures import MIN_PT, TAG_STRIP, node_label
from prr_app.routing import box_columns, route_forward
from prr_app.reporting.text import TextKit

ZONES = [None, "zone-a", "zone-b", "rack-1"]


def _review(n, deps, places) -> Review:
    r = Review()
    r.add(FailureDomain(id="region", kind="region"))
    r.add(FailureDomain(id="zone-a", kind="zone", parent="region"))
    r.add(FailureDomain(id="zone-b", kind="zone", parent="region"))
    r.add(FailureDomain(id="rack-1", kind="host", parent="zone-b"))  # nested deeper: boxes inset further
    for i in range(n):
        place = ZONES[places[i % len(places)]]
        r.add(Component(id=f"c{i}", name=f"Component {i}", placement=[place] if place else []))
    seen = set()
    for a, b in deps:
        a, b = a % n, b % n
        if a != b and (a, b) not in seen:
            seen.add((a, b))
            r.add(Dependency(source=f"c{a}", target=f"c{b}"))
    return r


def _bezier(p0, p1, p2, p3, t):
    u = 1 - t
    return tuple(u ** 3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t ** 3 * d
                 for a, b, c, d in zip(p0, p1, p2, p3))


def _drawn_points(pts, steps=24):
    """Points along the line as the figure draws it: S-curves across gaps, level runs in columns."""
    out = [pts[0]]
    for i in range(1, len(pts)):
        (px, py), (qx, qy) = pts[i - 1], pts[i]
        for k in range(1, steps + 1):
            t = k / steps
            if i % 2 == 1:
                mx = (px + qx) / 2
                out.append(_bezier((px, py), (mx, py), (mx, qy), (qx, qy), t))
            else:
                out.append((px + (qx - px) * t, py + (qy - py) * t))
    return out


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 26),
       st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=60),
       st.lists(st.integers(0, 3), min_size=1, max_size=26))
def test_forward_lines_cross_no_box(n, deps, places):
    review = _review(n, deps, places)
    layout = compute_layout(review)
    columns = box_columns(layout)
    boxes = list(layout.nodes.values())
    for e in layout.edges:
        a, b = layout.nodes[e.source], layout.nodes[e.target]
        if a.x >= b.x + b.w:
            a, b = b, a  # a backward line (a cycle) is routed from its other end
        elif b.x < a.x + a.w:
            continue  # within one column: bows beside it (not routed through columns)
        pts = route_forward(columns, a.x + a.w, a.cy, b.x, b.cy)
        assert pts[0] == (a.x + a.w, a.cy) and pts[-1] == (b.x, b.cy)
        xs = [x for x, _ in pts]
        assert xs == sorted(xs)  # always forwards
        for x, y in _drawn_points(pts):
            for box in boxes:
                if box.id in (a.id, b.id):
                    continue
                inside = box.x + 0.5 < x < box.x + box.w - 0.5 and box.y + 0.5 < y < box.y + box.h - 0.5
                assert not inside, (e.source, e.target, box.id, (x, y))


def test_columns_are_disjoint_and_hold_every_box(platform_review):
    layout = compute_layout(platform_review)
    cols = box_columns(layout)
    for (_, x1, _), (x0, _, _) in zip(cols, cols[1:]):
        assert x1 < x0
    for n in layout.nodes.values():
        assert any(c0 <= n.x and n.x + n.w <= c1 for c0, c1, _ in cols)


def test_a_line_with_nothing_in_the_way_stays_level_and_one_in_the_way_takes_the_nearest_gap():
    columns = [(100.0, 220.0, [(0.0, 50.0), (60.0, 110.0)])]
    assert {y for _, y in route_forward(columns, 0, 130, 300, 130)} == {130}
    # at y=20 the box 0..50 is in the way: above it (-3) is nearer than the gap 50..60
    assert [y for _, y in route_forward(columns, 0, 20, 300, 20)] == [20, -3, -3, 20]
    # at y=45 the gap between the two boxes is nearest: its middle
    assert [y for _, y in route_forward(columns, 0, 45, 300, 45)] == [45, 55, 55, 45]
    # columns outside the span between the ends are not in the way
    assert route_forward(columns, 230, 20, 300, 20) == [(230, 20), (300, 20)]


def test_label_keeps_clear_of_the_badge_strip():
    kit = TextKit()
    long = "Tracking store (Cassandra, 3 nodes)"
    size = 9 * 0.85
    box_h = 34 * 0.85
    lines, fs, area = node_label(kit, long, size, 120 * 0.85 - 6, box_h, TAG_STRIP)
    assert area == box_h - TAG_STRIP
    assert len(lines) * fs * 1.15 <= area
    assert fs >= MIN_PT
    # without badges the same label keeps its size on two lines
    lines2, fs2, _ = node_label(kit, long, size, 120 * 0.85 - 6, box_h, 0.0)
    assert fs2 == size and len(lines2) == 2
    # nothing of the label is lost to the wrapping: both lines together spell it
    assert " ".join(lines).replace("…", "") in long or "…" not in "".join(lines)


def test_a_long_single_word_is_set_smaller_before_it_is_broken():
    kit = TextKit()
    width = 120 * 0.85 - 6
    lines, fs, _ = node_label(kit, "shoppingassistantservice", 9 * 0.85, width, 34 * 0.85, TAG_STRIP)
    assert lines == ["shoppingassistantservice"] and MIN_PT <= fs < 9 * 0.85
    assert kit.width(lines[0], fs) <= width
    # a word too long even at the smallest size is broken over two lines (an ellipsis marks a cut)
    lines, fs, _ = node_label(kit, "x" * 80, 9 * 0.85, width, 34 * 0.85, 0.0)
    assert fs == MIN_PT and len(lines) == 2


def test_a_graph_split_by_tiers_draws_every_dependency_between_neighbouring_tiers():
    # a chain too long for one page: parts repeat the tier at each cut, so no link is lost
    from prr_app.reporting.figures import plan_graph_figures

    r = Review()
    for i in range(14):
        r.add(Component(id=f"c{i:02d}", name=f"Component {i}"))
    for i in range(13):
        r.add(Dependency(source=f"c{i:02d}", target=f"c{i + 1:02d}"))
    plans = plan_graph_figures(r, None, 480, 700, {})
    assert len(plans) > 2 and plans[0][3] is False  # an overview, then labelled parts
    drawn = {(e.source, e.target) for _, lay, _, labels in plans if labels for e in lay.edges}
    assert drawn == {(d.source, d.target) for d in r.dependencies.values()}


def test_isolated_components_leave_the_figures_and_hubs_become_badges():
    from reportlab.graphics.shapes import Line
    from reportlab.graphics.shapes import Path as RLPath

    from prr_app.layout import compute_layout
    from prr_app.reporting.figures import GraphStyle, graph_drawing, plan_graph_figures, unplaced
    from prr_app.reporting.text import TextKit

    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Component(id="otel", tags=["telemetry"]))
    r.add(Component(id="lonely"))
    r.add(Dependency(source="web", target="api"))
    r.add(Dependency(source="web", target="otel"))
    r.add(Dependency(source="api", target="otel"))
    plans = plan_graph_figures(r, None, 480, 700, {})
    assert all("lonely" not in lay.nodes for _t, lay, _s, _l in plans)
    assert unplaced(r, plans) == ["lonely"]
    lay = compute_layout(r, only=["web", "api", "otel"])

    def lines(style):
        d = graph_drawing(lay, TextKit(), style, 1.0)
        return sum(1 for x in d.contents[0].contents if isinstance(x, (RLPath, Line)))

    plain = GraphStyle(user_facing=frozenset({"web"}))
    hubbed = GraphStyle(user_facing=frozenset({"web"}), hubs={"otel": "H1"})
    assert lines(hubbed) < lines(plain)  # the two lines to the hub are gone (badges instead)
