"""The compiled graph's fast paths against networkx's plain ones (their test oracle).

Upstream and downstream sets are bitsets ORed along the condensation, one per
strongly connected component; ``networkx.ancestors`` / ``descendants`` per node
give the same sets (and are far too slow to run per component on big graphs:
benchmarks/bench_analysis.py). The condensation is numbered sinks first.
"""
from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from prr_app.analysis.compiled import (
    ancestor_sets,
    bits_of,
    condensation,
    descendant_sets,
    first_ancestors,
    mask_of,
    strongly_connected,
)


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 25))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    out = [sorted({t for s, t in edges if s == u}) for u in range(n)]
    return n, out


def _nx(n, out):
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v) for u in range(n) for v in out[u])
    return g


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_upstream_and_downstream_sets_equal_networkx(graph):
    n, out = graph
    g = _nx(n, out)
    scc_of, anc = ancestor_sets(n, out)
    scc_d, desc = descendant_sets(n, out)
    for v in range(n):
        assert set(bits_of(anc[scc_of[v]])) == nx.ancestors(g, v) | {v}
        assert set(bits_of(desc[scc_d[v]])) == nx.descendants(g, v) | {v}


@settings(max_examples=200, deadline=None)
@given(graphs(), st.data())
def test_kept_sets_are_right_and_the_others_dropped(graph, data):
    n, out = graph
    keep = set(data.draw(st.lists(st.integers(0, n - 1), max_size=n)))
    scc_of, desc = descendant_sets(n, out, keep=keep)
    g = _nx(n, out)
    for v in keep:
        assert set(bits_of(desc[scc_of[v]])) == nx.descendants(g, v) | {v}
    kept_sccs = {scc_of[v] for v in keep}
    # once every component that reads it is done, a set nobody asked for is dropped
    assert all(desc[s] is None for s in range(len(desc)) if s not in kept_sccs)


@settings(max_examples=200, deadline=None)
@given(graphs(), st.data())
def test_visit_sees_every_set_even_those_dropped(graph, data):
    """What is only counted (the availability's ``needs`` on an import) is read as each set is
    made: every component is visited once, with the networkx set, kept or not."""
    n, out = graph
    keep = set(data.draw(st.lists(st.integers(0, n - 1), max_size=n)))
    seen: dict[int, set[int]] = {}
    scc_of, _desc = descendant_sets(n, out, keep=keep, visit=lambda s, bits: seen.setdefault(s, set(bits_of(bits))))
    g = _nx(n, out)
    assert sorted(seen) == sorted(set(scc_of))
    for v in range(n):
        assert seen[scc_of[v]] == nx.descendants(g, v) | {v}


@settings(max_examples=200, deadline=None)
@given(graphs(), st.data())
def test_the_first_ancestors_are_the_lowest_wanted_nodes_that_reach_each_node(graph, data):
    """The first user-facing components a failure takes down, found in one pass: against
    networkx.ancestors, the plain oracle."""
    n, out = graph
    wanted = bytearray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    k = data.draw(st.integers(1, 6))
    cond = condensation(n, out)
    first = first_ancestors(cond, wanted, k)
    g = _nx(n, out)
    for v in range(n):
        reach = sorted(u for u in nx.ancestors(g, v) | {v} if wanted[u])
        assert list(first[cond.mapping[v]]) == reach[:k]


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_the_condensation_kept_as_tuples_is_networkx_s(graph):
    """compiled.Condensation keeps networkx.condensation as tuples (no networkx graph for the
    garbage collector to walk): the same numbering, members and edges between the groups."""
    n, out = graph
    cond = condensation(n, out)
    ref = nx.condensation(_nx(n, out))
    assert cond.mapping == [ref.graph["mapping"][v] for v in range(n)]
    assert len(cond) == ref.number_of_nodes()
    for s in range(len(cond)):
        assert list(cond.members[s]) == sorted(ref.nodes[s]["members"])
        assert list(cond.succ[s]) == list(ref.succ[s]) and list(cond.pred[s]) == list(ref.pred[s])


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_components_are_numbered_sinks_first(graph):
    n, out = graph
    scc_of, sccs = strongly_connected(n, out)
    assert sorted(v for m in sccs for v in m) == list(range(n))
    for u in range(n):
        for v in out[u]:
            assert scc_of[v] <= scc_of[u]  # every edge goes to a lower number or stays inside
    g = _nx(n, out)
    assert sorted(map(sorted, nx.strongly_connected_components(g))) == sorted(sccs)


@given(st.lists(st.integers(0, 3000), unique=True, max_size=300), st.integers(1, 40))
def test_bits_of_reads_back_mask_of(indices, limit):
    x = mask_of(indices) if indices else 0
    assert bits_of(x) == sorted(indices)
    assert bits_of(x, limit) == sorted(indices)[:limit]
