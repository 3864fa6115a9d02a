"""The PDF's dependency-graph figure: lines that go around boxes, labels clear of badges."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from prr_app.model.entities import Component, Dependency, FailureDomain, RedundancyGroup, Review
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


def _check_plan(r, plans, hubs, max_w, max_h):
    """What a reader relies on in the graph figures, against a plain oracle from the review."""
    from prr_app.reporting.figures import MIN_SCALE, unplaced

    # oracle: every line the review calls for (a dependency on a group: one per member), hubs aside
    want = set()
    for d in r.dependencies.values():
        if d.target in hubs:
            continue
        for t in (r.groups[d.target].members if d.target in r.groups else [d.target]):
            if t in r.components and t != d.source:
                want.add((d.id, d.source, t))
    linked = {d.source for d in r.dependencies.values()} | {
        m for d in r.dependencies.values() for m in (r.groups[d.target].members if d.target in r.groups else [d.target])}
    drawn = set()
    for f in plans:
        assert f.scale >= MIN_SCALE - 1e-9, f.title  # every label legible
        assert f.layout.width * f.scale <= max_w + 0.01 and f.layout.height * f.scale <= max_h + 0.01, f.title
        if f.summary:
            continue
        ends = set()
        for e in f.layout.edges:
            assert e.source in f.layout.nodes and e.target in f.layout.nodes
            assert e.target not in hubs  # a hub is a badge, never a line
            drawn.add((e.dependency, e.source, e.target))
            ends |= {e.source, e.target}
        if len(plans) > 1:  # a part has no box without a line
            assert set(f.layout.nodes) <= ends, f.title
    assert drawn == want  # every dependency is a line in some figure, and only those
    # the table lists the components without a line in any figure (none in or out, or only on hubs,
    # or a hub drawn as badges), and nothing else is left out
    left = set(unplaced(r, plans))
    lined = {c for _d, s, t in want for c in (s, t)}
    assert left == (set(r.components) - lined if len(plans) > 1 else set(r.components) - linked)


def test_a_graph_split_by_tiers_draws_every_dependency():
    # a chain too long for one page: parts repeat the component at each cut, so no link is lost
    from prr_app.reporting.figures import plan_graph_figures

    r = Review()
    for i in range(14):
        r.add(Component(id=f"c{i:02d}", name=f"Component {i}"))
    for i in range(13):
        r.add(Dependency(source=f"c{i:02d}", target=f"c{i + 1:02d}"))
    plans = plan_graph_figures(r, 480, 700, {})
    assert len(plans) > 2 and plans[0].summary and not any(p.summary for p in plans[1:])
    _check_plan(r, plans, {}, 480, 700)


def test_many_services_on_shared_backends_are_drawn_whole():
    # the independent check's case: 100 user-facing services, each calling 2-3 of 20 backends;
    # before, 77 components were listed as having no dependency and 337 of 389 lines were missing
    import random

    from prr_app.reporting.figures import plan_graph_figures

    rnd = random.Random(7)
    r = Review()
    backs = [f"{k}{i}" for k in ("db", "cache", "queue") for i in range(7)][:20]
    for b in backs:
        r.add(Component(id=b, kind="datastore"))
    for i in range(100):
        r.add(Component(id=f"svc-{i:03d}", user_facing=True))
        for b in rnd.sample(backs, rnd.choice((2, 3))):
            r.add(Dependency(source=f"svc-{i:03d}", target=b))
    for i in range(0, 100, 7):  # and a few calls between services
        r.add(Dependency(source=f"svc-{i:03d}", target=f"svc-{(i * 3 + 1) % 100:03d}"))
    plans = plan_graph_figures(r, 481, 640, {})
    assert plans[0].summary and len(plans) > 5
    _check_plan(r, plans, {}, 481, 640)


def _random_review(data):
    n = data.draw(st.integers(2, 60))
    r = Review()
    r.add(FailureDomain(id="zone-a", kind="zone"))
    r.add(FailureDomain(id="zone-b", kind="zone"))
    for i in range(n):
        r.add(Component(id=f"c{i}", user_facing=data.draw(st.booleans()),
                        placement=data.draw(st.sampled_from([[], ["zone-a"], ["zone-b"], ["zone-a", "zone-b"]])),
                        tags=["telemetry"] if i == 0 and data.draw(st.booleans()) else []))
    if n > 4 and data.draw(st.booleans()):
        r.add(RedundancyGroup(id="g", members=[f"c{n - 1}", f"c{n - 2}"]))
    for a, b in data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n)), max_size=4 * n)):
        tgt = "g" if b == n and "g" in r.groups else f"c{b % n}"
        if tgt != f"c{a}" and not any(d.source == f"c{a}" and d.target == tgt for d in r.dependencies.values()):
            r.add(Dependency(source=f"c{a}", target=tgt))
    return r


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from([(481.0, 640.0), (300.0, 300.0)]))
def test_graph_figures_draw_every_dependency_legibly(data, page):
    from prr_app.reporting.figures import hub_components, plan_graph_figures

    r = _random_review(data)
    hubs = {c: f"H{i + 1}" for i, c in enumerate(hub_components(r))}
    journeys = {}
    if data.draw(st.booleans()):
        from prr_app.model.entities import Journey

        r.add(Journey(id="j", name="Checkout", entry=["c1"]))
        journeys = {"j": sorted(data.draw(st.sets(st.sampled_from(sorted(r.components)), min_size=1)))}
    plans = plan_graph_figures(r, *page, journeys, hubs)
    _check_plan(r, plans, hubs, *page)


def test_isolated_components_leave_the_figures_and_hubs_become_badges():
    from reportlab.graphics.shapes import Line
    from reportlab.graphics.shapes import Path as RLPath

    from prr_app.layout import compute_layout
    from prr_app.reporting.figures import GraphStyle, graph_drawing, plan_graph_figures, unplaced

    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Component(id="otel", tags=["telemetry"]))
    r.add(Component(id="lonely"))
    r.add(Dependency(source="web", target="api"))
    r.add(Dependency(source="web", target="otel"))
    r.add(Dependency(source="api", target="otel"))
    plans = plan_graph_figures(r, 480, 700, {}, {"otel": "H1"})
    assert all("lonely" not in p.layout.nodes for p in plans)
    assert unplaced(r, plans) == ["lonely"]
    assert [(e.source, e.target) for e in plans[0].layout.edges] == [("web", "api")]  # otel: H1 badges
    lay = compute_layout(r, only=["web", "api", "otel"])

    def lines(style):
        d = graph_drawing(lay, TextKit(), style, 1.0)
        return sum(1 for x in d.contents[0].contents if isinstance(x, (RLPath, Line)))

    plain = GraphStyle(user_facing=frozenset({"web"}))
    hubbed = GraphStyle(user_facing=frozenset({"web"}), hubs={"otel": "H1"})
    assert lines(hubbed) < lines(plain)  # the two lines to the hub are gone (badges instead)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 60), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 80)), max_size=120),
       st.lists(st.integers(0, 3), min_size=1, max_size=60),
       st.sampled_from([(481.0, 640.0), (300.0, 300.0), (200.0, 120.0)]))
def test_could_fit_never_turns_away_a_graph_that_fits(n, deps, places, page):
    # the report skips laying out a journey whose boxes alone outgrow the page: that must never
    # skip one that would have been drawn
    from prr_app.reporting.figures import FIGURE_NODE_W, MIN_SCALE, could_fit, graph_scale

    review = _review(n, deps, places)
    layout = compute_layout(review, node_w=FIGURE_NODE_W)
    if graph_scale(layout, *page) >= MIN_SCALE:
        assert could_fit(len(layout.nodes), *page)
    assert not could_fit(1000, 481.0, 640.0)  # the benchmark's journeys, reaching every component
