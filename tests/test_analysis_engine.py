"""analyze(): SPOFs, failure domains, common cause, cascading, the risk register and the verdict."""
from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis_oracle import default_user_facing, hits_a_target, journeys_hit, oracle, reviews, user_facing_hit
from prr_app.analysis import analyze, checklist_figures, severity
from prr_app.analysis.chains import CHAIN_HEAD, CHAIN_TAIL
from prr_app.analysis.engine import USER_FACING_LISTED
from prr_app.model.entities import (
    Acceptance,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Mitigation,
    RedundancyGroup,
    Review,
    Risk,
)
from conftest import REALDATA

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def shop() -> Review:
    """web -> api -> db (single replica, zone a), api -> cache (soft)."""
    r = Review()
    r.add(FailureDomain(id="region", kind="region"))
    for z in ("a", "b"):
        r.add(FailureDomain(id=f"zone-{z}", kind="zone", parent="region"))
    r.add(Component(id="web", user_facing=True, replicas=2, placement=["zone-a", "zone-b"], slo=99.9, tier=1))
    r.add(Component(id="api", replicas=2, placement=["zone-a", "zone-b"]))
    r.add(Component(id="db", kind="datastore", replicas=1, placement=["zone-a"]))
    r.add(Component(id="cache", kind="cache", replicas=1, placement=["zone-b"]))
    r.add(Dependency("web", "api", timeout_ms=500))
    r.add(Dependency("api", "db", timeout_ms=200))
    r.add(Dependency("api", "cache", kind="soft", timeout_ms=50))
    r.add(Journey(id="checkout", entry=["web"], slo=99.9, critical=True))
    return r


def members(a, component_set: dict) -> list[str]:
    """The component ids of a set of the detailed document (cycles referred to by number)."""
    out = list(component_set["components"])
    for k in component_set["cycles"]:
        out.extend(a.cycles[k])
    assert len(out) == len(set(out))  # a component is listed once
    return sorted(out)


def _spof_keys(a):
    return {(s["element"], s["element_type"]) for s in a.spofs}


def _plain(x):
    """``x`` with every tuple a list, recursively."""
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _types(x, found=None) -> set[str]:
    found = set() if found is None else found
    found.add(type(x).__name__)
    for v in (x.values() if isinstance(x, dict) else x if isinstance(x, (list, tuple)) else ()):
        _types(v, found)
    return found


def test_contract_keys_and_attributes():
    a = analyze(shop())
    d = a.to_dict()
    for key in ("spofs", "blast_radius", "failure_domains", "availability", "cascading", "risks", "verdict",
                "assumptions"):
        assert key in d
        if key == "risks":  # Risk objects, read as mappings; the document has them as plain dicts
            assert [_plain(dict(r)) for r in a.risks] == d[key] and all(type(r) is dict for r in d[key])
        else:  # the analysis' tuples are the document's lists
            assert _plain(getattr(a, key)) == d[key]
    assert "tuple" not in _types(d)  # plain JSON data
    assert d["verdict"]["verdict"] in ("not-ready", "ready-with-conditions", "ready")


def test_spofs_by_disruption_type_with_chain():
    a = analyze(shop(), detail=True)
    keys = _spof_keys(a)
    assert ("db", "component") in keys and ("db#0", "instance") in keys
    assert ("zone-a", "domain") in keys  # db lives only there
    assert ("zone-b", "domain") not in keys  # web and api survive on zone-a; the cache is soft
    assert ("api", "component") in keys
    assert ("api#0", "instance") not in keys  # 2 replicas, needs 1
    db = next(s for s in a.spofs if s["element"] == "db")
    assert (db["down_count"], db["degraded_count"]) == (3, 0)
    assert members(a, a.blast_radius["db"]["down"]) == ["api", "db", "web"]
    assert db["journeys"] == ("checkout",)
    assert db["user_facing_down"] == ("web",)
    assert db["chain"] == ("db", "api", "web")
    inst = next(s for s in a.spofs if s["element"] == "db#0")
    # an instance's entry refers to its component's (the same failure), without repeating it
    assert inst == {"element": "db#0", "element_type": "instance", "disruption": "instance", "component": "db",
                    "severity": db["severity"], "risk_id": "spof:component:db"}
    zone = next(s for s in a.spofs if s["element"] == "zone-a")
    assert zone["chain"] == ("zone-a", "db", "api", "web")
    zone_b = next(fd for fd in a.failure_domains if fd["domain"] == "zone-b")
    assert members(a, zone_b["down"]) == ["cache"] and zone_b["down_count"] == 1
    assert members(a, zone_b["degraded"]) == ["api", "web"] and zone_b["degraded_count"] == 2
    assert zone_b["user_facing_degraded"] == ("web",) and zone_b["user_facing_down"] == ()


