"""Failure propagation: the fast paths against a brute-force oracle."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_oracle import journeys_hit, oracle, reviews
from prr_app.analysis import simulate
from prr_app.analysis.blast import BlastRadius
from prr_app.analysis.compiled import bits_of, compile_review
from prr_app.model.entities import Component, Dependency, FailureDomain, RedundancyGroup, Review
from prr_app.errors import PrrError

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _ids(graph, bits):
    return {graph.ids[i] for i in bits_of(bits)}


@SETTINGS
@given(reviews())
def test_blast_radius_of_every_component_matches_oracle(review):
    g = compile_review(review)
    br = BlastRadius(g)
    for cid in review.components:
        sc = br.component(g.index[cid])
        down, degraded = oracle(review, components=[cid])
        assert _ids(g, sc.down) == down, cid
        assert _ids(g, sc.degraded) == degraded, cid


@SETTINGS
@given(reviews())
def test_blast_radius_of_every_domain_matches_oracle(review):
    g = compile_review(review)
    br = BlastRadius(g)
    for did in review.domains:
        sc = br.domain(g.domain_index[did])
        down, degraded = oracle(review, domains=[did])
        assert _ids(g, sc.down) == down, did
        assert _ids(g, sc.degraded) == degraded, did


@SETTINGS
@given(reviews(), st.data())
def test_simulate_matches_oracle_on_combined_failures(review, data):
    comps = data.draw(st.lists(st.sampled_from(sorted(review.components)), unique=True, max_size=2))
    doms = []
    if review.domains:
        doms = data.draw(st.lists(st.sampled_from(sorted(review.domains)), unique=True, max_size=2))
    pairs = [(cid, i) for cid, c in sorted(review.components.items()) for i in range(c.replicas or 1)]
    inst = data.draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3))
    out = simulate(review, components=comps, domains=doms, instances=inst)
    down, degraded = oracle(review, components=comps, domains=doms, instances=inst)
    assert out.down == down
    assert out.degraded == degraded
    failed = set(comps) | set(doms) | {f"{c}#{i}" for c, i in inst}
    for cid in down | degraded:
        chain = out.chain(cid)
        assert chain[-1] == cid
        assert chain[0] in failed or chain[0] in review.components
        # every step of the chain is itself hit (groups aside)
        for step in chain[1:]:
            if step in review.components:
                assert step in down | degraded
    # journeys, some entering by a redundancy group (down when fewer than min_up members are up)
    assert (out.journeys_down, out.journeys_degraded) == journeys_hit(review, down, degraded)


@SETTINGS
@given(reviews())
def test_single_instance_failure_matches_oracle(review):
    for cid, c in review.components.items():
        for i in range(c.replicas or 1):
            out = simulate(review, instances=[(cid, i)])
            assert (out.down, out.degraded) == oracle(review, instances=[(cid, i)])


def _chain_review():
    r = Review()
    for cid in ("web", "api", "db", "cache", "metrics"):
        r.add(Component(id=cid))
    r.components["metrics"].tags = ["telemetry"]
    r.add(Dependency("web", "api"))
    r.add(Dependency("api", "db"))
    r.add(Dependency("api", "cache", kind="soft"))
    r.add(Dependency("api", "metrics"))
    return r


def test_hard_soft_and_hub_semantics():
    r = _chain_review()
    out = simulate(r, components=["db"])
    assert out.down == {"db", "api", "web"}
    assert out.chain("web") == ["db", "api", "web"]
    out = simulate(r, components=["cache"])
    assert out.down == {"cache"} and out.degraded == {"api", "web"}
    out = simulate(r, components=["metrics"])  # a hard call stated by hand on a hub stays hard
    assert out.down == {"metrics", "api", "web"}
    r.dependencies["api->metrics"].evidence = ["compose.yaml:12: OTEL_ENDPOINT=metrics:4317"]
    out = simulate(r, components=["metrics"])  # inferred by an import: treated as soft
    assert out.down == {"metrics"} and out.degraded == {"api", "web"}


def test_fallback_turns_down_into_degraded():
    r = _chain_review()
    r.dependencies["api->db"].fallback = "serve from cache"
    out = simulate(r, components=["db"])
    assert out.down == {"db"} and out.degraded == {"api", "web"}


def test_cycle_does_not_hold_itself_down():
    r = Review()
    for cid in ("a", "b", "c"):
        r.add(Component(id=cid))
    r.add(Dependency("a", "b"))
    r.add(Dependency("b", "a"))
    r.add(Dependency("c", "a", kind="soft"))
    assert simulate(r).down == set()
    out = simulate(r, components=["b"])
    assert out.down == {"a", "b"} and out.degraded == {"c"}


def test_k_of_n_replicas_and_zones():
    r = Review()
    for z in ("a", "b", "c"):
        r.add(FailureDomain(id=f"zone-{z}", kind="zone", parent="region"))
    r.add(FailureDomain(id="region", kind="region"))
    r.add(Component(id="db", replicas=3, min_healthy=2, placement=["zone-a", "zone-b"]))  # a, b, a
    r.add(Component(id="svc", replicas=2, placement=["zone-a", "zone-b"]))
    r.add(Dependency("svc", "db"))
    assert simulate(r, instances=[("db", 0)]).down == set()
    assert simulate(r, instances=[("db", 0), ("db", 1)]).down == {"db", "svc"}
    assert simulate(r, domains=["zone-b"]).down == set()
    assert simulate(r, domains=["zone-a"]).down == {"db", "svc"}
    assert simulate(r, domains=["region"]).down == {"db", "svc"}  # nested: the region holds the zones


def test_redundancy_group_needs_k_members():
    r = Review()
    for cid in ("app", "p", "s", "t"):
        r.add(Component(id=cid))
    r.add(RedundancyGroup(id="dbs", members=["p", "s", "t"], min_up=2))
    r.add(Dependency("app", "dbs"))
    assert simulate(r, components=["p"]).down == {"p"}
    assert simulate(r, components=["p"]).degraded == {"app"}
    assert simulate(r, components=["p", "s"]).down == {"p", "s", "app"}
    g = compile_review(r)
    br = BlastRadius(g)
    assert _ids(g, br.component(g.index["p"]).down) == {"p"}


def test_common_cause_under_a_group_is_found_by_the_fast_path():
    r = Review()
    for cid in ("app", "p", "s", "net"):
        r.add(Component(id=cid))
    r.add(RedundancyGroup(id="dbs", members=["p", "s"], min_up=1))
    r.add(Dependency("app", "dbs"))
    r.add(Dependency("p", "net"))
    r.add(Dependency("s", "net"))
    g = compile_review(r)
    sc = BlastRadius(g).component(g.index["net"])
    assert _ids(g, sc.down) == {"app", "p", "s", "net"}
    assert simulate(r, components=["net"]).chain("app") in (["net", "p", "dbs", "app"], ["net", "s", "dbs", "app"])


def test_simulate_rejects_unknown_elements():
    r = _chain_review()
    with pytest.raises(PrrError, match="unknown component 'nope'"):
        simulate(r, components=["nope"])
    with pytest.raises(PrrError, match="unknown failure domain"):
        simulate(r, domains=["zone-x"])
    with pytest.raises(PrrError, match="has no instance 3"):
        simulate(r, instances=[("db", 3)])


def test_a_three_thousand_component_cycle_goes_down_whole():
    r = Review()
    n = 3000
    for i in range(n):
        r.add(Component(id=f"s{i:04d}"))
    for i in range(n):
        r.add(Dependency(f"s{i:04d}", f"s{(i + 1) % n:04d}"))
    g = compile_review(r)
    br = BlastRadius(g)
    assert br.component(0).down.bit_count() == n


def test_a_degraded_telemetry_hub_degrades_nothing_through_it_its_outage_does():
    """The OpenTelemetry demo's collector watches services and sends to its backends; every service
    reports to it. Its backend's failure, or a watched service's, leaves it degraded, and that must
    not make every service "degraded": losing telemetry costs observability, not service. Its own
    outage still degrades what reports to it. The what-if, the blast radius and the assumptions agree."""
    from prr_app.analysis import analyze
    from prr_app.model.entities import Component, Dependency, Review

    r = Review()
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Component(id="collector", tags=["telemetry"]))
    r.add(Component(id="logs", kind="datastore"))
    r.add(Dependency("web", "api"))
    for s in ("web", "api"):
        r.add(Dependency(s, "collector", "soft"))
    r.add(Dependency("collector", "api", "soft"))  # a health check
    r.add(Dependency("collector", "logs", "soft"))  # where it sends logs
    assert simulate(r, components=["logs"]).degraded == {"collector"}
    assert simulate(r, components=["collector"]).degraded == {"web", "api"}
    api = simulate(r, components=["api"])
    assert api.down == {"api", "web"} and api.degraded == {"collector"}
    a = analyze(r)
    assert (a.blast_radius["logs"]["down_count"], a.blast_radius["logs"]["degraded_count"]) == (1, 1)
    assert a.blast_radius["collector"]["degraded_count"] == 2
    assert a.blast_radius["api"]["degraded_count"] == 1
    hubs = [x for x in a.assumptions if x["id"] == "telemetry-hub-degradation"]
    assert hubs and list(hubs[0]["elements"]) == ["collector"]
