"""Session 25: small reviews an SRE tester worked out by hand, against the register and the verdict
(docs/analysis.md, sections 7 and 8): a redundancy group's common cause that is already a SPOF,
the policy's RPO, ``recovery: none`` against the RTO, a SPOF entry's own figures, the verdict's
sentences, and the SPOF count of ``prr analyze``."""
from __future__ import annotations

import copy

from prr_app.analysis import analyze
from prr_app.cli.analyze_commands import summary_lines
from prr_app.interchange.json_io import review_from_dict

TODAY = "2026-12-01"


def _c(cid: str, **kw) -> dict:
    return {"id": cid, "name": cid, "kind": kw.pop("kind", "service"), "owner": "team", **kw}


def _dep(s: str, t: str, kind: str = "hard", **kw) -> dict:
    return {"source": s, "target": t, "kind": kind, "timeout_ms": 500, "circuit_breaker": True, **kw}


def _review(components, dependencies=(), groups=(), domains=(), journeys=(), policy=None, risks=()):
    doc = {
        "format": "prr-review", "version": 1,
        "review": {"system_name": "s25", "reviewers": ["me"], "review_date": TODAY, "milestone": "m",
                   "target_launch": "2027-01-15", "tier": 1, "checklist_template": "prr-default",
                   "checklist_version": "2.0"},
        "components": list(components), "dependencies": list(dependencies), "redundancy_groups": list(groups),
        "failure_domains": list(domains), "journeys": list(journeys), "checklist": {"answers": []},
        "risks": list(risks), "mitigations": [], "layout": [], "imports": [],
    }
    if policy is not None:
        doc["resilience_policy"] = policy
    return review_from_dict(copy.deepcopy(doc))


def _analyze(review):
    return analyze(review, today=TODAY)


def _ids(a) -> set[str]:
    return {r["id"] for r in a.risks}


def _risk(a, rid: str):
    return next((r for r in a.risks if r["id"] == rid), None)


REGION = [{"id": "r1", "kind": "region"}, {"id": "za", "kind": "zone", "parent": "r1"},
          {"id": "zb", "kind": "zone", "parent": "r1"}]


# -- 1. a redundancy group's common cause that is already a SPOF -----------------------------------
def _d9(region_availability=99.95):
    """D9: groups edge and dbg each split across zones za/zb of region r1; no policy (the default:
    region failures are reported, not required)."""
    domains = copy.deepcopy(REGION)
    domains[0]["availability"] = region_availability
    return _review(
        [_c("web1", user_facing=True, tier=1, replicas=2, placement=["za", "zb"], availability=99.95, slo=99.0),
         _c("web2", user_facing=True, tier=1, replicas=2, placement=["za", "zb"], availability=99.95, slo=99.0),
         _c("db1", kind="datastore", replicas=1, placement=["za"], availability=99.9, recovery="automatic",
            failover_minutes=1, rto_minutes=5, rpo_minutes=1, backup_interval_minutes=1),
         _c("db2", kind="datastore", replicas=1, placement=["zb"], availability=99.9, recovery="automatic",
            failover_minutes=1, rto_minutes=5, rpo_minutes=1, backup_interval_minutes=1)],
        [_dep("web1", "dbg"), _dep("web2", "dbg")],
        [{"id": "edge", "name": "edge", "members": ["web1", "web2"], "min_up": 1},
         {"id": "dbg", "name": "dbg", "members": ["db1", "db2"], "min_up": 1}],
        domains,
        [{"id": "buy", "name": "buy", "entry": ["edge"], "slo": 99.0, "critical": True}],
    )


def test_a_group_split_across_zones_of_one_region_is_the_regions_spof_and_does_not_block():
    a = _analyze(_d9())
    assert a.verdict["verdict"] == "ready"
    # the region risk is named, as a risk the policy does not require surviving
    assert "region r1 is a single point of failure" in a.verdict["causes"][-1]
    assert not {"common-cause:group:edge", "common-cause:group:dbg"} & _ids(a)
    region = a.risk("common-cause:group:edge")
    assert region["id"] == "spof:domain:r1" and a.risk("common-cause:group:dbg") is region
    assert region["policy_required"] is False and region["disruptions"] == ["region"]
    assert {"common-cause:group:edge", "common-cause:group:dbg"} <= set(region["aliases"])
    # the group's own advice is kept with the risk it folded into
    assert "place the members of edge in different regions" in region["mitigation"]