def test_spof_lists_match_the_oracle_on_the_examples(webshop, platform_review):
    from prr_app.analysis.risks import is_external

    for review in (webshop, platform_review):
        a = analyze(review)
        expected = set()
        for cid, c in review.components.items():
            down, _ = oracle(review, components=[cid])
            if hits_a_target(review, down):
                expected.add((cid, "component"))
                # a vendor's service with no instance count stated has no instance disruption of the review's own
                vendor = c.replicas is None and is_external(c)
                if (c.replicas or 1) - 1 < min(c.min_healthy or 1, c.replicas or 1) and not vendor:
                    expected |= {(f"{cid}#{i}", "instance") for i in range(c.replicas or 1)}
        for did in review.domains:
            down, _ = oracle(review, domains=[did])
            if hits_a_target(review, down):
                expected.add((did, "domain"))
        assert _spof_keys(a) == expected


@SETTINGS
@given(reviews(max_components=8))
def test_spofs_and_blast_radius_match_the_oracle(review):
    a = analyze(review, detail=True)
    uf = default_user_facing(review)  # marked, or the default: components nothing depends on
    # what a chain may end on: a user-facing component, a journey's entry, a member of a group entry
    targets = uf | {m for j in review.journeys.values() for e in j.entry
                    for m in (review.groups[e].members if e in review.groups else [e])}
    targets |= {m for g in review.groups.values() if uf & set(g.members) for m in g.members}
    expected = set()
    for cid, c in review.components.items():
        down, degraded = oracle(review, components=[cid])
        b = a.blast_radius[cid]
        assert members(a, b["down"]) == sorted(down) and b["down_count"] == len(down)
        assert members(a, b["degraded"]) == sorted(degraded) and b["degraded_count"] == len(degraded)
        n = c.replicas or 1
        k = min(c.min_healthy or 1, n)
        if hits_a_target(review, down):
            expected.add((cid, "component"))
            for i in range(n):
                if hits_a_target(review, oracle(review, instances=[(cid, i)])[0]):
                    expected.add((f"{cid}#{i}", "instance"))
        else:
            assert n - 1 >= k or not hits_a_target(review, oracle(review, instances=[(cid, 0)])[0])
    for did in review.domains:
        down, degraded = oracle(review, domains=[did])
        fd = next(f for f in a.failure_domains if f["domain"] == did)
        assert (members(a, fd["down"]), members(a, fd["degraded"])) == (sorted(down), sorted(degraded))
        assert (fd["down_count"], fd["degraded_count"]) == (len(down), len(degraded))
        if hits_a_target(review, down):
            expected.add((did, "domain"))
    assert _spof_keys(a) == expected
    assert set(a.summary["user_facing"]) == uf
    for entry in a.spofs:
        if entry["element_type"] == "domain":
            down, degraded = oracle(review, domains=[entry["element"]])
        else:
            down, degraded = oracle(review, components=[entry.get("component", entry["element"])])
        s = a.spof_facts(entry)  # an instance's entry refers to its component's
        assert (s["down_count"], s["degraded_count"]) == (len(down), len(degraded))
        ud, ug = user_facing_hit(review, uf, down, degraded)
        assert s["user_facing_down"] == tuple(sorted(ud)[:USER_FACING_LISTED])
        assert s["user_facing_degraded"] == tuple(sorted(ug)[:USER_FACING_LISTED])
        assert (s["user_facing_down_count"], s["user_facing_degraded_count"]) == (len(ud), len(ug))
        jd, jg = journeys_hit(review, down, degraded)
        assert (set(s["journeys"]), set(s["journeys_degraded"])) == (jd, jg)
        # the chain starts at the failed element, ends on something user-facing, and every step is down
        # but a redundancy group the failure takes down and the user-facing member served through it,
        # its last two steps then (docs/analysis.md, "Chain"; tests/test_review_s25.py checks chains whole)
        chain = s["chain"]
        assert chain[0] == entry.get("component", entry["element"])
        assert chain[-1] in targets
        steps = list(chain[1:])
        if len(steps) >= 2 and steps[-2] in review.groups:
            assert steps[-1] in ud and steps[-1] in review.groups[steps[-2]].members
            steps = steps[:-2]
        assert all(step in down for step in steps)
        assert s["chain_length"] == len(chain) or (len(chain) == CHAIN_HEAD + CHAIN_TAIL < s["chain_length"])


