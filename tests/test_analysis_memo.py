"""What successive analyses of one review share (``ShapeMemo``) never changes a result.

The oracle is a fresh analysis without a memo: a random review is edited again and again (replicas,
placement, dependencies added, removed or made soft, fallbacks, retries and timeouts, groups, journeys, user-facing
marks, tags), each state analysed through one memo kept across the edits, as the app's live
analysis does, and each result must equal a fresh analysis of the same state.
"""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_oracle import reviews
from prr_app.analysis import ShapeMemo, analyze
from prr_app.interchange.json_io import read_review_json
from prr_app.model.entities import Dependency, Journey, RedundancyGroup, Review
from prr_app.review.assess import assess
from prr_app.review.edits import Change, apply_changes

TODAY = "2026-12-03"
EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def _copy(review: Review) -> Review:
    """New collection dicts over the same element objects, as the app's analysis copy."""
    return Review(**{f.name: (dict(getattr(review, f.name)) if isinstance(getattr(review, f.name), dict)
                              else getattr(review, f.name)) for f in dataclasses.fields(Review)})


@st.composite
def edit(draw, review: Review) -> list[Change]:
    """One edit as the app makes it: a fresh element put in place of the old one (or added, or deleted)."""
    comps = sorted(review.components)
    deps = sorted(review.dependencies)
    targets = comps + sorted(review.groups)
    what = draw(st.sampled_from(["replicas", "placement", "kind", "fallback", "add-dep", "del-dep",
                                 "user_facing", "tags", "group", "journey", "min_healthy", "retries"]))
    if what in ("replicas", "placement", "user_facing", "tags", "min_healthy") and comps:
        cid = draw(st.sampled_from(comps))
        c = copy.deepcopy(review.components[cid])
        if what == "replicas":
            c.replicas = draw(st.sampled_from([None, 1, 2, 3, 4]))
            if c.min_healthy and c.replicas and c.min_healthy > c.replicas:
                c.min_healthy = c.replicas
        elif what == "min_healthy":
            c.min_healthy = draw(st.sampled_from([None, 1, 2])) if (c.replicas or 1) >= 2 else None
        elif what == "placement":
            doms = sorted(review.domains)
            c.placement = draw(st.lists(st.sampled_from(doms), unique=True, max_size=3)) if doms else []
        elif what == "user_facing":
            c.user_facing = not c.user_facing
        else:
            c.tags = [] if c.tags else ["telemetry"]
        return [Change("components", cid, review.components[cid], c)]
    if what in ("kind", "fallback", "retries") and deps:
        did = draw(st.sampled_from(deps))
        d = copy.deepcopy(review.dependencies[did])
        if what == "kind":
            d.kind = draw(st.sampled_from(["hard", "soft", "async"]))
        elif what == "retries":  # what the cascading findings read besides the graph
            d.retries = draw(st.sampled_from([None, 0, 3]))
            d.backoff = draw(st.sampled_from([None, True, False]))
            d.timeout_ms = draw(st.sampled_from([None, 500]))
        else:
            d.fallback = None if d.fallback else "cache"
        return [Change("dependencies", did, review.dependencies[did], d)]
    if what == "del-dep" and deps:
        did = draw(st.sampled_from(deps))
        return [Change("dependencies", did, review.dependencies[did], None)]
    if what == "group" and review.groups:
        gid = draw(st.sampled_from(sorted(review.groups)))
        g = copy.deepcopy(review.groups[gid])
        g.min_up = draw(st.integers(1, max(1, len(g.members))))
        return [Change("groups", gid, review.groups[gid], g)]
    if what == "journey" and targets:
        entry = draw(st.lists(st.sampled_from(targets), unique=True, max_size=2))
        old = review.journeys.get("j0")
        if not entry:
            return [Change("journeys", "j0", old, None)] if old is not None else []
        return [Change("journeys", "j0", old, Journey(id="j0", entry=entry, slo=99.0,
                                                      critical=draw(st.booleans())))]
    if comps:  # add a dependency
        s, t = draw(st.sampled_from(comps)), draw(st.sampled_from(targets))
        if s == t:
            return []
        d = Dependency(source=s, target=t, kind=draw(st.sampled_from(["hard", "soft", "async"])))
        return [Change("dependencies", d.id, review.dependencies.get(d.id), d)]
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), reviews(max_components=8))
def test_edits_through_the_memo_give_a_fresh_analysis(data, review):
    memo = ShapeMemo(size=3)
    for _ in range(data.draw(st.integers(1, 6))):
        apply_changes(review, data.draw(edit(review)))
        via_memo = analyze(_copy(review), today=TODAY, memo=memo).to_dict()
        fresh = analyze(_copy(review), today=TODAY).to_dict()
        assert via_memo == fresh


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["webshop", "platform"]))
def test_edits_of_the_bundled_reviews_through_the_memo(data, name):
    """The same with the checklist (``assess``), on the bundled reviews' groups, domains and journeys;
    the JSON documents compared byte for byte, with and without ``--detail``."""
    review = read_review_json(EXAMPLES / f"{name}.json")
    memo = ShapeMemo()
    for _ in range(data.draw(st.integers(1, 4))):
        apply_changes(review, data.draw(edit(review)))
        detail = data.draw(st.booleans())
        via_memo = assess(_copy(review), today=TODAY, memo=memo, detail=detail).to_json()
        fresh = assess(_copy(review), today=TODAY, detail=detail).to_json()
        assert via_memo == fresh