def _z():
    """Z: group edge of web1 and web2, both in zone za of region r1: za (2x5) and r1 (1x5) each take
    it down, and each is a SPOF."""
    return _review(
        [_c("web1", user_facing=True, tier=1, replicas=2, placement=["za"], availability=99.95, slo=99.0),
         _c("web2", user_facing=True, tier=1, replicas=2, placement=["za"], availability=99.95, slo=99.0)],
        [], [{"id": "edge", "name": "edge", "members": ["web1", "web2"], "min_up": 1}], REGION,
        [{"id": "buy", "name": "buy", "entry": ["edge"], "slo": 99.0, "critical": True}],
    )


def test_a_group_finding_goes_with_its_worst_cause_not_the_first_with_the_worst_impact():
    a = _analyze(_z())
    r = a.risk("common-cause:group:edge")
    assert r["id"] == "spof:domain:za" and (r["likelihood"], r["impact"], r["score"]) == (2, 5, 10)
    assert any("folded into spof:domain:za" in x for x in a.risk("spof:domain:r1")["inputs"])


def _soft_group(placement_a, placement_b):
    """Group g (a, b) that web reaches only by a soft call: a domain that takes g down degrades web,
    so it is no SPOF, and the group's finding stands on it."""
    return _review(
        [_c("web", user_facing=True, tier=1, replicas=2, availability=99.99, slo=99.0),
         _c("a", replicas=1, placement=placement_a), _c("b", replicas=1, placement=placement_b)],
        [_dep("web", "g", kind="soft", fallback="cached")],
        [{"id": "g", "name": "g", "members": ["a", "b"], "min_up": 1}], REGION,
        [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.0, "critical": True}],
    )


def test_a_standing_group_finding_carries_its_disruption_and_what_the_policy_requires():
    zone = _analyze(_soft_group(["za"], ["za"]))  # zone za and region r1 hold both
    r = _risk(zone, "common-cause:group:g")
    assert r is not None and "spof:domain:za" not in _ids(zone)
    assert r["disruptions"] == ["region", "zone"] and r["policy_required"] is True
    # judged on the zone the policy requires surviving (2x3: a zone failure degrades web), not the region
    assert (r["likelihood"], r["impact"]) == (2, 3)
    region = _analyze(_soft_group(["za"], ["zb"]))  # only the region holds both
    r = _risk(region, "common-cause:group:g")
    assert r is not None and r["disruptions"] == ["region"] and r["policy_required"] is False


# -- 2, 3. the policy's RPO; recovery "none" against the RTO --------------------------------------
def _db_review(policy, **db):
    return _review(
        [_c("web", user_facing=True, tier=1, replicas=2, placement=["za", "zb"], availability=99.99, slo=99.9),
         _c("db", kind="datastore", replicas=1, placement=["za"], availability=99.99, **db)],
        [_dep("web", "db")], [], REGION,
        [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.9, "critical": True}],
        policy=policy,
    )


C_POLICY = {"survive": ["instance", "component", "zone"],
            "rto_minutes": {"component": 30, "instance": 30, "zone": 30}, "rpo_minutes": {"component": 15}}


def test_the_policys_rpo_is_judged_against_the_backups_of_a_store_with_no_standby():
    """C: policy RPO 15 min for a component failure; db states an RPO of 60 min and is backed up every
    1440 min, one instance recovered by hand: a restore loses up to 1440 min."""
    a = _analyze(_db_review(C_POLICY, recovery="manual", rto_minutes=60, rpo_minutes=60,
                            backup_interval_minutes=1440))
    r = _risk(a, "recovery:rpo:db")
    assert r is not None
    assert r["title"] == "data loss of db (up to 1440 min) exceeds the policy's RPO (component 15 min)"
    assert r["category"] == "availability" and not r["launch_blocking"] and r["policy_required"]
    assert r["disruptions"] == ["component"] and r["journeys"] == ["buy"]
    assert (r["likelihood"], r["impact"]) == (2, 5)  # a component failure of 99.99 %; buy down
    assert "its stated RPO is 60 min" in r["description"]