def test_a_long_chain_is_written_as_its_ends_with_its_length():
    r = Review()
    n = 60
    for i in range(n):
        r.add(Component(id=f"s{i:02d}", user_facing=i == 0))
    for i in range(n - 1):
        r.add(Dependency(f"s{i:02d}", f"s{i + 1:02d}"))
    r.add(Dependency(f"s{n - 1:02d}", "s30"))  # a cycle s30 .. s59 at the bottom
    a = analyze(r)
    full = [f"s{i:02d}" for i in range(45, 29, -1)] + [f"s{i:02d}" for i in range(29, -1, -1)]
    s45 = next(s for s in a.spofs if s["element"] == "s45")
    assert s45["chain_length"] == len(full) == 46
    assert s45["chain"] == tuple(full[:CHAIN_HEAD] + full[-CHAIN_TAIL:])
    inst = next(s for s in a.spofs if s["element"] == "s45#0")
    assert a.spof_facts(inst) is s45  # the instance's failure is its component's, chain included
    short = next(s for s in a.spofs if s["element"] == "s05")
    assert short["chain"] == ("s05", "s04", "s03", "s02", "s01", "s00") and short["chain_length"] == 6


def test_redundancy_group_and_fallback_protect_against_component_failure():
    r = shop()
    r.add(Component(id="db2", kind="datastore", replicas=1, placement=["zone-b"]))
    r.add(RedundancyGroup(id="dbs", members=["db", "db2"], min_up=1))
    del r.dependencies["api->db"]
    r.add(Dependency("api", "dbs", timeout_ms=200))
    keys = _spof_keys(analyze(r))
    assert ("db", "component") not in keys and ("zone-a", "domain") not in keys
    r2 = shop()
    r2.dependencies["api->db"].fallback = "serve the last known answer"
    keys = _spof_keys(analyze(r2))
    assert ("db", "component") not in keys
    assert ("api", "component") in keys


def test_common_cause_findings():
    r = shop()
    # replicas all in one zone
    r.components["api"].placement = ["zone-a"]
    # a 3-node quorum store with 2 of its 3 nodes in zone-a: losing zone-a leaves 1 < 2
    r.add(Component(id="quorum", kind="datastore", replicas=3, min_healthy=2, placement=["zone-a", "zone-b"]))
    r.add(Dependency("api", "quorum", timeout_ms=100))
    # a redundancy group whose members share a hard dependency
    for cid in ("p", "s", "net"):
        r.add(Component(id=cid, placement=["zone-b"] if cid != "p" else ["zone-a"]))
    r.add(RedundancyGroup(id="pair", members=["p", "s"], min_up=1))
    r.add(Dependency("p", "net"))
    r.add(Dependency("s", "net"))
    r.add(Dependency("web", "pair", timeout_ms=100))
    a = analyze(r)
    by_id = {f["id"]: f for f in a.common_cause}
    assert by_id["common-cause:replicas:api"]["domain"] == "zone-a"
    assert "common-cause:placement:quorum" in by_id
    assert by_id["common-cause:placement:quorum"]["domains"] == ("zone-a",)
    grp = by_id["common-cause:group:pair"]
    assert grp["shared_dependencies"] == ("net",)
    risk = a.risk("common-cause:group:pair")
    assert risk is not None and "net" in risk["mitigation"]


def test_cascading_findings():
    r = Review()
    chain = [f"s{i}" for i in range(6)]
    for cid in chain:
        r.add(Component(id=cid))
    r.components["s0"].user_facing = True
    for a_, b_ in zip(chain, chain[1:]):
        r.add(Dependency(a_, b_, retries=3, backoff=False, timeout_ms=100))
    r.add(Component(id="store", kind="datastore"))
    for i in range(5):
        r.add(Component(id=f"u{i}"))
        r.add(Dependency(f"u{i}", "store"))  # no timeout, no breaker
    a = analyze(r)
    by_id = {f["id"]: f for f in a.cascading}
    assert by_id["cascade:chain:s0"]["depth"] == 6
    assert by_id["cascade:chain:s0"]["path"] == tuple(chain)
    amp = by_id["cascade:retries:s0"]
    assert amp["amplification"] == 4 ** 5  # attempts multiply per hop
    assert amp["path"] == tuple(chain)
    assert by_id["cascade:no-timeout:u0"]["targets"] == ("store",)
    assert by_id["cascade:fan-in:store"]["dependents"] == tuple(f"u{i}" for i in range(5))
    risk = a.risk("cascade:retries:s0")
    assert "backoff" in risk["mitigation"] and "s0 -> s1" in risk["mitigation"]


def test_risk_register_scores_and_ranks():
    a = analyze(shop())
    assert [r["rank"] for r in a.risks] == list(range(1, len(a.risks) + 1))
    ids = [r["id"] for r in a.risks]
    assert len(ids) == len(set(ids))
    for r in a.risks:
        assert 1 <= r["likelihood"] <= 5 and 1 <= r["impact"] <= 5
        assert r["score"] == r["likelihood"] * r["impact"]
        assert r["severity"] == severity(r["score"])
        assert r["mitigation"] and r["inputs"]
        assert r["components"] == sorted(r["components"])
    keys = [(not r["launch_blocking"], -r["score"]) for r in a.risks]
    assert keys == sorted(keys)
    inst = a.risk("spof:instance:db")  # one root cause: the instance SPOF is folded into db's risk
    assert inst is a.risk("spof:component:db") and "spof:instance:db" in inst["aliases"]
    assert inst["launch_blocking"] is True  # a critical journey goes down
    assert "standby of db in zone-b" in inst["mitigation"]
    assert any("critical journey" in i for i in inst["inputs"])
    assert severity(25) == "critical" and severity(12) == "high" and severity(6) == "medium" and severity(4) == "low"


