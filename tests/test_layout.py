"""The graph layout shared by the PDF figure and the app canvas."""
from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from prr_app.model.entities import Component, Dependency, FailureDomain, Position, RedundancyGroup, Review
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


# ---------------------------------------------------------------- incremental layout (LayoutCache)
_EDIT = st.one_of(
    st.tuples(st.just("place"), st.integers(0, 7), st.lists(st.sampled_from(["za", "zb", "zc", "r", "p", "x"]), max_size=3)),
    st.tuples(st.just("dep"), st.integers(0, 7), st.integers(0, 7), st.sampled_from(["hard", "soft", "async"])),
    st.tuples(st.just("undep"), st.integers(0, 30)),
    st.tuples(st.just("kind"), st.integers(0, 30), st.sampled_from(["hard", "soft", "async"])),
    st.tuples(st.just("on-group"), st.integers(0, 7)),
    st.tuples(st.just("add"), st.integers(0, 9)),
    st.tuples(st.just("remove"), st.integers(0, 7)),
    st.tuples(st.just("rename"), st.integers(0, 7), st.sampled_from(["", "Alpha", "Beta"])),
    st.tuples(st.just("parent"), st.sampled_from(["za", "zb", "zc", "r"]), st.sampled_from(["r", "p", "za", None])),
    st.tuples(st.just("move"), st.integers(0, 7), st.integers(-50, 400), st.integers(-50, 300)),
    st.tuples(st.just("group"), st.lists(st.integers(0, 7), max_size=3)),
    st.tuples(st.just("shared"), st.integers(0, 7), st.booleans()),
)


def _apply_edit(r: Review, edit) -> None:
    """One edit of the kind the app makes; ``place`` and ``shared`` change the list in place half the time
    (the cache must not rely on elements being replaced)."""
    from dataclasses import replace

    ids = sorted(r.components)
    pick = (lambda i: ids[i % len(ids)]) if ids else (lambda i: None)
    op = edit[0]
    if op == "place" and ids:
        c = r.components[pick(edit[1])]
        if edit[1] % 2:
            c.placement[:] = edit[2]
        else:
            r.components[c.id] = replace(c, placement=list(edit[2]), replicas=max(len(edit[2]), 1))
    elif op == "dep" and ids:
        d = Dependency(pick(edit[1]), pick(edit[2]), edit[3])
        r.dependencies[d.id] = d
    elif op == "kind" and r.dependencies:
        d = r.dependencies[sorted(r.dependencies)[edit[1] % len(r.dependencies)]]
        r.dependencies[d.id] = replace(d, kind=edit[2])
    elif op == "on-group" and ids:
        d = Dependency(pick(edit[1]), "g")
        r.dependencies[d.id] = d
    elif op == "undep" and r.dependencies:
        r.dependencies.pop(sorted(r.dependencies)[edit[1] % len(r.dependencies)])
    elif op == "add":
        r.components.setdefault(f"n{edit[1]}", Component(f"n{edit[1]}", placement=["zb"] if edit[1] % 2 else []))
    elif op == "remove" and ids:
        r.components.pop(pick(edit[1]))
    elif op == "rename" and ids:
        c = r.components[pick(edit[1])]
        r.components[c.id] = replace(c, name=edit[2])
    elif op == "parent":
        dom = r.domains[edit[1]]
        r.domains[dom.id] = replace(dom, parent=edit[2])
    elif op == "move" and ids:
        r.layout[pick(edit[1])] = Position(edit[2], edit[3])
    elif op == "group":
        r.groups["g"] = RedundancyGroup("g", members=[pick(i) for i in edit[1] if ids] or ["c0"])
    elif op == "shared" and ids:
        c = r.components[pick(edit[1])]
        c.shared_domains[:] = ["p"] if edit[2] else []


@settings(max_examples=150)
@given(st.integers(1, 8), st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=12),
       st.lists(_EDIT, min_size=1, max_size=12), st.booleans(), st.booleans())
def test_incremental_layout_equals_full_layout(n, deps, edits, use_saved, subset):
    """After every edit of a random sequence, the layout made with a cache kept across the edits is
    the one computed from scratch (the PDF's), nodes, regions, routes and extent alike."""
    from prr_app.layout import LayoutCache

    r = Review()
    r.add(FailureDomain("p", kind="provider"))
    r.add(FailureDomain("r", kind="region", parent="p"))
    for z in ("za", "zb", "zc"):
        r.add(FailureDomain(z, kind="zone", parent="r"))
    r.add(FailureDomain("x", kind="zone"))
    for i in range(n):
        r.add(Component(f"c{i}", placement=[["za"], ["zb"], ["za", "zb"], [], ["x", "za"]][i % 5]))
    for s, t in deps:
        if s < n and t < n:
            d = Dependency(f"c{s}", f"c{t}")
            r.dependencies.setdefault(d.id, d)
    r.add(RedundancyGroup("g", members=[f"c{i}" for i in range(0, n, 2)]))
    r.add(Dependency(f"c{n - 1}", "g"))
    cache = LayoutCache()
    only = (lambda: sorted(r.components)[::2]) if subset else (lambda: None)
    assert compute_layout(r, use_saved=use_saved, only=only(), cache=cache) == \
        compute_layout(r, use_saved=use_saved, only=only())
    for edit in edits:
        _apply_edit(r, edit)
        full = compute_layout(r, use_saved=use_saved, only=only())
        assert compute_layout(r, use_saved=use_saved, only=only(), cache=cache) == full, edit
    assert compute_layout(r, use_saved=use_saved, only=only(), cache=cache) == \
        compute_layout(r, use_saved=use_saved, only=only())


def test_placement_edit_reuses_the_graph_part(platform_review):
    """A placement edit re-lays out without recomputing the tiers; a new dependency recomputes them."""
    from dataclasses import replace

    from prr_app.layout import LayoutCache

    cache = LayoutCache()
    compute_layout(platform_review, cache=cache)
    assert cache.hits == 0
    cid = sorted(platform_review.components)[3]
    c = platform_review.components[cid]
    platform_review.components[cid] = replace(c, placement=list(c.placement[:1]) if len(c.placement) > 1 else [])
    lay = compute_layout(platform_review, cache=cache)
    assert cache.hits == 1
    assert lay == compute_layout(platform_review)
    a, b = sorted(platform_review.components)[:2]
    platform_review.add(Dependency(b, a, "soft"))
    lay = compute_layout(platform_review, cache=cache)
    assert cache.hits == 1  # the graph changed: computed afresh
    assert lay == compute_layout(platform_review)
