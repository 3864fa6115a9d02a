"""The validation fast paths (components, dependencies) against the full checks.

``validate`` first asks a quick question per component and dependency (would the full
checks report anything?) and runs the full checks only when the answer is not a clear no.
These tests run both ways on random, often invalid, elements and compare every problem.
"""
from __future__ import annotations

import math

from hypothesis import given, settings, strategies as st

from prr_app.model import validation
from prr_app.model.entities import Component, Dependency, FailureDomain, RedundancyGroup, Review

_odd = st.sampled_from([None, True, False, 0, 1, -1, 2, 3, 4, 100000, 100001, 1000, 1001, 0.5, 1.0, 2.0,
                        99.9, 100, 100.0, 100.5, -0.1, math.nan, math.inf, -math.inf, "1", [], "x"])


def _mostly(*valid):
    """One of ``valid`` nine times in ten, else an odd value (so whole elements are often valid)."""
    return st.integers(0, 9).flatmap(lambda i: _odd if i == 5 else st.sampled_from(valid))


_ids = st.sampled_from(["a", "b", "c", "g", "z1", "z2", "zz", "nope", "", "a->b", 3, None])


def _components():
    return st.builds(
        Component,
        id=st.sampled_from(["a", "b", "c"]),
        name=_mostly("", "A", "x" * 500, "x" * 501),
        kind=st.integers(0, 5).flatmap(lambda i: st.sampled_from(["service", "datastore"]) if i != 3 else
                                       st.sampled_from(["nope", "", 1, None, ["service"]])),
        tier=_mostly(None, 1, 3), replicas=_mostly(None, 1, 2, 3), min_healthy=_mostly(None, 1, 2),
        placement=st.lists(st.one_of(_mostly("z1", "z2"), st.just(["z1"])), max_size=3),
        shared_domains=st.lists(_mostly("z1", "z2", "zz"), max_size=3),
        availability=_mostly(None, 99.9, 100, 50), slo=_mostly(None, 99.9, 99), rto_minutes=_mostly(None, 0, 5.5),
        rpo_minutes=_mostly(None, 0), failover_minutes=_mostly(None, 1), backup_interval_minutes=_mostly(None, 60),
        recovery=_mostly(None, "none", "manual", "automatic", "sometimes", ["none"]),
        tags=st.lists(_mostly("t", "t", "t", " ", "", "x" * 101, "x" * 100), max_size=2),
    )


def _dependencies():
    return st.builds(
        Dependency,
        source=_mostly("a", "b", "c"), target=_mostly("a", "b", "c", "g"),
        kind=_mostly("hard", "soft", "async", "never", ["hard"]),
        fallback=_mostly(None, "", "cached", "x" * 2000, "x" * 2001),
        timeout_ms=_mostly(None, 0, 500), retries=_mostly(None, 0, 1000),
    )


def _review(comps, deps, keys) -> Review:
    r = Review()
    for dom in ("z1", "z2", "zz"):
        r.domains[dom] = FailureDomain(id=dom)
    r.groups["g"] = RedundancyGroup(id="g", members=["a"])
    for cid in ("a", "b", "c"):
        r.components[cid] = Component(id=cid)
    for c in comps:
        r.components[c.id] = c
    for i, d in enumerate(deps):
        key = d.id if keys[i % len(keys)] else f"k{i}"  # sometimes a key that does not match
        r.dependencies[key] = d
    return r


def _counting(fn, seen):
    def run(*a):
        ok = fn(*a)
        seen[ok] = seen.get(ok, 0) + 1
        return ok
    return run


def _full_checks(review: Review) -> list:
    saved = validation._component_ok, validation._dependency_ok
    validation._component_ok = validation._dependency_ok = lambda *a: False
    try:
        return validation.validate(review)
    finally:
        validation._component_ok, validation._dependency_ok = saved


@settings(max_examples=400, deadline=None)
@given(comps=st.lists(_components(), max_size=3), deps=st.lists(_dependencies(), max_size=4),
       keys=st.lists(st.booleans(), min_size=1, max_size=4))
def test_fast_paths_report_exactly_what_the_full_checks_report(comps, deps, keys):
    review = _review(comps, deps, keys)
    assert _outcome(validation.validate, review) == _outcome(_full_checks, review)


def test_the_random_elements_reach_both_ways():
    """The comparison above means something only if the fast path often says yes (and often no)."""
    seen: dict = {}
    saved = validation._component_ok, validation._dependency_ok
    validation._component_ok = _counting(saved[0], seen.setdefault("component", {}))
    validation._dependency_ok = _counting(saved[1], seen.setdefault("dependency", {}))
    try:
        @settings(max_examples=400, deadline=None, database=None, derandomize=True)
        @given(comps=st.lists(_components(), max_size=3), deps=st.lists(_dependencies(), max_size=4))
        def run(comps, deps):
            _outcome(validation.validate, _review(comps, deps, [True]))
        run()
    finally:
        validation._component_ok, validation._dependency_ok = saved
    for what in ("component", "dependency"):
        assert seen[what].get(True, 0) >= 20 and seen[what].get(False, 0) >= 20, seen


def _outcome(run, review):
    # an unhashable id in a list makes the full checks raise TypeError; the fast path must too
    try:
        return run(review)
    except TypeError:
        return "TypeError"


def test_fast_paths_take_valid_elements_and_leave_invalid_ones():
    doms = {"z1": FailureDomain(id="z1"), "z2": FailureDomain(id="z2")}
    kinds, recs = frozenset(["service"]), frozenset(["none"])
    ok = Component(id="a", replicas=2, min_healthy=2, placement=["z1", "z2", "z1"], shared_domains=["z2"],
                   availability=99.9, slo=99.5, rto_minutes=0, recovery="none", tags=["t"])
    assert validation._component_ok(ok, doms, kinds, recs)
    for bad in (dict(replicas=True), dict(min_healthy=3), dict(shared_domains=["z2", "z2"]), dict(slo=100),
                dict(availability=math.nan), dict(rto_minutes=math.inf), dict(placement=[["z1"]]),
                dict(kind="nope"), dict(tags=[" "])):
        c = Component(**{**ok.__dict__, **bad})
        assert not validation._component_ok(c, doms, kinds, recs), bad
    comps = {"a": ok, "b": ok}
    d = Dependency("a", "b", timeout_ms=0, retries=1000)
    assert validation._dependency_ok("a->b", d, comps, set(comps), frozenset(["hard"]))
    assert not validation._dependency_ok("b->a", d, comps, set(comps), frozenset(["hard"]))
    assert not validation._dependency_ok("a->b", Dependency("a", "b", retries=1001), comps, set(comps),
                                         frozenset(["hard"]))