def test_overrides_acceptance_mitigation_and_manual_risks():
    r = shop()
    r.add(Risk(id="spof:instance:db", origin="computed", override_likelihood=1, override_impact=2,
               override_reason="db is managed with automatic failover", owner="dba"))
    r.add(Risk(id="cascade:no-timeout:x", origin="computed"))  # (no such finding: stale)
    r.add(Risk(id="spof:component:web", origin="computed",
               acceptance=Acceptance(by="cto", at="2026-01-01", reason="known", until="2099-01-01")))
    r.add(Risk(id="spof:domain:zone-a", origin="computed",
               acceptance=Acceptance(by="cto", at="2020-01-01", reason="old", until="2021-01-01")))
    r.add(Risk(id="spof:component:api", origin="computed", owner="team"))
    r.add(Mitigation(id="m1", title="second api deployment", owner="team", due="2026-03-01", status="done",
                     risks=["spof:component:api"]))
    r.add(Risk(id="gone", origin="computed", owner="x"))
    r.add(Risk(id="vendor-lockin", origin="manual", title="Single vendor", likelihood=2, impact=3,
               components=["db"], launch_blocking=False))
    a = analyze(r, today="2026-06-01")
    inst = a.risk("spof:instance:db")  # the decision under the folded id applies to the root
    assert (inst["likelihood"], inst["impact"], inst["score"]) == (1, 2, 2)
    assert inst["override"]["reason"] == "db is managed with automatic failover"
    assert inst["override"]["computed_likelihood"] == inst["computed_likelihood"] != 1
    assert inst["owner"] == "dba" and inst["owner_source"] == "reviewer"
    acc = a.risk("spof:component:web")
    assert acc["status"] == "accepted" and acc["launch_blocking"] is False and acc["blocking_rule"] is True
    old = a.risk("spof:domain:zone-a")
    assert old["acceptance_expired"] is True and old["launch_blocking"] is True
    assert a.risk("spof:component:api")["status"] == "mitigated"
    # marked done, but the analysis still finds it: the claim does not clear the blocker (session 32)
    assert a.risk("spof:component:api")["launch_blocking"] is a.risk("spof:component:api")["blocking_rule"]
    assert a.risk("vendor-lockin")["launch_blocking"] is False
    manual = a.risk("vendor-lockin")
    assert manual["origin"] == "manual" and manual["score"] == 6 and manual["category"] == "manual"
    assert [d["id"] for d in a.stale_decisions] == ["cascade:no-timeout:x", "gone"]
    assert "spof:domain:zone-a" in a.verdict["launch_blockers"]
    assert "spof:component:web" not in a.verdict["launch_blockers"]


def test_verdict_rules():
    # a redundant system with nothing user-facing at risk: ready (judged on a fixed day: the
    # mitigation's due date below must lie ahead)
    r = Review()
    for z in ("a", "b"):
        r.add(FailureDomain(id=f"z{z}", kind="zone"))
    r.add(Component(id="web", user_facing=True, replicas=2, placement=["za", "zb"], availability=99.95, slo=99.9))
    r.add(Component(id="web2", user_facing=False, replicas=2, placement=["za", "zb"], availability=99.99))
    a = analyze(r, checklist=None, today="2026-01-15")
    # web itself is a component SPOF (its own failure takes it down) on tier 2 without journeys: not
    # blocking, but an open high risk without an owner and a due date: not ready, saying so
    assert a.verdict["verdict"] == "not-ready"
    assert a.verdict["open_high_without_plan"] == ["spof:component:web"]
    r.add(Mitigation(id="m", title="second deployment", owner="web-team", due="2026-02-01",
                     risks=["spof:component:web"]))
    assert analyze(r, checklist=None, today="2026-01-15").verdict["verdict"] == "ready-with-conditions"
    r.add(Risk(id="spof:component:web", origin="computed",
               acceptance=Acceptance(by="lead", at="2026-01-01", reason="stateless, rolled back in minutes")))
    assert analyze(r, checklist=None, today="2026-01-15").verdict["verdict"] == "ready"
    # a critical journey on a single replica: not ready
    r.add(Component(id="db", replicas=1, placement=["za"]))
    r.add(Dependency("web", "db", timeout_ms=100))
    r.add(Journey(id="j", entry=["web"], critical=True))
    a = analyze(r, checklist=None, today="2026-01-15")
    assert a.verdict["verdict"] == "not-ready"
    assert "spof:component:db" in a.verdict["launch_blockers"]


