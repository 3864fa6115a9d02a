"""Lazy results: id lists backed by bitsets and chains walked on demand must read like plain lists.

The SPOF chains are walked forwards from the failed element (a fast path); on
random reviews every chain must be a real path of the failure: it starts at
the failed element, each step is a hard dependency without fallback (or a
member of a redundancy group that went down) on a component that is down,
and it ends at a user-facing component or a journey's entry that is down.
"""
from __future__ import annotations

import orjson
from hypothesis import HealthCheck, given, settings, strategies as st

from analysis_oracle import oracle, reviews
from prr_app.analysis import analyze
from prr_app.analysis.graph import HUB_TAGS
from prr_app.analysis.lazy import Chain, IdList
from prr_app.domain.model import Component, Dependency, Journey, Review

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _hard_edges(review):
    hubs = {cid for cid, c in review.components.items() if HUB_TAGS & {t.lower() for t in c.tags}}
    edges = set()
    for d in review.dependencies.values():
        if d.kind != "hard" or d.fallback is not None or d.target in hubs:
            continue
        if d.target in review.groups:
            for m in review.groups[d.target].members:
                edges.add((d.source, m))
        else:
            edges.add((d.source, d.target))
    return edges


@SETTINGS
@given(reviews())
def test_every_spof_chain_is_a_path_of_the_failure(review):
    a = analyze(review, checklist=False)
    edges = _hard_edges(review)
    uf = set(a.summary["user_facing"]) | {e for j in review.journeys.values() for e in j.entry}
    for s in a.spofs:
        chain = list(s["chain"])
        assert chain[:3] == list(s["chain"][:3])  # a prefix reads the same as the whole
        if s["element_type"] == "component":
            down, _deg = oracle(review, components=[s["element"]])
            comps = chain
            assert comps[0] == s["element"]
        elif s["element_type"] == "instance":
            cid = s["component"]
            down, _deg = oracle(review, instances=[(cid, int(s["element"].rsplit("#", 1)[1]))])
            assert chain[0] == s["element"]
            comps = chain[1:]
            assert comps[0] == cid
        else:
            down, _deg = oracle(review, domains=[s["element"]])
            assert chain[0] == s["element"]
            comps = chain[1:]
        assert set(comps) <= down, (s["element"], chain, down)
        assert comps[-1] in uf
        for a_, b_ in zip(comps, comps[1:]):
            assert (b_, a_) in edges, (s["element"], chain)
        assert len(set(comps)) == len(comps)
        assert sorted(s["down"]) == sorted(down) == list(s["down"])


@SETTINGS
@given(reviews())
def test_json_output_equals_to_dict(review):
    a = analyze(review, checklist=False, detail=True)
    raw = orjson.loads(a.to_json())
    b = analyze(review, checklist=False, detail=True)
    assert raw == orjson.loads(orjson.dumps(b.to_dict()))


def _line(n: int) -> Review:
    r = Review()
    for i in range(n):
        r.add(Component(id=f"c{i:04d}", user_facing=i == 0))
    for i in range(n - 1):
        r.add(Dependency(f"c{i:04d}", f"c{i + 1:04d}"))
    r.add(Journey(id="j", entry=["c0000"]))
    return r


def test_id_list_and_chain_behave_like_lists():
    r = _line(300)
    a = analyze(r, checklist=False)
    last = next(s for s in a.spofs if s["element"] == "c0299")
    assert isinstance(last["down"], IdList) and isinstance(last["chain"], Chain)
    assert len(last["down"]) == 300 and "c0150" in last["down"] and "nope" not in last["down"]
    assert last["down"][:2] == ["c0000", "c0001"] and last["down"][-1] == "c0299"
    assert last["chain"][:3] == ["c0299", "c0298", "c0297"] and last["chain"][1] == "c0298"
    assert len(last["chain"]) == 300 and last["chain"][-1] == "c0000"
    assert last["down"] == [f"c{i:04d}" for i in range(300)]
    fresh = next(s for s in a.spofs if s["element"] == "c0298")["down"]  # prefixes read in any order
    assert fresh[:3] == ["c0000", "c0001", "c0002"] and fresh[:40] == [f"c{i:04d}" for i in range(40)]
    assert fresh[:1] == ["c0000"] and fresh[:0] == [] and fresh[:64][-1] == "c0063"
    assert len(fresh[:64]) == 64 and fresh[:5] == [f"c{i:04d}" for i in range(5)]
    few = next(s for s in a.spofs if s["element"] == "c0002")["down"]
    assert few[:20] == ["c0000", "c0001", "c0002"] and few[:2] == ["c0000", "c0001"]
    d = a.to_dict()
    assert type(d["spofs"][0]["down"]) is list and type(d["spofs"][0]["chain"]) is list
    assert d["spofs"] is a.spofs



@SETTINGS
@given(reviews())
def test_affected_count_shortcut_matches_the_union(review):
    from prr_app.analysis.blast import BlastRadius
    from prr_app.analysis.graph import compile_review

    g = compile_review(review)
    br = BlastRadius(g)
    for c in range(g.n):
        sc = br.component(c)
        assert br.affected_count(sc) == (sc.upstream | sc.down).bit_count()
    for d in range(len(g.domain_ids)):
        sc = br.domain(d)
        assert br.affected_count(sc) == (sc.upstream | sc.down).bit_count()


class _G:
    """A stand-in graph: ids in sorted order and their index."""

    def __init__(self, n: int):
        self.ids = [f"c{i:04d}" for i in range(n)]
        self.index = {c: i for i, c in enumerate(self.ids)}


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 300).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.sets(st.integers(0, n - 1)), st.integers(0, 4)), max_size=40))),
    st.sampled_from([1, 64, 1 << 22]))
def test_encode_all_writes_what_to_json_writes(case, batch_flags):
    from array import array

    from prr_app.analysis import lazy

    n, specs = case
    g = _G(n)
    lists = []
    for members, how in specs:
        bits = 0
        for i in members:
            bits |= 1 << i
        if how == 0:
            x = IdList(bits, g)
        elif how == 1:
            x = IdList(lambda b=bits: b, g)
        elif how == 2:
            x = IdList(array("i", sorted(members)), g, len(members))
        elif how == 3:
            x = IdList(bits, g)
            x.tolist()  # already a list
        else:
            x = Chain(lambda m=sorted(members): iter(g.ids[i] for i in m))
        lists.append(x)
    old = lazy._BATCH_FLAGS
    lazy._BATCH_FLAGS = batch_flags  # small batches: many of them, one list each at 1
    try:
        got = lazy.encode_all(lists)
    finally:
        lazy._BATCH_FLAGS = old
    assert got == [x.to_json() for x in lists]
    assert [orjson.loads(b) for b in got] == [x.tolist() for x in lists]


def test_a_chain_read_to_its_end_is_kept():
    walks = []

    def make():
        walks.append(1)
        return iter(["a", "b", "c"])

    ch = Chain(make)
    assert ch[:8] == ["a", "b", "c"]
    assert ch.tolist() == ["a", "b", "c"] and ch.to_json() == b'["a","b","c"]'
    assert len(walks) == 1  # not walked again
    long = Chain(lambda: iter(str(i) for i in range(100)))
    assert long[:8] == [str(i) for i in range(8)]
    assert long._list is None and len(long) == 100
