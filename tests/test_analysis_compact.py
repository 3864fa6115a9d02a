"""Compact bitsets (graphs of 50,000 components and more) must give the same analysis.

On big graphs the ancestor bitsets are stored as index arrays once built
(``graph.compact``), and scenarios expand them when read. Here the threshold
is lowered so that every bitset of a small random review is stored compact,
and the result must equal the plain one, list for list and byte for byte in
JSON; the oracle tests of the engine and of the lazy lists run again in
compact mode.
"""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings

import test_analysis_engine
import test_analysis_lazy
from analysis_oracle import reviews
from prr_app.analysis import analyze, graph
from prr_app.analysis.graph import compact, expand, has, popcount

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _AlwaysCompact:
    def __enter__(self):
        self.saved = graph.COMPACT_MIN_N, graph.COMPACT_RATIO
        graph.COMPACT_MIN_N, graph.COMPACT_RATIO = 0, 0  # every ancestor bitset compact
        return self

    def __exit__(self, *exc):
        graph.COMPACT_MIN_N, graph.COMPACT_RATIO = self.saved


def test_compact_round_trip():
    rng = random.Random(5)
    for _ in range(500):
        n = rng.choice([1, 9, 300, 5000, 70_000])
        x = 1 << rng.randrange(n)
        for _ in range(rng.randrange(0, 700)):
            x |= 1 << rng.randrange(n)
        c = compact(x)
        assert expand(c) == x
        assert popcount(c) == x.bit_count()
        for i in rng.sample(range(n), min(n, 40)) + [x.bit_length() - 1]:
            assert has(c, i) == bool((x >> i) & 1)
    assert type(compact((1 << 70_000) | 1)) is not int  # sparse and wide: compact
    assert type(compact((1 << 300) - 1)) is int  # dense: stays an int


@SETTINGS
@given(reviews())
def test_compact_analysis_equals_the_plain_one(review):
    plain = analyze(review, checklist=False, detail=True, today="2026-01-01")
    with _AlwaysCompact():
        small = analyze(review, checklist=False, detail=True, today="2026-01-01")
        assert any(sc_is_compact for sc_is_compact in _compact_flags(small)) or not review.components
        js = small.to_json()
    assert js == plain.to_json()
    assert small.to_dict() == plain.to_dict()


def _compact_flags(a):
    br_graph = a._graph
    from prr_app.analysis.blast import BlastRadius

    br = BlastRadius(br_graph)
    return [br.component(c).compact for c in range(br_graph.n)]


@pytest.mark.parametrize("test", [
    test_analysis_engine.test_spofs_and_blast_radius_match_the_oracle,
    test_analysis_lazy.test_every_spof_chain_is_a_path_of_the_failure,
    test_analysis_lazy.test_affected_count_shortcut_matches_the_union,
])
def test_oracle_tests_hold_with_compact_bitsets(test):
    with _AlwaysCompact():
        test()