def test_a_replicas_edit_reuses_the_graphs():
    """The point of the memo: an edit that leaves the dependencies as they were finds its graphs kept."""
    review = read_review_json(EXAMPLES / "platform.json")
    memo = ShapeMemo()
    assess(_copy(review), today=TODAY, memo=memo)
    kept = len(memo)
    assert kept >= 1
    cid = sorted(review.components)[0]
    c = copy.deepcopy(review.components[cid])
    c.replicas = (c.replicas or 1) + 2
    apply_changes(review, [Change("components", cid, review.components[cid], c)])
    second = assess(_copy(review), today=TODAY, memo=memo).to_json()
    assert len(memo) == kept  # nothing new to condense
    assert second == assess(_copy(review), today=TODAY).to_json()


def test_the_memo_keeps_the_last_few_graphs_only():
    memo = ShapeMemo(size=2)
    review = read_review_json(EXAMPLES / "webshop.json")
    for k, did in enumerate(sorted(review.dependencies)[:4]):
        apply_changes(review, [Change("dependencies", did, review.dependencies[did], None)])
        analyze(_copy(review), today=TODAY, memo=memo)
        assert len(memo) <= 2


def test_big_graphs_are_not_kept():
    """Above ``max_components`` nothing is kept: the upstream bitsets of 100,000 components are gigabytes."""
    memo = ShapeMemo(max_components=3)
    review = read_review_json(EXAMPLES / "webshop.json")
    assert len(review.components) > 3
    a = analyze(_copy(review), today=TODAY, memo=memo)
    assert len(memo) == 0
    assert a.to_json() == analyze(_copy(review), today=TODAY).to_json()


def test_a_group_edit_is_not_mistaken_for_the_same_graph():
    """Thresholds change what a failure takes down without changing the plain adjacency: the memo must
    not give the old answer (a group needing every member is expanded into plain edges, one that
    tolerates a loss is not)."""
    review = read_review_json(EXAMPLES / "platform.json")
    memo = ShapeMemo()
    groups = sorted(review.groups)
    assert groups
    for gid in groups:
        g = review.groups[gid]
        for k in range(1, len(g.members) + 1):
            new = RedundancyGroup(id=gid, members=list(g.members), min_up=k)
            apply_changes(review, [Change("groups", gid, review.groups[gid], new)])
            assert (assess(_copy(review), today=TODAY, memo=memo).to_json()
                    == assess(_copy(review), today=TODAY).to_json())
