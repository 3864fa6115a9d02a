"""Composite availability: exact results against brute-force enumeration, and the simulation's interval."""
from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings

from analysis_oracle import entry_down, oracle, reviews
from prr_app.analysis import analyze
from prr_app.analysis.availability import AvailabilityModel
from prr_app.analysis.compiled import compile_review
from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, RedundancyGroup, Review

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_force(review: Review, entries: list[str]) -> float:
    """Enumerate every up/down state of every component and domain; propagate each with the oracle."""
    comps = [(cid, (c.availability if c.availability is not None else 100.0) / 100)
             for cid, c in sorted(review.components.items())]
    doms = [(did, (d.availability if d.availability is not None else 100.0) / 100)
            for did, d in sorted(review.domains.items())]
    elems = [(e, p, "c") for e, p in comps if p < 1] + [(e, p, "d") for e, p in doms if p < 1]
    total = 0.0
    for state in itertools.product((True, False), repeat=len(elems)):
        prob = 1.0
        fc, fd = [], []
        for (e, p, kind), up in zip(elems, state):
            prob *= p if up else 1 - p
            if not up:
                (fc if kind == "c" else fd).append(e)
        if prob == 0:
            continue
        down, _ = oracle(review, components=fc, domains=fd)
        if not any(entry_down(review, e, down) for e in entries):
            total += prob
    return total


def _small(review: Review) -> bool:
    n = sum(1 for c in review.components.values() if c.availability not in (None, 100.0))
    n += sum(1 for d in review.domains.values() if d.availability not in (None, 100.0))
    return n <= 11


@SETTINGS
@given(reviews(max_components=7))
def test_exact_availability_matches_brute_force(review):
    if not _small(review):
        return
    g = compile_review(review)
    model = AvailabilityModel(g, seed=1)
    for cid in sorted(review.components):
        res = model.evaluate(cid, "component", [g.index[cid]], 99.0, 0)
        expect = brute_force(review, [cid])
        if res.method == "exact":
            # exact up to the rare domain states left out (at most 1e-9), which the interval covers
            assert res.ci[0] / 100 - 1e-9 <= expect <= res.ci[1] / 100 + 1e-9, cid
            assert math.isclose(res.estimate / 100, expect, abs_tol=1e-8), cid
        else:
            assert res.samples and res.ci[0] <= res.estimate <= res.ci[1]
            assert abs(res.estimate / 100 - expect) <= 5 * (res.ci[1] - res.ci[0]) / 100 + 1e-3, cid


@SETTINGS
@given(reviews(max_components=6))
def test_simulation_agrees_with_brute_force(review):
    if not _small(review):
        return
    g = compile_review(review)
    model = AvailabilityModel(g, seed=5)
    for cid in sorted(review.components)[:3]:
        c = g.index[cid]
        est = model.simulate([c], 0, samples=20_000)
        expect = brute_force(review, [cid])
        sd = math.sqrt(max(expect * (1 - expect), 1e-6) / 20_000)
        assert abs(est - expect) <= 6 * sd + 1e-4, cid


def test_shared_dependency_counted_once():
    r = Review()
    r.add(Component(id="web", user_facing=True, availability=99.9))
    for cid in ("a", "b"):
        r.add(Component(id=cid, availability=99.9))
        r.add(Dependency("web", cid))
        r.add(Dependency(cid, "db"))
    r.add(Component(id="db", availability=99.0))
    r.add(Journey(id="j", entry=["web"], slo=99.0))
    a = analyze(r)
    av = {x["target"]: x for x in a.availability}["j"]
    assert av["method"] == "exact"
    assert av["estimate"] == pytest.approx(100 * 0.999 ** 3 * 0.99, abs=1e-6)  # db once, not twice
    assert av["attainable"] is False
    assert av["top_consumers"][0]["element"] == "db"
    assert av["top_consumers"][0]["budget_share"] == pytest.approx(100 * (0.999 ** 3 * (1 - 0.99)) / 0.01, rel=1e-3)


