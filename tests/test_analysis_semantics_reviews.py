"""Hand-written reviews an SRE tester analysed by hand (tests/fixtures/semantics, session 24), against
the analysis: hub tags, quorum advice, the domain words of the common-cause advice, queues, SLOs
out of reach of one fix, and recovery time against the policy's RTO."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.analysis import analyze, simulate
from prr_app.interchange.json_io import read_review_json
from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, Review

FIX = Path(__file__).parent / "fixtures" / "semantics"


def _load(name: str) -> Review:
    return read_review_json(FIX / f"{name}.json")


def _spof_elements(a) -> set[str]:
    return {s["element"] for s in a.spofs}


def _ceiling(a, target: str) -> float:
    return next(x for x in a.availability if x["target"] == target)["estimate"]


# -- 1. a hub tag does not soften a hard call stated by hand ----------------------------------------
def test_a_config_tag_does_not_hide_a_hard_control_plane_dependency_stated_by_hand():
    """S1: both regions' APIs call ``flags`` hard without fallback; flags runs only in us-east-1 and the
    policy requires surviving a region. Tagged ``config``, flags and us-east-1 were no SPOFs and the
    journey's ceiling read 99.94 % instead of 99.83 %: the tag softened calls a reviewer stated hard."""
    tagged, untagged = _load("s1-active-active"), _load("s1b-flags-untagged")
    assert "config" in tagged.components["flags"].tags
    a, b = analyze(tagged), analyze(untagged)
    assert {"flags", "us-east-1"} <= _spof_elements(a)
    assert _spof_elements(a) == _spof_elements(b)
    assert _ceiling(a, "shop") == pytest.approx(99.83, abs=1e-4)
    assert a.risk("spof:domain:us-east-1")["launch_blocking"]
    assert not [x for x in a.assumptions if x["id"] == "hub-softened"]


def test_a_hub_softens_only_calls_an_import_inferred_and_says_so_with_the_verdict():
    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2))
    r.add(Component(id="flags", tags=["config"], replicas=2))
    r.add(Dependency("web", "flags"))
    a = analyze(r)
    assert "flags" in _spof_elements(a)  # stated hard by hand: hard
    r.dependencies["web->flags"].evidence = ["compose.yaml:7: FLAGS_URL=http://flags"]
    a = analyze(r)
    assert "flags" not in _spof_elements(a)  # inferred by an import: soft, listed
    softened = [x for x in a.assumptions if x["id"] == "hub-softened"]
    assert softened and list(softened[0]["elements"]) == ["web->flags"]
    said = [t for t in a.verdict["assumptions"] if "treated as soft" in t]
    assert said and "flags" in said[0] and "web->flags" in said[0]


# -- 2. a quorum's zone SPOF: advice that resolves it once followed ---------------------------------
def _follow_domain_advice(review: Review, rid: str) -> Review:
    from prr_app.review.plans import Plan, apply_plan, suggest

    a = analyze(review).to_dict()
    alts = dict(suggest(review, a))[rid]
    first = alts[0]
    changes = list(first) if isinstance(first, list) else [first]
    return apply_plan(review, Plan(name="advice", changes=changes))


def test_a_quorum_zone_spof_advice_moves_an_instance_and_resolves_the_spof():
    """S3: zk needs 2 of 3 nodes in racks a1, a2 (both zone a) and b1. "Add 1 more instance of zk in
    zone use1-b" left the SPOF in place: a 4-node majority quorum needs 3."""
    r = _load("s3-quorum")
    a = analyze(r)
    mit = a.risk("spof:domain:use1-a")["mitigation"]
    assert mit.startswith("Move one of zk's instances in zone use1-a (from rack-a2) to zone use1-c")
    assert "Add 1 more instance" not in mit
    # follow the words: the instance in rack-a2 goes to zone use1-c
    r2 = _load("s3-quorum")
    r2.components["zk"].placement = ["rack-a1", "use1-c", "rack-b1"]
    assert "use1-a" not in _spof_elements(analyze(r2))
    # follow the plan the app suggests for the risk
    after = _follow_domain_advice(r, "spof:domain:use1-a")
    assert (after.components["zk"].replicas, after.components["zk"].min_healthy) == (3, 2)
    assert "use1-a" not in _spof_elements(analyze(after))