def test_an_rpo_within_the_policys_or_covered_by_a_standby_is_no_risk():
    ok = _analyze(_db_review(C_POLICY, recovery="manual", rto_minutes=20, rpo_minutes=10,
                             backup_interval_minutes=10))
    assert "recovery:rpo:db" not in _ids(ok)
    standby = _analyze(_db_review(C_POLICY, recovery="automatic", failover_minutes=1, rpo_minutes=1,
                                  backup_interval_minutes=1440))
    assert "recovery:rpo:db" not in _ids(standby)
    backups_only = _analyze(_db_review(C_POLICY, backup_interval_minutes=60))  # no RPO stated
    assert _risk(backups_only, "recovery:rpo:db")["title"].startswith("data loss of db (up to 60 min)")


R_POLICY = {"survive": ["instance", "component", "zone"], "rto_minutes": {"component": 30, "instance": 30}}


def test_a_stated_no_recovery_exceeds_every_rto():
    a = _analyze(_db_review(R_POLICY, recovery="none"))
    r = _risk(a, "recovery:rto:db")
    assert r is not None
    assert r["title"] == "db has no recovery mechanism: it cannot meet the policy's RTO (component 30 min)"
    assert r["disruptions"] == ["component", "instance"] and r["journeys"] == ["buy"]
    # a manual recovery that states no time is not judged (nothing to judge)
    assert "recovery:rto:db" not in _ids(_analyze(_db_review(R_POLICY, recovery="manual")))


# -- 4. a SPOF entry's own figures -----------------------------------------------------------------
def _a():
    """A: auth (99.95 %) is a component SPOF, 3x5 = 15; the journey's SLO folds into its risk (25)."""
    return _review(
        [_c("web", user_facing=True, tier=1, replicas=2, placement=["za", "zb"], shared_domains=["k8s"],
            availability=99.99, slo=99.95),
         _c("auth", replicas=2, placement=["za", "zb"], availability=99.95),
         _c("db1", kind="datastore", replicas=1, placement=["za"], availability=99.9),
         _c("db2", kind="datastore", replicas=1, placement=["zc"], availability=99.9)],
        [_dep("web", "dbg"), _dep("db1", "auth"), _dep("db2", "auth")],
        [{"id": "dbg", "name": "dbg", "members": ["db1", "db2"], "min_up": 1}],
        [{"id": "aws", "kind": "provider"}, {"id": "r1", "kind": "region", "parent": "aws"},
         {"id": "r2", "kind": "region", "parent": "aws"},
         {"id": "za", "kind": "zone", "parent": "r1", "availability": 99.9},
         {"id": "zb", "kind": "zone", "parent": "r1", "availability": 99.9},
         {"id": "zc", "kind": "zone", "parent": "r2", "availability": 99.9},
         {"id": "k8s", "kind": "cluster", "parent": "r1", "availability": 99.95}],
        [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.9, "critical": True}],
    )


def test_a_spof_entry_keeps_its_own_figures_when_an_slo_folds_into_its_risk():
    a = _analyze(_a())
    entry = next(s for s in a.spofs if s["element"] == "auth")
    risk = a.risk(entry["risk_id"])
    assert (entry["likelihood"], entry["impact"], entry["score"], entry["severity"]) == (3, 5, 15, "high")
    assert (risk["score"], risk["severity"]) == (25, "critical")  # slo:journey:buy folded into it
    assert "slo:journey:buy" in risk["aliases"]
    assert any(line.startswith("  [high    ] component auth (launch blocker):") for line in summary_lines(a))


def test_a_reviewers_override_changes_the_risk_not_the_spof_entry():
    """H3: db's SPOF overridden to 1x1 by the reviewer: the risk is low, the SPOF entry stays 4x5."""
    review = _review(
        [_c("web", user_facing=True, tier=1, replicas=2, availability=99.99, slo=99.0),
         _c("db", kind="datastore", replicas=1, availability=99.99, recovery="automatic", failover_minutes=1,
            rto_minutes=5, rpo_minutes=5, backup_interval_minutes=5)],
        [_dep("web", "db")], [], [],
        [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.0, "critical": True}],
        risks=[{"id": "spof:component:db", "origin": "computed", "override_likelihood": 1, "override_impact": 1,
                "override_reason": "meh"}],
    )
    a = _analyze(review)
    assert a.risk("spof:component:db")["severity"] == "low"
    for entry in (s for s in a.spofs if s["risk_id"] == "spof:component:db"):  # the component and its instance
        assert entry["severity"] == "high"
        if entry["element_type"] == "component":
            assert (entry["likelihood"], entry["impact"], entry["score"]) == (3, 5, 15)