def test_redundancy_group_and_zones_exact():
    r = Review()
    r.add(FailureDomain(id="za", kind="zone", availability=99.9))
    r.add(FailureDomain(id="zb", kind="zone", availability=99.9))
    r.add(Component(id="app", user_facing=True, replicas=2, placement=["za", "zb"], availability=99.95))
    r.add(Component(id="p", availability=99.0, placement=["za"]))
    r.add(Component(id="s", availability=99.0, placement=["zb"]))
    r.add(RedundancyGroup(id="db", members=["p", "s"], min_up=1))
    r.add(Dependency("app", "db"))
    g = compile_review(r)
    res = AvailabilityModel(g).evaluate("app", "component", [g.index["app"]], 99.9, 0)
    assert res.method == "exact"
    assert res.estimate / 100 == pytest.approx(brute_force(r, ["app"]), abs=1e-12)
    # by hand: zones independent; app needs one zone up; db needs p (and za) or s (and zb)
    za = zb = 0.999
    p = s = 0.99
    both = za * zb * (1 - (1 - p) * (1 - s))
    only_a = za * (1 - zb) * p
    only_b = (1 - za) * zb * s
    assert res.estimate / 100 == pytest.approx(0.9995 * (both + only_a + only_b), abs=1e-12)


def test_k_of_n_replicas_across_zones():
    r = Review()
    for z in "abc":
        r.add(FailureDomain(id=f"z{z}", kind="zone", availability=99.0))
    r.add(Component(id="db", user_facing=True, replicas=3, min_healthy=2, placement=["za", "zb", "zc"]))
    g = compile_review(r)
    res = AvailabilityModel(g).evaluate("db", "component", [0], None, 0)
    q = 0.99
    assert res.estimate / 100 == pytest.approx(q ** 3 + 3 * q ** 2 * (1 - q), abs=1e-12)
    assert res.attainable is None


def test_group_inside_a_cycle_falls_back_to_simulation_with_interval():
    r = Review()
    r.add(Component(id="a", user_facing=True, availability=99.0))
    r.add(Component(id="m1", availability=99.0))
    r.add(Component(id="m2", availability=99.0))
    r.add(RedundancyGroup(id="g", members=["m1", "m2"], min_up=1))
    r.add(Dependency("a", "g"))
    r.add(Dependency("m1", "a"))
    r.add(Journey(id="j", entry=["a"], slo=90.0))
    a1 = analyze(r, seed=11)
    av = {x["target"]: x for x in a1.availability}["j"]
    assert av["method"] == "simulation"
    assert av["samples"] >= 10_000
    lo, hi = av["ci"]
    assert lo <= av["estimate"] <= hi and hi - lo < 0.5
    assert lo - 0.2 <= 100 * brute_force(r, ["a"]) <= hi + 0.2
    assert analyze(r, seed=11).to_dict()["availability"] == a1.to_dict()["availability"]


def test_against_repyability_block_diagram():
    """Cross-check with RePyability: a journey as a series/parallel block diagram with a shared node."""
    rp = pytest.importorskip("repyability")
    from repyability.rbd.rbd import RBD

    r = Review()
    av = {"lb": 99.99, "web": 99.9, "p": 99.0, "s": 99.0, "net": 99.5}
    for cid, a in av.items():
        r.add(Component(id=cid, availability=a))
    r.components["lb"].user_facing = True
    r.add(RedundancyGroup(id="db", members=["p", "s"], min_up=1))
    r.add(Dependency("lb", "web"))
    r.add(Dependency("web", "db"))
    r.add(Dependency("p", "net"))
    r.add(Dependency("s", "net"))  # shared: the members are not independent
    g = compile_review(r)
    ours = AvailabilityModel(g).evaluate("lb", "component", [g.index["lb"]], None, 0).estimate / 100
    nodes = ["in", "lb", "web", "p", "s", "net", "out"]
    edges = [("in", "lb"), ("lb", "web"), ("web", "p"), ("web", "s"), ("p", "net"), ("s", "net"), ("net", "out")]
    rbd = RBD(edges=edges, nodes=nodes, input_node="in", output_node="out")
    probs = {n: av[n] / 100 for n in av}
    probs.update({"in": 1.0, "out": 1.0})
    theirs = float(rbd.system_probability(probs)[0])
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert ours == pytest.approx(brute_force(r, ["lb"]), abs=1e-12)