def _two_zone_quorum() -> Review:
    r = Review()
    r.add(FailureDomain(id="eu", kind="region"))
    for z in ("a", "b", "c"):
        r.add(FailureDomain(id=z, kind="zone", parent="eu"))
    r.add(Component(id="api", user_facing=True, replicas=3, placement=["a", "b", "c"]))
    # 5 nodes needing 3: zones a, a, a, b, c: a holds 3 > 2, and b and c have room for 1 each
    r.add(Component(id="store", kind="datastore", replicas=5, min_healthy=3, placement=["a", "a", "a", "b", "c"]))
    r.add(Dependency("api", "store"))
    return r


def test_a_quorum_that_cannot_move_enough_gets_instances_added_and_its_need_raised():
    r = _two_zone_quorum()
    r.components["store"].placement = ["a", "a", "a", "b", "b"]  # b full too, c empty
    a = analyze(r)
    mit = a.risk("spof:domain:a")["mitigation"]
    assert mit.startswith("Move one of store's instances in zone a to zone c")
    r.domains.pop("c")
    r.components["api"].placement = ["a", "b"]
    a = analyze(r)
    mit = a.risk("spof:domain:a")["mitigation"]
    # two zones only: no majority quorum survives either zone (one holds at least half)
    assert "Add a zone beside a" in mit and "more instance" not in mit
    r.add(FailureDomain(id="c", kind="zone", parent="eu"))
    r.components["store"].placement = ["a", "a", "a", "b", "c"]
    r.components["store"].replicas = 5
    a = analyze(r)
    assert a.risk("spof:domain:a")["mitigation"].startswith("Move one of store's instances in zone a to zone ")
    after = _follow_domain_advice(r, "spof:domain:a")
    assert "a" not in _spof_elements(analyze(after))


def test_quorum_add_and_raise_resolves_the_spof_when_followed():
    """A 4-node ensemble needing 3 (its majority) in zones a, a, b, c: no zone has room for an instance
    moved out of a (each may hold 1); a fifth node in b with the need kept at the majority of 5 (3)
    lets it lose zone a. The advice says so, and the plan it suggests does it."""
    r = _two_zone_quorum()
    r.components["store"].replicas, r.components["store"].min_healthy = 4, 3
    r.components["store"].placement = ["a", "a", "b", "c"]
    a = analyze(r)
    mit = a.risk("spof:domain:a")["mitigation"]
    assert mit.startswith("Add 1 instance of store in zone b and keep its need at 3 of 5 (the majority of 5)")
    after = _follow_domain_advice(r, "spof:domain:a")
    assert (after.components["store"].replicas, after.components["store"].min_healthy) == (5, 3)
    assert "a" not in _spof_elements(analyze(after))
    assert simulate(after, domains=["a"]).down == set()
    # 3 of 3 in zones a, a, b with a zone c beside: the fourth node raises the majority to 3 of 4
    r.components["store"].replicas, r.components["store"].min_healthy = 3, 2
    r.components["store"].placement = ["a", "a", "b"]
    assert analyze(r).risk("spof:domain:a")["mitigation"].startswith("Move one of store's instances in zone a to zone c")


def test_a_capacity_need_still_gets_instances_added_with_its_need_kept():
    """A service that needs 3 of its 4 instances needs them for capacity, not a majority: more
    instances outside the zone is right (test_a_zone_spof_says_how_many_instances_to_add_outside_the_zone)."""
    from prr_app.analysis.quorum import is_quorum

    assert not is_quorum(4, 3, "service")
    assert is_quorum(4, 3, "datastore") and is_quorum(3, 2, "service", ["quorum"])
    assert not is_quorum(5, 4, "datastore")  # more than a majority: a capacity need
    assert not is_quorum(2, 1, "datastore")


# -- 4, 5. the common-cause advice's words --------------------------------------------------------
def test_a_group_reached_through_a_shared_dependency_names_it_instead_of_placement():
    """S1b: api-use and api-euw are in different regions; us-east-1 takes api-euw down through flags,
    which runs only there. "Place the members of api-global in different regions" was wrong."""
    a = analyze(_load("s1b-flags-untagged"))
    mit = a.risk("common-cause:group:api-global")["mitigation"]
    assert "in different regions" not in mit
    assert "run flags outside region us-east-1" in mit and "api-euw through flags" in mit
    f = next(x for x in a.common_cause if x["id"] == "common-cause:group:api-global")
    assert [dict(w) for w in f["domain_ways"]] == [
        {"domain": "us-east-1", "placed": ("api-use",), "through": ("api-euw",), "via": ("flags",)}]