def test_slo_not_attainable_is_a_launch_blocker():
    r = shop()
    r.components["db"].availability = 99.0
    a = analyze(r)
    av = {x["target"]: x for x in a.availability}
    assert av["checkout"]["attainable"] is False
    assert av["checkout"]["top_consumers"][0]["element"] == "db"
    risk = a.risk("slo:journey:checkout")
    assert risk["launch_blocking"] and "db" in risk["mitigation"]


def test_checklist_blockers_count_when_the_checklist_figures_are_given(monkeypatch):
    class Item:
        key = "dr.restore-tested@db"
        question = "Restore tested?"

    class Result:
        blocking_items = [Item()]
        unanswered_blockers = 2
        overall_score = 40.0

    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2, slo=99.9))
    r.add(Risk(id="spof:component:web", origin="computed",
               acceptance=Acceptance(by="lead", at="2026-01-01", reason="ok")))
    a = analyze(r, checklist=checklist_figures(Result()))
    assert a.checklist == {"blockers": 1, "blocking_items": ["dr.restore-tested@db: Restore tested?"],
                           "unanswered_blockers": 2, "overall_score": 40.0}
    assert a.verdict["verdict"] == "not-ready"
    assert "dr.restore-tested@db (Restore tested?)" in " ".join(a.verdict["reasons"])

    # without figures the checklist is not counted, and the document says so
    a = analyze(r)
    assert a.verdict["verdict"] == "ready"
    assert a.checklist is None and any(x["id"] == "checklist-not-counted" for x in a.assumptions)

    # assess() evaluates the checklist; a broken one does not stop the analysis
    import importlib

    from prr_app.review import assess as assess_mod

    evaluate_mod = importlib.import_module("prr_app.checklist.evaluate")

    assert assess_mod.assess(r).checklist["blockers"] == 0

    def broken(review):
        raise RuntimeError("template missing")

    monkeypatch.setattr(evaluate_mod, "summarize", broken)
    a = assess_mod.assess(r)
    assert a.verdict["verdict"] == "ready"
    assert a.checklist["error"] == "RuntimeError: template missing"
    assert any(x["id"] == "checklist-unavailable" for x in a.assumptions)


def test_assumptions_name_what_to_fill_in():
    r = Review()
    r.add(Component(id="a"))
    r.add(Component(id="b", replicas=2, availability=99.9))
    r.add(Dependency("a", "b"))
    a = analyze(r)
    by_id = {x["id"]: x for x in a.assumptions}
    assert by_id["replicas-default"]["elements"] == ("a",)
    assert by_id["availability-default"]["elements"] == ("a",)
    assert by_id["placement-default"]["elements"] == ("a", "b")
    assert by_id["entry-points-default"]["elements"] == ("a",)
    assert a.summary["user_facing"] == ["a"]


def test_unmarked_entry_points_are_the_sources_of_the_graph_not_lone_components():
    # an imported system: a load generator and the proxy call each other, nothing else calls
    # either; a datastore nothing was seen to use; nobody marked anything user-facing
    r = Review()
    for cid in ("loadgen", "proxy", "frontend", "db", "orphan-store"):
        r.add(Component(id=cid))
    r.add(Dependency("loadgen", "proxy"))
    r.add(Dependency("proxy", "loadgen"))
    r.add(Dependency("proxy", "frontend"))
    r.add(Dependency("frontend", "db"))
    a = analyze(r)
    assert a.summary["user_facing"] == ["loadgen", "proxy"]
    by_id = {x["id"]: x for x in a.assumptions}
    assert by_id["entry-points-default"]["elements"] == ("loadgen", "proxy")
    assert "db" in {s["element"] for s in a.spofs}  # takes the proxy down through the frontend
    assert "orphan-store" not in {s["element"] for s in a.spofs}


def test_a_tagged_load_generator_is_never_an_entry_point_what_only_it_calls_is():
    """A CSV of Online Boutique's calls: the load generator calls the frontend and nothing calls it. Taken
    for the entry, it was the first launch blocker ("loadgenerator is a single point of failure", "no
    SLO for loadgenerator") and the frontend was no entry. Tagged load-generator (as the importers tag
    Locust, k6, JMeter...), it is left out, and what only it calls becomes the entry; in a cycle with
    the proxy that serves its page, the proxy is."""
    r = Review()
    r.add(Component(id="loadgenerator", tags=["load-generator"]))
    for cid in ("frontend", "cart", "worker"):
        r.add(Component(id=cid))
    r.add(Dependency("loadgenerator", "frontend"))
    r.add(Dependency("frontend", "cart"))
    r.add(Dependency("worker", "cart"))
    a = analyze(r)
    assert a.summary["user_facing"] == ["frontend", "worker"]
    assert "loadgenerator" not in {s["element"] for s in a.spofs}
    r.add(Dependency("frontend", "loadgenerator", "soft"))  # the proxy serves the load generator's page
    assert analyze(r).summary["user_facing"] == ["frontend", "worker"]
    r.components["loadgenerator"].tags = []  # untagged: the plain rule
    assert analyze(r).summary["user_facing"] == ["frontend", "loadgenerator", "worker"]