# -- 5. the verdict's sentences --------------------------------------------------------------------
def test_a_blocker_accepted_until_before_launch_says_so():
    """C: db's SPOF is accepted until 2027-01-01, before the launch on 2027-01-15; za's acceptance
    expired on 2026-11-01: neither is 'unaccepted'."""
    risks = [{"id": "spof:component:db", "origin": "computed",
              "acceptance": {"by": "VP", "at": "2026-10-01", "reason": "known", "until": "2027-01-01"}},
             {"id": "spof:domain:za", "origin": "computed",
              "acceptance": {"by": "VP", "at": "2026-10-01", "reason": "known", "until": "2026-11-01"}}]
    review = _review(
        [_c("web", user_facing=True, tier=1, replicas=2, placement=["za", "zb"], availability=99.99, slo=99.9),
         _c("db", kind="datastore", replicas=1, placement=["za"], availability=99.99, recovery="manual",
            rto_minutes=60, rpo_minutes=60, backup_interval_minutes=1440)],
        [_dep("web", "db")], [], REGION,
        [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.9, "critical": True}],
        policy=C_POLICY, risks=risks,
    )
    a = _analyze(review)
    spof = next(c for c in a.verdict["causes"] if "single point" in c and "take" in c)
    assert "unaccepted" not in spof
    assert ("db is a single point of failure (instance and component failure) (accepted only until 2027-01-01, "
            "before launch on 2027-01-15)") in spof
    assert "zone za is a single point of failure (its acceptance expired on 2026-11-01)" in spof
    line = next(x for x in summary_lines(a) if "(spof:component:db)" in x)
    assert "BLOCKING [accepted only until 2027-01-01, before launch]" in line
    # its impact line says "critical journey down (buy)": so do its journeys
    rto = a.risk("recovery:rto:db")
    assert "impact 5: critical journey down (buy)" in rto["inputs"] and rto["journeys"] == ["buy"]


def test_the_missing_slo_sentence_names_only_what_the_rule_judged():
    """G: adm is tier 3 and journey admin is not critical: only web (tier 1, the review's) blocks."""
    a = _analyze(_review(
        [_c("web", user_facing=True, replicas=2, availability=99.99),
         _c("adm", user_facing=True, tier=3, replicas=2, availability=99.99),
         _c("db", kind="datastore", replicas=2, availability=99.99),
         _c("db2", kind="datastore", replicas=1, availability=99.99)],
        [_dep("web", "db"), _dep("adm", "db2")], [], [],
        [{"id": "j1", "name": "admin", "entry": ["adm"], "critical": False}],
    ))
    cause = next(c for c in a.verdict["causes"] if "has no SLO" in c)
    assert cause.endswith("has no SLO: web.")
    assert "adm" not in cause and "admin" not in cause
    assert a.risk("slo:missing")["title"] == "no SLO for adm, web, journey admin"  # the risk names them all


# -- 8. counts, chains and journeys ------------------------------------------------------------------
def test_the_spof_count_counts_components_failing_on_one_instance_and_a_domain_risk_has_its_chain():
    """B: zk needs all 3 of its instances (3 instance entries, one component)."""
    a = _analyze(_review(
        [_c("web", user_facing=True, tier=1, replicas=3, placement=["za", "zb", "zc"], availability=99.99, slo=99.9),
         _c("zk", kind="datastore", replicas=3, min_healthy=3, placement=["za", "zb", "zc"], availability=99.99)],
        [_dep("web", "zk")], [],
        REGION + [{"id": "zc", "kind": "zone", "parent": "r1"}],
        [{"id": "buy", "name": "buy", "entry": ["web"], "slo": 99.9, "critical": True}],
    ))
    assert sum(1 for s in a.spofs if s["element_type"] == "instance") == 3
    head = next(x for x in summary_lines(a) if x.startswith("SINGLE POINTS OF FAILURE"))
    assert "1 of them also fails on one instance" in head
    entry = next(s for s in a.spofs if s["element"] == "za")
    assert a.risk("spof:domain:za")["chain"] == list(entry["chain"]) == ["za", "zk", "web"]