def test_co_located_group_members_are_still_told_to_be_placed_apart():
    r = Review()
    r.add(FailureDomain(id="z1", kind="zone"))
    r.add(FailureDomain(id="z2", kind="zone"))
    for cid in ("a", "b"):
        r.add(Component(id=cid, placement=["z1"]))
    r.add(Component(id="web", user_facing=True, replicas=2, placement=["z1", "z2"]))
    from prr_app.model.entities import RedundancyGroup

    r.add(RedundancyGroup(id="g", members=["a", "b"], min_up=1))
    r.add(Dependency("web", "g"))
    a = analyze(r)
    mit = a.risk("common-cause:group:g")["mitigation"]
    assert "place the members of g in different zones (now z1 can take down enough of them)" in mit


def test_replicas_in_one_region_are_told_a_second_region_not_a_zone_of_it():
    """S1: "Place the 2 replicas of db-euw across eu-west-1 and region euw1-c" (euw1-c is a zone of
    eu-west-1)."""
    a = analyze(_load("s1-active-active"))
    mit = a.risk("common-cause:replicas:db-euw")["mitigation"]
    assert "region euw1-c" not in mit
    assert mit.startswith("Place the 2 replicas of db-euw across eu-west-1 and region us-east-1")


# -- 6. a queue's fix is with its publishers ------------------------------------------------------
def test_a_queue_spof_is_fixed_at_the_publisher_or_with_a_second_queue_not_in_the_consumer():
    """S2: "give order-worker a fallback ... so that journeys fulfil-order, place-order survive": a
    consumer-side fallback cannot keep place-order, which enters at the publisher, up."""
    a = analyze(_load("s2-order-pipeline"))
    mit = a.risk("spof:component:orders-queue")["mitigation"]
    assert not mit.startswith("Give order-worker") and "give order-worker a fallback" not in mit
    assert "give order-api an outbox or a local buffer" in mit
    assert "add a second queue" in mit
    assert "journey place-order enters at orders-queue itself" in mit


# -- 7. an SLO no single fix reaches ---------------------------------------------------------------
def test_an_slo_out_of_reach_of_one_fix_says_so_and_names_every_tied_consumer():
    """S6: three backends at 99.9 % each cost the same; even a perfect catalog-svc leaves the journey at
    99.79 % (< 99.95 %), and catalog-svc already runs 3 replicas."""
    a = analyze(_load("s6-mobile-sequence"))
    mit = a.risk("slo:journey:buy-in-app")["mitigation"]
    assert mit.startswith("Raise the availability of catalog-svc, checkout-svc, profile-svc (they cost the same")
    assert "no single fix reaches the SLO" in mit and "99.7901 %" in mit
    assert "a second independent instance" not in mit
    assert a.risk("slo:journey:buy-in-app")["launch_blocking"]


# -- 3. recovery time against the policy's RTO -----------------------------------------------------
def test_a_recovery_slower_than_the_policys_rto_for_a_required_disruption_is_a_risk():
    """S1: the policy requires surviving a region with an RTO of 15 min; the databases fail over
    manually in 30 min. The report said only "manual recovery"."""
    a = analyze(_load("s1-active-active"))
    for db in ("db-use", "db-euw"):
        r = a.risk(f"recovery:rto:{db}")
        assert r["title"] == f"recovery of {db} (30 min) exceeds the policy's RTO (region 15 min)"
        assert "manual failover takes 30 min" in r["description"] and "region" in r["description"]
        assert r["disruptions"] == ["region"] and not r["launch_blocking"]
    # within the RTO, or an RTO for a disruption the policy does not require surviving: nothing
    r = _load("s1-active-active")
    r.components["db-use"].failover_minutes = 10
    r.policy.survive = [t for t in r.policy.survive if t != "region"] + []
    b = analyze(r)
    assert not [x for x in b.risks if x["id"].startswith("recovery:rto:")]
    r.policy.survive.append("region")
    b = analyze(r)
    assert [x["id"] for x in b.risks if x["id"].startswith("recovery:rto:")] == ["recovery:rto:db-euw"]