def test_with_nothing_but_lone_components_every_one_is_an_entry_point():
    r = Review()
    r.add(Component(id="a"))
    r.add(Component(id="b"))
    assert analyze(r).summary["user_facing"] == ["a", "b"]


def test_analysis_does_not_modify_the_review(platform_review):
    before = copy.deepcopy(platform_review)
    analyze(platform_review, detail=True)
    assert platform_review == before


def test_deterministic_for_a_seed(platform_review):
    assert analyze(platform_review, seed=3).to_dict() == analyze(platform_review, seed=3).to_dict()


def test_empty_review():
    a = analyze(Review(), checklist=None)
    assert a.spofs == [] and a.risks == [] and a.verdict["verdict"] == "ready"
    # with the checklist, its unanswered blocker items keep an empty review from reading as ready
    a = analyze(Review())
    if a.checklist and a.checklist.get("unanswered_blockers"):
        assert a.verdict["verdict"] == "not-ready"


@pytest.mark.skipif(not (REALDATA / "online-boutique" / "derived-edges.csv").exists(), reason="no real data")
def test_online_boutique_redis_cart_is_a_spof():
    from prr_app.importers.registry import import_paths

    review = import_paths([REALDATA / "online-boutique" / "derived-edges.csv"], "csv").review
    a = analyze(review, detail=True)
    spof = next(s for s in a.spofs if s["element"] == "redis-cart" and s["element_type"] == "component")
    assert {"cartservice", "checkoutservice", "frontend"} <= set(members(a, a.blast_radius["redis-cart"]["down"]))
    # the load generator is tagged so and is no entry: the chain ends at the frontend, where users come in
    assert spof["chain"] == ("redis-cart", "cartservice", "frontend")
    assert a.summary["user_facing"] == ["frontend"]
    assert ("redis-cart#0", "instance") in _spof_keys(a)
    assert a.risk("spof:instance:redis-cart")["mitigation"].startswith("First add a standby of redis-cart")


def test_the_result_is_plain_data_freed_at_once(platform_review):
    """The result is plain JSON-able data, freed by reference counting as soon as it is dropped
    (the live editor re-analyses on every edit)."""
    import json
    import weakref

    a = analyze(platform_review, detail=True)
    assert json.loads(json.dumps(a.to_dict())) == a.to_dict()
    gone = weakref.ref(a)
    del a
    assert gone() is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 90), st.lists(st.tuples(st.integers(0, 89), st.integers(0, 89)), max_size=80),
       st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_deep_chain_findings_from_shared_rests_equal_the_plain_walk(n, extra, seed, entries):
    """The deep synchronous chains' paths are made from what the paths passing a component share
    (their length and last steps): the same findings as walking each path whole (the plain path),
    on long spines with cycles and many entries leading into them."""
    import random

    from prr_app.analysis.compiled import compile_review
    from prr_app.analysis.findings import cascading

    rng = random.Random(seed)
    r = Review()
    for i in range(n):
        r.add(Component(id=f"s{i:02d}"))
    for i in range(1, n):  # a long spine
        r.add(Dependency(f"s{rng.randrange(max(0, i - 3), i):02d}", f"s{i:02d}"))
    for a, b in extra:  # more calls, back edges making cycles
        if a < n and b < n and a != b:
            r.add(Dependency(f"s{a:02d}", f"s{b:02d}"))
    g = compile_review(r)
    starts = sorted(rng.sample(range(n), min(n, entries)))
    shared = cascading(g, starts)
    assert shared == cascading(g, starts, shared_rests=False)
    for f in shared:
        if f["type"] == "deep-synchronous-chain":
            assert f["path"][0] == f["components"][0]
            assert f["path_length"] >= len(f["path"])


@given(st.integers(30, 90), st.lists(st.tuples(st.integers(0, 89), st.integers(0, 89)), max_size=60),
       st.integers(0, 2**32 - 1))
