"""The graph layout shared by the PDF figure and the app canvas."""
from __future__ import annotations

import itertools

from hypothesis import given, strategies as st

from prr_app.domain.model import Component, Dependency, FailureDomain, Position, RedundancyGroup, Review
from prr_app.layout import UNPLACED, compute_layout


def _overlap(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def _inside(inner, outer) -> bool:
    return (outer.x <= inner.x and inner.x + inner.w <= outer.x + outer.w
            and outer.y <= inner.y and inner.y + inner.h <= outer.y + outer.h)


def check_invariants(review, layout):
    assert set(layout.nodes) == set(review.components)
    boxes = list(layout.nodes.values())
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b), (a.id, b.id)
    regions = {r.id: r for r in layout.regions}
    for n in boxes:
        assert 0 <= n.x and n.x + n.w <= layout.width + 1e-6
        assert 0 <= n.y and n.y + n.h <= layout.height + 1e-6
        if n.domain is not None:
            assert _inside(n, regions[n.domain]), n.id
    for r in layout.regions:
        if r.parent is not None:
            assert _inside(r, regions[r.parent]), r.id
    # siblings never overlap
    for a, b in itertools.combinations(layout.regions, 2):
        if a.parent == b.parent:
            assert not _overlap(a, b), (a.id, b.id)
    # tiers list every node once
    flat = [c for t in layout.tiers for c in t]
    assert sorted(flat) == sorted(review.components)


def test_webshop_layout_regions_and_tiers(webshop):
    lay = compute_layout(webshop)
    check_invariants(webshop, lay)
    ids = {r.id for r in lay.regions}
    assert {"aws", "eu-west-1", "euw1-a", "euw1-b", "euw1-c"} <= ids
    # entry points (nothing depends on them) are on tier 0, above what they call
    assert lay.nodes["edge-gateway"].tier == 0
    for e in lay.edges:
        if e.kind == "hard" and e.source != e.target:
            assert lay.nodes[e.source].tier < lay.nodes[e.target].tier or \
                lay.nodes[e.source].tier == lay.nodes[e.target].tier  # only in a cycle
    # a component in one zone sits in that zone's region; one spread over zones in the region
    assert lay.nodes["cart-db"].domain == "euw1-a"
    assert lay.nodes["catalog-db"].domain == "eu-west-1"
    # region labels come from the domain names
    assert lay.region("euw1-a").label == "eu-west-1a"


def test_group_dependency_routes_to_each_member(webshop):
    lay = compute_layout(webshop)
    routes = [e for e in lay.edges if e.group == "orders-db"]
    assert {e.target for e in routes} == {"orders-db-primary", "orders-db-replica"}


def test_deterministic_and_independent_of_insertion_order(platform_review):
    a = compute_layout(platform_review)
    shuffled = Review(meta=platform_review.meta)
    for coll in ("components", "dependencies", "groups", "domains", "journeys"):
        setattr(shuffled, coll, dict(reversed(list(getattr(platform_review, coll).items()))))
    b = compute_layout(shuffled)
    assert a == b
    check_invariants(platform_review, a)


def test_large_platform_lanes_wrap(platform_review):
    lay = compute_layout(platform_review)
    assert len(lay.nodes) == 64
    # no tier row wider than the wrap limit inside one lane
    for t in lay.tiers:
        by_row: dict[tuple, int] = {}
        for c in t:
            n = lay.nodes[c]
            by_row[(n.domain, n.x)] = by_row.get((n.domain, n.x), 0) + 1
        assert max(by_row.values()) <= 8


def test_subset_layout(platform_review):
    some = ["web-app", "booking-svc", "booking-db", "no-such-component"]
    lay = compute_layout(platform_review, only=some)
    assert set(lay.nodes) == set(some) & set(platform_review.components)
    assert all(e.source in lay.nodes and e.target in lay.nodes for e in lay.edges)


def test_cycles_and_self_loops_terminate():
    r = Review()
    for c in "abcd":
        r.add(Component(c))
    for s, t in [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d"), ("d", "d")]:
        r.add(Dependency(s, t))
    lay = compute_layout(r)
    check_invariants(r, lay)
    assert lay.nodes["b"].tier == lay.nodes["c"].tier  # one strongly connected component
    assert lay.nodes["d"].tier > lay.nodes["c"].tier


def test_empty_review():
    lay = compute_layout(Review())
    assert lay.nodes == {} and lay.regions == [] and lay.width == 0


def test_unplaced_lane_and_saved_positions():
    r = Review()
    r.add(FailureDomain("z1", name="Zone 1"))
    r.add(Component("a", placement=["z1"]))
    r.add(Component("b"))
    r.add(Dependency("a", "b"))
    lay = compute_layout(r)
    assert lay.nodes["b"].domain == UNPLACED and lay.region(UNPLACED).kind == "unplaced"
    check_invariants(r, lay)
    r.layout["a"] = Position(500, 300)
    r.layout["b"] = Position(-100, 20)
    saved = compute_layout(r, use_saved=True)
    # positions kept relative to each other, extent starts at 0
    assert saved.nodes["a"].x - saved.nodes["b"].x == 600
    assert min(n.x for n in saved.nodes.values()) >= 0
    assert _inside(saved.nodes["a"], saved.region("z1"))


def _longest_path_oracle(n, edges):
    """Brute force: tier = length of the longest simple path from any entry point."""
    succ = {i: [t for s, t in edges if s == i] for i in range(n)}
    indeg = {i: 0 for i in range(n)}
    for _, t in edges:
        indeg[t] += 1
    best = {i: 0 for i in range(n)}

    def go(v, d, seen):
        best[v] = max(best[v], d)
        for w in succ[v]:
            if w not in seen:
                go(w, d + 1, seen | {w})

    for i in range(n):
        if indeg[i] == 0:
            go(i, 0, {i})
    return best


@given(st.integers(1, 7).flatmap(lambda n: st.tuples(
    st.just(n),
    st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] < e[1]), max_size=12),
    st.lists(st.sampled_from(["za", "zb", "zc", "r", None]), min_size=n, max_size=n),
)))
def test_dag_tiers_match_longest_path(data):
    n, edges, places = data
    r = Review()
    r.add(FailureDomain("r", kind="region"))
    for z in ("za", "zb", "zc"):
        r.add(FailureDomain(z, parent="r"))
    for i in range(n):
        r.add(Component(f"c{i}", placement=[places[i]] if places[i] else []))
    r.add(RedundancyGroup("g", members=["c0"]))
    for s, t in sorted(edges):
        r.add(Dependency(f"c{s}", f"c{t}"))
    lay = compute_layout(r)
    check_invariants(r, lay)
    oracle = _longest_path_oracle(n, sorted(edges))
    assert {c: lay.nodes[c].tier for c in lay.nodes} == {f"c{i}": oracle[i] for i in range(n)}