def test_remembered_chains_equal_the_plain_walk(n, extra, seed):
    """The chains to one target share their steps: what is remembered gives the same chains as
    walking each one step by step (the plain path, the oracle here), head, tail and length."""
    import random

    from prr_app.analysis.blast import BlastRadius
    from prr_app.analysis.chains import CHAIN_HEAD, CHAIN_TAIL, Chains
    from prr_app.analysis.compiled import compile_review

    rng = random.Random(seed)
    r = Review()
    for i in range(n):
        r.add(Component(id=f"s{i:02d}", user_facing=i == 0))
    for i in range(1, n):  # every component is needed by one above it: a long spine
        r.add(Dependency(f"s{rng.randrange(max(0, i - 3), i):02d}", f"s{i:02d}"))
    for a, b in extra:  # more calls, back edges making cycles
        if a < n and b < n and a != b:
            r.add(Dependency(f"s{a:02d}", f"s{b:02d}"))
    g = compile_review(r)
    br = BlastRadius(g)
    chains = Chains(g, br)
    plain = Chains(g, br)
    t = 0
    for c in rng.sample(range(n), min(n, 25)):
        sc = br.component(c)
        if not (sc.down >> t) & 1:
            continue
        anc, scc = br.anc_h, br.scc_h

        def reach(u):
            return bool((anc[scc[u]] >> t) & 1)

        full = [c]
        while full[-1] != t:
            full.append(plain._step(full[-1], t, reach))
        listed, length = chains.ids(sc, {c}, t)
        ids = [g.ids[i] for i in full]
        assert length == len(full)
        if length <= CHAIN_HEAD + CHAIN_TAIL:
            assert listed == tuple(ids)
        else:
            assert listed == tuple(ids[:CHAIN_HEAD] + ids[-CHAIN_TAIL:])


@SETTINGS
@given(reviews(), st.data())
def test_the_registers_impact_follows_what_each_failure_takes_down(review, data):
    """The register reads each failure's summary (the failure's bitsets are let go before it is built):
    a component SPOF's impact is 5 with a critical journey down, else 5 naming the user-facing
    components judged as tier 1 it takes down (an unknown tier counts as tier 1), as the oracle says."""
    review.meta.tier = data.draw(st.sampled_from([None, 1, 2]))
    for c in review.components.values():
        c.tier = data.draw(st.sampled_from([None, 1, 2, 3]))
    a = analyze(review, checklist=None)
    uf = default_user_facing(review)
    critical = {jid for jid, j in review.journeys.items() if j.critical}
    for entry in a.spofs:
        if entry["element_type"] != "component":
            continue
        cid = entry["element"]
        down, degraded = oracle(review, components=[cid])
        ud, _ug = user_facing_hit(review, uf, down, degraded)
        crit = journeys_hit(review, down, degraded)[0] & critical
        t1 = sorted(x for x in ud if review.blocking_tier(review.components[x]) == 1)
        risk = a.risk(entry["risk_id"])
        lines = [x for x in risk["inputs"] if x.startswith("impact 5: ")]
        if crit:
            assert lines[0].startswith("impact 5: critical journey down ("), (cid, lines)
        elif t1:
            line = lines[0]
            # entry points taken where nothing is marked user-facing: worded so when all those hit are
            guessed = not any(review.components[x].user_facing for x in t1)
            assert line.startswith("impact 5: entry point down, guessed as tier-1 user-facing (" if guessed
                                   else "impact 5: tier-1 user-facing component down ("), (cid, lines)
            assert ", ".join(t1[:5]) in line and (len(t1) <= 5 or f"and {len(t1) - 5} more" in line)
        else:
            assert not any("tier-1 user-facing" in x for x in lines), (cid, lines)


@SETTINGS
@given(reviews(max_components=8), st.booleans())
def test_the_one_pass_user_facing_hits_and_chains_equal_the_bitset_ones(review, without_journeys):
    """Without journeys or user-facing groups, the first user-facing components a failure takes
    down, its chain's target and the chain's steps are read from one pass over the condensation
    (compiled.first_ancestors, Chains(lowest=)) instead of from bitsets: the plain bitset path,
    forced, is its oracle."""
    from prr_app.analysis import engine

    if without_journeys:
        review.journeys.clear()
    fast = analyze(review, today="2026-01-01")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.Context, "first_user_facing", lambda self, sc: None)
        plain = analyze(review, today="2026-01-01")
    assert fast.spofs == plain.spofs
    assert fast.blast_radius == plain.blast_radius


def test_the_verdict_names_the_slos_a_spof_blocks_through_not_the_spof_alone():
    """A policy that does not require surviving a component failure: db's SPOF blocks only through the
    SLOs folded into it (db never failing would make both attainable). The verdict said "1 SLO is not
    attainable by design: db is a single point of failure"; it names the SLOs, and the fix they share."""
    from prr_app.model.entities import Journey, ResiliencePolicy

    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2, availability=99.99, slo=99.9, owner="a"))
    r.add(Component(id="db", kind="datastore", availability=99.5, owner="b"))
    r.add(Dependency("web", "db"))
    r.add(Journey(id="buy", entry=["web"], slo=99.9, critical=True))
    r.policy = ResiliencePolicy(survive=["zone"])
    a = analyze(r)
    cause = next(c for c in a.verdict["causes"] if "not attainable" in c)
    assert cause.startswith("2 SLOs are not attainable by design: SLO of journey buy (99.9 %)")
    assert "SLO of web (99.9 %) is not attainable by design (one fix with: db is a single point of failure" in cause


def test_a_zone_spof_says_how_many_instances_to_add_outside_the_zone():
    """payments runs 4 instances over zones a, b, c, a and needs 3: zone a takes 2. The advice was
    "Spread payments across a and zone b", which, followed, made zone b a new SPOF; one more instance
    in b is what lets it lose any one zone. A single database gets a standby."""
    from prr_app.model.entities import FailureDomain
    from prr_app.analysis import simulate

    r = Review()
    r.add(FailureDomain(id="eu", kind="region"))
    for z in "abc":
        r.add(FailureDomain(id=z, kind="zone", parent="eu"))
    r.add(Component(id="api", user_facing=True, replicas=3, placement=["a", "b", "c"]))
    r.add(Component(id="payments", replicas=4, min_healthy=3, placement=["a", "b", "c", "a"]))
    r.add(Component(id="db", kind="datastore", placement=["a"]))
    r.add(Dependency("api", "payments"))
    r.add(Dependency("payments", "db"))
    a = analyze(r)
    mit = a.risk("spof:domain:a")["mitigation"]
    assert mit == ("Add a standby of db in zone b with automatic failover; 1 more instance of payments in zone b "
                   "(it loses 2 of its 4 with a and needs 3), so that losing zone a leaves each enough healthy instances")
    # the advice for payments, followed, lets it lose any one zone (db apart)
    del r.dependencies["payments->db"]
    r.components["payments"].replicas = 5
    r.components["payments"].placement = ["a", "b", "c", "a", "b"]
    assert not {"payments"} & simulate(r, domains=["a"]).down and not {"payments"} & simulate(r, domains=["b"]).down


def test_a_deep_chain_counts_the_calls_its_path_shows():
    """web -> api -> orders -> inventory -> db, inventory and pricing calling each other: the finding said
    "a chain of 6 synchronous hard calls" beside a path of 4 calls; the 6 counted components, pricing
    (not on the path) among them."""
    r = Review()
    for c in ("web", "api", "orders", "inventory", "pricing", "db"):
        r.add(Component(id=c, user_facing=c == "web"))
    for s, t in (("web", "api"), ("api", "orders"), ("orders", "inventory"), ("inventory", "db"),
                 ("inventory", "pricing"), ("pricing", "inventory")):
        r.add(Dependency(s, t))
    f = next(x for x in analyze(r).cascading if x["type"] == "deep-synchronous-chain")
    assert f["path"] == ("web", "api", "orders", "inventory", "db") and f["depth"] == 6
    assert f["detail"].startswith("web waits on a chain of 4 synchronous hard calls (6 components on its way, "
                                  "counting every member of the cycles of hard calls it passes through)")


def test_an_availability_written_as_a_fraction_is_named():
    """"availability": 0.9995 validates (a percentage above 0) and made a journey 0.99 % available,
    without a word. The assumptions name it."""
    r = Review()
    r.add(Component(id="web", user_facing=True, availability=0.9995, slo=99.9))
    r.add(Component(id="db", availability=99.95))
    r.add(Dependency("web", "db"))
    by_id = {x["id"]: x for x in analyze(r).assumptions}
    assert by_id["availability-fraction"]["elements"] == ("web",)
    assert "0.9995 is 0.9995 %, not 99.95 %" in by_id["availability-fraction"]["text"]


def test_software_on_users_devices_has_no_instance_spof():
    """A mobile app (tag client, no replica count): one phone failing is one user's problem, not an
    instance SPOF of the system; a bad release of the app is still everyone's (its component SPOF)."""
    r = Review()
    r.add(Component(id="mobile-app", user_facing=True, tags=["client"]))
    r.add(Component(id="api", replicas=3))
    r.add(Dependency("mobile-app", "api"))
    a = analyze(r, checklist=None)
    keys = {(s["element"], s["element_type"]) for s in a.spofs}
    assert ("mobile-app", "component") in keys and ("mobile-app", "instance") not in keys
    risk = a.risk("spof:component:mobile-app")  # a bad release: released in stages, not a second deployment
    assert risk["effort"]["kind"] == "staged-rollout" and "release it in stages" in risk["mitigation"]
    client = next(x for x in a.assumptions if x["id"] == "client-instances")
    assert client["elements"] == ("mobile-app",)
    assert not any(x["id"] == "replicas-default" and "mobile-app" in x["elements"] for x in a.assumptions)
